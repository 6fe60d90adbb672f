"""Every status rule of the register, in one place: which move each role may make on a
non-conformity, whether it may still be corrected or withdrawn and by whom, and the upload's
statuses. Services pass the caller's role (the session's grant role) and the workflow refuses;
views and templates ask it, and never compare statuses themselves.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGER, REVIEWER, SUBMITTER

ROLES = (SUBMITTER, REVIEWER, MANAGER)
STAFF = frozenset({REVIEWER, MANAGER})
SUBMITTERS = frozenset({SUBMITTER})


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")
    REFERRED = "referred", _("Referred to enforcement")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Open work for OVAM: what still needs a decision.
OPEN = (Status.SUBMITTED, Status.UNDER_REVIEW)

# current status -> {next status: the roles that may make that move}. A status absent from a row
# cannot be reached from it by anyone: a withdrawn, closed or referred record never moves again.
TRANSITIONS = {
    Status.SUBMITTED: {Status.UNDER_REVIEW: STAFF, Status.WITHDRAWN: SUBMITTERS},
    Status.UNDER_REVIEW: {Status.CLOSED: STAFF, Status.REFERRED: STAFF},
    Status.CLOSED: {},
    Status.REFERRED: {},
    Status.WITHDRAWN: {},
}

# status -> the roles that may still correct the submitted data (only before OVAM takes it up).
CORRECTIONS = {Status.SUBMITTED: SUBMITTERS}


class IllegalTransition(ValidationError):
    pass


def _roles(role):
    """One role name, or a session's several (a Grant's roles)."""
    return {role} if isinstance(role, str) else set(role or ())


def may_move(current, new, role):
    return bool(TRANSITIONS.get(current, {}).get(new, frozenset()) & _roles(role))


def allowed_targets(current, role):
    """The statuses `role` may move a record in status `current` to, in the map's order."""
    return [new for new, roles in TRANSITIONS.get(current, {}).items() if roles & _roles(role)]


def check_transition(current, new, role):
    """Raise IllegalTransition unless `role` may move `current` to `new`."""
    allowed = TRANSITIONS.get(current, {}).get(new)
    if allowed is None:
        raise IllegalTransition(
            _("A non-conformity cannot go from “%(current)s” to “%(new)s”."),
            code="illegal_transition",
            params={"current": label(current), "new": label(new)},
        )
    if not allowed & _roles(role):
        raise IllegalTransition(
            _("Only %(actor)s may change a non-conformity to “%(new)s”."),
            code="illegal_actor",
            params={"actor": _("OVAM") if allowed & STAFF else _("the submitter"), "new": label(new)},
        )


def may_correct(status, role):
    return bool(CORRECTIONS.get(status, frozenset()) & _roles(role))


def not_correctable_message(status=None):
    if status == Status.WITHDRAWN:
        return _("This non-conformity was withdrawn and can no longer be corrected.")
    return _("This non-conformity is already being handled by OVAM and can no longer be corrected.")


def check_correction(status, role):
    if not may_correct(status, role):
        raise IllegalTransition(not_correctable_message(status), code="not_editable")


def may_withdraw(status, role):
    return may_move(status, Status.WITHDRAWN, role)


def check_upload_withdrawal(statuses, role):
    """A whole upload is withdrawn in one step only while each of its records may still be withdrawn
    (records already withdrawn stay as they are); raise IllegalTransition naming how many may not."""
    blocking = [
        status for status in statuses if status != Status.WITHDRAWN and not may_withdraw(status, role)
    ]
    if blocking:
        raise IllegalTransition(
            _(
                "This upload can no longer be withdrawn as a whole: %(n)d of its non-conformities are "
                "already being handled by OVAM. Withdraw the others one by one."
            ),
            code="upload_not_withdrawable",
            params={"n": len(blocking)},
        )
    if not any(status != Status.WITHDRAWN for status in statuses):
        raise IllegalTransition(
            _("Every non-conformity of this upload is already withdrawn."), code="upload_withdrawn"
        )


def label(status):
    return Status(status).label if status in Status.values else status


# --- uploads ---------------------------------------------------------------------------------------


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    PREVIEW = "preview", _("Awaiting confirmation")  # checked, nothing stored: the person confirms or cancels
    CONFIRMED = "confirmed", _("Confirmed, being stored")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")  # by the checks: the person corrects the file
    FAILED = "failed", _("Failed")  # on our side (the worker gave the job up): the person uploads again
    CANCELLED = "cancelled", _("Cancelled")  # the person cancelled the preview; nothing was stored


# The worker moves an upload, except PREVIEW -> CONFIRMED / CANCELLED (the person). PROCESSING ->
# PROCESSING: a worker that died mid-import left it behind and the job runs again (the import was one
# transaction, so nothing of it was kept). A preview left unconfirmed is purged by housekeeping.
UPLOAD_TRANSITIONS = {
    UploadStatus.QUEUED: {UploadStatus.PROCESSING, UploadStatus.FAILED},
    UploadStatus.PROCESSING: {
        UploadStatus.PROCESSING,
        UploadStatus.PREVIEW,
        UploadStatus.ACCEPTED,
        UploadStatus.REJECTED,
        UploadStatus.FAILED,
    },
    UploadStatus.PREVIEW: {UploadStatus.CONFIRMED, UploadStatus.CANCELLED},
    UploadStatus.CONFIRMED: {UploadStatus.PROCESSING, UploadStatus.FAILED},
    UploadStatus.ACCEPTED: set(),
    UploadStatus.REJECTED: set(),
    UploadStatus.FAILED: set(),
    UploadStatus.CANCELLED: set(),
}
# Waiting for or in the worker's hands.
UPLOAD_BUSY = (UploadStatus.QUEUED, UploadStatus.PROCESSING, UploadStatus.CONFIRMED)


def upload_sources(new):
    """The upload statuses that may move to `new` (for a guarded UPDATE ... WHERE status IN ...)."""
    return [current for current, targets in UPLOAD_TRANSITIONS.items() if new in targets]


def upload_finished(status):
    """The worker has nothing (more) to do for an upload in this status (the page stops polling)."""
    return status not in UPLOAD_BUSY
