"""Small helpers shared by tests that start real processes."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

PRD_ENV = {
    "NCR_ENV": "prd",
    "DJANGO_SECRET_KEY": "a-long-random-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "DJANGO_ALLOWED_HOSTS": "ncr.example.be",
    "OIDC_RP_CLIENT_ID": "ncregister",
    "OIDC_RP_CLIENT_SECRET": "client-secret-for-tests",
    "NCR_STAFF_ORGCODES": "OVO000123",
}


def clean_env(**overrides):
    """The current environment without Django/portal variables, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NCR_", "OIDC_", "ACMIDM_"))}
    env.pop("DATABASE_URL", None)
    env.update(overrides)
    return env


def migrated_database_url():
    """The URL of pytest-django's test database (migrated), for processes the tests start."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_python(code, env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    log_path: Path

    def log(self):
        return self.log_path.read_text()


@contextmanager
def gunicorn(env, *options, config="gunicorn.conf.py"):
    """Serve the portal with gunicorn and its configuration file, as the container does, on a free
    local port; `options` override the file (e.g. "--timeout", "1")."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(f"http://127.0.0.1:{port}", Path(tmp) / "gunicorn.log")
        with open(server.log_path, "w") as log:  # a file, not a pipe: an unread pipe blocks the server
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    *(["--config", config] if config else []),
                    "ncregister.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    *options,
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {server.log()}")
                try:
                    requests.get(f"{server.url}/health/", timeout=2)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield server
        finally:
            proc.terminate()
            proc.wait(timeout=10)
