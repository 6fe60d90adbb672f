"""The history of a record as its submitter may see it: who changed what and when, with OVAM's
actions shown as "OVAM" — never a reviewer's name, the assignee or internal notes."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ncregister.identifiers import format_enterprise_number, format_establishment_number
from submissions import history, services, workflow
from submissions.history import Actor
from submissions.models import NonConformity, WasteStream

VISIBLE_FIELDS = [
    *services.SUBMITTED_FIELDS,
    "status",
    "withdrawal_reason",
    "deadline",
    "is_late",
    "waste_streams",
]


def _show(field, value, stream_numbers):
    if field == "waste_streams":
        ids = sorted(stream_numbers.get(row.get("wastestream"), 0) for row in value or [])
        return ", ".join(f"{n}°" for n in ids)
    if value in (None, ""):
        return "–"
    if field == "status":
        return workflow.label(value)
    if field == "action":
        return NonConformity.Action(value).label
    if field == "is_late":
        return _("yes") if value else _("no")
    if field == "producer_enterprise_number":
        return format_enterprise_number(value)
    if field == "establishment_number":
        return format_establishment_number(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _actor(row):
    # The role stored with the row decides, not the person: one person may be submitter and OVAM staff.
    user = row.history_user
    if user is None or row.history_actor != Actor.SUBMITTER:
        return _("OVAM")
    return user.get_full_name() or user.username


def public_history(record):
    """Entries newest first: {when, who, title, changes: [(label, old, new)]}."""
    rows = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    stream_numbers = dict(WasteStream.objects.values_list("pk", "number"))
    labels = {f.name: f.verbose_name for f in NonConformity._meta.get_fields() if hasattr(f, "verbose_name")}
    entries = []
    previous = None
    for row in rows:
        changes = []
        if previous is not None:
            delta = row.diff_against(previous, included_fields=VISIBLE_FIELDS)
            for change in delta.changes:
                changes.append(
                    (
                        str(labels.get(change.field, change.field)),
                        _show(change.field, change.old, stream_numbers),
                        _show(change.field, change.new, stream_numbers),
                    )
                )
        # OVAM's review-only steps (assignee, internal note) change nothing a submitter may see.
        if row.history_type == "+" or changes:
            entries.append(
                {
                    "when": row.history_date,
                    "who": _actor(row),
                    "title": history.sentence(row),
                    "changes": changes,
                }
            )
        previous = row
    return list(reversed(entries))
