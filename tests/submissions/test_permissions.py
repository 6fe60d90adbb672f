from django.contrib.auth.models import Group


def codes(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_submitters_may_view_add_and_change_their_records_and_photos(db):
    assert codes("Indieners") == {
        "submissions.view_nonconformity",
        "submissions.add_nonconformity",
        "submissions.change_nonconformity",
        "submissions.view_photo",
        "submissions.add_photo",
        "submissions.change_photo",
        "submissions.view_wastestream",
    }


def test_reviewers_view_and_change_but_never_delete(db):
    reviewer = codes("OVAM-behandelaars")
    assert {
        "submissions.change_nonconformity",
        "submissions.view_upload",
        "accounts.view_organisation",
    } <= reviewer
    assert not any(code.split(".")[1].startswith("delete_") for code in reviewer)
    assert "submissions.change_wastestream" not in reviewer


def test_managers_also_keep_the_reference_data_but_never_delete_a_record(db):
    manager = codes("OVAM-beheerders")
    assert codes("OVAM-behandelaars") <= manager
    assert {
        "submissions.change_wastestream",
        "submissions.add_holiday",
        "accounts.change_organisation",
    } <= manager
    assert "submissions.delete_nonconformity" not in manager
