"""OVAM admin benchmark (not part of `make test`).

    .venv/bin/python benchmarks/admin_benchmark.py [--rows 1000000]

Uses the generated register (benchmarks/generate.py: 200 collectors and 50,000 producers with skewed
spreads, five years, history, uploads; kept between runs). Signs a reviewer in with Django's test
Client and prints the median of 5 warm requests for the admin list's first page, filtered pages,
searches (two common words included) and the repeat-offender overview over one year, against the
300 ms target, with two baselines measured in the same run.
"""

import argparse
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

TARGET_MS = 300


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
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    args = parser.parse_args()
    generate.prepare(args.database_url, args.rows)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Organisation
    from submissions import months, summary
    from submissions.models import ProducerMonth, WasteStream
    from tests.conftest import sign_in

    call_command("migrate", verbosity=0)
    logging.getLogger("ncregister.request").setLevel(logging.WARNING)
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
        f"database: {total:,} non-conformities, {generate.COLLECTORS} collectors, "
        f"{generate.PRODUCERS:,} producers "
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
        # Sorts by column (list_display order: 1 date, 2 collector, 3 producer, 8 status, 9 age).
        ("sort: date, oldest first", f"{changelist}?o=1"),
        ("sort: collector", f"{changelist}?o=2"),
        ("sort: producer", f"{changelist}?o=3"),
        ("sort: status", f"{changelist}?o=8"),
        ("sort: age, longest waiting first", f"{changelist}?o=-9"),
        ("sort: producer, all statuses", f"{changelist}?o=3&status__exact=alle"),
        ("search: producer name and number", f"{changelist}?q=hotel+4711"),
        ("search: enterprise number with dots", f"{changelist}?q={dotted}"),
        ("search: municipality", f"{changelist}?q=mechelen"),
        ("search: own reference", f"{changelist}?q=R-424242"),
        ("search: two common words", f"{changelist}?q=bakkerij+janssens"),
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
    signed_in = statistics.median(measure_plain(lambda: client.get(reverse("admin:jsi18n"))))
    print(f"  baseline: a request that touches nothing        {floor:8.1f} ms")
    print(f"  baseline: a bare signed-in admin request        {signed_in:8.1f} ms (the admin's JS catalog)")
    print(f"  baseline: the first page as one bare SQL query  {sql:8.1f} ms")
    worst = 0
    for label, url, *before in cases:
        median, fastest, response = measure(client, url, before=before[0] if before else None)
        worst = max(worst, median)
        shown = shown_count(response)
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(
            f"  {label:<46} {median:8.1f} ms  (fastest {fastest:6.1f}, "
            f"{median / signed_in:5.1f}× bare signed-in, {median / sql:5.1f}× bare SQL)"
            f"  {verdict:<11} {shown}"
        )
    print(
        f"\nslowest: {worst:.1f} ms ({'all under' if worst < TARGET_MS else 'not all under'} {TARGET_MS} ms)"
    )


if __name__ == "__main__":
    main()
