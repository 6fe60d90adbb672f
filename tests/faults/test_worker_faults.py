"""A worker's bad day, with real processes on our own PostgreSQL: killed, stopped, its database gone."""

import signal
import time

from tests.faults.conftest import wait_until

ROWS = 20_000  # an import of a few seconds on the shared 2-CPU machine
LEASE = 2
STARTUP = 30  # a worker process starting on a busy 2-CPU machine


def processing_with_progress(scene, upload_id):
    def check():
        """the import has started writing progress"""
        status, rows_done, _errors = scene.upload(upload_id)
        return status == "processing" and rows_done > 0

    return check


def finished(scene, upload_id):
    def check():
        """the upload is finished"""
        return scene.upload(upload_id)[0] in {"accepted", "rejected", "failed"}

    return check


def test_a_worker_killed_mid_import_its_upload_is_imported_again_within_the_lease(scene):
    upload = scene.enqueue("0405546706", ROWS)
    first = scene.start_worker(NCR_WORKER_LEASE_SECONDS=str(LEASE))
    wait_until(processing_with_progress(scene, upload), timeout=120)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    assert scene.upload(upload)[0] == "processing"
    assert scene.records(upload) == 0

    scene.start_worker(NCR_WORKER_LEASE_SECONDS=str(LEASE))

    def taken_back():
        """another worker took the job back"""
        return scene.query("SELECT attempts FROM worker_jobstate")[0][0] == 2

    wait_until(taken_back, timeout=LEASE + STARTUP)
    assert time.monotonic() - killed_at < LEASE + STARTUP
    wait_until(finished(scene, upload), timeout=180)
    assert scene.upload(upload)[0] == "accepted"
    assert scene.records(upload) == ROWS


def test_a_job_given_up_after_its_last_try_ends_failed_never_processing(scene):
    upload = scene.enqueue("0405546706", ROWS)
    first = scene.start_worker(NCR_WORKER_LEASE_SECONDS=str(LEASE), NCR_WORKER_MAX_ATTEMPTS="1")
    wait_until(processing_with_progress(scene, upload), timeout=120)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    scene.start_worker(NCR_WORKER_LEASE_SECONDS=str(LEASE), NCR_WORKER_MAX_ATTEMPTS="1")
    wait_until(finished(scene, upload), timeout=LEASE + STARTUP)
    assert scene.upload(upload)[0] == "failed"
    assert scene.records(upload) == 0
    [[message]] = scene.query("SELECT errors->0->>'message' FROM submissions_upload WHERE id = %s", [upload])
    assert "Laad het bestand opnieuw op" in message


def test_sigterm_during_an_import_gives_the_job_back_and_nothing_is_lost(scene):
    upload = scene.enqueue("0405546706", ROWS)
    first = scene.start_worker(NCR_WORKER_STOP_SECONDS="1")
    wait_until(processing_with_progress(scene, upload), timeout=120)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=15) == 0
    assert scene.query("SELECT status FROM django_tasks_database_dbtaskresult") == [("READY",)]
    assert scene.records(upload) == 0

    scene.start_worker()
    wait_until(finished(scene, upload), timeout=180)
    assert scene.upload(upload)[0] == "accepted"
    assert scene.records(upload) == ROWS


def test_sigterm_lets_a_job_finish_within_the_grace_period(scene):
    upload = scene.enqueue("0405546706", 5_000)
    worker = scene.start_worker(NCR_WORKER_STOP_SECONDS="120")
    wait_until(processing_with_progress(scene, upload), timeout=120)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=120) == 0
    assert scene.upload(upload)[0] == "accepted"
    assert scene.records(upload) == 5_000
