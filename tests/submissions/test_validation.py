import datetime as dt

import pytest
from django.utils import translation

from submissions.validation import StreamCatalogue, validate_record

TODAY = dt.date(2026, 11, 20)


def raw(**overrides):
    values = {
        "observed_on": "02/11/2026",
        "producer_name": "Bakkerij De Korenaar",
        "producer_enterprise_number": "0405.546.706",
        "establishment_number": "2.147.812.701",
        "description": "PMD in het restafval",
        "action": "refused",
        "waste_streams": "16",
    }
    values.update(overrides)
    return values


@pytest.fixture
def catalogue(db):
    return StreamCatalogue()


def test_a_complete_record_is_valid(catalogue):
    cleaned, errors = validate_record(raw(), catalogue, TODAY)
    assert errors == {}
    assert cleaned["producer_enterprise_number"] == "0405546706"
    assert cleaned["establishment_number"] == "2147812701"
    assert [s.number for s in cleaned["waste_streams"]] == [16]


def test_be_prefix_with_spaces_is_accepted(catalogue):
    cleaned, errors = validate_record(raw(producer_enterprise_number="BE 0405 546 706"), catalogue, TODAY)
    assert errors == {}
    assert cleaned["producer_enterprise_number"] == "0405546706"


def test_it_rejects_establishment_number_2_123_456_789(catalogue):
    _cleaned, errors = validate_record(raw(establishment_number="2.123.456.789"), catalogue, TODAY)
    assert list(errors) == ["establishment_number"]


def test_a_complete_address_replaces_the_establishment_number(catalogue):
    address = {"street": "Stationsstraat", "house_number": "12", "postcode": "9000", "municipality": "Gent"}
    _cleaned, errors = validate_record(raw(establishment_number="", **address), catalogue, TODAY)
    assert errors == {}


def test_it_asks_for_the_establishment_number_or_the_complete_address(catalogue):
    _cleaned, errors = validate_record(
        raw(establishment_number="", street="Stationsstraat"), catalogue, TODAY
    )
    assert set(errors) == {"house_number", "postcode", "municipality"}


def test_it_rejects_a_stream_not_yet_valid_on_the_date(catalogue):
    # 30° glaswol applies only from 2027-01-01.
    _cleaned, errors = validate_record(raw(waste_streams="30"), catalogue, TODAY)
    assert "waste_streams" in errors


def test_a_stream_valid_from_july_2024_is_rejected_before_that_date(catalogue):
    _cleaned, errors = validate_record(raw(observed_on="30/06/2024", waste_streams="25"), catalogue, TODAY)
    assert "waste_streams" in errors
    _cleaned, errors = validate_record(raw(observed_on="01/07/2024", waste_streams="25"), catalogue, TODAY)
    assert errors == {}


def test_it_rejects_a_date_in_the_future(catalogue):
    _cleaned, errors = validate_record(raw(observed_on="21/11/2026"), catalogue, TODAY)
    assert "observed_on" in errors


def test_it_rejects_a_year_typed_wrong(catalogue):
    with translation.override("nl"):
        _cleaned, errors = validate_record(raw(observed_on="02/11/0226"), catalogue, TODAY)
    assert errors == {"observed_on": ["Een datum vóór 01/01/2000 kan niet; controleer het jaartal."]}
    _cleaned, errors = validate_record(
        raw(observed_on="31/12/1999", customer_informed_on="1999-12-31"), catalogue, TODAY
    )
    assert set(errors) == {"observed_on", "customer_informed_on"}
    _cleaned, errors = validate_record(raw(observed_on="01/01/2000", waste_streams="1"), catalogue, TODAY)
    assert errors == {}


def test_the_customer_cannot_have_been_informed_in_the_future(catalogue):
    _cleaned, errors = validate_record(raw(customer_informed_on="21/11/2026"), catalogue, TODAY)
    assert list(errors) == ["customer_informed_on"]
    _cleaned, errors = validate_record(raw(customer_informed_on="20/11/2026"), catalogue, TODAY)
    assert errors == {}


def test_the_customer_cannot_be_informed_before_the_observation(catalogue):
    _cleaned, errors = validate_record(raw(customer_informed_on="01/11/2026"), catalogue, TODAY)
    assert list(errors) == ["customer_informed_on"]


def test_refused_must_be_explicit(catalogue):
    _cleaned, errors = validate_record(raw(action=""), catalogue, TODAY)
    assert list(errors) == ["action"]
