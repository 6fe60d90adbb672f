"""The register page under gunicorn as the image runs it, measured with wrk (not part of `make test`).

    .venv/bin/python benchmarks/throughput_benchmark.py [--duration 20] [--long 60]

Uses the generated register (benchmarks/generate.py). Starts gunicorn with gunicorn.conf.py's settings
(without its PRD start-up checks), once with sync workers and once with gthread workers, and runs wrk
with 16 connections against the largest collector's register page and, as the baseline in the same run,
a bare signed-in view (the date-facts JSON: session, grant, user). Then, per model, 64 connections for
--long seconds against the register page, counting errors and timeouts.
Needs `wrk` (Debian package). Target: >= 25% of the baseline's requests/s, p99 <= 250 ms, no errors.
"""

import argparse
import os
import re
import runpy
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url, worker_class, log):
    """gunicorn with gunicorn.conf.py's workers, threads, timeouts and access log, but without the file's
    PRD start-up checks (test settings would fail them) and with `worker_class` as given."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ncregister.settings.test",
        "DATABASE_URL": database_url,
        "NCR_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", os.devnull, "ncregister.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--worker-class", worker_class,
         "--workers", str(config["workers"]), "--threads", str(config["threads"]),
         "--timeout", str(config["timeout"]), "--keep-alive", str(config["keepalive"]),
         "--access-logfile", "-", "--access-logformat", config["access_log_format"]],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            requests.get(f"{url}/health/", timeout=2)
            return process, url
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def wrk(url, cookie, connections, seconds):
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, p99, (errors.group(1) if errors else "none"), int(non_2xx.group(1)) if non_2xx else 0


def _ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--long", type=int, default=60)
    args = parser.parse_args()
    facts = generate.prepare(args.database_url, args.records)

    from django.conf import settings
    from django.test import Client

    from accounts.models import Organisation
    from tests.conftest import sign_in

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    collector = Organisation.objects.get(pk=facts["largest"])
    sign_in(client, vo_id=f"bench-{collector.pk}", organisation=collector, roles=["Indieners"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load}; {config['workers']} gunicorn processes "
        f"(gthread: {config['threads']} threads each)",
        flush=True,
    )
    with tempfile.TemporaryFile() as log:
        for worker_class in ("sync", "gthread"):
            process, url = start_gunicorn(args.database_url, worker_class, log)
            try:
                bare = wrk(f"{url}/register/datum/", cookie, 16, args.duration)
                page = wrk(f"{url}/register/", cookie, 16, args.duration)
                print(
                    f"{worker_class:<8} bare view {bare[0]:7.1f} req/s (p99 {bare[2]:6.0f} ms)  "
                    f"register page {page[0]:7.1f} req/s (p50 {page[1]:5.0f} ms, p99 {page[2]:6.0f} ms) "
                    f"= {page[0] / bare[0]:5.1%} of bare; errors {page[3]}, non-2xx {page[4]}",
                    flush=True,
                )
                if args.long:
                    rate, p50, p99, errors, non_2xx = wrk(f"{url}/register/", cookie, 64, args.long)
                    print(
                        f"{worker_class}, 64 connections {args.long} s: {rate:.1f} req/s, p50 {p50:.0f} ms, "
                        f"p99 {p99:.0f} ms, errors {errors}, non-2xx {non_2xx}",
                        flush=True,
                    )
            finally:
                process.terminate()
                process.wait(20)


if __name__ == "__main__":
    main()
