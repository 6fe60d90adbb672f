"""A day's notices as one PDF made by the worker on the exports queue, downloaded from the exports list."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from submissions.models import Export, NonConformity


@pytest.fixture
def exports_worker(monkeypatch):
    from worker import runner

    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    return lambda: call_command("worker", batch=True, queues="exports", verbosity=0)


def test_fifty_notices_become_one_pdf_in_the_worker(
    client, submitter_a, make_record, organisation_a, organisation_b, media, exports_worker,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    records = [make_record(organisation_a, producer_name=f"Klant {n:02d}") for n in range(50)]
    make_record(organisation_b, producer_name="Klant van Beta")  # same day, another collector
    page = client.get(reverse("register_notice_batch"), {"datum": "2026-11-02"}).content.decode()
    assert page.count('name="records"') == 50
    assert "Klant van Beta" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("register_notice_batch"),
            {"datum": "2026-11-02", "do": "pdf", "records": [r.pk for r in records]},
        )
    assert response["Location"] == reverse("register_exports")
    export = Export.objects.get()
    assert (export.format, export.status) == ("pdf", "queued")

    exports_worker()

    export.refresh_from_db()
    assert (export.status, export.row_count, export.rows_done) == ("done", 50, 50)
    url = reverse("register_export_download", args=[export.pk])
    assert url in client.get(reverse("register_exports")).content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) == 50  # one A4 page per notice
    texts = [page.extract_text() for page in reader.pages]
    assert [f"Klant {n:02d}" in text for n, text in enumerate(texts)] == [True] * 50
    assert not any("Klant van Beta" in text for text in texts)


def test_a_selection_is_marked_as_sent(client, submitter_a, make_record, organisation_a):
    first, second = make_record(organisation_a), make_record(organisation_a)

    client.post(
        reverse("register_notice_batch"), {"datum": "2026-11-02", "do": "sent", "records": [first.pk]}
    )

    assert NonConformity.objects.get(pk=first.pk).customer_informed_on is not None
    assert NonConformity.objects.get(pk=second.pk).customer_informed_on is None


def test_it_rejects_other_organisation(client, submitter_b, make_record, organisation_a):
    record = make_record(organisation_a)

    client.post(
        reverse("register_notice_batch"), {"datum": "2026-11-02", "do": "pdf", "records": [record.pk]}
    )
    client.post(
        reverse("register_notice_batch"), {"datum": "2026-11-02", "do": "sent", "records": [record.pk]}
    )

    assert Export.objects.count() == 0
    assert NonConformity.objects.get(pk=record.pk).customer_informed_on is None
