"""A PostgreSQL cluster of the tests' own (initdb, pg_ctl, a free 127.0.0.1 port), to stop and start at will.

Never the server on 5432: the fault tests take this one down.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.helpers import free_port


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    assert initdb, "PostgreSQL's server binaries (initdb, pg_ctl) are needed: apt-get install postgresql"
    return Path(initdb).parent


class Cluster:
    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ncr-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.bindir = _bindir()
        # initdb and postgres refuse to run as root: as root, run them as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres")

    def _run(self, *args):
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self):
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self):
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname, user="postgres", password=""):
        return f"postgres://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname="postgres", user="postgres"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user=user, dbname=dbname, autocommit=True)

    def execute(self, sql, params=None, dbname="postgres"):
        with self.connect(dbname) as conn:
            rows = conn.execute(sql, params)
            return rows.fetchall() if rows.description else None

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
