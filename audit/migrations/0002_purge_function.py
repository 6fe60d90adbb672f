"""PostgreSQL: the retention purge as a function of the migration (owner) role.

The application's role may only SELECT and INSERT audit events (ncregister/dbroles.py); this function,
SECURITY DEFINER, is the one way old events leave, and it refuses to keep fewer than 30 days.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ncr_purge_audit_events(keep_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE removed integer;
BEGIN
    IF keep_days IS NULL OR keep_days < 30 THEN
        RAISE EXCEPTION 'audit events are kept at least 30 days, not %', keep_days;
    END IF;
    DELETE FROM audit_auditevent WHERE at < now() - make_interval(days => keep_days);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$$;
"""


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(CREATE.format(schema=schema))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS ncr_purge_audit_events(integer)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
