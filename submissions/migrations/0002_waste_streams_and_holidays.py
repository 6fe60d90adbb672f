"""Reference data: the VLAREMA art. 4.3.2 list and Belgian public holidays. Staff correct both in the admin."""

from django.db import migrations


def load(apps, schema_editor):
    # The list lives in submissions.reference, which also restores it after a flush.
    from submissions.reference import extend_holidays, seed_waste_streams

    seed_waste_streams(apps.get_model("submissions", "WasteStream"))
    extend_holidays(range(2020, 2041), apps.get_model("submissions", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
