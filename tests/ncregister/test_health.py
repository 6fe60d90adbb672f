import json

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


def test_prd_logs_one_json_line_per_request_with_the_request_id():
    with gunicorn(clean_env(**PRD_ENV)) as server:
        requests.get(
            f"{server.url}/",
            headers={"Host": "ncr.example.be", "X-Request-ID": "trace-42"},
            allow_redirects=False,
        )
        log = server.log()
    [line] = [json.loads(line) for line in log.splitlines() if '"trace-42"' in line]
    assert line["request_id"] == "trace-42"
    assert line["path"] == "/"
    assert line["status"] == 301
    assert line["logger"] == "ncregister.request"
