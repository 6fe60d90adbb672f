import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="api_enabled",
            field=models.BooleanField(
                default=False,
                help_text="Switched on by OVAM: the organisation's own software may file through the API.",
                verbose_name="API access",
            ),
        ),
        migrations.CreateModel(
            name="ApiClient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "client_id",
                    models.CharField(
                        help_text="As registered in ACM.",
                        max_length=255,
                        unique=True,
                        verbose_name="client id",
                    ),
                ),
                ("description", models.CharField(blank=True, max_length=255, verbose_name="description")),
                ("enabled", models.BooleanField(default=True, verbose_name="enabled")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="api_clients",
                        to="accounts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="api_client",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API client",
                "verbose_name_plural": "API clients",
                "ordering": ["client_id"],
            },
        ),
    ]
