import datetime as dt

from submissions.deadlines import BRUSSELS, earliest_on_time, is_late, registration_deadline


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


# A long bridge: Tuesday 30 Dec is a working day, then New Year (Thu 1 Jan) and a bridge day (Fri 2 Jan)
# a company might get, plus Christmas week off as holidays: Wed 24 Dec 2025 to Fri 2 Jan 2026.
BRIDGE = {dt.date(2025, 12, 24) + dt.timedelta(days=n) for n in range(10)}


def test_a_long_holiday_bridge_moves_the_deadline_past_all_of_it():
    deadline = registration_deadline(dt.date(2025, 12, 23), holidays=BRIDGE)
    assert deadline.date() == dt.date(2026, 1, 5)  # the Monday after the bridge


def test_a_long_holiday_bridge_from_the_table(db):
    from submissions.models import Holiday

    Holiday.objects.bulk_create([Holiday(date=day, name="brug") for day in BRIDGE], ignore_conflicts=True)
    assert registration_deadline(dt.date(2025, 12, 23)).date() == dt.date(2026, 1, 5)


def test_is_late_is_after_23_59_59_brussels_on_the_deadline_day():
    observed = dt.date(2026, 11, 3)  # Tuesday, due Wednesday
    assert not is_late(observed, dt.datetime(2026, 11, 4, 23, 59, 59, tzinfo=BRUSSELS), set())
    assert is_late(observed, dt.datetime(2026, 11, 5, 0, 0, tzinfo=BRUSSELS), set())
    # 22:30 UTC on the 4th is already 23:30 in Brussels (winter time): still on time
    assert not is_late(observed, dt.datetime(2026, 11, 4, 22, 30, tzinfo=dt.UTC), set())


def test_on_monday_the_earliest_on_time_date_is_the_friday_before():
    monday = dt.datetime(2026, 11, 9, 10, 0, tzinfo=BRUSSELS)
    assert earliest_on_time(monday, set()) == dt.date(2026, 11, 6)


def test_after_a_long_bridge_the_earliest_on_time_date_is_the_last_working_day_before_it():
    monday = dt.datetime(2026, 1, 5, 10, 0, tzinfo=BRUSSELS)
    assert earliest_on_time(monday, BRIDGE) == dt.date(2025, 12, 23)


def test_the_earliest_on_time_date_agrees_with_is_late_for_every_day_around_it():
    for offset in range(0, 60):
        received = dt.datetime(2025, 12, 1, 9, 0, tzinfo=BRUSSELS) + dt.timedelta(days=offset)
        earliest = earliest_on_time(received, BRIDGE)
        for back in range(1, 20):
            day = received.date() - dt.timedelta(days=back)
            assert is_late(day, received, BRIDGE) == (day < earliest), (received, day)
