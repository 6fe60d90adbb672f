"""Large exports in the worker: start, progress, download; a worker killed half-way; XLSX beyond a sheet."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from submissions import export_jobs, exports
from submissions.models import Export

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def exports_worker(monkeypatch):
    """The real worker command, once over the exports queue (as `manage.py worker --batch`)."""
    from worker import runner

    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    def run():
        call_command("worker", batch=True, queues="exports", verbosity=0)

    return run


def read(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_a_large_export_is_made_by_the_worker_and_downloaded(
    client, submitter_a, make_record, organisation_a, organisation_b, media, exports_worker, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    for n in range(5):
        make_record(organisation_a, producer_name=f"=Slagerij {n}", own_reference=f"R{n}")
    make_record(organisation_b, producer_name="Frituur Beta")
    direct = read(client.get(reverse("register_export_csv")))  # small: answered in the request
    monkeypatch.setattr(exports, "STREAM_UP_TO", 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("register_export_csv"))
    assert response.status_code == 302
    assert response["Location"] == reverse("register_exports")
    export = Export.objects.get()
    assert (export.status, export.organisation, export.format) == ("queued", organisation_a, "csv")
    page = client.get(reverse("register_exports")).content.decode()
    assert "Wachtend" in page
    assert reverse("register_export_download", args=[export.pk]) not in page

    exports_worker()
    export.refresh_from_db()
    assert (export.status, export.row_count, export.rows_done) == ("done", 5, 5)
    page = client.get(reverse("register_exports")).content.decode()
    url = reverse("register_export_download", args=[export.pk])
    assert url in page
    response = client.get(url)
    assert int(response["Content-Length"]) == export.size
    made = read(response)
    assert made == direct  # the same rows, formats and neutralisation as the small export
    assert made[1][3] == "'=Slagerij 4"
    assert len(made) == 6


def test_another_person_never_gets_an_export(client, submitter_b, organisation_a, django_user_model, media):
    owner = django_user_model.objects.create(username="an", vo_id="vo-an-x")
    export = Export.objects.create(
        requested_by=owner, organisation=organisation_a, format="csv", selection="SELECT 1", language="nl",
        file_name="x.csv", status="done",
    )  # fmt: skip
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404
    assert client.post(reverse("register_export_restart", args=[export.pk])).status_code == 404


def test_xlsx_beyond_a_sheet_is_refused_with_csv_offered(
    client, submitter_a, make_record, organisation_a, monkeypatch
):
    for _ in range(4):
        make_record(organisation_a)
    monkeypatch.setattr(exports, "STREAM_UP_TO", 1)
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = client.get(reverse("register_export_xlsx"), {"action": "registered"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("register_home") + "?action=registered"
    assert "Exporteer ze als CSV" in response.content.decode()
    assert not Export.objects.exists()


def test_an_export_whose_worker_is_killed_is_failed_never_served_and_can_be_started_again(
    transactional_db, client, submitter_a, make_record, organisation_a, media, exports_worker, settings
):
    for _ in range(3):
        make_record(organisation_a)
    export = export_jobs.start(
        user=submitter_a,
        organisation=organisation_a,
        staff=False,
        selection=organisation_a.non_conformities.all(),
        fmt="csv",
        file_name="groot.csv",
    )
    database = connection.settings_dict["NAME"]
    url = f"postgres://postgres@127.0.0.1:5432/{database}"
    # Hold a table the export reads, so the worker stops half-way: claimed, counting done, rows not.
    with psycopg.connect(url) as blocker:
        blocker.execute("LOCK TABLE submissions_wastestream IN ACCESS EXCLUSIVE MODE")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queues", "exports", "--interval", "0.1"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ncregister.settings.test",
                 "NCR_MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while Export.objects.get(pk=export.pk).status != "running":
                assert time.monotonic() < deadline, "the worker never started the export"
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        blocker.rollback()  # the orphaned backend runs on, finds its client gone and ends

    deadline = time.monotonic() + 30
    while Export.objects.get(pk=export.pk).status == "running":
        assert time.monotonic() < deadline, "the killed worker's export still counts as running"
        time.sleep(0.2)
        export_jobs.mark_interrupted()
    export.refresh_from_db()
    assert export.status == "failed"
    assert not export.file
    page = client.get(reverse("register_exports")).content.decode()
    assert "onderbroken" in page
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404

    response = client.post(reverse("register_export_restart", args=[export.pk]))
    assert response.status_code == 302
    again = Export.objects.exclude(pk=export.pk).get()
    exports_worker()
    again.refresh_from_db()
    assert again.status == "done"
    assert len(read(client.get(reverse("register_export_download", args=[again.pk])))) == 4


def test_expired_exports_are_purged_with_their_files(organisation_a, django_user_model, media):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    owner = django_user_model.objects.create(username="an", vo_id="vo-an-p")
    kept, expired = (
        Export.objects.create(
            requested_by=owner, organisation=organisation_a, format="csv", selection="SELECT 1",
            language="nl", file_name=f"{name}.csv", status="done", expires_at=timezone.now() + delta,
        )
        for name, delta in (("kept", timedelta(days=1)), ("expired", timedelta(seconds=-1)))
    )  # fmt: skip
    for export in (kept, expired):
        export.file.save(export.file_name, ContentFile(b"x"))
    path = Path(expired.file.path)
    call_command("housekeeping", verbosity=0)
    assert list(Export.objects.values_list("file_name", flat=True)) == ["kept.csv"]
    assert not path.exists()
    assert Path(kept.file.path).exists()
