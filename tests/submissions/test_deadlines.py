import datetime as dt

from submissions.deadlines import BRUSSELS, registration_deadline


def test_the_deadline_is_23_59_brussels_on_the_next_working_day():
    deadline = registration_deadline(dt.date(2026, 11, 3), holidays=set())  # Tuesday
    assert deadline == dt.datetime(2026, 11, 4, 23, 59, 59, tzinfo=BRUSSELS)


def test_a_friday_observation_is_due_on_monday():
    deadline = registration_deadline(dt.date(2026, 11, 6), holidays=set())
    assert deadline.date() == dt.date(2026, 11, 9)


def test_a_holiday_is_skipped_too():
    # Thursday 24 December: Friday is Christmas, then a weekend.
    deadline = registration_deadline(dt.date(2026, 12, 24), holidays={dt.date(2026, 12, 25)})
    assert deadline.date() == dt.date(2026, 12, 28)


def test_the_seeded_holidays_are_used_when_none_are_given(db):
    # Armistice (Wednesday 11 November 2026) is a Belgian public holiday in the Holiday table.
    assert registration_deadline(dt.date(2026, 11, 10)).date() == dt.date(2026, 11, 12)
