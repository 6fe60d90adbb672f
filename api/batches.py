"""Batches: many records at once, stored all or nothing by the worker through the upload's own code.

A JSON array is checked for types and late confirmations at once, then written as a CSV in the upload
template and received exactly as a file upload is (submissions.imports.intake.receive_upload); a CSV or
XLSX file in the template goes there as it is. The batch is the upload: its status and every error per
row (for JSON: per item) and field come from it.
"""

import csv
import datetime as dt
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from api import records
from api.problems import Problem, issue
from submissions import deadlines
from submissions.imports.columns import COLUMNS
from submissions.imports.intake import DuplicateUpload, FileRefused, UploadLimitReached, receive_upload

JSON_FILE_NAME = "api-batch.json"  # the upload's name for a JSON batch (stored as CSV in the template)
FILE_FIELD = "bestand"
FILE_FIELDS = (FILE_FIELD, "laattijdigBevestigd")  # the multipart form: the file and its late-row count
FIRST_DATA_ROW = 2  # row 1 holds the headers
STATUS_CODES = {
    "queued": "wachtrij",
    "processing": "bezig",
    "accepted": "aanvaard",
    "rejected": "geweigerd",
    "failed": "mislukt",
}
# The template's column header -> the API's field name, for errors of JSON batches.
API_NAME_BY_HEADER = {c.header: records.API_NAME[c.field] for c in COLUMNS}


def check_items(items):
    """Type checks and late confirmations of a JSON batch, per item; Problem (nothing stored) if any fails.
    Returns the number of late items (each confirmed), which the worker checks again as an upload's."""
    limit = settings.NCR_API_BATCH_MAX_ITEMS
    if len(items) > limit:
        raise Problem("te-groot", _("A batch holds at most %(n)d items.") % {"n": limit})
    if not items:
        message = _("Send one or more items.")
        raise Problem("validatiefout", _("The batch is empty."), [issue("body", "", None, message)])
    issues = []
    late = 0
    # The deadline only moves forward with the date: one date tells late from on time (one query).
    earliest_on_time = deadlines.earliest_on_time(timezone.now())
    for index, item in enumerate(items):
        try:
            raw, late_confirmed = records.parse(item)
        except Problem as exc:
            for entry in exc.issues or [issue("body", "", None, exc.problem_detail)]:
                issues.append({**entry, "name": f"[{index}].{entry['name']}".rstrip(".")})
            continue
        day = raw.get("observed_on")
        if day:
            observed_on = dt.date.fromisoformat(day) if isinstance(day, str) else day
            if observed_on < earliest_on_time:
                late += 1
                if not late_confirmed:
                    name = f"[{index}].{records.LATE_CONFIRMED}"
                    issues.append(issue("body", name, None, _("Late: confirm the late registration.")))
    if issues:
        raise Problem("validatiefout", _("The batch has errors; nothing was stored."), issues[:1000])
    return late


def items_as_csv(items):
    """The items as a CSV file in the upload template (the columns' own headers and spelling)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for item in items:
        row = []
        for column in COLUMNS:
            value = item.get(records.API_NAME[column.field])
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def receive(request, *, content, name, confirmed_late):
    """Receive the batch as an upload of the caller, without the browser's preview: the worker stores it
    at once if exactly `confirmed_late` rows are late (the API's form of the preview's confirmation)."""
    caller = request.auth
    try:
        return receive_upload(
            organisation=caller.organisation,
            user=caller.user,
            uploaded_file=content if hasattr(content, "chunks") else ContentFile(content, name=name),
            confirmed_late=confirmed_late,
        )
    except FileRefused as exc:
        raise Problem("validatiefout", exc.message, [issue("body", FILE_FIELD, None, exc.message)]) from exc
    except UploadLimitReached as exc:
        raise Problem(
            "te-veel-verzoeken", exc.message, headers={"Retry-After": str(exc.retry_after)}
        ) from exc
    except DuplicateUpload as exc:
        raise Problem(
            "dubbele-batch",
            _("This exact batch was already accepted (batch %(id)s).") % {"id": exc.previous.pk},
        ) from exc


def represent(upload, request):
    from django.urls import reverse

    json_batch = upload.file_name == JSON_FILE_NAME
    errors = []
    for item in upload.errors:
        row = item.get("row")
        column = item.get("column", "")
        errors.append(
            {
                "item": row - FIRST_DATA_ROW if (json_batch and isinstance(row, int)) else None,
                "rij": row,
                "veld": API_NAME_BY_HEADER.get(column, column) if json_batch else column,
                "waarde": item.get("value", ""),
                "detail": item.get("message", ""),
            }
        )
    body = {
        "id": upload.pk,
        "status": STATUS_CODES.get(upload.status, upload.status),
        "soort": "json" if json_batch else "bestand",
        "aantal": upload.row_count,
        "verwerkt": upload.rows_done,
        "ontvangenOp": upload.received_at.isoformat(),
        "afgerondOp": upload.finished_at.isoformat() if upload.finished_at else None,
        "foutenAantal": upload.error_count,
        "fouten": errors,
        "nonConformiteiten": None,
    }
    if upload.status == "accepted":
        body["nonConformiteiten"] = request.build_absolute_uri(
            f"{reverse('api_non_conformities')}?batch={upload.pk}"
        )
    return body
