import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.cluster import Cluster
from tests.helpers import ROOT, clean_env

TEMPLATE = "ncr_template"


@pytest.fixture(scope="session")
def cluster():
    """Our own PostgreSQL, with a migrated template database that each test copies."""
    own = Cluster().init()
    own.start()
    try:
        own.execute(f"CREATE DATABASE {TEMPLATE}")
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=clean_env(NCR_ENV="dev", DATABASE_URL=own.url(TEMPLATE)),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        yield own
    finally:
        own.destroy()


class Scene:
    """One test's database (a copy of the template) and the processes it starts against it."""

    def __init__(self, cluster, name, tmp_path, copy_template=True):
        self.cluster, self.name, self.tmp_path = cluster, name, tmp_path
        self.media = tmp_path / "media"
        self.processes = []
        if copy_template:
            cluster.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")

    def env(self, **overrides):
        defaults = {
            "NCR_ENV": "dev",
            "DATABASE_URL": self.cluster.url(self.name),
            "NCR_MEDIA_ROOT": str(self.media),
            "NCR_LOG_FORMAT": "json",
            "NCR_DB_CONNECT_TIMEOUT": "2",
        }
        return clean_env(**{**defaults, **overrides})

    def run(self, *args, **settings):
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env(**settings),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def enqueue(self, code, rows, **settings):
        result = self.run("-m", "tests.faults.scenario", "enqueue", code, str(rows), **settings)
        assert result.returncode == 0, result.stderr
        return int(result.stdout.strip().splitlines()[-1])

    def start(self, args, env, name):
        log = open(self.tmp_path / f"{name}-{len(self.processes)}.log", "w")  # noqa: SIM115 - closed at teardown
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log.name
        self.processes.append((process, log))
        return process

    def start_worker(self, **settings):
        """The worker command as its own process; `settings` override environment variables."""
        return self.start(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"], self.env(**settings), "worker"
        )

    def upload(self, upload_id):
        [row] = self.query(
            "SELECT status, rows_done, error_count FROM submissions_upload WHERE id = %s", [upload_id]
        )
        return row

    def records(self, upload_id):
        return self.query("SELECT count(*) FROM submissions_nonconformity WHERE upload_id = %s", [upload_id])[
            0
        ][0]

    def query(self, sql, params=None):
        return self.cluster.execute(sql, params, dbname=self.name)

    def diagnosis(self):
        """What each process logged last and what the database was doing: for a failed test's report."""
        lines = []
        for process, log in self.processes:
            log.flush()
            tail = Path(process.log_path).read_text().splitlines()[-15:]
            lines += [f"--- {process.log_path} (exit {process.poll()})", *tail]
        try:
            activity = self.query(
                "SELECT pid, state, wait_event_type, wait_event, now() - query_start, left(query, 200)"
                " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            lines += ["--- pg_stat_activity", *map(str, activity)]
        except Exception as exc:  # the database may be down on purpose
            lines.append(f"--- pg_stat_activity unavailable: {exc}")
        return "\n".join(lines)

    def close(self):
        for process, log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            log.close()


@pytest.fixture
def scene(cluster, request, tmp_path):
    running = Scene(cluster, f"t_{request.node.name[:40].lower()}_{os.getpid()}", tmp_path)
    yield running
    print(running.diagnosis())  # pytest shows it only when the test failed
    running.close()


def wait_until(condition, timeout, interval=0.2):
    """Polls `condition` until it returns something true; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not within {timeout}s: {condition.__doc__ or condition}")
