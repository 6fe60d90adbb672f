"""The API against the upload, in one run (not part of `make test`).

    .venv/bin/python benchmarks/api_benchmark.py [--items 10000] [--singles 200] [--rounds 3]

Creates a scratch PostgreSQL database (BENCH_API_DATABASE_URL, default .../ncr_bench_api), starts the
ACM/IDM stand-in, the portal under gunicorn (gunicorn.conf.py) and one worker (`manage.py worker`), and
measures through real HTTP with a token from the stand-in (introspection included):

  json batch   POST /api/v1/batches with --items items until GET says "aanvaard"
  csv upload   the same rows (own references of their own) as a CSV file received as the upload page
               does (receive_upload), until the worker accepted it: the baseline
               (--rounds alternating rounds of both, medians; both polled every 0.2 s)
  single POST  --singles POSTs of one record one after the other, introspection cached: the median
               round trip, and the median server time from the portal's request log

Target: batch <= 1.2 x the upload; single POST median <= 50 ms.
"""

import argparse
import datetime as dt
import os
import re
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_API_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ncr_bench_api")


def create_database(env):
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def items(count, prefix, day):
    return [
        {
            "datumVaststelling": day,
            "producentNaam": f"Bakkerij {n}",
            "producentOndernemingsnummer": "0405.546.706",
            "straat": "Kerkstraat",
            "huisnummer": str(n),
            "postcode": "2000",
            "gemeente": "Antwerpen",
            "beschrijving": "Karton en pmd tussen het restafval",
            "afvalstromen": [3, 16],
            "actie": "geregistreerd",
            "containerReferentie": f"C-{n}",
            "eigenReferentie": f"{prefix}-{n}",
        }
        for n in range(count)
    ]


def wait_for(predicate, timeout=900):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)  # the same for both sides; a GET through the API costs a request's CPU
    raise RuntimeError("timed out")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from accounts.standin.server import running_standin
    from tests.helpers import free_port

    with running_standin() as standin, tempfile.TemporaryDirectory() as media:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ncregister.settings.test",
            "DATABASE_URL": DATABASE_URL,
            "NCR_MEDIA_ROOT": media,
            "ACMIDM_ISSUER": standin.issuer,
            "OIDC_RP_CLIENT_ID": standin.client_id,
            "OIDC_RP_CLIENT_SECRET": standin.client_secret,
            "NCR_API_BATCH_MAX_ITEMS": str(args.items),
            "NCR_API_REQUESTS_PER_MINUTE": "100000",
            "NCR_API_MAX_REQUEST_MB": "50",
            "NCR_LOG_LEVEL": "INFO",  # as in PRD; the request log gives the server time per request
        }
        create_database(env)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.files.base import ContentFile

        from accounts.models import ApiClient, Organisation
        from api.batches import items_as_csv
        from submissions.imports.intake import receive_upload
        from submissions.models import Upload

        alfa = Organisation.objects.create(code="0405546706", name="Alfa", audience="EA", api_enabled=True)
        client = ApiClient.objects.create(client_id="api-alfa", organisation=alfa)
        token = requests.post(
            f"{standin.issuer}/v1/token",
            data={"grant_type": "client_credentials", "scope": "vo_info dv_ovam_ncr_api"},
            auth=("api-alfa", "api-alfa-secret"),
            timeout=10,
        ).json()["access_token"]
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(media) / "server.log", "wb") as log:
            # gunicorn.conf.py's worker model, workers and threads, without its PRD start-up checks
            # (the test settings would fail them).
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", os.devnull, "ncregister.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--worker-class", config["worker_class"],
                 "--workers", str(config["workers"]), "--threads", str(config["threads"])],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.05"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            try:
                wait_for(lambda: _up(url), 60)
            except RuntimeError:
                log_tail = (Path(media) / "server.log").read_text()[-3000:]
                sys.exit(f"the portal did not answer within 60 s:\n{log_tail}")
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"machine: {os.cpu_count()} CPUs, load average {load}; {args.items:,} items", flush=True)
            day = dt.date.today().isoformat()  # noqa: DTZ011 - the server's Brussels date is the same or later

            def json_batch(prefix):
                started = time.perf_counter()
                response = api.post(f"{url}/api/v1/batches", json=items(args.items, prefix, day), timeout=600)
                posted = time.perf_counter() - started
                assert response.status_code == 202, response.text
                location = response.headers["Location"]
                finished = ("aanvaard", "geweigerd", "mislukt")
                wait_for(lambda: api.get(location, timeout=30).json()["status"] in finished)
                seconds = time.perf_counter() - started
                assert api.get(location, timeout=30).json()["status"] == "aanvaard", api.get(location).text
                return seconds, posted

            def csv_upload(prefix):
                content = items_as_csv(items(args.items, prefix, day))
                started = time.perf_counter()
                upload = receive_upload(
                    organisation=alfa,
                    user=client.user,
                    uploaded_file=ContentFile(content, name=f"{prefix}.csv"),
                    confirmed_late=0,
                )
                finished = ("accepted", "rejected", "failed")
                wait_for(lambda: Upload.objects.get(pk=upload.pk).status in finished)
                seconds = time.perf_counter() - started
                assert Upload.objects.get(pk=upload.pk).status == "accepted"
                return seconds

            # Alternating rounds, medians: neither side gets the warmer database or the quieter minute.
            json_runs, csv_runs = [], []
            for round_ in range(args.rounds):
                json_runs.append(json_batch(f"JSON{round_}"))
                csv_runs.append(csv_upload(f"CSV{round_}"))
            json_seconds = statistics.median(seconds for seconds, _posted in json_runs)
            post_seconds = statistics.median(posted for _seconds, posted in json_runs)
            csv_seconds = statistics.median(csv_runs)

            api.get(f"{url}/api/v1/afvalstromen", timeout=30)  # introspection now cached
            timings = []
            for record in items(args.singles, "ONE", day):
                started = time.perf_counter()
                response = api.post(f"{url}/api/v1/non-conformiteiten", json=record, timeout=30)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 201, response.text
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            # The server's own time per request, as its request log says (ncregister.middleware).
            logged = re.findall(
                r"POST /api/v1/non-conformiteiten 201 ([\d.]+)ms", (Path(media) / "server.log").read_text()
            )
            server_ms = statistics.median(float(ms) for ms in logged) if logged else float("nan")
            print(
                f"json batch  {json_seconds:6.2f} s  ({args.items / json_seconds:,.0f} items/s; "
                f"the POST itself {post_seconds:.2f} s)"
            )
            print(f"csv upload  {csv_seconds:6.2f} s  ({args.items / csv_seconds:,.0f} rows/s)  baseline")
            print(f"ratio       {json_seconds / csv_seconds:6.2f} x the upload (target <= 1.2)")
            print(
                f"single POST median {median:.1f} ms round trip, p95 {p95:.1f} ms ({args.singles} POSTs); "
                f"server time median {server_ms:.1f} ms ({len(logged)} logged; target <= 50)"
            )
        finally:
            for process in (worker, server):
                process.terminate()
                process.wait(20)


def _up(url):
    try:
        return requests.get(f"{url}/health/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    main()
