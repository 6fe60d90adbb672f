"""The worker's own rules on the test database: fair turns, leases that run out, giving up, housekeeping."""

import signal
from datetime import timedelta

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from submissions.imports.intake import receive_upload
from submissions.models import Upload
from tests.submissions.upload_files import csv_bytes, valid_row
from worker import runner
from worker.models import JobState


@pytest.fixture
def upload_for(db, settings, tmp_path, django_user_model, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The worker drops connections that are not in autocommit; the test's transaction never is.
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    user = django_user_model.objects.create(username="an", vo_id="vo-an")

    def upload(organisation, n):
        content = csv_bytes([valid_row(n, eigen_referentie=f"{organisation.code}-{n}")])
        # Its one row is late, confirmed with the file (no preview): one job stores it.
        return receive_upload(
            organisation=organisation,
            user=user,
            uploaded_file=SimpleUploadedFile("l.csv", content),
            confirmed_late=1,
        )

    return upload


def run_worker():
    call_command("worker", "--batch", verbosity=0)


def test_one_organisations_backlog_delays_another_by_at_most_one_job(
    upload_for, organisation_a, organisation_b
):
    backlog = [upload_for(organisation_a, n) for n in range(1, 5)]
    other = upload_for(organisation_b, 1)
    run_worker()
    order = list(Upload.objects.order_by("finished_at").values_list("pk", flat=True))
    assert order == [backlog[0].pk, other.pk, *[u.pk for u in backlog[1:]]]
    assert set(Upload.objects.values_list("status", flat=True)) == {"accepted"}


def expire_lease(upload, attempts):
    job = DBTaskResult.objects.get()
    job.status = "RUNNING"
    job.save()
    JobState.objects.filter(job=job).update(
        worker_id="dead", attempts=attempts, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    Upload.objects.filter(pk=upload.pk).update(status="processing")
    return job


def test_a_job_whose_lease_ran_out_runs_again_from_the_start(upload_for, organisation_a, settings):
    settings.NCR_WORKER_MAX_ATTEMPTS = 2
    upload = upload_for(organisation_a, 1)
    expire_lease(upload, attempts=1)
    run_worker()
    upload.refresh_from_db()
    assert upload.status == "accepted"
    assert upload.records.count() == 1
    assert JobState.objects.get().attempts == 2


def test_a_job_whose_lease_ran_out_too_often_fails_the_upload_in_dutch(upload_for, organisation_a, settings):
    settings.NCR_WORKER_MAX_ATTEMPTS = 2
    upload = upload_for(organisation_a, 1)
    job = expire_lease(upload, attempts=2)
    run_worker()
    upload.refresh_from_db()
    job.refresh_from_db()
    assert job.status == "FAILED"
    assert upload.status == "failed"
    assert upload.records.count() == 0
    assert upload.errors[0]["message"].startswith("Het bestand kon niet verwerkt worden door een storing")


def test_a_failed_upload_tells_the_person_to_upload_again(
    client, upload_for, submitter_a, organisation_a, settings
):
    settings.NCR_WORKER_MAX_ATTEMPTS = 1
    upload = upload_for(organisation_a, 1)
    expire_lease(upload, attempts=1)
    run_worker()
    page = client.get(f"/register/uploads/{upload.pk}/").content.decode()
    assert "Mislukt" in page
    assert "Laad het bestand opnieuw op" in page


def test_housekeeping_removes_old_job_rows_and_expired_sessions(upload_for, organisation_a, settings):
    upload_for(organisation_a, 1)
    run_worker()
    upload_for(organisation_a, 2)
    run_worker()
    old, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=timezone.now() + timedelta(days=1))
    call_command("housekeeping", verbosity=0)
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_a_job_given_back_mid_statement_leaves_nothing_running_on_the_server(db):
    """The grace period ends while the import waits for PostgreSQL: the statement is cancelled there, not
    left running (holding the import's locks) after the worker closed its connection."""
    params = connection.get_connection_params()
    with psycopg.connect(
        **{key: params[key] for key in ("dbname", "host", "port", "user") if params.get(key)}
    ) as conn:
        pid = conn.info.backend_pid

        def grace_over(signum, frame):
            raise runner.GiveBack

        previous = signal.signal(signal.SIGALRM, grace_over)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            with pytest.raises(runner.GiveBack):
                conn.execute("SELECT pg_sleep(30)")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        with connection.cursor() as cursor:
            cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone()[0] != "active"


def test_a_second_signal_while_giving_a_job_back_stops_the_worker_as_failed(
    upload_for, organisation_a, monkeypatch, caplog
):
    upload_for(organisation_a, 1)
    worker = runner.Worker(worker_id="w1", queue_names=["default"], batch=True)

    def signalled_again(job):
        raise runner.GiveBack

    monkeypatch.setattr(worker, "run_job", signalled_again)
    with pytest.raises(SystemExit) as stopped:
        worker.run()
    assert stopped.value.code == 1  # not 0: the job in hand was not given back cleanly (its lease will)
    assert "stopped while giving a job back" in caplog.text
