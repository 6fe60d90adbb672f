import json
import time

import requests

from tests.helpers import PRD_ENV, clean_env, gunicorn, migrated_database_url


def test_health_answers_over_plain_http_for_any_host_under_prd():
    with gunicorn(clean_env(**PRD_ENV)) as server:
        response = requests.get(
            f"{server.url}/health/", headers={"Host": "anything.internal"}, allow_redirects=False
        )
        assert response.status_code == 200
        assert response.text == "ok"
        # Every other page is redirected to HTTPS, so the exemption above is real.
        other = requests.get(f"{server.url}/", headers={"Host": "ncr.example.be"}, allow_redirects=False)
        assert other.status_code == 301
        assert other.headers["Location"].startswith("https://")


def test_ready_answers_200_when_the_database_is_migrated(db):
    with gunicorn(clean_env(**{**PRD_ENV, "DATABASE_URL": migrated_database_url()})) as server:
        response = requests.get(f"{server.url}/health/ready/", allow_redirects=False)
        assert (response.status_code, response.text) == (200, "ok")


def test_ready_answers_503_while_migrations_are_unapplied():
    with gunicorn(clean_env(**PRD_ENV)) as server:  # the server's empty maintenance database
        response = requests.get(f"{server.url}/health/ready/", allow_redirects=False)
        assert (response.status_code, response.text) == (503, "migrations not applied")


def test_ready_answers_503_when_the_database_is_unreachable():
    env = clean_env(
        **{**PRD_ENV, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "NCR_DB_CONNECT_TIMEOUT": "2"}
    )
    with gunicorn(env) as server:
        response = requests.get(f"{server.url}/health/ready/", allow_redirects=False)
        assert response.status_code == 503


def test_prd_logs_only_json_lines_with_the_request_id_from_django_and_gunicorn():
    with gunicorn(clean_env(**PRD_ENV)) as server:
        requests.get(
            f"{server.url}/",
            headers={"Host": "ncr.example.be", "X-Request-ID": "trace-42"},
            allow_redirects=False,
        )
        # gthread writes the access line after the response is sent: wait for this request's, briefly (the
        # start-up probe of /health/ has an access line of its own already).
        for _ in range(50):
            log = server.log()
            if any('"gunicorn.access"' in line and '"trace-42"' in line for line in log.splitlines()):
                break
            time.sleep(0.1)
    entries = [json.loads(line) for line in log.splitlines() if line.strip()]  # every line is JSON
    assert any(e["logger"] == "ncregister.startup" for e in entries)  # the start-up checks
    assert any(e["logger"] == "gunicorn.error" for e in entries)  # gunicorn's own start lines
    [line] = [e for e in entries if e["request_id"] == "trace-42" and e["logger"] == "ncregister.request"]
    assert line["path"] == "/"
    assert line["status"] == 301
    [access] = [e for e in entries if e["request_id"] == "trace-42" and e["logger"] == "gunicorn.access"]
    assert access["path"] == "/"


def test_no_server_banner():
    with gunicorn(clean_env(**PRD_ENV)) as server:
        response = requests.get(f"{server.url}/health/")
    assert "Server" not in response.headers


def proto_https_from_loopback(trusted):
    env = {**PRD_ENV, "NCR_TRUSTED_PROXIES": trusted} if trusted else PRD_ENV
    with gunicorn(clean_env(**env)) as server:
        headers = {"Host": "ncr.example.be", "X-Forwarded-Proto": "https"}
        return requests.get(f"{server.url}/register/", headers=headers, allow_redirects=False).status_code


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy():
    assert proto_https_from_loopback(trusted="") == 301  # a client claiming HTTPS is still redirected
    assert proto_https_from_loopback(trusted="192.0.2.0/24")  # documentation range, not us == 301
    assert proto_https_from_loopback(trusted="127.0.0.1") == 302  # HTTPS: on to sign in
