"""Exports of non-conformities as CSV and XLSX, for the register and the admin.

PostgreSQL produces the rows: one SELECT over the selection (the request's own filtered queryset, its
organisation scope included) with labels, number formats and formula neutralisation in SQL, so there
is no model instance and no translation lookup per row. Up to STREAM_UP_TO rows the answer is made in
the request (CSV streamed); above that the export runs in the worker (submissions/export_jobs.py),
where the CSV is PostgreSQL's own COPY output. Labels and headers are translated once per export.

    csv_response(records, "register.csv")       # records: a queryset, already scoped and filtered
    xlsx_response(records, "register.xlsx")
"""

import datetime as dt
import io

from django.db import connection
from django.utils.translation import gettext as _

from submissions import sheets, workflow
from submissions.downloads import FORMULA_STARTS, csv_download, xlsx_download
from submissions.imports.columns import ACTIONS, EXPORT_ONLY, REGISTER_NUMBER
from submissions.imports.columns import COLUMNS as UPLOAD_COLUMNS
from submissions.models import NonConformity, WasteStream

STREAM_UP_TO = 20_000  # larger exports run in the worker
XLSX_MAX_ROWS = 1_048_574  # a sheet's 1,048,576 rows minus the header row and the row saying it is capped
XLSX_CAP = STREAM_UP_TO  # SQLite (`make run`): the largest XLSX made in the request
FETCH = 2000
TIME_ZONE = "Europe/Brussels"


def _quote(value):
    """A string literal (standard SQL quoting; only our own labels and fixed characters)."""
    return "'" + str(value).replace("'", "''") + "'"


def _neutral(expression):
    """`expression` with a leading apostrophe when a spreadsheet would read it as a formula."""
    starts = ", ".join(_quote(c) for c in FORMULA_STARTS)
    return (
        f"CASE WHEN substr({expression}, 1, 1) IN ({starts}) "
        f"THEN {_quote(chr(39))} || {expression} ELSE {expression} END"
    )


def _formatted(column, groups):
    """Digits in groups, e.g. (4, 3, 3) -> 0405.546.706; other values as they are."""
    parts, start = [], 1
    for size in groups:
        parts.append(f"substr({column}, {start}, {size})")
        start += size
    joined = " || '.' || ".join(parts)
    return f"CASE WHEN length({column}) = {start - 1} THEN {joined} ELSE {column} END"


def _local(column):
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE '{TIME_ZONE}', 'DD/MM/YYYY HH24:MI')"
    return f"strftime('%d/%m/%Y %H:%M', {column}, 'localtime')"  # Django sets the process's TZ


def _choice(column, choices):
    """A CASE turning stored values into their labels, translated now (once per export)."""
    cases = " ".join(f"WHEN {column} = {_quote(value)} THEN {_quote(label)}" for value, label in choices)
    return f"CASE {cases} ELSE {column} END"


def _yes_no(condition):
    return f"CASE WHEN {condition} THEN {_quote(_('yes'))} ELSE {_quote(_('no'))} END"


def _streams(suffix, separator):
    """A record's waste-stream numbers in number order, e.g. "1°, 22°". The catalogue (a few dozen rows)
    is read once per export and written into the SQL as a CASE on the link's stream id: per record this
    reads only the link index (a join with the streams per record took a third of a 1 M-row export)."""
    numbers = dict(WasteStream.objects.values_list("pk", "number"))
    if not numbers:
        return "CAST(NULL AS TEXT)"
    label = " ".join(f"WHEN {pk} THEN {_quote(f'{number}{suffix}')}" for pk, number in numbers.items())
    order = " ".join(f"WHEN {pk} THEN {int(number)}" for pk, number in numbers.items())
    links = (
        f"SELECT CASE l.wastestream_id {label} END AS n FROM submissions_nonconformity_waste_streams l "  # noqa: S608
        f"WHERE l.nonconformity_id = nc.id ORDER BY CASE l.wastestream_id {order} END"
    )
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return f"(SELECT {aggregate}(s.n, {_quote(separator)}) FROM ({links}) AS s)"  # noqa: S608 (our own text)


# OVAM's export names the collector and the reviewer: joined once (a subquery per row cost more than the
# rest of the row together).
STAFF_JOINS = (
    "LEFT JOIN accounts_organisation o ON o.id = nc.organisation_id "
    "LEFT JOIN accounts_user u ON u.id = nc.assigned_reviewer_id"
)
REVIEWER = "coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.username)"
COLLECTOR = "o.name"


def _upload_columns():
    """The register's export for its organisation: the register number, then the upload template's
    columns with their headers and in the formats an upload reads (so an edited export can be uploaded
    again as corrections), then columns for reading only, which an upload ignores."""
    actions = [(value, word) for word, value in ACTIONS.items()]
    expressions = {
        "observed_on": "nc.observed_on",
        "producer_enterprise_number": _formatted("nc.producer_enterprise_number", (4, 3, 3)),
        "producer_name": _neutral("nc.producer_name"),
        "establishment_number": _formatted("nc.establishment_number", (1, 3, 3, 3)),
        "street": _neutral("nc.street"),
        "house_number": _neutral("nc.house_number"),
        "postcode": "nc.postcode",
        "municipality": _neutral("nc.municipality"),
        "description": _neutral("nc.description"),
        "waste_streams": _streams("", ";"),  # as the upload takes them
        "action": _choice("nc.action", actions),
        "customer_informed_on": "nc.customer_informed_on",
        "container_reference": _neutral("nc.container_reference"),
        "own_reference": _neutral("nc.own_reference"),
    }
    reading_only = dict(
        zip(
            EXPORT_ONLY,
            [
                _choice("nc.status", workflow.Status.choices),
                _local("nc.received_at"),
                _local("nc.deadline"),
                _yes_no("nc.is_late"),
                _choice("nc.source", NonConformity.Source.choices),
            ],
            strict=True,
        )
    )
    return [
        (REGISTER_NUMBER.header, "nc.id"),
        *((column.header, expressions[column.field]) for column in UPLOAD_COLUMNS),
        *reading_only.items(),
    ]


def columns(staff=False):
    """[(header, SQL expression on alias nc)] in the file's order. The organisation's own export has the
    upload's columns (_upload_columns); OVAM's has labels, the collector and the reviewer."""
    if not staff:
        return _upload_columns()
    found = [
        (_("Number"), "nc.id"),
        (_("Own reference"), _neutral("nc.own_reference")),
        (_("Date of the non-conformity"), "nc.observed_on"),
        (_("Producer name"), _neutral("nc.producer_name")),
        (_("Enterprise number"), _formatted("nc.producer_enterprise_number", (4, 3, 3))),
        (_("Establishment unit number"), _formatted("nc.establishment_number", (1, 3, 3, 3))),
        (_("Street"), _neutral("nc.street")),
        (_("House number"), _neutral("nc.house_number")),
        (_("Postcode"), "nc.postcode"),
        (_("Municipality"), _neutral("nc.municipality")),
        (_("Description"), _neutral("nc.description")),
        (_("Waste streams"), _streams("°", ", ")),
        (_("Action taken"), _choice("nc.action", NonConformity.Action.choices)),
        (_("Refused"), _yes_no(f"nc.action = {_quote(NonConformity.Action.REFUSED)}")),
        (_("Customer informed on"), "nc.customer_informed_on"),
        (_("Container reference"), _neutral("nc.container_reference")),
        (_("Status"), _choice("nc.status", workflow.Status.choices)),
        (_("Received at"), _local("nc.received_at")),
        (_("Registration deadline"), _local("nc.deadline")),
        (_("Late"), _yes_no("nc.is_late")),
        (_("Source"), _choice("nc.source", NonConformity.Source.choices)),
    ]
    return [(_("Collector"), COLLECTOR), *found, (_("Assigned reviewer"), REVIEWER)]


def selection_sql(selection):
    """The SQL selecting the ids of a queryset of records, its values quoted in (kept on an export job)."""
    if connection.vendor != "postgresql":  # SQLite (`make run`): a small register, its ids as a list
        return ", ".join(str(pk) for pk in selection.values_list("pk", flat=True)) or "NULL"
    sql, params = selection.values("pk").order_by().query.sql_with_params()
    connection.ensure_connection()
    return connection.ops.compose_sql(sql, params)


def export_sql(selection, staff=False, *, limit=None):
    """(headers, one SELECT producing the rows) for `selection` (SQL text or a queryset of records)."""
    if not isinstance(selection, str):
        selection = selection_sql(selection)
    chosen = columns(staff)
    expressions = ", ".join(expression for _header, expression in chosen)
    sql = (
        f"SELECT {expressions} FROM submissions_nonconformity nc {STAFF_JOINS if staff else ''} "  # noqa: S608
        f"WHERE nc.id IN ({selection}) "
        "ORDER BY nc.observed_on DESC, nc.id DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [header for header, _expression in chosen], sql


def rows(sql):
    """The rows of `sql`, read through a server-side cursor in batches: memory stays flat. SQLite
    (`make run`) gives dates as text; they become dates here."""
    sqlite = connection.vendor != "postgresql"
    with connection.chunked_cursor() as cursor:  # planned for all its rows (settings: cursor_tuple_fraction)
        cursor.execute(sql)
        while batch := cursor.fetchmany(FETCH):
            if sqlite:
                batch = [[_date(value) for value in row] for row in batch]
            yield from batch


def _date(value):
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def csv_response(selection, filename, staff=False):
    """A streamed CSV download of `selection` (for exports up to STREAM_UP_TO rows)."""
    headers, sql = export_sql(selection, staff)
    lines = (
        [value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value for value in row]
        for row in rows(sql)
    )
    return csv_download(_chain(headers, lines), filename, streaming=True)


def _chain(first, rest):
    yield first
    yield from rest


def write_xlsx(target, headers, values, cap=XLSX_MAX_ROWS):
    """Write a sheet to the file object `target`; returns whether rows beyond `cap` were left out."""
    capped = False

    def lines():
        nonlocal capped
        yield headers
        for count, row in enumerate(values, start=1):
            if count > cap:
                capped = True
                yield [capped_message(cap)]
                return
            yield row

    sheets.write_sheet(target, _("Non-conformities"), lines())
    return capped


def capped_message(cap):
    return _("This file holds only the first %(cap)s records. Use the CSV export for all of them.") % {
        "cap": cap
    }


def xlsx_response(selection, filename, staff=False, cap=XLSX_CAP):
    """An XLSX download of at most `cap` records; header X-Export-Capped says whether rows were left out."""
    headers, sql = export_sql(selection, staff, limit=cap + 1)
    buffer = io.BytesIO()
    capped = write_xlsx(buffer, headers, rows(sql), cap)
    response = xlsx_download(buffer.getvalue(), filename)
    response["X-Export-Capped"] = "1" if capped else "0"
    return response


def audit_export(request, kind, count, *, person=None, organisation=None, filters=None):
    """Who took which records: the filters and how many, in the audit trail (before the file is built;
    for a worker's export when it knows the count, without a request)."""
    from audit.events import Kind, filters_of, record

    record(
        request,
        Kind.EXPORT,
        person=person,
        organisation=organisation,
        count=count,
        filters=filters_of(request) if filters is None else filters,
        format=kind,
    )
