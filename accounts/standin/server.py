"""Run the stand-in as a subprocess from a test suite. No Django imports: usable before settings exist."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StandIn:
    port: int
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    test_mode: bool
    db_path: str
    log_path: str
    process: subprocess.Popen = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/op"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def output(self) -> str:
        return Path(self.log_path).read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(standin: StandIn, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if standin.process.poll() is not None:
            raise RuntimeError(
                f"ACM/IDM stand-in exited with {standin.process.returncode}:\n{standin.output()}"
            )
        try:
            with urllib.request.urlopen(standin.discovery_url, timeout=2) as response:  # noqa: S310 (http URL we built)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"ACM/IDM stand-in did not answer within {timeout:.0f} s:\n{standin.output()}")


@contextlib.contextmanager
def running_standin(
    port=None,
    redirect_uris=("http://127.0.0.1:8000/oidc/callback/", "http://localhost:8000/oidc/callback/"),
    post_logout_redirect_uris=("http://127.0.0.1:8000/", "http://localhost:8000/"),
    client_id="ncregister-dev",
    client_secret="ncregister-dev-secret",  # noqa: S107 (public dev default)
    test_mode=False,
    db_path=None,
    timeout=30.0,
    env=None,
):
    """Start `python -m accounts.standin` on a (free) port; yield a StandIn once discovery answers; stop it.

    `env` adds variables for the subprocess (e.g. ACMIDM_ROLE_CLAIM); NCR_ENV is always dev.
    """
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="standin-") as tmp:
        db_path = str(db_path or Path(tmp) / "standin.sqlite3")
        log_path = str(Path(tmp) / "standin.log")
        cmd = [
            sys.executable,
            "-m",
            "accounts.standin",
            "--port",
            str(port),
            "--db",
            db_path,
            "--client-id",
            client_id,
            "--client-secret",
            client_secret,
        ]
        for uri in redirect_uris:
            cmd += ["--redirect-uri", uri]
        for uri in post_logout_redirect_uris:
            cmd += ["--post-logout-redirect-uri", uri]
        if test_mode:
            cmd.append("--test-mode")
        env = {**os.environ, **(env or {}), "NCR_ENV": "dev"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        # A file, not a pipe: an unread pipe would fill up and block the server.
        with open(log_path, "wb") as log:
            process = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        standin = StandIn(
            port,
            client_id,
            client_secret,
            list(redirect_uris),
            list(post_logout_redirect_uris),
            test_mode,
            db_path,
            log_path,
            process,
        )
        try:
            _wait_until_ready(standin, timeout)
            yield standin
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
