"""`make run`'s process (ncregister/devserver.py), started for real: on Ctrl-C or SIGTERM nothing it started
survives."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ncregister import devserver
from tests.helpers import ROOT, clean_env, free_port, migrated_database_url


def descendants(pid):
    """Every live process below `pid`, read from /proc (children of children too)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, ppid in parents.items() if ppid == parent}
        found |= children
        todo.extend(children)
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the dev server stopped by itself"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.django_db
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_it_stops_every_process_it_started(signum, tmp_path):
    port, standin_port = free_port(), free_port()
    env = clean_env(
        DATABASE_URL=migrated_database_url(),
        RUN_PORT=str(port),
        STANDIN_PORT=str(standin_port),
        STANDIN_DB=str(tmp_path / "standin.sqlite3"),
    )
    server = subprocess.Popen([sys.executable, "-m", "ncregister.devserver"], cwd=ROOT, env=env)
    try:
        wait_for(f"http://127.0.0.1:{port}/health/", server)
        wait_for(f"http://127.0.0.1:{standin_port}/op/.well-known/openid-configuration", server)
        started = descendants(server.pid)
        assert len(started) >= 5  # stand-in, runserver and its reloader child, two workers
        server.send_signal(signum)
        assert server.wait(timeout=devserver.GRACE_SECONDS + 20) == 0
        assert [pid for pid in started if alive(pid)] == []
    finally:
        if server.poll() is None:
            server.kill()


def test_what_ignores_terminate_is_killed_after_the_grace_period():
    stubborn = devserver.start(["sh", "-c", "trap '' TERM; sleep 60 & wait"], env=dict(os.environ))
    time.sleep(0.3)  # let the shell set its trap
    child = descendants(stubborn.pid)
    began = time.monotonic()
    devserver.stop([stubborn], grace=0.5)
    assert time.monotonic() - began < 5
    assert stubborn.returncode == -signal.SIGKILL
    # SIGKILL is delivered asynchronously: the orphaned child may take a moment to die after kill() returns
    deadline = time.monotonic() + 5
    while [pid for pid in child if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in child if alive(pid)] == []
