"""The workflow's maps, walked in full: every status x every target x every role."""

import itertools

import pytest

from accounts.roles import MANAGER, REVIEWER, SUBMITTER
from submissions import workflow
from submissions.workflow import Status, UploadStatus

# What the register promises, written out by hand so a change to the map must change this too.
LEGAL = {
    (Status.SUBMITTED, Status.UNDER_REVIEW, REVIEWER),
    (Status.SUBMITTED, Status.UNDER_REVIEW, MANAGER),
    (Status.SUBMITTED, Status.WITHDRAWN, SUBMITTER),
    (Status.UNDER_REVIEW, Status.CLOSED, REVIEWER),
    (Status.UNDER_REVIEW, Status.CLOSED, MANAGER),
    (Status.UNDER_REVIEW, Status.REFERRED, REVIEWER),
    (Status.UNDER_REVIEW, Status.REFERRED, MANAGER),
}
ROLES = [SUBMITTER, REVIEWER, MANAGER, "someone-else"]
EVERY_MOVE = list(itertools.product(Status, Status, ROLES))


@pytest.mark.parametrize(("current", "new", "role"), EVERY_MOVE)
def test_every_move_is_legal_exactly_when_the_register_says_so(current, new, role):
    legal = (current, new, role) in LEGAL
    assert workflow.may_move(current, new, role) is legal
    assert (new in workflow.allowed_targets(current, role)) is legal
    if legal:
        workflow.check_transition(current, new, role)
    else:
        with pytest.raises(workflow.IllegalTransition):
            workflow.check_transition(current, new, role)


@pytest.mark.parametrize("role", ROLES)
def test_a_withdrawn_record_never_returns_to_submitted_or_anywhere(role):
    for new in Status:
        with pytest.raises(workflow.IllegalTransition):
            workflow.check_transition(Status.WITHDRAWN, new, role)
    assert workflow.allowed_targets(Status.WITHDRAWN, ROLES) == []


@pytest.mark.parametrize(("status", "role"), list(itertools.product(Status, ROLES)))
def test_only_the_submitter_corrects_and_withdraws_and_only_while_submitted(status, role):
    allowed = status == Status.SUBMITTED and role == SUBMITTER
    assert workflow.may_correct(status, role) is allowed
    assert workflow.may_withdraw(status, role) is allowed
    if allowed:
        workflow.check_correction(status, role)
    else:
        with pytest.raises(workflow.IllegalTransition):
            workflow.check_correction(status, role)


def test_a_session_with_several_roles_may_do_what_any_of_them_may():
    both = frozenset({SUBMITTER, REVIEWER})
    assert workflow.allowed_targets(Status.SUBMITTED, both) == [Status.UNDER_REVIEW, Status.WITHDRAWN]
    assert workflow.allowed_targets(Status.SUBMITTED, frozenset()) == []


def test_the_refusal_says_who_may_make_the_move():
    with pytest.raises(workflow.IllegalTransition) as refused:
        workflow.check_transition(Status.SUBMITTED, Status.UNDER_REVIEW, SUBMITTER)
    assert refused.value.code == "illegal_actor"
    with pytest.raises(workflow.IllegalTransition) as refused:
        workflow.check_transition(Status.CLOSED, Status.SUBMITTED, REVIEWER)
    assert refused.value.code == "illegal_transition"


UPLOAD_LEGAL = {
    (UploadStatus.QUEUED, UploadStatus.PROCESSING),
    (UploadStatus.PROCESSING, UploadStatus.PROCESSING),
    (UploadStatus.PROCESSING, UploadStatus.ACCEPTED),
    (UploadStatus.PROCESSING, UploadStatus.REJECTED),
    # The worker gave the job up (its lease ran out too often): failed, never left queued or processing.
    (UploadStatus.QUEUED, UploadStatus.FAILED),
    (UploadStatus.PROCESSING, UploadStatus.FAILED),
    # Checked, nothing stored: the person confirms (the worker then stores it) or cancels.
    (UploadStatus.PROCESSING, UploadStatus.PREVIEW),
    (UploadStatus.PREVIEW, UploadStatus.CONFIRMED),
    (UploadStatus.PREVIEW, UploadStatus.CANCELLED),
    (UploadStatus.CONFIRMED, UploadStatus.PROCESSING),
    (UploadStatus.CONFIRMED, UploadStatus.FAILED),
}


@pytest.mark.parametrize(("current", "new"), list(itertools.product(UploadStatus, UploadStatus)))
def test_every_upload_move_is_legal_exactly_when_the_worker_may_make_it(current, new):
    assert (current in workflow.upload_sources(new)) is ((current, new) in UPLOAD_LEGAL)


@pytest.mark.parametrize("status", list(UploadStatus))
def test_an_upload_is_finished_when_the_worker_has_nothing_to_do(status):
    # The page stops polling: a result, or a preview waiting for the person.
    assert workflow.upload_finished(status) is (
        status
        in {
            UploadStatus.ACCEPTED,
            UploadStatus.REJECTED,
            UploadStatus.FAILED,
            UploadStatus.PREVIEW,
            UploadStatus.CANCELLED,
        }
    )
