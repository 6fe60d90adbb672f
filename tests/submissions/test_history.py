"""One sentence per history row, the same in OVAM's admin and on the submitter's timeline."""

import pytest
from django.urls import reverse

from accounts.roles import MANAGER, REVIEWER, SUBMITTER
from submissions import history, services, workflow
from submissions.history import Actor, Reason
from submissions.timeline import public_history


@pytest.mark.parametrize(
    ("role", "actor"),
    [
        (SUBMITTER, Actor.SUBMITTER),
        (REVIEWER, Actor.STAFF),
        (MANAGER, Actor.STAFF),
        ({SUBMITTER, REVIEWER}, Actor.STAFF),
    ],
)
def test_the_actor_follows_the_role_of_the_change(role, actor):
    assert history.actor_for(role) == actor


def test_every_status_a_reviewer_can_set_has_a_reason():
    staff_targets = {
        new
        for moves in workflow.TRANSITIONS.values()
        for new, roles in moves.items()
        if roles & workflow.STAFF
    }
    assert {history.status_reason(status) for status in staff_targets} <= set(Reason)


def test_the_services_record_actor_and_reason(make_record, organisation_a):
    record = make_record(organisation_a)
    record = services.correct_non_conformity(
        record,
        user=record.submitted_by,
        role=SUBMITTER,
        data={"description": "glas"},
        waste_streams=[],
        expected_version=None,
    )
    services.transition(record, workflow.Status.UNDER_REVIEW, user=record.submitted_by, role=REVIEWER)
    rows = list(record.history.order_by("history_id"))
    assert [(row.history_actor, row.history_change_reason) for row in rows] == [
        (Actor.SUBMITTER, None),
        (Actor.SUBMITTER, Reason.CORRECTION),
        (Actor.STAFF, Reason.TO_UNDER_REVIEW),
    ]
    assert [history.sentence(row) for row in rows] == [
        "Ingediend (Formulier)",
        "Verbeterd door de indiener",
        "Status gewijzigd naar „In behandeling”",
    ]


def test_admin_and_timeline_show_the_same_sentence(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    services.transition(record, workflow.Status.UNDER_REVIEW, user=reviewer, role=REVIEWER)
    timeline = [entry["title"] for entry in public_history(record)]
    html = client.get(reverse("admin:submissions_nonconformity_history", args=[record.pk])).content.decode()
    assert timeline == ["Status gewijzigd naar „In behandeling”", "Ingediend (Formulier)"]
    for title in timeline:
        assert title in html
