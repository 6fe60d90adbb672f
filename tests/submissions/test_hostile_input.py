"""Digits that are not ASCII digits, and other input a form never sends: a Dutch refusal, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ncregister.identifiers import (
    normalise_enterprise_number,
    normalise_establishment_number,
    normalise_postcode,
)
from submissions.validation import StreamCatalogue, validate_record

ARABIC_ESTABLISHMENT = "2١٤٧٨١٢٧٠١"  # 2147812701 in Arabic-Indic digits: passes mod 97 if read as digits


@pytest.mark.parametrize(
    ("normalise", "value"),
    [
        (normalise_establishment_number, "2²47812701"),
        (normalise_establishment_number, ARABIC_ESTABLISHMENT),
        (normalise_enterprise_number, "0٤05546706"),
        (normalise_enterprise_number, "²405546706"),
        (normalise_postcode, "1٠٠٠"),
    ],
)
def test_only_ascii_digits_make_a_number(normalise, value):
    with pytest.raises(ValidationError):
        normalise(value)


def test_a_superscript_stream_number_is_an_error_not_a_crash(db):
    _cleaned, errors = validate_record({"waste_streams": "²"}, StreamCatalogue())
    assert "waste_streams" in errors


def test_a_superscript_period_is_ignored(client, submitter_a):
    assert client.get(reverse("register_new") + "?van=²").status_code == 200


def test_a_superscript_version_refuses_the_correction(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    response = client.post(reverse("register_correct", args=[record.pk]), {"version": "²"})
    assert response.status_code in (200, 302)
    record.refresh_from_db()
    assert record.version == 1


def test_a_superscript_admin_filter_is_ignored(client, reviewer):
    response = client.get(reverse("admin:submissions_nonconformity_changelist") + "?stream=²&collector=²")
    assert response.status_code in (200, 302)


def test_more_than_five_photos_are_refused_at_once(client, submitter_a, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"{n}.jpg", b"not even an image", "image/jpeg") for n in range(6)]
    data = {"producer_name": "X", "photos": files}
    html = client.post(reverse("register_new"), data).content.decode()
    assert "Hoogstens 5 foto&#x27;s per non-conformiteit." in html
    assert "is geen JPEG" not in html  # refused by count, before any file was decoded
