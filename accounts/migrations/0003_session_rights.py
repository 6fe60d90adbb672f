"""Rights live in each session's grant (accounts.permissions), not on the user row.

The user row keeps a mark that the person signed in as OVAM staff (for the reviewer choice); the
portal groups, their permissions and is_staff for ACM/IDM users are no longer read and go.
"""

from django.db import migrations, models
from django.utils import timezone

GROUPS = ["Indieners", "OVAM-behandelaars", "OVAM-beheerders"]


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(is_staff=True, is_superuser=False):
        user.staff_signed_in_at = user.last_login or timezone.now()
        user.is_staff = False
        user.save(update_fields=["staff_signed_in_at", "is_staff"])
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_groups"),
        ("submissions", "0004_group_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="staff_signed_in_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last signed in as OVAM staff"),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
