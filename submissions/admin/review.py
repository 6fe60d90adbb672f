"""OVAM's review form (status, assignee, internal note), the read-only photos beside it, and the
audit trail's changes in words."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ManyToManyField
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.permissions import GrantPermissionsMixin
from submissions import services, workflow
from submissions.models import NonConformity, NoticeEmail, Photo


def staff_users():
    """People who have signed in as OVAM staff (a mark that grants nothing: rights live in each session)."""
    return (
        get_user_model()
        .objects.filter(staff_signed_in_at__isnull=False, is_active=True)
        .order_by("first_name", "last_name")
    )


class ReviewForm(forms.ModelForm):
    """Only the review fields; the status offers the current one and the workflow's legal next steps."""

    status = forms.ChoiceField(label=gettext_lazy("Status"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    roles = frozenset()  # the session's roles; set per request by NonConformityAdmin.get_form

    class Meta:
        model = NonConformity
        fields = ["status", "assigned_reviewer", "internal_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status
        targets = [current, *workflow.allowed_targets(current, self.roles)]
        self.fields["status"].choices = [(status, workflow.label(status)) for status in targets]
        self.fields["status"].disabled = len(targets) == 1
        self.fields["expected_version"].initial = self.instance.version
        if "assigned_reviewer" in self.fields:
            self.fields["assigned_reviewer"].queryset = staff_users()

    def clean(self):
        cleaned = super().clean()
        # The service checks again under a row lock; this check keeps the person's input on the page.
        if cleaned.get("expected_version") not in (None, self.instance.version):
            raise forms.ValidationError(services.StaleRecord.message, code="stale")
        return cleaned


class PhotoInline(GrantPermissionsMixin, admin.TabularInline):
    model = Photo
    fields = ["preview"]
    readonly_fields = ["preview"]
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("photos")

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, photo):
        args = [photo.non_conformity_id, photo.pk]
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" class="ncr-photo-thumb" alt="{}"></a>',
            reverse("admin:submissions_nonconformity_photo", args=args),
            reverse("admin:submissions_nonconformity_photo_thumbnail", args=args),
            _("Photo %(number)s") % {"number": photo.pk},
        )

    # Photos are part of the submitted record: seen with the record, never changed here.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoticeEmailInline(GrantPermissionsMixin, admin.TabularInline):
    """Whether and when the customer's notice was e-mailed, and why a sending failed: seen, never changed."""

    model = NoticeEmail
    fields = ["address", "status", "created_at", "finished_at", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryChanges(HistoricalRecordContextHelper):
    """Each change as a person reads it: labels instead of codes, "ja"/"nee", dates as dates, stream
    names, and "verwijderde gebruiker" for someone who no longer exists (nobody: empty)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return ""
            return _("deleted %(object)s") % {"object": value.model._meta.verbose_name}
        if isinstance(field, ManyToManyField):
            ids = super().prepare_delta_change_value(change, value)
            objects = field.related_model.objects.in_bulk(ids)
            return ", ".join(str(objects.get(pk, pk)) for pk in ids)
        if field.choices and value not in (None, ""):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "d/m/Y H:i")
        if isinstance(value, dt.date):
            return date_format(value, "d/m/Y")
        return value
