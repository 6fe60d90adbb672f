"""The overview's summary rebuilt without withdrawn records (until now every status counted there)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        month = "date_trunc('month', nc.observed_on)::date"
    else:
        month = "date(nc.observed_on, 'start of month')"
    counted = "nc.status <> 'withdrawn'"
    schema_editor.execute("DELETE FROM submissions_producermonthstream")
    schema_editor.execute("DELETE FROM submissions_producermonth")
    schema_editor.execute(
        "INSERT INTO submissions_producermonth (producer_enterprise_number, month, records, refused) "
        f"SELECT nc.producer_enterprise_number, {month}, count(*), "
        "sum(CASE WHEN nc.action = 'refused' THEN 1 ELSE 0 END) "
        f"FROM submissions_nonconformity AS nc WHERE {counted} GROUP BY 1, 2"
    )
    schema_editor.execute(
        "INSERT INTO submissions_producermonthstream (producer_enterprise_number, month, waste_stream_id, records) "
        f"SELECT nc.producer_enterprise_number, {month}, l.wastestream_id, count(*) "
        "FROM submissions_nonconformity AS nc "
        "JOIN submissions_nonconformity_waste_streams AS l ON l.nonconformity_id = nc.id "
        f"WHERE {counted} GROUP BY 1, 2, 3"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0014_photo_thumbnail"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False),
    ]
