"""The audit trail's vocabulary: who acted (Actor, the role a change was made in) and why (Reason),
and the one Dutch sentence for a history row that OVAM's admin and the submitter's timeline both show."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions import workflow


class Actor(models.TextChoices):
    SUBMITTER = "submitter", gettext_lazy("the submitter")
    STAFF = "staff", gettext_lazy("OVAM")


def actor_for(role):
    """The actor a change made in `role` (one role or a session's roles) is recorded as."""
    roles = {role} if isinstance(role, str) else set(role or ())
    return Actor.STAFF if roles & workflow.STAFF else Actor.SUBMITTER


STATUS_PREFIX = "status:"


class Reason(models.TextChoices):
    CORRECTION = "correction", gettext_lazy("Corrected by the submitter")
    WITHDRAWAL = "withdrawal", gettext_lazy("Withdrawn by the submitter")
    REVIEW = "review", gettext_lazy("Review details changed")
    CUSTOMER_INFORMED = "customer_informed", gettext_lazy("Customer informed")
    CUSTOMER_EMAIL = "customer_email", gettext_lazy("Customer e-mail address changed")
    TO_UNDER_REVIEW = STATUS_PREFIX + workflow.Status.UNDER_REVIEW, workflow.Status.UNDER_REVIEW.label
    TO_CLOSED = STATUS_PREFIX + workflow.Status.CLOSED, workflow.Status.CLOSED.label
    TO_REFERRED = STATUS_PREFIX + workflow.Status.REFERRED, workflow.Status.REFERRED.label


def status_reason(status):
    return Reason(STATUS_PREFIX + status)


def sentence(row):
    """What happened, in words, for one history row (form, upload or admin alike)."""
    reason = row.history_change_reason or ""
    if row.history_type == "+":
        return _("Submitted (%(source)s)") % {"source": row.get_source_display()}
    if reason.startswith(STATUS_PREFIX):
        return _("Status changed to “%(status)s”") % {
            "status": workflow.label(reason.removeprefix(STATUS_PREFIX))
        }
    if reason in Reason.values:
        return str(Reason(reason).label)
    return _("Changed")
