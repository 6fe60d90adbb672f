"""Exports as the worker makes them, against PostgreSQL's own copy-out (not part of `make test`).

    .venv/bin/python benchmarks/export_benchmark.py [--records 1000000] [--skip-all]

Uses the generated register (benchmarks/generate.py). For the largest collector and for everything
(OVAM), it runs the worker's export job (export_jobs.build: CSV through COPY into a file stored through
Django's storage) and, in the same run, the baseline: `COPY (SELECT <the same columns, unformatted>
…) TO STDOUT` of the same rows. XLSX is timed for the largest collector (submissions/sheets.py). Peak
memory is the process's largest resident size so far (XLSX runs last: it holds the most).
Target: CSV <= 3x the baseline, memory flat; XLSX <= 2x and <= 150 MB (see README).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

RAW_COLUMNS = (
    "nc.id, nc.own_reference, nc.observed_on, nc.producer_name, nc.producer_enterprise_number, "
    "nc.establishment_number, nc.street, nc.house_number, nc.postcode, nc.municipality, nc.description, "
    "(SELECT string_agg(l.wastestream_id::text, ',') FROM submissions_nonconformity_waste_streams l "
    "WHERE l.nonconformity_id = nc.id), nc.action, nc.customer_informed_on, nc.container_reference, "
    "nc.status, nc.received_at, nc.deadline, nc.is_late, nc.source"
)


def copy_out(where, params):
    """Seconds and bytes for PostgreSQL's own copy-out of the same rows and columns."""
    from django.db import connection

    sql = (
        f"COPY (SELECT {RAW_COLUMNS} FROM submissions_nonconformity nc WHERE {where} "
        "ORDER BY nc.observed_on DESC, nc.id DESC) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"
    )
    started, size = time.perf_counter(), 0
    with connection.cursor() as cursor:
        sql = connection.ops.compose_sql(sql, params)
        with cursor.cursor.copy(sql) as copy:
            for block in copy:
                size += len(block)
    return time.perf_counter() - started, size


def run_job(user, organisation, staff, records, fmt):
    from submissions import export_jobs
    from submissions.exports import selection_sql
    from submissions.models import Export

    export = Export.objects.create(
        requested_by=user,
        organisation=organisation,
        staff=staff,
        format=fmt,
        selection=selection_sql(records),
        language="nl",
        file_name=f"bench.{fmt}",
    )
    started = time.perf_counter()
    status = export_jobs.build(export.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    export.refresh_from_db()
    assert status == "done", status
    size = export.size
    export.file.delete(save=False)
    return seconds, export.rows_done, size, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    parser.add_argument("--skip-all", action="store_true", help="skip the export of all records")
    args = parser.parse_args()
    facts = generate.prepare(args.database_url, args.records)

    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import Organisation, User
    from submissions.models import NonConformity

    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ncr-export-bench-")
    user = User.objects.get_or_create(username="bench-exporter", defaults={"vo_id": "bench-exporter"})[0]
    collector = Organisation.objects.get(pk=facts["largest"])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}", flush=True)
    collector_records = NonConformity.objects.filter(organisation=collector)
    cases = [("CSV, largest collector", collector, False, collector_records, "csv", "nc.organisation_id = %s",
              [collector.pk])]  # fmt: skip
    if not args.skip_all:
        cases.append(("CSV, everything (OVAM)", None, True, NonConformity.objects.all(), "csv", "true", []))
    cases.append(("XLSX, largest collector", collector, False, collector_records, "xlsx",
                  "nc.organisation_id = %s", [collector.pk]))  # fmt: skip
    for label, organisation, staff, records, fmt, where, params in cases:
        baseline, raw_size = copy_out(where, params)
        seconds, rows, size, peak = run_job(user, organisation, staff, records, fmt)
        print(
            f"{label:<26} {rows:>9,} rows  {seconds:7.1f} s ({rows / seconds:9,.0f} rows/s, "
            f"{size / 1e6:6.1f} MB)"
            f"  baseline COPY {baseline:6.1f} s ({raw_size / 1e6:6.1f} MB)  ratio {seconds / baseline:4.1f}×"
            f"  peak RSS {peak / 1e6:6.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
