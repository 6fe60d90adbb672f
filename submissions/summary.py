"""Counters kept next to the records, in the same transaction as the write that changes them:

- OrganisationMonth: the register page's counts (records, late, refused) per organisation × month;
  withdrawn records do not count;
- ProducerMonth and ProducerMonthStream: the repeat-offender overview's counts per producer × month
  (× waste stream); every record counts, whatever its status.

A write adds its deltas with upserts (`INSERT … ON CONFLICT DO UPDATE`): row locks, which PostgreSQL
keeps on the rows themselves, so an upload of any size needs no more entries in the lock table than
a single record (no advisory lock per key). Every writer takes its rows table by table in the order
of TABLES and within a table in key order, so two writers touching the same keys wait for each other
and never deadlock; deltas add up, so the result is the same as one after the other. `rebuild`
recomputes everything from the records (demo data, benchmark, `manage.py rebuild_overview`).
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from submissions import workflow
from submissions.models import NonConformity, OrganisationMonth, ProducerMonth, ProducerMonthStream
from submissions.months import month_of

WasteStreamLink = NonConformity.waste_streams.through
REFUSED = NonConformity.Action.REFUSED

# (model, key columns, counted columns), in the order every writer locks them.
TABLES = (
    (OrganisationMonth, ("organisation_id", "month"), ("records", "late", "refused")),
    (ProducerMonth, ("producer_enterprise_number", "month"), ("records", "refused")),
    (ProducerMonthStream, ("producer_enterprise_number", "month", "waste_stream_id"), ("records",)),
)


def key_of(record):
    return (record.producer_enterprise_number, month_of(record.observed_on))


# --- One record ------------------------------------------------------------------------------------


def contribution(record, stream_ids=()):
    """What `record` (as it is now, with these waste streams) adds to each table: {model: {key: counts}}."""
    month = month_of(record.observed_on)
    refused = int(record.action == REFUSED)
    counts = {
        ProducerMonth: {(record.producer_enterprise_number, month): (1, refused)},
        ProducerMonthStream: {(record.producer_enterprise_number, month, pk): (1,) for pk in stream_ids},
        OrganisationMonth: {},
    }
    if record.status != workflow.Status.WITHDRAWN:
        counts[OrganisationMonth] = {(record.organisation_id, month): (1, int(record.is_late), refused)}
    return counts


def record_change(before, after):
    """Apply the difference between two contributions (None: the record did not exist)."""
    deltas = {model: defaultdict(_zeros(len(values))) for model, _k, values in TABLES}
    for counts, sign in ((before, -1), (after, 1)):
        for model, rows in (counts or {}).items():
            for key, values in rows.items():
                total = deltas[model][key]
                for index, value in enumerate(values):
                    total[index] += sign * value
    for model, keys, values in TABLES:
        for key in sorted(deltas[model]):
            change = deltas[model][key]
            if any(change):
                _apply_one(model, keys, values, key, change)


def _zeros(width):
    return lambda: [0] * width


def _apply_one(model, keys, values, key, change):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if min(change) < 0:
            # Only a counted record can be taken away, so its row exists; an empty row goes (under
            # this transaction's row lock), as a rebuild would not write it.
            assignments = ", ".join(f"{v} = {v} + %s" for v in values)
            where = " AND ".join(f"{k} = %s" for k in keys)
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE {where}", [*change, *key])  # noqa: S608
            cursor.execute(f"DELETE FROM {table} WHERE {where} AND records = 0", key)  # noqa: S608
        else:
            columns = ", ".join((*keys, *values))
            placeholders = ", ".join(["%s"] * (len(keys) + len(values)))
            updates = ", ".join(f"{v} = {table}.{v} + EXCLUDED.{v}" for v in values)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
                [*key, *change],
            )


# --- Many records, set-based ------------------------------------------------------------------------


def _month_sql():
    if connection.vendor == "postgresql":
        return "date_trunc('month', nc.observed_on)::date"
    return "date(nc.observed_on, 'start of month')"


def _selects(where):
    """Per table: the SELECT adding up the records that satisfy `where` (SQL on alias nc), in key order.
    Only table names, fixed expressions and `where` (a constant of this module) are formatted in."""
    ops = connection.ops
    nc = ops.quote_name(NonConformity._meta.db_table)
    link = ops.quote_name(WasteStreamLink._meta.db_table)
    month = _month_sql()
    refused = "sum(CASE WHEN nc.action = 'refused' THEN 1 ELSE 0 END)"
    return {
        OrganisationMonth: (
            f"SELECT nc.organisation_id, {month}, count(*), sum(CASE WHEN nc.is_late THEN 1 ELSE 0 END), "  # noqa: S608
            f"{refused} FROM {nc} AS nc WHERE ({where}) AND nc.status <> '{workflow.Status.WITHDRAWN}' "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        ProducerMonth: (
            f"SELECT nc.producer_enterprise_number, {month}, count(*), {refused} "  # noqa: S608
            f"FROM {nc} AS nc WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        ProducerMonthStream: (
            f"SELECT nc.producer_enterprise_number, {month}, l.wastestream_id, count(*) "  # noqa: S608
            f"FROM {nc} AS nc JOIN {link} AS l ON l.nonconformity_id = nc.id WHERE {where} "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ),
    }


def add_upload(upload_id):
    """Count an upload's records, inside the import's transaction: one upsert per table, whatever the
    number of (organisation/producer, month) keys, taken in key order."""
    ops = connection.ops
    with connection.cursor() as cursor:
        for model, keys, values in TABLES:
            table = ops.quote_name(model._meta.db_table)
            updates = ", ".join(f"{v} = {table}.{v} + EXCLUDED.{v}" for v in values)
            # `WHERE true`: SQLite's parser needs it between a SELECT and ON CONFLICT.
            cursor.execute(
                f"INSERT INTO {table} ({', '.join((*keys, *values))}) "  # noqa: S608
                f"SELECT * FROM ({_selects('nc.upload_id = %s')[model]}) AS d WHERE true "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
                [upload_id],
            )


@transaction.atomic
def rebuild():
    """Recompute every counter from the records, one INSERT … SELECT per table."""
    ops = connection.ops
    with connection.cursor() as cursor:
        for model, _keys, _values in reversed(TABLES):
            model.objects.all().delete()
        for model, keys, values in TABLES:
            table = ops.quote_name(model._meta.db_table)
            cursor.execute(f"INSERT INTO {table} ({', '.join((*keys, *values))}) {_selects('1 = 1')[model]}")
        if connection.vendor == "postgresql":
            for model, _keys, _values in TABLES:
                cursor.execute(f"ANALYZE {ops.quote_name(model._meta.db_table)}")


def register_counts(organisation_id, today):
    """The register page's counts (this month, late, refused) from at most one row per month."""
    return OrganisationMonth.objects.filter(organisation_id=organisation_id).aggregate(
        this_month=Coalesce(Sum("records", filter=Q(month=month_of(today))), 0),
        late=Coalesce(Sum("late"), 0),
        refused=Coalesce(Sum("refused"), 0),
    )
