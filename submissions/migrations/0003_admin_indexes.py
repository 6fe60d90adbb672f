"""Indexes for the OVAM admin and the repeat-offender overview (PostgreSQL only).

Trigram GIN indexes serve the admin's icontains searches (Django compares UPPER(col::text)), a
(observed_on DESC, id DESC) index serves the default ordering of the list, and a covering index on
observed_on lets the overview rank a year of records with an index-only scan; the covering index per
producer serves the overview's details the same way. SQLite (`make run`)
gets none of these: its demo database is small.
"""

from django.db import migrations

TABLE = "submissions_nonconformity"
INDEXES = {
    "nc_observed_id": f"{TABLE} (observed_on DESC, id DESC)",
    "nc_name_trgm": f"{TABLE} USING gin (UPPER(producer_name::text) gin_trgm_ops)",
    "nc_municipality_trgm": f"{TABLE} USING gin (UPPER(municipality::text) gin_trgm_ops)",
    "nc_own_reference_trgm": f"{TABLE} USING gin (UPPER(own_reference::text) gin_trgm_ops)",
    "nc_enterprise_trgm": f"{TABLE} USING gin (producer_enterprise_number gin_trgm_ops)",
    "nc_establishment": f"{TABLE} (establishment_number) WHERE establishment_number <> ''",
    "nc_period_producer": f"{TABLE} (observed_on) INCLUDE (producer_enterprise_number, action)",
    "nc_producer_observed": (
        f"{TABLE} (producer_enterprise_number, observed_on) "
        "INCLUDE (id, producer_name, municipality, organisation_id, action)"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [('submissions', '0002_waste_streams_and_holidays')]

    operations = [migrations.RunPython(create, drop, elidable=False)]
