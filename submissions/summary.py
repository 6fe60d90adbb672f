"""The repeat-offender overview's summary: records per producer × month (and × waste stream).

The services call `schedule(keys)` after every write that can change a count; one task per
transaction then refreshes those (producer, month) keys in the worker. `refresh` recomputes a key
from the records, so running it twice, late or out of order only ever converges. `rebuild`
recomputes everything in SQL (demo data, benchmark, `manage.py rebuild_overview`).
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django_tasks import task

from submissions.models import NonConformity, ProducerMonth, ProducerMonthStream
from submissions.months import add_months, month_of

WasteStreamLink = NonConformity.waste_streams.through


def key_of(record):
    return (record.producer_enterprise_number, month_of(record.observed_on))


# --- Scheduling ----------------------------------------------------------------------------------


class _Pending:
    """The keys one transaction changed; enqueued once, when it commits."""

    def __init__(self):
        self.keys = set()
        self.done = False

    def enqueue(self):
        self.done = True
        refresh_overview.enqueue(sorted([number, month.isoformat()] for number, month in self.keys))


def schedule(keys):
    """Refresh `keys` in the worker after the current transaction commits (one task per transaction:
    an upload of thousands of rows in batches gives one task)."""
    keys = {(number, month_of(day)) for number, day in keys}
    if not keys:
        return
    # Join a batch already waiting for this transaction's commit; if its savepoint was rolled back,
    # Django dropped it and a new one is registered.
    for _savepoints, callback, _robust in connection.run_on_commit:
        pending = getattr(callback, "__self__", None)
        if isinstance(pending, _Pending) and not pending.done:
            pending.keys |= keys
            return
    pending = _Pending()
    pending.keys |= keys
    transaction.on_commit(pending.enqueue)


@task()
def refresh_overview(keys):
    """The worker's task: keys are [enterprise number, "YYYY-MM-01"] pairs."""
    refresh((number, dt.date.fromisoformat(month)) for number, month in keys)
    return len(keys)


# --- Computing -----------------------------------------------------------------------------------


def _lock(keys):
    """Serialise refreshes of the same keys, so the last one reads the last committed records."""
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers anyway
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(h) FROM "
            "(SELECT DISTINCT hashtext(k) AS h FROM unnest(%s::text[]) AS k ORDER BY 1) AS s",
            [[f"overview:{number}:{month.isoformat()}" for number, month in keys]],
        )


@transaction.atomic
def refresh(keys):
    """Recompute the summary rows of these (enterprise number, month) keys from the records."""
    keys = {(number, month_of(month)) for number, month in keys}
    if not keys:
        return
    _lock(keys)
    by_month = defaultdict(set)
    for number, month in keys:
        by_month[month].add(number)
    months, streams = [], []
    for month, numbers in by_month.items():
        ProducerMonth.objects.filter(month=month, producer_enterprise_number__in=numbers).delete()
        ProducerMonthStream.objects.filter(month=month, producer_enterprise_number__in=numbers).delete()
        records = NonConformity.objects.filter(
            observed_on__gte=month,
            observed_on__lt=add_months(month, 1),
            producer_enterprise_number__in=numbers,
        ).order_by()
        for row in records.values("producer_enterprise_number").annotate(
            n=Count("*"), refused=Count("pk", filter=Q(action=NonConformity.Action.REFUSED))
        ):
            months.append(
                ProducerMonth(
                    producer_enterprise_number=row["producer_enterprise_number"],
                    month=month,
                    records=row["n"],
                    refused=row["refused"],
                )
            )
        links = (
            WasteStreamLink.objects.filter(nonconformity__in=records)
            .order_by()
            .values("nonconformity__producer_enterprise_number", "wastestream_id")
            .annotate(n=Count("*"))
        )
        for row in links:
            streams.append(
                ProducerMonthStream(
                    producer_enterprise_number=row["nonconformity__producer_enterprise_number"],
                    month=month,
                    waste_stream_id=row["wastestream_id"],
                    records=row["n"],
                )
            )
    ProducerMonth.objects.bulk_create(months, batch_size=1000)
    ProducerMonthStream.objects.bulk_create(streams, batch_size=1000)


def _month_sql():
    if connection.vendor == "postgresql":
        return "date_trunc('month', nc.observed_on)::date"
    return "date(nc.observed_on, 'start of month')"


@transaction.atomic
def rebuild():
    """Recompute the whole summary from the records in two INSERT … SELECT statements."""
    ops = connection.ops
    nc = ops.quote_name(NonConformity._meta.db_table)
    link = ops.quote_name(WasteStreamLink._meta.db_table)
    month = _month_sql()
    ProducerMonthStream.objects.all().delete()
    ProducerMonth.objects.all().delete()
    # Only table names and the month expression are formatted in; the one value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ops.quote_name(ProducerMonth._meta.db_table)} "  # noqa: S608
            "(producer_enterprise_number, month, records, refused) "
            f"SELECT nc.producer_enterprise_number, {month}, count(*), "
            "sum(CASE WHEN nc.action = %s THEN 1 ELSE 0 END) "
            f"FROM {nc} AS nc GROUP BY 1, 2",
            [NonConformity.Action.REFUSED],
        )
        cursor.execute(
            f"INSERT INTO {ops.quote_name(ProducerMonthStream._meta.db_table)} "  # noqa: S608
            "(producer_enterprise_number, month, waste_stream_id, records) "
            f"SELECT nc.producer_enterprise_number, {month}, l.wastestream_id, count(*) "
            f"FROM {nc} AS nc JOIN {link} AS l ON l.nonconformity_id = nc.id GROUP BY 1, 2, 3"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {ops.quote_name(ProducerMonth._meta.db_table)}")
            cursor.execute(f"ANALYZE {ops.quote_name(ProducerMonthStream._meta.db_table)}")
