"""Receiving a file in the web request: cheap checks at once, then the worker takes over; and the
person's answer to the worker's preview (confirm or cancel)."""

import hashlib
import os
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from ncregister.identifiers import is_digits
from submissions.fair_use import UploadLimitReached, check_upload_allowed
from submissions.imports import rows_copy
from submissions.imports.readers import HEAD_BYTES, FileRefused, check_size, sniff
from submissions.imports.runner import accepted_duplicate, move_upload
from submissions.models import Upload
from worker.queue import enqueue


class DuplicateUpload(Exception):
    def __init__(self, previous):
        super().__init__(previous.pk)
        self.previous = previous


def late_count(value):
    """A confirmed number of late rows as the person or an API client sent it: an int, or None when it is
    not one (ASCII digits only, at most nine: more than any file holds and than the column takes)."""
    if isinstance(value, str) and is_digits(value) and len(value) < 10:
        return int(value)
    return None


def sha256_of(uploaded_file):
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def receive_upload(*, organisation, user, uploaded_file, language=None, confirmed_late=None):
    """Check size and kind, refuse a file already accepted, store it and queue the import.

    The worker checks the file and leaves it waiting in a preview for the person to confirm. A client
    that skips the preview (the API) passes `confirmed_late`, the number of late rows it confirms: the
    worker then stores the file at once, and refuses it unless exactly that many rows are late.

    Raises FileRefused, DuplicateUpload or UploadLimitReached; stores nothing then.
    """
    from submissions.imports.tasks import process_upload

    check_size(uploaded_file.size)
    uploaded_file.seek(0)
    kind = sniff(uploaded_file.read(HEAD_BYTES))
    uploaded_file.seek(0)
    upload = Upload(
        organisation=organisation,
        uploaded_by=user,
        file_name=os.path.basename(uploaded_file.name or "")[:255] or "upload",
        sha256=sha256_of(uploaded_file),
        confirmed_late=confirmed_late,
        confirmed_at=timezone.now() if confirmed_late is not None else None,
    )
    previous = accepted_duplicate(upload)
    if previous is not None:
        raise DuplicateUpload(previous)
    uploaded_file.seek(0)
    with transaction.atomic():
        # One upload of an organisation at a time passes the fair-use count, whichever container.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        check_upload_allowed(organisation, user)
        # A name of our own on disk; the person's file name is kept in file_name only.
        upload.file.save(f"{uuid.uuid4().hex}.{kind}", uploaded_file, save=False)
        upload.save()
        enqueue(process_upload, upload.pk, language, fairness_key=f"org:{organisation.pk}")
    return upload


class NotConfirmed(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def confirm_upload(upload, *, confirmed_late, language=None):
    """The person confirms a preview, naming the number of late rows: the worker stores the file.

    Raises NotConfirmed (a message for the person) when the upload no longer waits for confirmation,
    its preview expired, or the number is not the file's number of late rows."""
    from submissions.imports.tasks import process_upload

    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != Upload.Status.PREVIEW:
            raise NotConfirmed(_("This upload no longer waits for a confirmation."))
        if locked.expires_at and locked.expires_at <= timezone.now():
            raise NotConfirmed(_("This preview has expired. Upload the file again."))
        late = locked.preview.get("late_count", 0)
        if confirmed_late != late:
            raise NotConfirmed(
                _("The file has %(late)d late rows. Confirm that number to store it.") % {"late": late}
            )
        move_upload(locked.pk, Upload.Status.CONFIRMED, confirmed_late=late, confirmed_at=timezone.now())
        enqueue(process_upload, locked.pk, language, fairness_key=f"org:{locked.organisation_id}")
    return locked


def cancel_upload(upload):
    """The person cancels a preview: nothing is stored and the file goes. Returns whether it was cancelled."""
    with transaction.atomic():
        cancelled = move_upload(upload.pk, Upload.Status.CANCELLED, finished_at=timezone.now())
        if cancelled:
            transaction.on_commit(lambda: _delete_files(upload))
    return bool(cancelled)


def purge_expired_previews(now=None):
    """Previews left unconfirmed past their time, files included (housekeeping); returns how many."""
    now = now or timezone.now()
    removed = 0
    for upload in Upload.objects.filter(status=Upload.Status.PREVIEW, expires_at__lte=now):
        # Guarded: a confirmation that came first wins.
        if Upload.objects.filter(pk=upload.pk, status=Upload.Status.PREVIEW).delete()[0]:
            _delete_files(upload)
            removed += 1
    return removed


def _delete_files(upload):
    rows_copy.delete(upload)
    upload.file.delete(save=False)


__all__ = [
    "DuplicateUpload",
    "FileRefused",
    "NotConfirmed",
    "UploadLimitReached",
    "cancel_upload",
    "confirm_upload",
    "purge_expired_previews",
    "receive_upload",
]
