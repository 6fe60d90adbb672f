"""The whole import of one upload, as the worker runs it: read and check every row for the preview,
then, once the person confirmed, read and check again and store all or nothing. An XLSX's sheet is parsed
once: the preview keeps its rows as CSV text (rows_copy) for the store to read.

One streaming pass inside one transaction: valid rows are written in batches while the file is read;
as soon as one row is wrong, writing stops (checking goes on, to report every error) and at the end
the transaction is rolled back. Memory stays flat whatever the file's size.
"""

import contextlib
import datetime as dt
import gc
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import SUBMITTER
from submissions import services, workflow
from submissions.deadlines import load_holidays
from submissions.imports import rows_copy
from submissions.imports.columns import match_headers
from submissions.imports.preview import Findings, current_records
from submissions.imports.readers import FileRefused, open_table
from submissions.imports.rows import MAX_SHOWN_VALUE, RowChecker, cell_text, error
from submissions.models import NonConformity, Upload
from submissions.validation import StreamCatalogue

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_ERRORS = 10_000  # kept and shown; the count says how many there were in all


class Rejected(Exception):
    pass


def move_upload(upload_id, status, **fields):
    """Move an upload to `status` only from a status the workflow's upload map allows; returns
    whether it moved."""
    return Upload.objects.filter(pk=upload_id, status__in=workflow.upload_sources(status)).update(
        status=status, **fields
    )


def accepted_duplicate(upload):
    """An earlier accepted upload of the same organisation with exactly the same file, if any."""
    return (
        Upload.objects.filter(
            organisation_id=upload.organisation_id, sha256=upload.sha256, status=Upload.Status.ACCEPTED
        )
        .exclude(pk=upload.pk)
        .order_by("received_at")
        .first()
    )


def duplicate_message(previous):
    when = timezone.localtime(previous.received_at).strftime("%d/%m/%Y %H:%M")
    return _("This exact file was already uploaded and accepted on %(when)s (upload %(id)s).") % {
        "when": when,
        "id": previous.pk,
    }


class Progress:
    """Writes rows_done on a connection of its own, so the status page sees it during the transaction.

    Only on PostgreSQL: SQLite (`make run`) would wait for the import's write lock.
    """

    def __init__(self, upload_id):
        self.upload_id = upload_id
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows_done, estimate):
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                # Not waiting for the disk: a progress figure lost in a crash costs nothing, and
                # waiting for each cost the import a third of a second per 100,000 rows.
                cursor.execute("SET lock_timeout = '2s'; SET synchronous_commit = off")
                cursor.execute(
                    f"UPDATE {Upload._meta.db_table} SET rows_done = %s, row_count = %s WHERE id = %s",  # noqa: S608
                    [rows_done, estimate, self.upload_id],
                )
        except DatabaseError:
            logger.warning("progress of upload %s not written", self.upload_id)

    def close(self):
        if self.connection is not None:
            self.connection.close()


def _lock_organisation(organisation_id):
    """Uploads of one organisation run one after the other (duplicate checks stay true)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('ncr-upload'), %s)", [organisation_id])
            if not cursor.fetchone()[0]:
                # Said in the log, so a wait that lasts is seen (and whose turn it waits for, in pg_locks).
                logger.info("organisation %s: waiting for its upload in progress", organisation_id)
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ncr-upload'), %s)", [organisation_id])


class Importer:
    """One pass over the file. Without `store` it only checks and gathers the preview's findings; with
    `store` it writes the valid rows batch by batch (all or nothing: the caller's transaction)."""

    def __init__(self, upload, table, progress, store=False):
        self.upload = upload
        self.table = table
        self.progress = progress
        self.store = store
        self.errors = []
        self.error_count = 0
        self.rows = 0
        self.stored = 0
        self.references = {}  # own reference -> first row in this file
        self.register_numbers = {}  # register number -> first row in this file
        self.batch = []
        self.today = timezone.localdate()
        self.catalogue = StreamCatalogue()
        self.holidays = load_holidays(dt.date.min, dt.date.max)
        self.now = timezone.now()
        self.findings = Findings(upload, self.holidays)
        self.user = upload.uploaded_by
        self.positions = []

    def add_error(self, item, cells=None):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            if cells is not None:
                item["cells"] = original_cells(self.positions, cells)
            self.errors.append(item)

    def sorted_errors(self):
        """By row as the person sees it; errors about the whole file first."""
        return sorted(self.errors, key=lambda item: item["row"] or 0)

    def run(self):
        rows = self.table.rows
        first = next(rows, None)
        if first is None:
            raise FileRefused(_("The file is empty."))
        header_row, header = first
        positions, problems = match_headers(header)
        if problems:
            for label, message in problems:
                self.add_error(error(header_row, label, "", message))
            raise Rejected
        self.positions = positions
        checker = RowChecker(positions, len(header), self.catalogue, self.today)
        max_rows = settings.NCR_UPLOAD_MAX_ROWS
        for number, cells in rows:
            cleaned, row_errors = checker.check(number, cells)
            if cleaned is None and not row_errors:
                continue  # blank row
            self.rows += 1
            if self.rows > max_rows:
                raise FileRefused(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            for item in row_errors:
                self.add_error(item, cells)
            if cleaned is not None:
                reference = cleaned["own_reference"]
                if reference and reference in self.references:
                    self.add_error(
                        error(
                            number,
                            "eigen_referentie",
                            reference,
                            _("This own reference was already used in row %(row)d of this file.")
                            % {"row": self.references[reference]},
                        ),
                        cells,
                    )
                    cleaned = None
                elif reference:
                    self.references[reference] = number
            if cleaned is not None and cleaned["register_number"] is not None:
                register_number = cleaned["register_number"]
                if register_number in self.register_numbers:
                    message = _("This register number was already used in row %(row)d of this file.")
                    row = {"row": self.register_numbers[register_number]}
                    self.add_error(error(number, "registernummer", register_number, message % row), cells)
                    cleaned = None
                else:
                    self.register_numbers[register_number] = number
            if cleaned is not None:
                self.batch.append((number, cleaned, cells))
            if len(self.batch) >= BATCH_SIZE:
                self.flush()
            if self.rows % BATCH_SIZE == 0:
                self.progress(self.rows, self.table.estimated_rows(self.rows))
        self.flush()
        if self.rows == 0:
            raise FileRefused(_("The file has a header row but no records."))
        if self.error_count:
            raise Rejected

    def flush(self):
        """Check a batch against the register, one query each: own references, register numbers, and
        (for the preview) look-alikes; then, once confirmed, store it."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        organisation_id = self.upload.organisation_id
        owners = services.own_reference_owners(
            organisation_id, [c["own_reference"] for _n, c, _cells in batch]
        )
        current = current_records(organisation_id, [c["register_number"] for _n, c, _cells in batch])
        valid = []
        for number, cleaned, cells in batch:
            reference, register_number = cleaned["own_reference"], cleaned["register_number"]
            if register_number is not None and register_number not in current:
                message = _("Register number %(number)s does not exist in your organisation's register.")
                self.add_error(
                    error(number, "registernummer", register_number, message % {"number": register_number}),
                    cells,
                )
            elif reference in owners and owners[reference] != register_number:
                self.add_error(
                    error(number, "eigen_referentie", reference, services.DUPLICATE_OWN_REFERENCE), cells
                )
            else:
                valid.append((number, cleaned))
        if self.error_count:
            return  # once anything is wrong, only check: nothing will be stored
        new, corrections = self.findings.sort(valid, current)
        if not self.store:
            self.findings.check_duplicates([*new, *((n, c) for n, c, _pk in corrections)])
            return
        self.stored += services.store_upload_rows(
            self.upload, [cleaned for _number, cleaned in new], holidays=self.holidays, now=self.now
        )
        for number, cleaned, pk in corrections:
            self.correct(number, cleaned, pk)

    def correct(self, number, cleaned, pk):
        """A correction through the same service as the form's (workflow, history, counters)."""
        try:
            services.correct_non_conformity(
                NonConformity(pk=pk),
                user=self.user,
                role=SUBMITTER,
                data=cleaned,
                waste_streams=cleaned["waste_streams"],
                expected_version=None,
            )
        except ValidationError as exc:  # taken up by OVAM since the preview, or an own reference race
            self.add_error(error(number, "registernummer", pk, " ".join(exc.messages)))


def original_cells(positions, cells):
    """The row as the file had it, by the template's column names (for the error report)."""
    return {
        column.header: cell_text(cells[index] if index < len(cells) else "")[:MAX_SHOWN_VALUE]
        for index, column in positions
    }


def late_mismatch(late, confirmed):
    return _(
        "The file has %(late)d late rows, but %(confirmed)d were confirmed. Nothing was stored; "
        "check the late rows and confirm their number."
    ) % {"late": late, "confirmed": confirmed}


def import_upload(upload, progress=None):
    """Check `upload` and, once confirmed (`confirmed_late` set), store it. Returns the errors: [] when
    the checks passed (status preview) or every row was stored (status accepted).

    Returns None when the upload was finished by another run meanwhile (a job taken back after its lease).
    """
    progress = progress or (lambda done, estimate: None)
    store = upload.confirmed_late is not None
    importer = copy = None
    kept = rows_copy.open_kept(upload) if store else None
    try:
        fileobj, size = kept or (upload.file.open("rb"), upload.file.size)
        with fileobj:
            table = rows_copy.table(fileobj, size) if kept else open_table(fileobj, size)
            if not store and table.kind == "xlsx":
                copy = rows_copy.Writer(upload)
                table.rows = copy.tee(table.rows)
            with transaction.atomic():
                _lock_organisation(upload.organisation_id)
                if not Upload.objects.filter(pk=upload.pk, status=Upload.Status.PROCESSING).exists():
                    return None  # another worker took the job back from us and finished it meanwhile
                previous = accepted_duplicate(upload)
                if previous is not None:
                    raise FileRefused(duplicate_message(previous))
                importer = Importer(upload, table, progress, store=store)
                importer.run()
                done = {
                    "row_count": importer.rows,
                    "rows_done": importer.rows,
                    "error_count": 0,
                    "errors": [],
                }
                if not store:
                    if copy is not None:
                        copy.save()
                    move_upload(
                        upload.pk,
                        Upload.Status.PREVIEW,
                        preview=importer.findings.as_json(),
                        expires_at=timezone.now() + dt.timedelta(hours=settings.NCR_PREVIEW_HOURS),
                        **done,
                    )
                    return []
                late = importer.findings.late.count
                if late != upload.confirmed_late:
                    raise FileRefused(late_mismatch(late, upload.confirmed_late))
                services.count_upload(upload)
                transaction.on_commit(lambda: rows_copy.delete(upload))
                move_upload(
                    upload.pk,
                    Upload.Status.ACCEPTED,
                    preview=importer.findings.as_json(),  # what was stored and corrected, for the page
                    finished_at=timezone.now(),
                    **done,
                )
        return []
    except Rejected:
        errors, count = importer.sorted_errors(), importer.error_count
    except FileRefused as exc:
        errors, count = [error(None, "", "", exc.message)], 1
    except IntegrityError:
        # Only a record saved through the form during the import can cause this (own reference race).
        message = _(
            "Meanwhile another non-conformity took one of these own references. Upload the file again."
        )
        errors, count = [error(None, "eigen_referentie", "", message)], 1
    finally:
        if copy is not None:
            copy.close()
    rows_copy.delete(upload)
    rows = importer.rows if importer else 0
    move_upload(
        upload.pk,
        Upload.Status.REJECTED,
        row_count=rows,
        rows_done=rows,
        error_count=count,
        errors=errors,
        finished_at=timezone.now(),
    )
    return errors


FAILED_MESSAGE = gettext_lazy(
    "The file could not be processed because of a fault on our side. "
    "Nothing was stored. Upload the file again."
)


def mark_failed(upload_id, language=None):
    """The worker gave the import up: the upload ends as failed, never left "processing"."""
    with translation.override(language or settings.LANGUAGE_CODE):
        errors = [error(None, "", "", str(FAILED_MESSAGE))]
    if move_upload(
        upload_id, Upload.Status.FAILED, error_count=1, errors=errors, rows_done=0, finished_at=timezone.now()
    ):
        upload = Upload.objects.get(pk=upload_id)
        transaction.on_commit(lambda: rows_copy.delete(upload))


@contextlib.contextmanager
def _fewer_collections():
    """Every row makes a few dozen objects that live until its batch is stored, and no reference cycle;
    at the default threshold the cycle collector ran thousands of times over every object of the worker
    for nothing (1.5 to 2.4 s of CPU of a 100,000-row upload, measured). It still runs, less often."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def process_upload(upload_id, language=None):
    """What the worker runs for one upload; an upload already finished is left alone.

    A lost database connection is raised to the worker, which puts the job back on the queue (the
    import's transaction rolled back, so it runs again from the start).
    """
    claimed = move_upload(upload_id, Upload.Status.PROCESSING, rows_done=0)
    if not claimed:
        return None
    upload = Upload.objects.get(pk=upload_id)
    progress = Progress(upload_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            with _fewer_collections():
                import_upload(upload, progress)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            # Never leave the person looking at "processing" forever.
            logger.exception("upload %s failed", upload_id)
            mark_failed(upload_id, language)
        finally:
            progress.close()
    return Upload.objects.values_list("status", flat=True).get(pk=upload_id)
