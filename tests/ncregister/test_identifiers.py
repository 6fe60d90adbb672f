import pytest
from django.core.exceptions import ValidationError

from ncregister.identifiers import (
    format_enterprise_number,
    format_establishment_number,
    normalise_enterprise_number,
    normalise_establishment_number,
    normalise_postcode,
    search_digits,
)


def test_a_valid_enterprise_number_is_stored_as_ten_digits():
    assert normalise_enterprise_number("0405.546.706") == "0405546706"


@pytest.mark.parametrize("typed", ["BE 0405 546 706", "be0405546706", "0405 546 706", "405.546.706"])
def test_dots_spaces_be_prefix_and_old_nine_digits_are_accepted(typed):
    assert normalise_enterprise_number(typed) == "0405546706"


def test_it_rejects_an_enterprise_number_with_wrong_check_digits():
    with pytest.raises(ValidationError) as caught:
        normalise_enterprise_number("0405.546.707")
    assert caught.value.code == "invalid_checksum"


def test_it_rejects_an_enterprise_number_with_letters():
    with pytest.raises(ValidationError):
        normalise_enterprise_number("04O5.546.706")


def test_a_valid_establishment_number_is_accepted():
    assert normalise_establishment_number("2.147.812.701") == "2147812701"


def test_establishment_number_2_123_456_789_is_invalid():
    with pytest.raises(ValidationError) as caught:
        normalise_establishment_number("2.123.456.789")
    assert caught.value.code == "invalid_checksum"


def test_an_establishment_number_must_start_with_2_to_8():
    with pytest.raises(ValidationError) as caught:
        normalise_establishment_number("0405546706")
    assert caught.value.code == "invalid_format"


def test_numbers_are_shown_with_dots():
    assert format_enterprise_number("0405546706") == "0405.546.706"
    assert format_establishment_number("2147812701") == "2.147.812.701"


@pytest.mark.parametrize("postcode", ["0999", "10000", "abcd", ""])
def test_it_rejects_a_postcode_outside_1000_9999(postcode):
    with pytest.raises(ValidationError):
        normalise_postcode(postcode)


def test_search_digits_ignore_dots_but_not_letters():
    assert search_digits("0405.546.706") == "0405546706"
    assert search_digits("Bakkerij") == ""


def test_an_enterprise_number_starting_with_1_is_valid():
    assert normalise_enterprise_number("1000.000.021") == "1000000021"


def test_an_enterprise_number_starting_with_2_is_refused():
    with pytest.raises(ValidationError) as caught:
        normalise_enterprise_number("2000000021")
    assert caught.value.code == "invalid_format"


def test_an_establishment_number_starting_with_9_is_refused_even_with_right_check_digits():
    with pytest.raises(ValidationError) as caught:
        normalise_establishment_number("9.123.456.744")
    assert caught.value.code == "invalid_format"


@pytest.mark.parametrize("typed", ["0405-546-706", "0405/546/706", "0405/546.706", "BE-0405-546-706"])
def test_enterprise_numbers_written_with_dashes_or_slashes_are_read(typed):
    assert normalise_enterprise_number(typed) == "0405546706"


@pytest.mark.parametrize("typed", ["2-147-812-701", "2/147/812/701"])
def test_establishment_numbers_written_with_dashes_or_slashes_are_read(typed):
    assert normalise_establishment_number(typed) == "2147812701"
