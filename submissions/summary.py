"""Counters kept next to the records, in the same transaction as the write that changes them:

- OrganisationMonth: the register page's counts (records, late, refused) per organisation × month;
  withdrawn records do not count;
- ProducerMonth and ProducerMonthStream: the repeat-offender overview's counts per producer × month
  (× waste stream).

A withdrawn record counts nowhere (it is no non-conformity any more): a withdrawal takes it away from
every table, in its own transaction.

A write adds its deltas with upserts (`INSERT … ON CONFLICT DO UPDATE`): row locks, which PostgreSQL
keeps on the rows themselves, so an upload of any size needs no more entries in the lock table than
a single record (no advisory lock per key). Every writer takes its rows table by table in the order
of TABLES and within a table in key order, so two writers touching the same keys wait for each other
and never deadlock; deltas add up, so the result is the same as one after the other. `rebuild`
recomputes everything from the records (demo data, benchmark, `manage.py rebuild_overview`).

Two entry points for writers: `record_change(before, after)` for one record (the difference between
two `contribution`s, so a correction moving a record to another key takes its locks once, in order),
and `count_records(records, sign)` for a set (an upload, a set withdrawal), one statement per table.
"""

from collections import defaultdict

from django.db import connection, transaction

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
    """What `record` (as it is now, with these waste streams) adds to each table: {model: {key: counts}};
    nothing when it is withdrawn."""
    if record.status == workflow.Status.WITHDRAWN:
        return {}
    month = month_of(record.observed_on)
    refused = int(record.action == REFUSED)
    return {
        OrganisationMonth: {(record.organisation_id, month): (1, int(record.is_late), refused)},
        ProducerMonth: {(record.producer_enterprise_number, month): (1, refused)},
        ProducerMonthStream: {(record.producer_enterprise_number, month, pk): (1,) for pk in stream_ids},
    }


def record_change(before, after):
    """Apply the difference between two contributions (None: the record did not exist)."""
    deltas = {model: defaultdict(_zeros(len(values))) for model, _k, values in TABLES}
    for counts, sign in ((before, -1), (after, 1)):
        for model, rows in (counts or {}).items():
            for key, values in rows.items():
                total = deltas[model][key]
                for index, value in enumerate(values):
                    total[index] += sign * value
    changed = False
    for model, keys, values in TABLES:
        for key in sorted(deltas[model]):
            change = deltas[model][key]
            if any(change):
                _apply_one(model, keys, values, key, change)
                changed = True
    if changed and before is not None:
        transaction.on_commit(overview_changed)  # a correction or withdrawal shows at once


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
    """Per table: the SELECT adding up the records that satisfy `where` (SQL on alias nc) and are not
    withdrawn, in key order, its columns named as the table's. Only table names, fixed expressions and
    `where` (built in this module) are formatted in."""
    ops = connection.ops
    nc = ops.quote_name(NonConformity._meta.db_table)
    link = ops.quote_name(WasteStreamLink._meta.db_table)
    month = f"{_month_sql()} AS month"
    counted = f"({where}) AND nc.status <> '{workflow.Status.WITHDRAWN}'"
    refused = "sum(CASE WHEN nc.action = 'refused' THEN 1 ELSE 0 END) AS refused"
    return {
        OrganisationMonth: (
            f"SELECT nc.organisation_id AS organisation_id, {month}, count(*) AS records, "  # noqa: S608
            f"sum(CASE WHEN nc.is_late THEN 1 ELSE 0 END) AS late, {refused} "
            f"FROM {nc} AS nc WHERE {counted} GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        ProducerMonth: (
            f"SELECT nc.producer_enterprise_number AS producer_enterprise_number, {month}, "  # noqa: S608
            f"count(*) AS records, {refused} FROM {nc} AS nc WHERE {counted} GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        ProducerMonthStream: (
            f"SELECT nc.producer_enterprise_number AS producer_enterprise_number, {month}, "  # noqa: S608
            f"l.wastestream_id AS waste_stream_id, count(*) AS records FROM {nc} AS nc "
            f"JOIN {link} AS l ON l.nonconformity_id = nc.id WHERE {counted} "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ),
    }


def count_records(records, sign):
    """Add (sign=1) or take away (sign=-1) what the records of the queryset `records`, as they are now,
    count in every table; inside the caller's transaction, one statement per table (three to take
    away), whatever the number of keys, rows taken in key order. Withdrawn records count nothing: a
    set withdrawal calls this with -1 on the records it withdraws *before* changing their status."""
    subquery, params = records.order_by().values("pk").query.sql_with_params()
    _count(f"nc.id IN ({subquery})", params, sign)


NESTED_LOOPS_UP_TO = 1000  # records of an upload counted with whatever plan PostgreSQL likes


def count_upload_records(upload_id):
    """count_records of an upload's records, selected by their upload index directly: `id IN (…)` walked
    the primary key once per record (1 s of a 100,000-row upload).

    A large upload without nested loops: its records and links were written in this same transaction, so
    the planner's statistics know none of them (after a rolled-back try they may even say the tables are
    empty), and a nested loop planned for a handful of rows took minutes for 20,000 (seen in CI after a
    retried import). Hash joins stay linear whatever the estimate, but read every link once (0.5 s at a
    million records), which a small upload or API batch should not pay."""
    large = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) > %s FROM {connection.ops.quote_name(NonConformity._meta.db_table)} "  # noqa: S608
                "WHERE upload_id = %s",
                [NESTED_LOOPS_UP_TO, upload_id],
            )
            large = cursor.fetchone()[0]
            if large:
                cursor.execute("SET LOCAL enable_nestloop = off")  # gone with the transaction if _count fails
    _count("nc.upload_id = %s", [upload_id], 1)
    if large:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_nestloop")


def _count(where, params, sign):
    selects = _selects(where)
    ops = connection.ops
    with connection.cursor() as cursor:
        for model, keys, values in TABLES:
            table = ops.quote_name(model._meta.db_table)
            select = selects[model]
            if sign > 0:
                updates = ", ".join(f"{v} = {table}.{v} + EXCLUDED.{v}" for v in values)
                # `WHERE true`: SQLite's parser needs it between a SELECT and ON CONFLICT.
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join((*keys, *values))}) "  # noqa: S608
                    f"SELECT * FROM ({select}) AS d WHERE true "
                    f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
                    params,
                )
                continue
            # Only counted records are taken away, so their rows exist. Lock them in key order first
            # (an UPDATE … FROM locks in join order); an emptied row goes, as a rebuild would not write it.
            match = " AND ".join(f"t.{k} = d.{k}" for k in keys)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT 1 FROM {table} AS t JOIN ({select}) AS d ON {match} "  # noqa: S608
                    f"ORDER BY {', '.join(f't.{k}' for k in keys)} FOR UPDATE OF t",
                    params,
                )
            assignments = ", ".join(f"{v} = t.{v} - d.{v}" for v in values)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM ({select}) AS d WHERE {match}",  # noqa: S608
                params,
            )
            cursor.execute(
                f"DELETE FROM {table} AS t WHERE t.records = 0 "  # noqa: S608
                f"AND EXISTS (SELECT 1 FROM ({select}) AS d WHERE {match})",
                params,
            )
    if sign < 0:
        transaction.on_commit(overview_changed)


def overview_changed():
    """Records stopped counting: the overview's cached figures (submissions/overview.py) are stale."""
    from submissions.overview import forget_figures

    forget_figures()


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
    transaction.on_commit(overview_changed)


def register_counts(organisation_id, today):
    """The register page's counts (this month, late, refused) from at most one row per month, added up
    here: the rows are few, and the ORM's conditional aggregate cost more to build than to run."""
    this_month, counts = month_of(today), {"this_month": 0, "late": 0, "refused": 0}
    rows = OrganisationMonth.objects.filter(organisation_id=organisation_id).order_by()
    for month, records, late, refused in rows.values_list("month", "records", "late", "refused"):
        counts["this_month"] += records if month == this_month else 0
        counts["late"] += late
        counts["refused"] += refused
    return counts
