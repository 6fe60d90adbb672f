"""The rows an upload's preview checked, kept for its store (CheckedBatch).

The preview reads and checks every row; the store, once the person confirmed, used to do the same again
(a tenth of a 100,000-row upload, more for XLSX). Now the preview keeps its checked rows batch by batch,
and the store takes them back, unless what they were checked against changed meanwhile: the waste
streams (OVAM may edit them) or the checks themselves (a new release). The register-dependent checks (own
references, register numbers, corrections) run again at the store either way. A date cannot become
"in the future" later, so the day of the check does not matter.
"""

import datetime as dt
import hashlib
import json
import zlib

from submissions import workflow
from submissions.imports.rows import DATE_FIELDS
from submissions.models import CheckedBatch, WasteStream

# Raise when a rule of submissions.validation or submissions.imports.rows changes: rows checked by the
# previous rules are then read and checked again.
CHECKS_VERSION = 1


def fingerprint():
    """What checked rows depend on besides the file: the checks' version and every waste stream."""
    streams = WasteStream.objects.order_by("pk").values_list("pk", "number", "valid_from", "valid_until")
    return hashlib.sha256(repr((CHECKS_VERSION, list(streams))).encode()).hexdigest()


def keep(upload, number, rows, checked_with):
    """Keep batch `number` of `upload`: (row number, cleaned) pairs, in the caller's transaction."""
    encoded = [[row, _encode(cleaned)] for row, cleaned in rows]
    data = zlib.compress(json.dumps(encoded, separators=(",", ":")).encode(), 1)
    CheckedBatch.objects.create(upload=upload, number=number, checked_with=checked_with, rows=data)


def kept(upload):
    """The batches the preview kept, one after the other (memory stays flat); None when there are none,
    or when they were checked against something that has changed since."""
    batches = CheckedBatch.objects.filter(upload=upload)
    checked_with = set(batches.values_list("checked_with", flat=True).distinct())
    if checked_with != {fingerprint()}:
        return None
    streams = WasteStream.objects.in_bulk()
    numbers = list(batches.order_by("number").values_list("number", flat=True))

    def each():
        for number in numbers:
            data = batches.values_list("rows", flat=True).get(number=number)
            yield [(row, _decode(values, streams)) for row, values in json.loads(zlib.decompress(data))]

    return each()


def discard(upload_id):
    CheckedBatch.objects.filter(upload_id=upload_id).delete()


def purge_finished():
    """Kept rows of uploads that will not be stored any more: rejected, failed or cancelled (housekeeping;
    a stored upload discards its own, an expired preview goes with its upload)."""
    waiting = [workflow.UploadStatus.PREVIEW, *workflow.UPLOAD_BUSY]
    return CheckedBatch.objects.exclude(upload__status__in=waiting).delete()[0]


def _encode(cleaned):
    values = dict(cleaned)
    values["waste_streams"] = [stream.pk for stream in cleaned["waste_streams"]]
    for field in DATE_FIELDS:
        values[field] = values[field] and values[field].isoformat()
    return values


def _decode(values, streams):
    values["waste_streams"] = [streams[pk] for pk in values["waste_streams"]]
    for field in DATE_FIELDS:
        values[field] = values[field] and dt.date.fromisoformat(values[field])
    return values
