"""The overview's covering indexes (0005, 0006) become PostgreSQL-only, as in 0003.

Declared on the models they made Django warn on SQLite (models.W040: no INCLUDE there). On
PostgreSQL the indexes stay as they are; only the model state forgets them. SQLite had plain
indexes without the included columns: those are dropped.
"""

from django.db import migrations

INDEXES = {
    "producermonth_month": "submissions_producermonth (month)",
    "producermonthstream_cover": "submissions_producermonthstream (producer_enterprise_number, month)",
}


def drop_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def restore_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0006_overview_stream_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="producermonth", name="producermonth_month"),
                migrations.RemoveIndex(model_name="producermonthstream", name="producermonthstream_cover"),
            ],
            database_operations=[migrations.RunPython(drop_elsewhere, restore_elsewhere)],
        ),
    ]
