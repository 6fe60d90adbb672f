"""The notice to the customer: the PDF's own text holds every fact, only the record's organisation opens it,
and "mark as sent" fills "customer informed on"."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from submissions import pdf, services
from submissions.models import NonConformity
from submissions.photos import prepare_photo
from tests.submissions.conftest import image_bytes


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def collector(organisation_a):
    organisation_a.email = "klanten@alfa.example"
    organisation_a.phone = "+32 9 123 45 67"
    organisation_a.address = "Havenlaan 12\n9000 Gent"
    organisation_a.save()
    return organisation_a


def photo(name="a.jpg"):
    return prepare_photo(SimpleUploadedFile(name, image_bytes(size=(800, 600)), content_type="image/jpeg"))


def test_the_pdf_holds_every_fact_of_the_notice(client, submitter_a, collector, make_record, media):
    record = make_record(
        collector,
        streams=(3, 16),
        establishment_number="",
        street="Kerkstraat",
        house_number="7",
        postcode="9000",
        municipality="Gent",
        action="refused",
        own_reference="R-2026-77",
    )
    services.add_photos(record, [photo(), photo("b.jpg")])

    response = client.get(f"/register/{record.pk}/melding.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    for fact in [
        "Afvalinzameling Alfa NV",  # the collector
        "0405.546.706",
        "klanten@alfa.example",
        "+32 9 123 45 67",
        "Havenlaan 12",
        "Bakkerij De Korenaar",  # the producer and where it was collected
        "Kerkstraat 7, 9000 Gent",
        "02/11/2026",  # the date
        "papier- en kartonafval",  # the streams by name
        "pmd-afval",
        "geweigerd",  # what was done
        "artikel 4.3.2",  # the legal basis
        "artikel 6.1.1.4",
        f"registernummer {record.pk}",  # the register reference and how to reach the collector
        "R-2026-77",
    ]:
        assert fact in text, fact
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1  # one A4 page
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4 in points
    assert len(reader.pages[0].images) == 2  # the photos' thumbnails
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].get_object().values()}
    assert all("NCR-Sans" in font for font in fonts), fonts  # our shipped fonts (static/fonts), nothing else


def test_an_establishment_and_the_action_are_stated(client, submitter_a, collector, make_record):
    record = make_record(collector, action="post_sorted")

    text = pdf_text(client.get(f"/register/{record.pk}/melding.pdf").content)

    assert "2.147.812.701" in text
    assert "achteraf gesorteerd" in text


def test_the_page_is_printable_without_inline_script_or_style(client, submitter_a, collector, make_record):
    record = make_record(collector)

    response = client.get(f"/register/{record.pk}/melding/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Melding aan de klant" in html
    assert "/static/css/notice.css" in html
    assert "/static/js/notice.js" in html
    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_it_rejects_other_organisation(client, submitter_b, organisation_a, make_record):
    record = make_record(organisation_a)

    assert client.get(f"/register/{record.pk}/melding/").status_code == 404
    assert client.get(f"/register/{record.pk}/melding.pdf").status_code == 404
    assert client.post(f"/register/{record.pk}/melding/verzonden/").status_code == 404
    assert NonConformity.objects.get(pk=record.pk).customer_informed_on is None


def test_mark_as_sent_sets_customer_informed_on_once(client, submitter_a, collector, make_record):
    record = make_record(collector)

    response = client.post(f"/register/{record.pk}/melding/verzonden/")

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.customer_informed_on == timezone.localdate()
    assert record.history.first().history_change_reason == "customer_informed"
    client.post(f"/register/{record.pk}/melding/verzonden/")
    assert record.history.count() == 2  # created, informed: marking again changes nothing


def test_a_withdrawn_record_is_not_marked(client, submitter_a, collector, make_record):
    record = make_record(collector)
    services.withdraw(record, user=submitter_a, role="Indieners", reason="dubbel", expected_version=1)

    client.post(f"/register/{record.pk}/melding/verzonden/")

    assert NonConformity.objects.get(pk=record.pk).customer_informed_on is None


def test_the_renderer_fetches_nothing_but_our_own_files():
    fetch = pdf.Fetcher(photos={})

    assert fetch(f"{pdf.ORIGIN}/static/css/notice.css").read().startswith(b"/*")
    for url in [
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        f"{pdf.ORIGIN}/static/../../etc/passwd",
        f"{pdf.ORIGIN}/register/foto/1/klein/",  # a photo of no record being rendered
    ]:
        with pytest.raises(ValueError, match="not fetched|no static file"):
            fetch(url)


def test_a_date_before_the_non_conformity_is_not_set(make_record, organisation_a, django_user_model):
    record = make_record(organisation_a)
    user = django_user_model.objects.get(username="maker")
    day_before = record.observed_on - dt.timedelta(days=1)

    assert (
        services.mark_customer_informed(
            NonConformity.objects.filter(pk=record.pk), user=user, role="Indieners", day=day_before
        )
        == 0
    )
