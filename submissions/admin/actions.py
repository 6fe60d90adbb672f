"""Bulk actions on the list: one per status OVAM may move records to (from the workflow's map), and
assigning records to oneself or to another OVAM reviewer."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import acting_roles
from submissions import services, workflow
from submissions.admin.review import staff_users


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


# --- Assignment: to oneself, or to someone who signed in as OVAM staff (chosen beside the action) ---


class AssignActionForm(ActionForm):
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=staff_users(), required=False, empty_label="—"
    )


def bulk_assign(modeladmin, request, queryset, reviewer):
    assigned = 0
    for record in queryset.select_related(None).prefetch_related(None).only("pk", "version").iterator(500):
        services.assign(record, user=request.user, assigned_reviewer=reviewer)
        assigned += 1
    text = _("%(count)d assigned to %(name)s.") % {"count": assigned, "name": reviewer}
    modeladmin.message_user(request, text, messages.SUCCESS)


@admin.action(permissions=["change"], description=gettext_lazy("Assign to me"))
def assign_to_me(modeladmin, request, queryset):
    bulk_assign(modeladmin, request, queryset, request.user)


@admin.action(permissions=["change"], description=gettext_lazy("Assign to …"))
def assign_to(modeladmin, request, queryset):
    try:
        reviewer = AssignActionForm.base_fields["reviewer"].clean(request.POST.get("reviewer"))
    except forms.ValidationError:
        reviewer = None  # someone who never signed in as OVAM staff
    if reviewer is None:
        modeladmin.message_user(request, _("Choose whom to assign them to."), messages.ERROR)
        return
    bulk_assign(modeladmin, request, queryset, reviewer)


ASSIGN_ACTIONS = [assign_to_me, assign_to]
