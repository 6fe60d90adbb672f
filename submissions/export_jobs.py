"""Exports too large for one request: made by the worker on a queue of their own ("exports", so a large
export never delays uploads), stored through Django's storage, listed on the person's exports page and
served only when complete, until they expire.

A worker holds a PostgreSQL session lock on the export while it builds it: a "running" export without
that lock belongs to a worker that died, and is marked failed the next time anyone looks (never
served; the person can start it again). The file is stored only after its last row was written.
"""

import contextlib
import csv
import datetime as dt
import logging
import tempfile
import time

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_tasks import task

from audit.events import filters_of
from submissions import exports
from submissions.downloads import CSV_DELIMITER, stored_download
from submissions.models import Export, NonConformity
from submissions.pagination import capped_count
from worker.queue import enqueue

logger = logging.getLogger(__name__)

LOCK_CLASS = 7342  # first key of the advisory locks on exports (the second is the export's id)
KEEP = dt.timedelta(days=7)  # how long a finished export can be downloaded
PROGRESS_EVERY = 2.0  # seconds


def respond(request, records, fmt, *, staff, file_name, exports_url, back_url):
    """The answer to "export these records": the file itself up to STREAM_UP_TO rows, else a job for
    the worker and the person's exports page. XLSX above a sheet's limit is refused with CSV offered."""
    size, more = capped_count(records, cap=exports.STREAM_UP_TO)
    if not more:
        exports.audit_export(request, fmt, size)
        if fmt == Export.Format.CSV:
            return exports.csv_response(records, file_name, staff)
        return exports.xlsx_response(records, file_name, staff)
    if fmt == Export.Format.XLSX and capped_count(records, cap=exports.XLSX_MAX_ROWS)[1]:
        messages.warning(
            request,
            _("These are more than %(max)s records, too many for one Excel sheet. Export them as CSV.")
            % {"max": number_format(exports.XLSX_MAX_ROWS, force_grouping=True)},
        )
        return redirect(back_url)
    start(
        user=request.user,
        organisation=None if staff else request.organisation,
        staff=staff,
        selection=records,
        fmt=fmt,
        file_name=file_name,
        filters=filters_of(request),
    )
    messages.success(
        request,
        _("The export holds more than %(n)s records: it is being made and appears here when ready.")
        % {"n": number_format(exports.STREAM_UP_TO, force_grouping=True)},
    )
    return redirect(exports_url)


def start(*, user, organisation, staff, selection, fmt, file_name, filters=None):
    """Queue an export of `selection` (a queryset of records, already scoped and filtered)."""
    export = Export.objects.create(
        requested_by=user,
        organisation=organisation,
        staff=staff,
        format=fmt,
        selection=exports.selection_sql(selection),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=file_name,
        filters=filters or {},
    )
    _enqueue(export)
    return export


def restart(export):
    """The same export again, as a new job (a failed or expired one is never revived)."""
    again = Export.objects.create(
        requested_by=export.requested_by,
        organisation=export.organisation,
        staff=export.staff,
        format=export.format,
        selection=export.selection,
        language=export.language,
        file_name=export.file_name,
        filters=export.filters,
    )
    _enqueue(again)
    return again


def _enqueue(export):
    """On commit, on the exports queue; fair turns per organisation (OVAM's exports share one)."""
    key = f"org:{export.organisation_id}" if export.organisation_id else "ovam"
    transaction.on_commit(lambda: enqueue(build_export, export.pk, fairness_key=f"export:{key}"))


def visible_to(user, *, organisation=None, staff=False):
    """The person's exports: in the portal those for the organisation signed in for, in the admin OVAM's."""
    mark_interrupted()
    exports_ = Export.objects.filter(requested_by=user, staff=staff)
    return exports_.filter(organisation=organisation) if not staff else exports_


def download(request, export):
    """The finished file (404 unless complete and not expired), recorded in the audit trail."""
    from audit.events import Kind, record

    if not downloadable(export):
        raise Http404
    record(request, Kind.DOWNLOAD, count=export.rows_done, file=export.file_name, export=export.pk)
    return stored_download(export.file, export.file_name)


def downloadable(export):
    return export.status == Export.Status.DONE and export.expires_at and export.expires_at > timezone.now()


def mark_interrupted():
    """Running exports whose worker no longer holds their lock died half-way: failed, never served."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Export._meta.db_table} e SET status = %s, finished_at = now() "  # noqa: S608
            "WHERE e.status = %s AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = %s AND l.objid = e.id AND l.objsubid = 2)",
            [Export.Status.FAILED, Export.Status.RUNNING, LOCK_CLASS],
        )


def purge_expired(now=None):
    """Delete expired and failed exports' files and rows; returns how many exports were removed."""
    mark_interrupted()
    now = now or timezone.now()
    old = Export.objects.filter(expires_at__lte=now) | Export.objects.filter(
        status=Export.Status.FAILED, created_at__lte=now - KEEP
    )
    removed = 0
    for export in old:
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed


@contextlib.contextmanager
def _held(export_id):
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, export_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, export_id])


class Progress:
    """rows_done, written at most every PROGRESS_EVERY seconds on a connection of its own (the
    export's connection is busy copying)."""

    def __init__(self, export_id):
        self.export_id = export_id
        self.last = 0.0
        self.connection = None  # SQLite (`make run`) would wait for the export's own connection
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows_done, force=False):
        now = time.monotonic()
        if self.connection is None or (not force and now - self.last < PROGRESS_EVERY):
            return
        self.last = now
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Export._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608
                [rows_done, self.export_id],
            )

    def close(self):
        if self.connection is not None:
            self.connection.close()


@task(queue_name="exports")
def build_export(export_id):
    return build(export_id)


def build(export_id):
    """The worker's part: write the file, store it, mark the export done (or failed)."""
    with _held(export_id):
        claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
            status=Export.Status.RUNNING
        )
        if not claimed:
            return None
        export = Export.objects.get(pk=export_id)
        progress = Progress(export_id)
        try:
            with translation.override(export.language), tempfile.TemporaryFile() as target:
                headers, sql = exports.export_sql(export.selection, export.staff)
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM ({export.selection}) AS s")  # noqa: S608
                    total = cursor.fetchone()[0]
                Export.objects.filter(pk=export_id).update(row_count=total)
                exports.audit_export(
                    None,
                    export.format,
                    total,
                    person=export.requested_by,
                    organisation=export.organisation,
                    filters=export.filters,
                )
                if export.format == Export.Format.PDF:
                    written = _write_notices(target, export, progress)
                elif export.format == Export.Format.CSV:
                    written = _write_csv(target, headers, sql, progress, total)
                else:
                    written = _write_xlsx(target, headers, sql, progress)
                progress(written, force=True)
                size = target.tell()
                target.seek(0)
                export.file.save(export.file_name, File(target), save=False)
            done = Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
                status=Export.Status.DONE,
                file=export.file.name,
                size=size,
                rows_done=written,
                finished_at=timezone.now(),
                expires_at=timezone.now() + KEEP,
            )
            if not done:  # someone marked it failed meanwhile: never serve it
                export.file.delete(save=False)
        except Exception:
            logger.exception("export %s failed", export_id)
            failed = Export.objects.filter(pk=export_id)
            failed.update(status=Export.Status.FAILED, finished_at=timezone.now())
            if export.file:
                export.file.delete(save=False)
        finally:
            progress.close()
    return Export.objects.values_list("status", flat=True).get(pk=export_id)


class _Text:
    """Text to the binary temporary file, UTF-8."""

    def __init__(self, target):
        self.target = target

    def write(self, text):
        self.target.write(text.encode("utf-8"))


def _write_csv(target, headers, sql, progress, total):
    """BOM and header from Python, the rows from PostgreSQL's COPY (its CSV quoting, `;`, dd/mm/yyyy)."""
    target.write("\ufeff".encode())
    writer = csv.writer(_Text(target), delimiter=CSV_DELIMITER, lineterminator="\n")
    writer.writerow(headers)
    if connection.vendor != "postgresql":
        for row in exports.rows(sql):
            writer.writerow([v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v for v in row])
        return total
    count = 0
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle TO 'SQL, DMY'")  # dates as dd/mm/yyyy
        try:
            copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER '{CSV_DELIMITER}')"
            with cursor.cursor.copy(copy_sql) as copy:
                for block in copy:
                    target.write(block)
                    count += bytes(block).count(b"\n")  # rough while copying (texts may hold newlines)
                    progress(min(count, total))
        finally:
            cursor.execute("RESET DateStyle")
    return total  # COPY wrote every row of the selection, or raised


def _write_xlsx(target, headers, sql, progress):
    written = 0

    def counted(values):
        nonlocal written
        for row in values:
            written += 1
            progress(written)
            yield row

    exports.write_xlsx(target, headers, counted(exports.rows(sql)), cap=exports.XLSX_MAX_ROWS)
    return written


def _write_notices(target, export, progress):
    """The customer notices of the selection (the organisation's own records only) in one PDF."""
    from submissions import notices

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({export.selection}) AS s")  # noqa: S608 (one column: the ids)
        ids = [row[0] for row in cursor.fetchall()]
    records = NonConformity.objects.filter(pk__in=ids, organisation_id=export.organisation_id)
    records = list(notices.with_contents(records).order_by("producer_name", "id"))
    target.write(notices.render_batch_pdf(records, progress=progress))
    return len(records)
