from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_purge_function"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sign_in", "Signed in"),
                    ("sign_in_refused", "Sign-in refused"),
                    ("sign_out", "Signed out"),
                    ("session_ended", "Session ended by a limit"),
                    ("organisation_switch", "Organisation switch"),
                    ("access_denied", "Access denied"),
                    ("export", "Export"),
                    ("download", "File download"),
                    ("reference_data", "Reference data changed"),
                    ("rate_limited", "Refused by a fair-use limit"),
                    ("api_call", "API call"),
                ],
                db_index=True,
                max_length=32,
                verbose_name="event",
            ),
        ),
    ]
