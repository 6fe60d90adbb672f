"""Reference data (waste streams, public holidays) and the database check on the holiday table."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from submissions.checks import check_holidays_cover_this_and_next_year
from submissions.models import Holiday, WasteStream
from submissions.reference import WASTE_STREAMS, extend_holidays, holiday_years

NEXT_YEAR = timezone.localdate().year + 1


def test_the_check_is_silent_at_start_up_even_with_an_empty_table(db):
    Holiday.objects.all().delete()
    assert check_holidays_cover_this_and_next_year(databases=None) == []


def test_the_check_passes_on_a_migrated_database(db):
    assert check_holidays_cover_this_and_next_year(databases=["default"]) == []


def test_the_check_reports_a_table_without_next_year(db):
    Holiday.objects.filter(date__year=NEXT_YEAR).delete()
    [warning] = check_holidays_cover_this_and_next_year(databases=["default"])
    assert warning.id == "submissions.W001"
    assert str(NEXT_YEAR) in warning.msg


def test_ready_answers_503_naming_the_gap_in_the_holiday_table(client, db):
    assert client.get("/health/ready/").status_code == 200
    Holiday.objects.filter(date__year=NEXT_YEAR).delete()
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert "submissions.W001" in response.content.decode()


def test_the_command_adds_missing_holidays_from_the_holidays_package_and_keeps_staff_edits(db):
    Holiday.objects.filter(date__year=NEXT_YEAR).delete()
    christmas = Holiday.objects.get(date=dt.date(NEXT_YEAR - 1, 12, 25))
    christmas.name = "Kerstmis (door OVAM hernoemd)"
    christmas.save()
    call_command("extend_holidays", stdout=io.StringIO())
    assert Holiday.objects.filter(date=dt.date(NEXT_YEAR, 1, 1)).exists()
    assert Holiday.objects.get(date=christmas.date).name == "Kerstmis (door OVAM hernoemd)"
    assert check_holidays_cover_this_and_next_year(databases=["default"]) == []


def test_extending_twice_adds_nothing_the_second_time(db):
    extend_holidays(holiday_years())
    assert extend_holidays(holiday_years()) == 0


@pytest.mark.django_db(transaction=True)
def test_reference_data_survives_a_flush():
    # A transactional test ends with a flush; the same signal as migrate puts the reference data back,
    # so `pytest --reuse-db` and the tests after a flush find it.
    call_command("flush", interactive=False, verbosity=0)
    assert WasteStream.objects.count() == len(WASTE_STREAMS)
    assert Holiday.objects.filter(date__year=NEXT_YEAR).exists()
