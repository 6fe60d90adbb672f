"""The submitter's register page for the largest collector (not part of `make test`).

    .venv/bin/python benchmarks/register_benchmark.py [--records 1000000] [--runs 7]

Uses the generated register (benchmarks/generate.py; kept between runs). Signs in a submitter of the
largest collector with Django's test Client and prints, per page, the median of warm requests (wall
and this process's CPU time), the number of queries, and baselines measured in the same run: a bare
signed-in request (the date-facts JSON without a date: session, grant and user only), the page's own
list query alone and its capped count alone (EXPLAIN ANALYZE execution time). For comparison it also
times the SQL the page ran before keyset pages and counters (three counts over the collector, a
full COUNT for the pager, OFFSET paging).
Target: median <= 25 ms each, the same query count on every page.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

TARGET_MS = 25


def timed(call, runs):
    """(median wall ms, median CPU ms of this process, last result): the CPU time is Django's own work,
    which other processes on a shared machine do not inflate as much as the wall time."""
    call()  # warm-up: connection, plans, buffers
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(timings), statistics.median(cpu), result


def execution_ms(cursor, sql):
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return plan[0]["Execution Time"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    parser.add_argument("--verbose", action="store_true", help="show each page's slowest query")
    args = parser.parse_args()
    facts = generate.prepare(args.database_url, args.records)

    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Organisation
    from tests.conftest import sign_in

    logging.getLogger("ncregister.request").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    collector = Organisation.objects.get(pk=facts["largest"])
    client = Client()
    sign_in(client, vo_id=f"bench-{collector.pk}", organisation=collector, roles=["Indieners"])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM submissions_nonconformity WHERE organisation_id = %s", [collector.pk]
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT observed_on, id FROM submissions_nonconformity WHERE organisation_id = %s "
            "ORDER BY observed_on DESC, id DESC OFFSET %s LIMIT 1",
            [collector.pk, total // 2],
        )
        day, pk = cursor.fetchone()
        cursor.execute(
            "SELECT producer_enterprise_number FROM submissions_nonconformity WHERE organisation_id = %s "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            [collector.pk],
        )
        number = cursor.fetchone()[0]
    home = reverse("register_home")
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    pages = [
        ("first page", {}),
        (f"deep page (record {total // 2:,})", {"ouder": f"{day.isoformat()}.{pk}"}),
        ("last page", {"laatste": "1"}),
        ("name search 'janssens'", {"q": "janssens"}),
        (f"KBO search '{dotted}'", {"q": dotted}),
        ("status filter (closed)", {"status": "closed"}),
        ("stream filter (22°)", {"waste_stream": "22"}),
        (
            "search + filter, next page",
            {"q": "bakkerij", "action": "refused", "ouder": f"{day.isoformat()}.{pk}"},
        ),
    ]

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}; collector {collector.pk}: {total:,} records")
    bare, bare_cpu, _response = timed(lambda: client.get(reverse("register_date_facts")), args.runs)
    print(f"baseline: bare signed-in request {bare:6.1f} ms (CPU {bare_cpu:4.1f} ms)")
    print(
        f"{'page':<38} {'median':>8} {'CPU':>7} {'queries':>7} {'list SQL':>9} {'count SQL':>9} {'× bare':>6}"
    )
    counts, worst = set(), 0
    for label, params in pages:
        url = f"{home}?{urlencode(params)}" if params else home
        median, cpu, response = timed(lambda url=url: client.get(url), args.runs)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.add(len(queries))
        listing = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 26" in q["sql"]][-1]
        counting = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")][-1]
        with connection.cursor() as cursor:
            list_ms, count_ms = execution_ms(cursor, listing), execution_ms(cursor, counting)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        if args.verbose:
            print(f"    slowest query {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:400]}")
        worst = max(worst, median)
        verdict = "ok" if median <= TARGET_MS else "OVER"
        print(
            f"{label:<38} {median:5.1f} ms {cpu:4.1f} ms {len(queries):>7} {list_ms:6.2f} ms "
            f"{count_ms:6.2f} ms {median / bare:5.1f}×  {verdict}"
        )
    print(f"query count per page: {sorted(counts)} ({'constant' if len(counts) == 1 else 'NOT constant'})")
    print(f"slowest page: {worst:.1f} ms (target {TARGET_MS} ms)")

    # What the page cost before (same run): its counting and OFFSET paging, as bare SQL.
    old = {
        "three counts over the collector": (
            "SELECT count(*) FILTER (WHERE observed_on >= date_trunc('month', current_date)), "
            "count(*) FILTER (WHERE is_late), count(*) FILTER (WHERE action = 'refused') "
            "FROM submissions_nonconformity WHERE organisation_id = %s"
        ),
        "pager COUNT(*)": "SELECT count(*) FROM submissions_nonconformity WHERE organisation_id = %s",
        "last page by OFFSET": (
            "SELECT id FROM submissions_nonconformity WHERE organisation_id = %s "
            f"ORDER BY observed_on DESC, id DESC OFFSET {max(total - 25, 0)} LIMIT 25"
        ),
    }
    print("before (bare SQL of the old page, same run):")
    with connection.cursor() as cursor:
        for label, sql in old.items():
            median, _cpu, _rows = timed(
                lambda sql=sql: (cursor.execute(sql, [collector.pk]), cursor.fetchall()), 3
            )
            print(f"  {label:<40} {median:8.1f} ms")


if __name__ == "__main__":
    main()
