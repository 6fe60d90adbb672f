"""The registration deadline: 23:59 Europe/Brussels on the next working day after the observation."""

import datetime as dt
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


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
        holidays = load_holidays(observed_on, observed_on + dt.timedelta(days=31))
    return dt.datetime.combine(next_working_day(observed_on, holidays), dt.time(23, 59, 59), tzinfo=BRUSSELS)
