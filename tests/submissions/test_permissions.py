"""The one map from portal role to what it may do (accounts.permissions)."""

from accounts import roles
from accounts.permissions import ROLE_PERMISSIONS


def test_submitters_file_and_correct_records_but_have_no_admin_rights_on_reference_data():
    submitter = ROLE_PERMISSIONS[roles.SUBMITTER]
    assert {"submissions.add_nonconformity", "submissions.change_nonconformity"} <= submitter
    assert not any(code.endswith(("_wastestream", "_holiday", "_organisation")) for code in submitter)


def test_reviewers_view_and_change_but_never_delete():
    reviewer = ROLE_PERMISSIONS[roles.REVIEWER]
    assert {
        "submissions.change_nonconformity",
        "submissions.view_upload",
        "accounts.view_organisation",
    } <= reviewer
    assert "submissions.change_wastestream" not in reviewer


def test_managers_also_keep_the_reference_data_but_never_delete_a_record():
    manager = ROLE_PERMISSIONS[roles.MANAGER]
    assert ROLE_PERMISSIONS[roles.REVIEWER] <= manager
    assert {
        "submissions.change_wastestream",
        "submissions.add_holiday",
        "accounts.change_organisation",
    } <= manager


def test_no_role_deletes_anything():
    every = set().union(*ROLE_PERMISSIONS.values())
    assert not [code for code in every if code.split(".")[1].startswith("delete_")]


def test_role_names_are_the_mapped_ones():
    assert set(ROLE_PERMISSIONS) == {roles.SUBMITTER, roles.REVIEWER, roles.MANAGER}
