import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from submissions.models import NonConformity, WasteStream


def test_all_32_waste_streams_are_loaded_with_their_dates(db):
    assert WasteStream.objects.count() == 32
    assert WasteStream.objects.get(number=25).valid_from == dt.date(2024, 7, 1)
    assert WasteStream.objects.get(number=30).valid_from == dt.date(2027, 1, 1)
    assert WasteStream.objects.get(number=1).valid_from is None


def test_streams_valid_on_a_date(db):
    numbers = list(WasteStream.objects.valid_on(dt.date(2026, 1, 1)).values_list("number", flat=True))
    assert numbers == list(range(1, 30))


def test_a_stream_is_valid_on_the_same_days_in_python_as_in_sql(db):
    # StreamCatalogue reads every stream once and asks is_valid_on per date (an upload's few hundred dates).
    WasteStream.objects.create(
        number=40, name="tijdelijk", valid_from=dt.date(2026, 3, 1), valid_until=dt.date(2026, 3, 31)
    )
    days = [
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 1),
        dt.date(2027, 1, 1),
    ]
    for day in days:
        in_sql = set(WasteStream.objects.valid_on(day))
        assert {stream for stream in WasteStream.objects.all() if stream.is_valid_on(day)} == in_sql
    assert [WasteStream.objects.get(number=40).is_valid_on(day) for day in days] == [
        False,
        True,
        True,
        False,
        False,
    ]


def test_the_database_requires_an_establishment_number_or_a_complete_address(make_record, organisation_a):
    record = make_record(organisation_a)
    record.establishment_number = ""
    record.street = "Stationsstraat"
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_the_database_keeps_own_references_unique_per_organisation(
    make_record, organisation_a, organisation_b
):
    make_record(organisation_a, own_reference="R-1")
    make_record(organisation_b, own_reference="R-1")  # another organisation may use it
    make_record(organisation_a, own_reference="")
    make_record(organisation_a, own_reference="")  # empty never clashes
    record = NonConformity.objects.filter(organisation=organisation_a, own_reference="").first()
    record.own_reference = "R-1"
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_a_record_shows_refused_explicitly(make_record, organisation_a):
    assert make_record(organisation_a, action="refused").refused is True
    assert make_record(organisation_a, action="post_sorted").refused is False
