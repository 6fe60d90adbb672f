"""Bulk review actions: one per status OVAM may move records to, taken from the workflow's map."""

from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import acting_roles
from submissions import services, workflow


def bulk_transition(modeladmin, request, queryset, new_status):
    moved = refused = 0
    records = queryset.select_related(None).prefetch_related(None).only("pk", "status", "version")
    for record in records.iterator(chunk_size=500):
        try:
            services.transition(record, new_status, user=request.user, role=acting_roles(request))
            moved += 1
        except (workflow.IllegalTransition, services.StaleRecord):
            refused += 1
    text = _("%(moved)d moved to “%(status)s”; %(refused)d refused because their status does not allow it.")
    modeladmin.message_user(
        request,
        text % {"moved": moved, "refused": refused, "status": workflow.label(new_status)},
        messages.SUCCESS if not refused else messages.WARNING,
    )


def _action(status):
    def move(modeladmin, request, queryset):
        bulk_transition(modeladmin, request, queryset, status)

    move.__name__ = f"move_to_{status}"
    return admin.action(
        permissions=["change"],
        description=format_lazy(gettext_lazy("Move to “{status}”"), status=status.label),
    )(move)


STAFF_TARGETS = dict.fromkeys(
    new for moves in workflow.TRANSITIONS.values() for new, roles in moves.items() if roles & workflow.STAFF
)
REVIEW_ACTIONS = [_action(status) for status in STAFF_TARGETS]
