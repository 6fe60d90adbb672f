"""Every periodic purge, run by `manage.py housekeeping` (the compose file's `housekeeping` service).

Each purge is a function returning how many rows it removed; add new ones to PURGES.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.retention import purge_old_audit_events
from worker.models import Turn


def expired_sessions():
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


def finished_jobs():
    """Finished job rows, after NCR_JOB_RESULTS_DAYS (the outcome of an import lives on its upload)."""
    cutoff = timezone.now() - timedelta(days=settings.NCR_JOB_RESULTS_DAYS)
    return DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()[0]


def old_turns():
    """Fairness turns of organisations that had no job for a month (they start at the front again)."""
    return Turn.objects.filter(last_started_at__lt=timezone.now() - timedelta(days=30)).delete()[0]


def expired_cache_entries():
    cache = caches["default"]
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])  # noqa: S608 - our table name
        return cursor.rowcount


def expired_exports():
    """Finished exports past their download time and old failed ones, files included."""
    from submissions.export_jobs import purge_expired

    return purge_expired()


def expired_kept_photos():
    """Photos sent with a form that was never saved, after NCR_KEPT_PHOTO_HOURS, files included."""
    from submissions.kept_photos import purge_expired

    return purge_expired()


def expired_drafts():
    """Drafts of the new-record form not touched for NCR_DRAFT_DAYS."""
    from submissions.drafts import purge_expired

    return purge_expired()


def expired_idempotency_keys():
    """API Idempotency-Keys past their 24 hours (api/idempotency.py ignores them already)."""
    from api.models import IdempotencyKey

    horizon = timezone.now() - timedelta(hours=settings.NCR_API_IDEMPOTENCY_HOURS)
    return IdempotencyKey.objects.filter(created_at__lt=horizon).delete()[0]


def expired_upload_previews():
    """Uploads checked but never confirmed within NCR_PREVIEW_HOURS, files included."""
    from submissions.imports.intake import purge_expired_previews

    return purge_expired_previews()


PURGES = [
    expired_sessions,
    finished_jobs,
    old_turns,
    expired_cache_entries,
    purge_old_audit_events,
    expired_exports,
    expired_kept_photos,
    expired_drafts,
    expired_idempotency_keys,
    expired_upload_previews,
]


def run():
    """Run every purge; returns {name: rows removed}."""
    return {purge.__name__: purge() for purge in PURGES}
