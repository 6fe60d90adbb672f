"""The portal as the container serves it: gunicorn with its gunicorn.conf.py, PRD settings."""

import requests

from tests.helpers import PRD_ENV, clean_env, gunicorn
from tests.security.test_private_pages import SECURITY_HEADERS


def test_gunicorn_sends_no_server_banner():
    with gunicorn(clean_env(**PRD_ENV)) as server:
        health = requests.get(f"{server.url}/health/", timeout=5)
        assert health.status_code == 200
        assert "Server" not in health.headers
        # The HTTPS redirect every plain-HTTP page gets: no banner, and the security headers already.
        redirect = requests.get(
            f"{server.url}/register/", headers={"Host": "ncr.example.be"}, allow_redirects=False, timeout=5
        )
        assert redirect.status_code == 301
        assert "Server" not in redirect.headers
        assert [name for name in SECURITY_HEADERS if name not in redirect.headers] == []
