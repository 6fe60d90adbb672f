"""The upload pages: form, templates, the real worker, progress, result, error report, access."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from submissions.imports import runner
from submissions.imports.intake import receive_upload
from submissions.models import NonConformity, Upload
from tests.submissions.upload_files import csv_bytes, process_and_confirm, valid_row


@pytest.fixture
def run_worker(monkeypatch):
    """The real worker command, once over the queue (as `manage.py worker --batch`).

    Inside the test's transaction the worker must not drop the connection between tasks; the browser
    test runs it as a separate process instead.
    """
    from worker import runner

    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    def run():
        call_command("worker", "--batch", verbosity=0)

    return run


def post_file(client, content, name="lijst.csv"):
    return client.post(reverse("upload_index"), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def store(client, run_worker):
    """The worker checks, the person confirms the preview (ticking the late rows' box), the worker stores."""

    def run():
        run_worker()
        upload = Upload.objects.latest("received_at")
        assert upload.status == "preview", upload.errors
        late = upload.preview["late_count"]
        response = client.post(
            reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": late} if late else {}
        )
        assert response.status_code == 302
        run_worker()

    return run


@pytest.fixture
def files(media):
    return media


def test_the_page_shows_the_columns_and_the_templates(client, submitter_a):
    response = client.get(reverse("upload_index"))
    assert response.status_code == 200
    body = response.content.decode()
    for header in ("datum", "ondernemingsnummer", "afvalstromen", "eigen_referentie"):
        assert f"<code>{header}</code>" in body
    assert reverse("upload_template", args=["csv"]) in body
    assert reverse("upload_template", args=["xlsx"]) in body


def test_the_csv_template_is_accepted_as_it_is(client, store, submitter_a, files):
    template = client.get(reverse("upload_template", args=["csv"]))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.startswith(b"\xef\xbb\xbfdatum;ondernemingsnummer;")
    response = post_file(client, template.content, "sjabloon.csv")
    assert response.status_code == 302
    store()
    assert Upload.objects.get().status == "accepted"
    assert NonConformity.objects.get().own_reference == "NC-2026-0001"


def test_the_xlsx_template_has_a_header_row_a_date_cell_and_is_accepted(client, store, submitter_a, files):
    template = client.get(reverse("upload_template", args=["xlsx"]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "datum"
    assert rows[1][0].isoformat() == "2026-11-04"
    post_file(client, template.content, "sjabloon.xlsx")
    store()
    assert Upload.objects.get().status == "accepted"


def test_a_posted_file_waits_for_the_worker_then_shows_the_records(client, store, submitter_a, files):
    response = post_file(client, csv_bytes([valid_row(1), valid_row(2)]))
    upload = Upload.objects.get()
    assert response["Location"] == reverse("upload_detail", args=[upload.pk])
    assert upload.status == "queued"
    assert NonConformity.objects.count() == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting
    assert "js/upload.js" in waiting
    assert client.get(reverse("upload_status", args=[upload.pk])).json()["finished"] is False

    store()

    status = client.get(reverse("upload_status", args=[upload.pk])).json()
    assert status == {"status": "accepted", "finished": True, "rows_done": 2, "row_count": 2, "percent": 100}
    page = client.get(response["Location"]).content.decode()
    assert "Opgeslagen non-conformiteiten: 2." in page
    assert "REF-1" in page
    assert "REF-2" in page
    assert 'http-equiv="refresh"' not in page
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_errors_are_listed_and_downloadable_with_neutralised_cells(client, run_worker, submitter_a, files):
    post_file(client, csv_bytes([valid_row(1, naam_producent="", ondernemingsnummer="=cmd|' /C calc'!A0")]))
    run_worker()
    upload = Upload.objects.get()
    page = client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    assert "Er werd niets opgeslagen." in page
    assert "Dit veld is verplicht." in page
    report = client.get(reverse("upload_errors", args=[upload.pk]))
    assert report["Content-Disposition"] == f'attachment; filename="fouten-upload-{upload.pk}.csv"'
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rij;Kolom;Waarde;Melding;datum;ondernemingsnummer;naam_producent;")
    assert lines[1].startswith("2;naam_producent;;")
    assert lines[2].startswith("2;ondernemingsnummer;'=cmd|' /C calc'!A0;")
    assert NonConformity.objects.count() == 0


def test_a_refused_file_gets_a_message_on_the_form_and_nothing_is_queued(client, submitter_a, files):
    response = post_file(client, b"%PDF-1.4 binary", "lijst.csv")
    assert response.status_code == 400
    assert "Dit is geen CSV- of XLSX-bestand." in response.content.decode()
    assert Upload.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_an_accepted_file_uploaded_again_links_to_the_first_upload(client, store, submitter_a, files):
    content = csv_bytes([valid_row(1)])
    post_file(client, content)
    store()
    first = Upload.objects.get()
    response = post_file(client, content)
    assert response.status_code == 400
    assert reverse("upload_detail", args=[first.pk]) in response.content.decode()
    assert Upload.objects.count() == 1


def test_the_history_shows_only_the_own_organisation(client, submitter_a, organisation_b, files):
    other = Upload.objects.create(
        organisation=organisation_b, uploaded_by=submitter_a, file_name="van-b.csv", sha256="0" * 64
    )
    post_file(client, csv_bytes([valid_row(1)]), "van-a.csv")
    body = client.get(reverse("upload_index")).content.decode()
    assert "van-a.csv" in body
    assert "van-b.csv" not in body
    for name in ("upload_detail", "upload_status", "upload_errors"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_the_status_shows_progress_while_processing(client, submitter_a, organisation_a, files):
    upload = receive_upload(
        organisation=organisation_a,
        user=submitter_a,
        uploaded_file=SimpleUploadedFile("a.csv", csv_bytes([valid_row(1)])),
    )
    Upload.objects.filter(pk=upload.pk).update(status="processing", rows_done=2000, row_count=8000)
    status = client.get(reverse("upload_status", args=[upload.pk])).json()
    assert status["percent"] == 25
    assert status["finished"] is False
    runner.process_upload(upload.pk)
    assert client.get(reverse("upload_status", args=[upload.pk])).json()["status"] == "preview"


def test_a_worker_crash_never_leaves_an_upload_processing(client, run_worker, submitter_a, files):
    post_file(client, csv_bytes([valid_row(1)]))
    upload = Upload.objects.get()
    upload.file.delete(save=False)  # the file vanished from storage
    run_worker()
    upload.refresh_from_db()
    assert upload.status == "failed"
    assert upload.errors[0]["message"] == (
        "Het bestand kon niet verwerkt worden door een storing aan onze kant. Er werd niets opgeslagen. "
        "Laad het bestand opnieuw op."
    )


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_during_the_import(
    client, submitter_a, organisation_a, files, monkeypatch
):
    """The status page reads rows_done while the import's own transaction is still open."""
    from django.db import DEFAULT_DB_ALIAS, connections

    upload = receive_upload(
        organisation=organisation_a,
        user=submitter_a,
        uploaded_file=SimpleUploadedFile("groot.csv", csv_bytes([valid_row(n) for n in range(1, 4501)])),
    )
    seen = []
    write = runner.Progress.__call__

    def write_and_look(self, rows_done, estimate):
        write(self, rows_done, estimate)
        outsider = connections.create_connection(DEFAULT_DB_ALIAS)
        with outsider.cursor() as cursor:
            cursor.execute("SELECT rows_done, status FROM submissions_upload WHERE id = %s", [upload.pk])
            seen.append(cursor.fetchone())
        outsider.close()
        seen.append(NonConformity.objects.count())  # the import's own connection sees its rows

    monkeypatch.setattr(runner.Progress, "__call__", write_and_look)
    process_and_confirm(upload.pk)
    # The check (preview) writes nothing; the store after the confirmation writes as it goes.
    assert seen[:4] == [(2000, "processing"), 0, (4000, "processing"), 0]
    assert seen[4:8] == [(2000, "processing"), 2000, (4000, "processing"), 4000]
    assert Upload.objects.get().status == "accepted"
    assert NonConformity.objects.count() == 4500
