"""Lateness, the one rule: a record is late when it reached the register after 23:59 Europe/Brussels
on the next working day after the observation (weekends and the Holiday table's days skipped).

The form, the upload and the services use is_late(); the form page gives the browser
earliest_on_time() so its script never needs the holidays.
"""

import datetime as dt
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
LONGEST_BRIDGE = dt.timedelta(days=31)  # more free days in a row than Belgium ever has


def load_holidays(start, end):
    """The Holiday dates between `start` and `end`; load once for a whole upload."""
    from submissions.models import Holiday

    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def next_working_day(day, holidays):
    day += dt.timedelta(days=1)
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def registration_deadline(observed_on, holidays=None):
    if holidays is None:
        holidays = load_holidays(observed_on, observed_on + LONGEST_BRIDGE)
    return dt.datetime.combine(next_working_day(observed_on, holidays), dt.time(23, 59, 59), tzinfo=BRUSSELS)


def is_late(observed_on, received_at, holidays=None):
    """Whether a record observed on `observed_on` that reached the register at `received_at` is late."""
    return received_at > registration_deadline(observed_on, holidays)


def earliest_on_time(received_at, holidays=None):
    """The earliest observation date that is still on time for a record received at `received_at`.

    The deadline only moves forward with the date, so any later date is on time too and any earlier one
    late: the browser needs this one date, not the holidays."""
    today = received_at.astimezone(BRUSSELS).date()
    if holidays is None:
        holidays = load_holidays(today - LONGEST_BRIDGE, today)
    day = today  # due on a later day, so always on time
    while not is_late(day - dt.timedelta(days=1), received_at, holidays):
        day -= dt.timedelta(days=1)
    return day
