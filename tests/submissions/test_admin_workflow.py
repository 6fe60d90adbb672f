"""The review workflow in the admin: every legal and illegal transition, the bulk actions, the review
fields and the version check. Every change goes through the services, so each leaves one history row."""

import itertools

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, workflow
from submissions.models import NonConformity, WasteStream
from tests.submissions.conftest import VALID_DATA

LIST = reverse("admin:submissions_nonconformity_changelist")
STATUSES = list(workflow.Status)
STAFF_MOVES = {
    (workflow.Status.SUBMITTED, workflow.Status.UNDER_REVIEW),
    (workflow.Status.UNDER_REVIEW, workflow.Status.CLOSED),
} | {(workflow.Status.UNDER_REVIEW, workflow.Status.REFERRED)}


@pytest.fixture
def record_in(make_record, organisation_a, django_user_model):
    """record_in(status): a record brought to `status` through the services."""
    ovam_user = django_user_model.objects.create(username="ovam-setup", vo_id="vo-ovam-setup")

    def make(status):
        record = make_record(organisation_a)
        if status == workflow.Status.WITHDRAWN:
            return services.withdraw(
                record, user=record.submitted_by, role=SUBMITTER, reason="dubbel", expected_version=1
            )
        if status != workflow.Status.SUBMITTED:
            record = services.transition(record, workflow.Status.UNDER_REVIEW, user=ovam_user, role=REVIEWER)
        if status in (workflow.Status.CLOSED, workflow.Status.REFERRED):
            record = services.transition(record, status, user=ovam_user, role=REVIEWER)
        return record

    return make


INLINE_COUNTS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def post_review(client, record, **changes):
    data = {
        "status": record.status,
        "assigned_reviewer": record.assigned_reviewer_id or "",
        "internal_note": record.internal_note,
        "expected_version": record.version,
        # The management forms of the read-only inlines, as the page sends them.
        **{f"{inline}-{count}": 0 for inline in ("photos", "notice_emails") for count in INLINE_COUNTS},
        **changes,
    }
    return client.post(reverse("admin:submissions_nonconformity_change", args=[record.pk]), data)


@pytest.mark.parametrize(("current", "new"), sorted(STAFF_MOVES))
def test_a_legal_transition_in_the_admin(client, reviewer, record_in, current, new):
    record = record_in(current)
    rows_before = record.history.count()
    response = post_review(client, record, status=new)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == new
    assert record.history.count() == rows_before + 1
    newest = record.history.first()
    assert newest.history_user == reviewer
    assert newest.history_change_reason == f"status:{new}"


ILLEGAL = [(a, b) for a, b in itertools.permutations(STATUSES, 2) if (a, b) not in STAFF_MOVES]


@pytest.mark.parametrize(("current", "new"), ILLEGAL)
def test_an_illegal_transition_in_the_admin_changes_nothing(client, reviewer, record_in, current, new):
    record = record_in(current)
    rows_before = record.history.count()
    response = post_review(client, record, status=new)
    assert response.status_code in (200, 302)  # form error, or a read-only status that ignores the value
    record.refresh_from_db()
    assert record.status == current
    assert record.history.count() == rows_before


def test_the_status_field_offers_only_the_legal_next_steps(client, reviewer, record_in):
    record = record_in(workflow.Status.UNDER_REVIEW)
    response = client.get(reverse("admin:submissions_nonconformity_change", args=[record.pk]))
    choices = [value for value, _label in response.context["adminform"].form.fields["status"].choices]
    assert choices == [workflow.Status.UNDER_REVIEW, workflow.Status.CLOSED, workflow.Status.REFERRED]


def _bulk(client, action, records):
    # From the list of every record (by default it shows only open work).
    return client.post(
        f"{LIST}?status__exact=alle&toegewezen=alle",
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "target", "legal_from"),
    [
        ("move_to_under_review", workflow.Status.UNDER_REVIEW, workflow.Status.SUBMITTED),
        ("move_to_closed", workflow.Status.CLOSED, workflow.Status.UNDER_REVIEW),
        ("move_to_referred", workflow.Status.REFERRED, workflow.Status.UNDER_REVIEW),
    ],
)
def test_a_bulk_action_moves_the_legal_ones_and_counts_the_refused(
    client, reviewer, record_in, action, target, legal_from
):
    records = {status: record_in(status) for status in STATUSES}
    response = _bulk(client, action, records.values())
    messages = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]
    assert any(m.startswith("1 ") and "4 " in m for m in messages), messages
    for status, record in records.items():
        record.refresh_from_db()
        assert record.status == (target if status == legal_from else status)
    assert records[legal_from].history.first().history_user == reviewer


def test_review_fields_are_saved_with_one_history_row(client, reviewer, record_in):
    record = record_in(workflow.Status.SUBMITTED)
    response = post_review(client, record, assigned_reviewer=reviewer.pk, internal_note="Bel de klant")
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.assigned_reviewer, record.internal_note, record.version) == (reviewer, "Bel de klant", 2)
    assert record.history.first().history_change_reason == "review"


def test_review_fields_and_status_in_one_save(client, reviewer, record_in):
    record = record_in(workflow.Status.SUBMITTED)
    post_review(client, record, status=workflow.Status.UNDER_REVIEW, internal_note="opvolgen")
    record.refresh_from_db()
    assert (record.status, record.internal_note, record.version) == (
        workflow.Status.UNDER_REVIEW,
        "opvolgen",
        3,
    )


def test_only_staff_can_be_assigned(client, reviewer, record_in):
    record = record_in(workflow.Status.SUBMITTED)
    response = post_review(client, record, assigned_reviewer=record.submitted_by.pk)
    assert response.status_code == 200
    assert "assigned_reviewer" in response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.assigned_reviewer is None


def test_a_save_on_a_record_the_submitter_changed_meanwhile_is_refused(client, reviewer, record_in):
    record = record_in(workflow.Status.SUBMITTED)
    loaded_version = record.version
    services.correct_non_conformity(
        record,
        user=record.submitted_by,
        role=SUBMITTER,
        data={**VALID_DATA, "producer_name": "Bakkerij De Korenaar BV"},
        waste_streams=WasteStream.objects.filter(number=16, valid_from__isnull=True),
        expected_version=record.version,
    )
    response = post_review(
        client,
        record,
        status=workflow.Status.UNDER_REVIEW,
        internal_note="mijn notitie",
        expected_version=loaded_version,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "door iemand anders gewijzigd" in content or "changed by someone else" in content
    assert "mijn notitie" in content  # the person's input is still on the page
    fresh = NonConformity.objects.get(pk=record.pk)
    assert (fresh.status, fresh.internal_note, fresh.version) == (workflow.Status.SUBMITTED, "", 2)


def test_the_break_glass_superuser_reviews_as_an_ovam_manager(client, record_in, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-very-long-password-1")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    record = record_in(workflow.Status.SUBMITTED)
    post_review(client, record, status=workflow.Status.UNDER_REVIEW)
    record.refresh_from_db()
    assert record.status == workflow.Status.UNDER_REVIEW
    assert record.history.latest("history_id").history_actor == "staff"
