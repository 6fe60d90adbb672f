"""The counters per producer × month × waste stream lose the index on the waste stream alone.

Nothing reads these rows by stream alone; every counted record paid for the index (a fifth of the
counting of a 100,000-row upload). Only the index goes: the foreign key stays as it is, so the table is
not scanned again to validate it.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "submissions_producermonthstream_waste_stream_id_eb23be49"
TABLE = "submissions_producermonthstream"


class Migration(migrations.Migration):
    dependencies = [("submissions", "0023_register_search_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (waste_stream_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="producermonthstream",
                    name="waste_stream",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="submissions.wastestream",
                        verbose_name="waste stream",
                    ),
                ),
            ],
        )
    ]
