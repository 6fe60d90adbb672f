"""Each history row stores the role its change was made in; the timeline reads it instead of the
user row's is_staff, which no longer says anything about rights."""

from django.db import migrations, models

BACKFILL = """
UPDATE submissions_historicalnonconformity
SET history_actor = CASE
    WHEN history_change_reason IS NULL OR history_change_reason IN ('', 'correction', 'withdrawal')
    THEN 'submitter' ELSE 'staff' END
"""


class Migration(migrations.Migration):
    dependencies = [("submissions", "0007_overview_indexes_postgresql_only")]

    operations = [
        migrations.AddField(
            model_name="historicalnonconformity",
            name="history_actor",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
