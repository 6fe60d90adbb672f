import requests

from tests.helpers import PRD_ENV, clean_env, gunicorn


def test_health_answers_over_plain_http_for_any_host_under_prd():
    with gunicorn(clean_env(**PRD_ENV)) as base:
        response = requests.get(
            f"{base}/health/", headers={"Host": "anything.internal"}, allow_redirects=False
        )
        assert response.status_code == 200
        assert response.text == "ok"
        # Every other page is redirected to HTTPS, so the exemption above is real.
        other = requests.get(f"{base}/", headers={"Host": "ncr.example.be"}, allow_redirects=False)
        assert other.status_code == 301
        assert other.headers["Location"].startswith("https://")


def test_ready_answers_200_when_the_database_answers():
    with gunicorn(clean_env(**PRD_ENV)) as base:
        assert requests.get(f"{base}/health/ready/", allow_redirects=False).status_code == 200


def test_ready_answers_503_when_the_database_is_unreachable():
    env = clean_env(
        **{**PRD_ENV, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "NCR_DB_CONNECT_TIMEOUT": "2"}
    )
    with gunicorn(env) as base:
        response = requests.get(f"{base}/health/ready/", allow_redirects=False)
        assert response.status_code == 503
