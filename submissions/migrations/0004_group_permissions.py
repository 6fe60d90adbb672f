"""Model permissions for the three portal groups, so the admin and has_perm tell the truth.

Views still decide from the session's grant; these permissions make the admin show each group
exactly what it may do. Nobody may delete a non-conformity (nothing submitted is ever hard-deleted).
"""

from django.db import migrations

REVIEWER = [
    "submissions.view_nonconformity",
    "submissions.change_nonconformity",
    "submissions.view_photo",
    "submissions.view_upload",
    "submissions.view_wastestream",
    "submissions.view_holiday",
    "accounts.view_organisation",
]

GROUP_PERMISSIONS = {
    "Indieners": [
        "submissions.view_nonconformity",
        "submissions.add_nonconformity",
        "submissions.change_nonconformity",
        "submissions.view_photo",
        "submissions.add_photo",
        "submissions.change_photo",
        "submissions.view_wastestream",
    ],
    "OVAM-behandelaars": REVIEWER,
    "OVAM-beheerders": REVIEWER
    + [
        "submissions.add_wastestream",
        "submissions.change_wastestream",
        "submissions.add_holiday",
        "submissions.change_holiday",
        "accounts.add_organisation",
        "accounts.change_organisation",
    ],
}


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def attach(apps, schema_editor):
    # On a fresh database the permissions are only created after all migrations; create them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group_name, names in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(apps, names))


def detach(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, names in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(*_permissions(apps, names))


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_admin_indexes"),
        ("accounts", "0002_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(attach, detach)]
