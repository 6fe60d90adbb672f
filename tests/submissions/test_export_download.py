"""A large export downloaded over a slow link through gunicorn with the image's worker model
(gunicorn.conf.py): a download slower than the worker timeout arrives complete."""

import hashlib
import os
import runpy
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from submissions.models import Export
from tests.conftest import sign_in
from tests.helpers import ROOT, clean_env, gunicorn

SIZE = 12 * 1024 * 1024  # well beyond what the kernel's socket buffers absorb on localhost
RATE = 4 * 1024 * 1024  # bytes per second the slow client reads: about 3 s in all
TIMEOUT = "1"  # gunicorn's worker timeout for this test, in seconds


def slow_get(url, path, cookie):
    """GET `path` reading at most RATE bytes a second; returns (headers, body)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
        )
        sock.settimeout(30)
        data, started = b"", time.monotonic()
        while chunk := sock.recv(64 * 1024):
            data += chunk
            ahead = len(data) / RATE - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    head, _sep, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def test_a_large_export_survives_a_slow_link(transactional_db, client, organisation_a, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = sign_in(client, vo_id="vo-an", organisation=organisation_a, roles=["Indieners"])
    content = os.urandom(SIZE // 2).hex().encode()  # a CSV's worth of bytes, not compressible
    export = Export.objects.create(
        requested_by=user, organisation=organisation_a, format="csv", selection="SELECT 1", language="nl",
        file_name="groot.csv", status="done", rows_done=1, expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    export.file.save("groot.csv", ContentFile(content))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    database = connection.settings_dict["NAME"]
    env = clean_env(
        DJANGO_SETTINGS_MODULE="ncregister.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        NCR_MEDIA_ROOT=str(tmp_path),
    )
    # The image's worker model (gunicorn.conf.py), without the file's PRD start-up checks: test settings.
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")
    model = ("--worker-class", config["worker_class"], "--threads", str(config["threads"]))
    with gunicorn(env, *model, "--timeout", TIMEOUT, config=os.devnull) as server:
        started = time.monotonic()
        head, body = slow_get(server.url, reverse("register_export_download", args=[export.pk]), cookie)
        took = time.monotonic() - started
        log = server.log()
    assert head.startswith("HTTP/1.1 200"), log
    assert f"Content-Length: {SIZE}" in head
    assert took > 2 * int(TIMEOUT)  # the link was slower than the worker timeout
    assert hashlib.sha256(body).digest() == hashlib.sha256(content).digest()
