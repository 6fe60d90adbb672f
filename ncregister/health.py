"""Readiness: may this container get traffic? Liveness (/health/) never comes here."""

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from ncregister.storage import bucket_problem

_migrated = False  # once every migration is applied it stays so for this code (a release is a new container)


def _unapplied_migrations():
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not _migrated


def _cache_table_missing():
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        return table not in connection.introspection.table_names(cursor)


def readiness_problem():
    """None when ready; otherwise one line saying what is missing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if _unapplied_migrations():
            return "migrations not applied"
        if _cache_table_missing():
            return "cache table missing"
        # The checks that need the database (e.g. the holiday table), which start-up never runs.
        problems = checks.run_checks(tags=[checks.Tags.database], databases=[DEFAULT_DB_ALIAS])
        if problems:
            return "\n".join(f"{problem.id}: {problem.msg}" for problem in problems)
    except DatabaseError:
        connection.close()  # the next check connects anew
        return "database unavailable"
    if settings.NCR_S3_BUCKET:
        return bucket_problem(storages["default"])
    return None
