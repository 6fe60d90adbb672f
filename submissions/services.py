"""The only writers of a non-conformity: form, upload and admin all go through here,
so history, the late flag and provenance cannot differ by entry point."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions import workflow
from submissions.deadlines import registration_deadline
from submissions.models import NonConformity, non_conformity_history

# Fields a submitter may set or correct; everything else is provenance or review data.
SUBMITTED_FIELDS = [
    "observed_on",
    "producer_name",
    "producer_enterprise_number",
    "establishment_number",
    "street",
    "house_number",
    "postcode",
    "municipality",
    "description",
    "action",
    "customer_informed_on",
    "container_reference",
    "own_reference",
]


class StaleRecord(Exception):
    """The record changed since the person loaded it (optimistic locking)."""

    message = _("This non-conformity was changed by someone else in the meantime. Reload it and try again.")


def record_history(record, user, history_type="~", reason=None):
    record._history_user = user
    record._change_reason = reason
    non_conformity_history.create_historical_record(record, history_type)


def _save_quietly(record, **kwargs):
    """Save without simple-history's automatic rows; the caller writes one row itself."""
    record.skip_history_when_saving = True
    try:
        record.save(**kwargs)
    finally:
        del record.skip_history_when_saving


def apply_deadline(record, holidays=None):
    record.deadline = registration_deadline(record.observed_on, holidays)
    record.is_late = record.received_at > record.deadline


@transaction.atomic
def create_non_conformity(
    *,
    organisation,
    user,
    data,
    waste_streams,
    source=NonConformity.Source.FORM,
    received_at=None,
    upload=None,
):
    """Store a validated record. `data` holds SUBMITTED_FIELDS (already normalised)."""
    record = NonConformity(
        organisation=organisation,
        submitted_by=user,
        source=source,
        upload=upload,
        received_at=received_at or timezone.now(),
        **{field: data[field] for field in SUBMITTED_FIELDS if field in data},
    )
    apply_deadline(record)
    _save_quietly(record)
    record.skip_history_when_saving = True
    try:
        record.waste_streams.set(waste_streams)
    finally:
        del record.skip_history_when_saving
    record_history(record, user, "+")
    return record


def _lock(record, expected_version):
    locked = NonConformity.objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleRecord
    return locked


@transaction.atomic
def correct_non_conformity(record, *, user, data, waste_streams, expected_version):
    """A submitter's correction, allowed only while the record is still `submitted`."""
    locked = _lock(record, expected_version)
    if locked.status != workflow.SUBMITTED:
        raise workflow.IllegalTransition(
            _("This non-conformity is already being handled by OVAM and can no longer be corrected."),
            code="not_editable",
        )
    for field in SUBMITTED_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    apply_deadline(locked)  # a corrected date moves the deadline; the history shows it
    locked.version += 1
    _save_quietly(locked)
    locked.skip_history_when_saving = True
    try:
        locked.waste_streams.set(waste_streams)
    finally:
        del locked.skip_history_when_saving
    record_history(locked, user, "~", reason="correction")
    return locked


@transaction.atomic
def withdraw(record, *, user, reason, expected_version):
    locked = _lock(record, expected_version)
    locked.transition_to(workflow.WITHDRAWN, actor="submitter")
    locked.withdrawal_reason = reason
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason="withdrawal")
    return locked


@transaction.atomic
def transition(record, new_status, *, user, expected_version=None):
    """An OVAM review step (staff only)."""
    locked = _lock(record, expected_version)
    locked.transition_to(new_status, actor="staff")
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=f"status:{new_status}")
    return locked


@transaction.atomic
def update_review(record, *, user, expected_version, assigned_reviewer, internal_note):
    """OVAM's review fields (assignee, internal note); never visible to submitters."""
    locked = _lock(record, expected_version)
    locked.assigned_reviewer = assigned_reviewer
    locked.internal_note = internal_note
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason="review")
    return locked
