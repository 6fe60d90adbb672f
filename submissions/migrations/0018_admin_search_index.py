"""The admin's word search as one trigram index over name, municipality and own reference
(PostgreSQL only; submissions.admin.non_conformity.SearchText compiles to the same expression).

A search of several words is then one index scan that keeps the rows holding every word, not one
bitmap per word and field. It replaces the municipality's own trigram index, which only that search
used; the register page searches name and own reference with their own indexes.
"""

from django.db import migrations

TABLE = "submissions_nonconformity"
SEARCH = (
    f"CREATE INDEX IF NOT EXISTS nc_search_trgm ON {TABLE} "
    "USING gin (UPPER((producer_name || ' ' || municipality || ' ' || own_reference)) gin_trgm_ops)"
)
MUNICIPALITY = f"CREATE INDEX IF NOT EXISTS nc_municipality_trgm ON {TABLE} USING gin (UPPER(municipality::text) gin_trgm_ops)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH)
        schema_editor.execute("DROP INDEX IF EXISTS nc_municipality_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MUNICIPALITY)
        schema_editor.execute("DROP INDEX IF EXISTS nc_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0017_register_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
