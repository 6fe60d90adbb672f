"""The review workflow of a non-conformity: one transition map, enforced by the model."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
CLOSED = "closed"
REFERRED = "referred"
WITHDRAWN = "withdrawn"

STATUS_CHOICES = [
    (SUBMITTED, _("Submitted")),
    (UNDER_REVIEW, _("Under review")),
    (CLOSED, _("Closed")),
    (REFERRED, _("Referred to enforcement")),
    (WITHDRAWN, _("Withdrawn")),
]

# Which statuses a record may move to, and who may move it there.
TRANSITIONS = {
    SUBMITTED: {UNDER_REVIEW: "staff", WITHDRAWN: "submitter"},
    UNDER_REVIEW: {CLOSED: "staff", REFERRED: "staff"},
    CLOSED: {},
    REFERRED: {},
    WITHDRAWN: {},
}


class IllegalTransition(ValidationError):
    pass


def check_transition(current, new, actor):
    """Raise IllegalTransition unless `actor` ("staff" or "submitter") may move `current` to `new`."""
    allowed_actor = TRANSITIONS.get(current, {}).get(new)
    if allowed_actor is None:
        raise IllegalTransition(
            _("A non-conformity cannot go from “%(current)s” to “%(new)s”."),
            code="illegal_transition",
            params={"current": label(current), "new": label(new)},
        )
    if allowed_actor != actor:
        raise IllegalTransition(
            _("Only %(actor)s may change a non-conformity to “%(new)s”."),
            code="illegal_actor",
            params={
                "actor": _("OVAM") if allowed_actor == "staff" else _("the submitter"),
                "new": label(new),
            },
        )


def allowed_targets(current, actor):
    return [new for new, who in TRANSITIONS.get(current, {}).items() if who == actor]


def label(status):
    return dict(STATUS_CHOICES).get(status, status)
