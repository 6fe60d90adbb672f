"""Receiving a file in the web request: cheap checks at once, then the worker takes over."""

import hashlib
import os
import uuid

from django.db import transaction

from accounts.models import Organisation
from submissions.fair_use import UploadLimitReached, check_upload_allowed
from submissions.imports.readers import HEAD_BYTES, FileRefused, check_size, sniff
from submissions.imports.runner import accepted_duplicate
from submissions.models import Upload
from worker.queue import enqueue


class DuplicateUpload(Exception):
    def __init__(self, previous):
        super().__init__(previous.pk)
        self.previous = previous


def sha256_of(uploaded_file):
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def receive_upload(*, organisation, user, uploaded_file, language=None):
    """Check size and kind, refuse a file already accepted, store it and queue the import.

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


__all__ = ["DuplicateUpload", "FileRefused", "UploadLimitReached", "receive_upload"]
