"""Whole months, as the overview, its summary tables and the admin's period filter count them.
A month is represented by its first day."""

import datetime as dt


def month_of(day):
    return day.replace(day=1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first, last):
    """The number of months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1
