"""OVAM admin benchmark (not part of `make test`).

    .venv/bin/python benchmarks/admin_benchmark.py [--rows 1000000] [--keep]

Creates a scratch PostgreSQL database (BENCH_ADMIN_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ncr_bench_admin), migrates it and fills it in SQL (generate_series)
with --rows non-conformities: 200 collectors, 50,000 producers with a skewed (Zipf-like, P(k) ~ 1/k)
distribution, observation dates over five years, one to three waste streams each; then VACUUM ANALYZE.
It then signs a reviewer in with Django's test Client and prints the median of 5 warm requests for
the admin list's first page, filtered pages, searches and the repeat-offender overview over one year,
against the 300 ms target. With --keep an existing filled database is reused.
"""

import argparse
import importlib
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ncr_bench_admin"
)
TARGET_MS = 300
COLLECTORS = 200
PRODUCERS = 50_000
DAYS = 5 * 365
MUNICIPALITIES = [
    "Antwerpen",
    "Gent",
    "Brugge",
    "Leuven",
    "Mechelen",
    "Aalst",
    "Kortrijk",
    "Hasselt",
    "Sint-Niklaas",
    "Oostende",
    "Genk",
    "Roeselare",
    "Turnhout",
    "Dendermonde",
    "Beveren",
    "Beringen",
    "Vilvoorde",
    "Lokeren",
    "Geel",
    "Heist-op-den-Berg",
    "Waregem",
    "Lier",
    "Ieper",
    "Mol",
    "Tienen",
    "Zaventem",
    "Ninove",
    "Halle",
    "Menen",
    "Knokke-Heist",
    "Maasmechelen",
    "Wevelgem",
    "Tongeren",
    "Diest",
]
TRADES = ["Bakkerij", "Garage", "Slagerij", "Café", "Bouwbedrijf", "Drukkerij", "Schrijnwerkerij", "Hotel"]


def configure():
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncregister.settings.test")
    import django

    django.setup()


def recreate_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def sql_list(values):
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def fill(rows):
    from django.db import connection

    from accounts.models import Organisation, User

    admin_indexes = importlib.import_module("submissions.migrations.0003_admin_indexes")
    started = time.perf_counter()
    organisations = [
        Organisation(code=f"0{400000000 + i:09d}"[:10], name=f"Inzamelaar {i:03d} NV", audience="EA")
        for i in range(1, COLLECTORS + 1)
    ]
    Organisation.objects.bulk_create(organisations)
    author = User.objects.create(username="bench-author", vo_id="bench-author")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        # Build the big indexes once after the fill instead of maintaining them row by row.
        for name in admin_indexes.INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("SELECT min(id), max(id) FROM accounts_organisation WHERE name LIKE 'Inzamelaar %%'")
        first_org, last_org = cursor.fetchone()
        cursor.execute(
            f"""
            INSERT INTO submissions_nonconformity (
                organisation_id, submitted_by_id, observed_on, producer_name, producer_enterprise_number,
                establishment_number, street, house_number, postcode, municipality, description, action,
                customer_informed_on, container_reference, own_reference, source, received_at, deadline,
                is_late, status, withdrawal_reason, internal_note, version, created_at, updated_at)
            SELECT
                %(first_org)s + floor(random() * (%(last_org)s - %(first_org)s + 1))::int,
                %(author)s,
                d.observed_on,
                ({sql_list(TRADES)})[1 + p.k %% {len(TRADES)}] || ' ' || p.k,
                p.kbo8 || lpad((97 - (p.kbo8::bigint %% 97))::text, 2, '0'),
                CASE WHEN p.k %% 2 = 0 THEN p.est8 || lpad((97 - (p.est8::bigint %% 97))::text, 2, '0')
                     ELSE '' END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE 'Stationsstraat' END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE (1 + p.k %% 200)::text END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE (1000 + p.k %% 9000)::text END,
                ({sql_list(MUNICIPALITIES)})[1 + (p.k * 7 + (g %% 10 / 9)) %% {len(MUNICIPALITIES)}],
                'Sorteerfout in het restafval.',
                (ARRAY['refused', 'registered', 'registered', 'post_sorted'])[1 + floor(random() * 4)::int],
                d.observed_on + 1,
                '',
                CASE WHEN g %% 3 = 0 THEN 'R-' || g ELSE '' END,
                CASE WHEN g %% 4 = 0 THEN 'upload' ELSE 'form' END,
                d.observed_on + interval '1 day 10 hours',
                d.observed_on + interval '1 day 23 hours 59 minutes',
                random() < 0.1,
                CASE
                    WHEN d.observed_on > current_date - 30 THEN
                        (ARRAY['submitted', 'submitted', 'under_review'])[1 + floor(random() * 3)::int]
                    ELSE (ARRAY['closed', 'closed', 'closed', 'referred', 'withdrawn', 'under_review',
                                'submitted'])[1 + floor(random() * 7)::int]
                END,
                '', '', 1, now(), now()
            FROM generate_series(1, %(rows)s) AS g
            CROSS JOIN LATERAL (
                SELECT k, '0' || lpad((2000000 + k * 13)::text, 7, '0') AS kbo8,
                       '2' || lpad((3000000 + k * 17)::text, 7, '0') AS est8
                FROM (SELECT least({PRODUCERS}, floor(exp(random() * ln({PRODUCERS} + 1)))::int) AS k
                      WHERE g IS NOT NULL) AS pick
            ) AS p
            CROSS JOIN LATERAL (
                SELECT current_date - floor(random() * {DAYS})::int AS observed_on WHERE g IS NOT NULL
            ) AS d
            """,
            {"rows": rows, "first_org": first_org, "last_org": last_org, "author": author.pk},
        )
        # One stream per record (skewed to the common ones), a second one for 40%.
        cursor.execute(
            """
            INSERT INTO submissions_nonconformity_waste_streams (nonconformity_id, wastestream_id)
            SELECT nc.id, ws.id FROM submissions_nonconformity nc
            JOIN submissions_wastestream ws
              ON ws.number = (ARRAY[16, 16, 16, 3, 3, 22, 2, 17, 18, 20, 23, 7])[1 + nc.id % 12]
             AND ws.valid_from IS NULL
            UNION ALL
            SELECT nc.id, ws.id FROM submissions_nonconformity nc
            JOIN submissions_wastestream ws
              ON ws.number = 1 + (nc.id * 7) % 24 AND ws.valid_from IS NULL
            WHERE nc.id % 5 < 2 AND 1 + (nc.id * 7) % 24
                  <> (ARRAY[16, 16, 16, 3, 3, 22, 2, 17, 18, 20, 23, 7])[1 + nc.id % 12]
            """
        )
        for name, definition in admin_indexes.INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {rows:,} non-conformities in {time.perf_counter() - started:.0f} s (VACUUM ANALYZE done)")


def shown_count(response):
    """What the page says about its size: the paginator line of a list, the ranking of the overview."""
    text = response.content.decode()
    found = re.search(r'<p class="paginator">(.*?)</p>', text, re.S)
    if found:
        size = re.search(r"((?:ongeveer|about)\s+)?(\d[\d.,]*)\s+non-conformit", found.group(1))
        return f"{'~' if size and size.group(1) else ''}{size.group(2) if size else '?'} rows"
    return f"{text.count('<tr>') - 1} rows"


def measure(client, url, runs=5, before=None):
    response = client.get(url)  # warm-up: connection, plans, PostgreSQL's buffers
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), min(timings), response


def measure_plain(call, runs=5):
    call()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()

    if not args.keep:
        recreate_database()
    configure()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Organisation
    from submissions import months, summary
    from submissions.models import NonConformity, ProducerMonth, WasteStream
    from tests.conftest import sign_in

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not args.keep or not NonConformity.objects.exists():
        fill(args.rows)
        ProducerMonth.objects.all().delete()
    if not ProducerMonth.objects.exists():
        started = time.perf_counter()
        summary.rebuild()
        print(f"overview summary rebuilt in {time.perf_counter() - started:.1f} s (INSERT … SELECT)")
        with connection.cursor() as cursor:  # visibility map for index-only scans, as autovacuum would
            cursor.execute("VACUUM ANALYZE submissions_producermonth, submissions_producermonthstream")
    # The test Client's host; no setup_test_environment(): its template instrumentation would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    ovam, _created = Organisation.objects.get_or_create(code="OVO000000", defaults={"name": "OVAM"})
    client = Client()
    sign_in(client, vo_id="bench-reviewer", organisation=ovam, roles=["OVAM-behandelaars"])

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM submissions_nonconformity")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT producer_enterprise_number, count(*) FROM submissions_nonconformity "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        top_number, top_count = cursor.fetchone()
    collector = Organisation.objects.filter(name__startswith="Inzamelaar").order_by("pk")[17]
    pmd = WasteStream.objects.get(number=16, valid_from__isnull=True)
    glass = WasteStream.objects.get(number=2, valid_from__isnull=True)
    today = timezone.localdate()
    first_month = months.add_months(today.replace(day=1), -11)  # twelve months, this one included
    month_start = today.replace(day=1)
    dotted = f"{top_number[:4]}.{top_number[4:7]}.{top_number[7:]}"
    print(
        f"database: {total:,} non-conformities, {COLLECTORS} collectors, {PRODUCERS:,} producers "
        f"(largest: {top_count:,} records)"
    )

    changelist = reverse("admin:submissions_nonconformity_changelist")
    overview_url = (
        reverse("admin:submissions_nonconformity_overview")
        + "?"
        + urlencode({"van": f"{first_month:%Y-%m}", "tot": f"{today:%Y-%m}"})
    )
    cases = [
        ("list, first page", changelist),
        ("filtered: status under review", f"{changelist}?status__exact=under_review"),
        (
            "filtered: status + stream (glass) + refused",
            f"{changelist}?status__exact=closed&stream={glass.pk}&action__exact=refused",
        ),
        ("filtered: one collector", f"{changelist}?organisation__id__exact={collector.pk}"),
        ("filtered: waste stream pmd", f"{changelist}?stream={pmd.pk}"),
        ("filtered: late, this month", f"{changelist}?is_late__exact=1&observed_on__gte={month_start}"),
        ("search: producer name and number", f"{changelist}?q=hotel+4711"),
        ("search: enterprise number with dots", f"{changelist}?q={dotted}"),
        ("search: municipality", f"{changelist}?q=knokke"),
        ("search: own reference", f"{changelist}?q=R-424242"),
        ("overview: one year, computed (cache emptied)", overview_url, cache.clear),
        ("overview: one year, cached figures", overview_url, None),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work slows every figure)")
    print(f"\nmedian of 5 warm requests (Django test Client, signed in as a reviewer); target {TARGET_MS} ms")
    # Baselines in the same run: a request that touches nothing (the floor of the test Client and the
    # middleware) and the list's first page as one bare SQL query (what the database alone needs).
    floor = statistics.median(measure_plain(lambda: client.get("/health/")))
    first_page_sql = (
        "SELECT id, observed_on, producer_name, producer_enterprise_number, municipality, action, status "
        "FROM submissions_nonconformity ORDER BY observed_on DESC, id DESC LIMIT 100"
    )
    with connection.cursor() as cursor:
        sql = statistics.median(measure_plain(lambda: (cursor.execute(first_page_sql), cursor.fetchall())))
    print(f"  baseline: a request that touches nothing        {floor:8.1f} ms")
    print(f"  baseline: the first page as one bare SQL query  {sql:8.1f} ms")
    worst = 0
    for label, url, *before in cases:
        median, fastest, response = measure(client, url, before=before[0] if before else None)
        worst = max(worst, median)
        shown = shown_count(response)
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(
            f"  {label:<46} {median:8.1f} ms  (fastest {fastest:6.1f}, {median / sql:5.1f}× bare SQL)"
            f"  {verdict:<11} {shown}"
        )
    print(
        f"\nslowest: {worst:.1f} ms ({'all under' if worst < TARGET_MS else 'not all under'} {TARGET_MS} ms)"
    )


if __name__ == "__main__":
    main()
