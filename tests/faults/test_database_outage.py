"""Our own PostgreSQL stopped for 10 s under a running web server and worker; both recover on their own."""

import time
from pathlib import Path

import requests

from tests.faults.conftest import wait_until
from tests.faults.test_worker_faults import finished
from tests.helpers import PRD_ENV, clean_env, gunicorn

OUTAGE = 10
HEADERS = {"Host": "ncr.example.be", "X-Forwarded-Proto": "https"}
# Any session cookie makes the page read the session table: the request needs the database.
COOKIES = {"__Host-ncr_sessionid": "abcdefghijklmnopqrstuvwxyz012345"}  # PRD cookie name


def test_web_answers_503_in_dutch_during_an_outage_and_both_recover(scene):
    uploads = [scene.enqueue(code, 8_000) for code in ("0405546706", "0353456320", "0405546706")]
    worker = scene.start_worker(NCR_WORKER_LEASE_SECONDS="3")
    env = clean_env(
        **{
            **PRD_ENV,
            "DATABASE_URL": scene.cluster.url(scene.name),
            "NCR_DB_CONNECT_TIMEOUT": "2",
            "NCR_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    with gunicorn(env) as web:

        def get(path):
            return requests.get(f"{web.url}{path}", headers=HEADERS, cookies=COOKIES, allow_redirects=False)

        assert get("/health/ready/").status_code == 200
        assert get("/register/").status_code == 302  # to sign-in: the session was read

        def importing():
            """an import is under way"""
            return any(scene.upload(u)[0] == "processing" and scene.upload(u)[1] > 0 for u in uploads)

        wait_until(importing, timeout=120)
        scene.cluster.stop()
        stopped_at = time.monotonic()
        try:
            ready, page, alive = get("/health/ready/"), get("/register/"), get("/health/")
            assert ready.status_code == 503
            assert page.status_code == 503
            assert "Tijdelijk niet beschikbaar" in page.text
            assert "Traceback" not in page.text
            assert alive.status_code == 200  # liveness never needs the database
            time.sleep(max(0, OUTAGE - (time.monotonic() - stopped_at)))
        finally:
            scene.cluster.start()

        wait_until(lambda: get("/health/ready/").status_code == 200, timeout=30)
        assert get("/register/").status_code == 302
        assert worker.poll() is None, Path(worker.log_path).read_text()[-2000:]
        for upload in uploads:
            wait_until(finished(scene, upload), timeout=180)
        assert [scene.upload(u)[0] for u in uploads] == ["accepted"] * 3
        assert [scene.records(u) for u in uploads] == [8_000] * 3
        assert worker.poll() is None
