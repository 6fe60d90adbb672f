"""The retention purge of the audit trail, run by `manage.py housekeeping`.

The application's database role may not delete audit events; on PostgreSQL it may only call
ncr_purge_audit_events(days), a function owned by the migration role that removes events older
than `days` and refuses fewer than MIN_RETENTION_DAYS, so the app can never empty the trail.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

MIN_RETENTION_DAYS = 30


def purge_old_audit_events():
    days = max(settings.NCR_AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT ncr_purge_audit_events(%s)", [days])
            return cursor.fetchone()[0]
        cursor.execute("DELETE FROM audit_auditevent WHERE at < %s", [timezone.now() - timedelta(days=days)])
        return cursor.rowcount
