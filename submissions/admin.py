"""OVAM's admin for the register: review workflow, audit trail, exports and reference data.

Every change to a non-conformity goes through submissions.services (the only writers), so the history
looks the same whether a change came from the site, an upload or here. ModelAdmin's own save of the
submitted form is never used for a record.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.filters import DateFieldListFilter, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Organisation
from accounts.permissions import GrantPermissionsMixin, acting_roles
from ncregister.admin_site import ReadOnlyAdmin
from ncregister.identifiers import (
    format_enterprise_number,
    format_establishment_number,
    is_digits,
    search_digits,
)
from submissions import exports, history, overview, services, workflow
from submissions.models import Holiday, NonConformity, Photo, Upload, WasteStream
from submissions.pagination import EstimatedCountPaginator
from submissions.photos import photo_response
from submissions.summary import add_months, month_of

WasteStreamLink = NonConformity.waste_streams.through


# --- Filters -------------------------------------------------------------------------------------


class PeriodFilter(DateFieldListFilter):
    """Date ranges OVAM asks for; the same observed_on__gte/__lt parameters the overview links use."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        today = timezone.localdate()
        tomorrow = today + dt.timedelta(days=1)
        since, until = self.lookup_kwarg_since, self.lookup_kwarg_until
        this_month = month_of(today)
        this_year = dt.date(today.year, 1, 1)
        self.links = (
            (_("Any date"), {}),
            (_("This month"), {since: this_month, until: tomorrow}),
            (_("Last month"), {since: add_months(this_month, -1), until: this_month}),
            (_("Past 3 months"), {since: add_months(this_month, -2), until: tomorrow}),
            (_("This year"), {since: this_year, until: tomorrow}),
            (_("Last year"), {since: dt.date(today.year - 1, 1, 1), until: this_year}),
        )


class WasteStreamFilter(SimpleListFilter):
    """By observed stream, as a semi-join: no DISTINCT over a million rows."""

    title = gettext_lazy("waste stream")
    parameter_name = "stream"

    def lookups(self, request, model_admin):
        return [(str(stream.pk), str(stream)) for stream in WasteStream.objects.all()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not is_digits(value):
            raise IncorrectLookupParameters(value)
        links = WasteStreamLink.objects.filter(nonconformity_id=OuterRef("pk"), wastestream_id=int(value))
        return queryset.filter(Exists(links))


class CollectorFilter(SimpleListFilter):
    """The collectors, with their links built from one base query string (200+ links on every page)."""

    title = gettext_lazy("collector")
    parameter_name = "organisation__id__exact"

    def lookups(self, request, model_admin):
        return Organisation.objects.exclude(code__in=settings.NCR_STAFF_ORGCODES).values_list("pk", "name")

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not is_digits(value):
            raise IncorrectLookupParameters(value)
        return queryset.filter(organisation_id=int(value))

    def choices(self, changelist):
        base = changelist.get_query_string(remove=[self.parameter_name])
        separator = "&" if len(base) > 1 else ""
        yield {"selected": self.value() is None, "query_string": base, "display": _("All")}
        for pk, name in self.lookup_choices:
            yield {
                "selected": self.value() == str(pk),
                "query_string": f"{base}{separator}{self.parameter_name}={pk}",
                "display": name,
            }


# --- The change list -----------------------------------------------------------------------------


class NonConformityChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The list shows neither descriptions nor notes; the streams come in one extra query per page.
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("description", "internal_note", "withdrawal_reason").prefetch_related(
            "waste_streams"
        )


# --- The review form -----------------------------------------------------------------------------


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
        url = reverse("admin:submissions_nonconformity_photo", args=[photo.non_conformity_id, photo.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" class="ncr-photo-thumb" alt="{}"></a>',
            url,
            url,
            _("Photo %(number)s") % {"number": photo.pk},
        )

    # Photos are part of the submitted record: seen with the record, never changed here.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Columns and exports -------------------------------------------------------------------------


def _reviewer_name(record):
    return str(record.assigned_reviewer) if record.assigned_reviewer_id else ""


ADMIN_EXPORT_COLUMNS = [
    (lambda: _("Collector"), lambda r: r.organisation.name),
    *exports.COLUMNS,
    (lambda: _("Assigned reviewer"), _reviewer_name),
]

SUBMITTED_READONLY = [
    "organisation",
    "submitted_by",
    "observed_on",
    "producer_name",
    "enterprise_number",
    "establishment",
    "street",
    "house_number",
    "postcode",
    "municipality",
    "description",
    "streams",
    "action",
    "customer_informed_on",
    "container_reference",
    "own_reference",
    "withdrawal_reason",
    "source",
    "upload",
    "received_at",
    "deadline",
    "is_late",
]


@admin.register(NonConformity)
class NonConformityAdmin(GrantPermissionsMixin, SimpleHistoryAdmin):
    form = ReviewForm
    inlines = [PhotoInline]
    list_display = [
        "date",
        "collector",
        "producer",
        "municipality_column",
        "streams",
        "action_column",
        "is_late",
        "status_column",
        "age",
    ]
    list_display_links = ["date"]
    list_select_related = ["organisation"]
    sortable_by = ["date"]
    list_filter = [
        "status",
        ("observed_on", PeriodFilter),
        CollectorFilter,
        WasteStreamFilter,
        "action",
        "is_late",
    ]
    search_fields = ["producer_name"]  # shows the search box; get_search_results does the real work
    search_help_text = gettext_lazy(
        "Producer name, enterprise number (with or without dots), establishment unit number, "
        "municipality or own reference."
    )
    list_per_page = 50
    paginator = EstimatedCountPaginator
    show_full_result_count = False  # no COUNT(*) over the whole table on every page
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = SUBMITTED_READONLY
    fieldsets = [
        (
            gettext_lazy("Submitted data"),
            {
                "fields": [
                    "organisation",
                    "submitted_by",
                    "observed_on",
                    "producer_name",
                    "enterprise_number",
                    "establishment",
                    ("street", "house_number"),
                    ("postcode", "municipality"),
                    "description",
                    "streams",
                    "action",
                    "customer_informed_on",
                    "container_reference",
                    "own_reference",
                    "withdrawal_reason",
                ]
            },
        ),
        (
            gettext_lazy("Registration"),
            {"fields": ["source", "upload", "received_at", "deadline", "is_late"]},
        ),
        (
            gettext_lazy("Review by OVAM"),
            {"fields": ["status", "assigned_reviewer", "internal_note", "expected_version"]},
        ),
    ]
    actions = ["move_to_under_review", "move_to_closed", "move_to_referred"]
    object_history_template = "admin/submissions/nonconformity/history.html"
    object_history_list_template = "admin/submissions/nonconformity/history_list.html"
    history_list_display = ["event"]
    change_list_template = "admin/submissions/nonconformity/change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    # Records come only from submitters, and nothing submitted is ever deleted.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def get_changelist(self, request, **kwargs):
        return NonConformityChangeList

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"roles": acting_roles(request)})

    def get_readonly_fields(self, request, obj=None):
        return SUBMITTED_READONLY

    # --- columns (plain formatting: a page renders 50 rows of them) ---

    def action_checkbox(self, obj):
        # Django's own, without rendering a form widget through the template engine for every row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            _("Select this object for an action - {}").format(obj),
        )

    @admin.display(description=gettext_lazy("date of the non-conformity"), ordering="observed_on")
    def date(self, record):
        return record.observed_on.strftime("%d/%m/%Y")

    @admin.display(description=gettext_lazy("collector"))
    def collector(self, record):
        return record.organisation.name

    @admin.display(description=gettext_lazy("producer"))
    def producer(self, record):
        return format_html(
            "{}<br><span class='ncr-muted'>{}</span>",
            record.producer_name,
            format_enterprise_number(record.producer_enterprise_number),
        )

    @admin.display(description=gettext_lazy("municipality"))
    def municipality_column(self, record):
        return record.municipality or "–"

    @admin.display(description=gettext_lazy("waste streams"))
    def streams(self, record):
        return ", ".join(f"{stream.number}°" for stream in record.waste_streams.all())

    @admin.display(description=gettext_lazy("action taken"))
    def action_column(self, record):
        return record.get_action_display()

    @admin.display(description=gettext_lazy("status"))
    def status_column(self, record):
        return workflow.label(record.status)

    @admin.display(description=gettext_lazy("age"))
    def age(self, record):
        return timesince(record.received_at, depth=1)

    @admin.display(description=gettext_lazy("enterprise number"))
    def enterprise_number(self, record):
        return format_enterprise_number(record.producer_enterprise_number)

    @admin.display(description=gettext_lazy("establishment unit number"))
    def establishment(self, record):
        return format_establishment_number(record.establishment_number) or "–"

    # --- search ---

    def get_search_results(self, request, queryset, search_term):
        """Numbers with or without dots match the producer's numbers; words match name,
        municipality or own reference. Each branch is served by an index (see migration 0003)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = search_digits(term)
        if digits:
            match = Q(own_reference__icontains=term)
            if len(digits) in (9, 10):
                full = digits.zfill(10)
                match |= Q(producer_enterprise_number=full) | Q(establishment_number=full)
            else:
                match |= Q(producer_enterprise_number__contains=digits)
            return queryset.filter(match), False
        for word in term.split():
            queryset = queryset.filter(
                Q(producer_name__icontains=word)
                | Q(municipality__icontains=word)
                | Q(own_reference__icontains=word)
            )
        return queryset, False

    # --- saving through the services ---

    def save_form(self, request, form, change):
        return form.instance  # never form.save(): the services write the record

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        version = data["expected_version"]
        record = obj
        if {"assigned_reviewer", "internal_note"} & set(form.changed_data):
            record = services.update_review(
                record,
                user=request.user,
                expected_version=version,
                assigned_reviewer=data.get("assigned_reviewer"),
                internal_note=data.get("internal_note", ""),
            )
            version = record.version
        if "status" in form.changed_data:
            record = services.transition(
                record,
                data["status"],
                user=request.user,
                role=acting_roles(request),
                expected_version=version,
            )
        obj.version = record.version

    def save_related(self, request, form, formsets, change):
        pass  # the photos are read-only here and the streams belong to the submitter

    def construct_change_message(self, request, form, formsets, add=False):
        return super().construct_change_message(request, form, [], add)  # no formset was saved

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleRecord:
            # Someone saved between our form check and the row lock: nothing was saved.
            self.message_user(request, services.StaleRecord.message, messages.ERROR)
        except workflow.IllegalTransition as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    # --- the audit trail ---

    def event(self, historical):
        return history.sentence(historical)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history does, minus the bookkeeping fields nobody reads.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=["version"], foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # no reverting: history is a record, not an undo list
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- bulk actions, one per legal staff transition ---

    def _bulk_transition(self, request, queryset, new_status):
        moved = refused = 0
        records = queryset.select_related(None).prefetch_related(None).only("pk", "status", "version")
        for record in records.iterator(chunk_size=500):
            try:
                services.transition(record, new_status, user=request.user, role=acting_roles(request))
                moved += 1
            except (workflow.IllegalTransition, services.StaleRecord):
                refused += 1
        text = _(
            "%(moved)d moved to “%(status)s”; %(refused)d refused because their status does not allow it."
        )
        self.message_user(
            request,
            text % {"moved": moved, "refused": refused, "status": workflow.label(new_status)},
            messages.SUCCESS if not refused else messages.WARNING,
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Move to “Under review”"))
    def move_to_under_review(self, request, queryset):
        self._bulk_transition(request, queryset, workflow.Status.UNDER_REVIEW)

    @admin.action(permissions=["change"], description=gettext_lazy("Move to “Closed”"))
    def move_to_closed(self, request, queryset):
        self._bulk_transition(request, queryset, workflow.Status.CLOSED)

    @admin.action(permissions=["change"], description=gettext_lazy("Move to “Referred to enforcement”"))
    def move_to_referred(self, request, queryset):
        self._bulk_transition(request, queryset, workflow.Status.REFERRED)

    # --- extra pages: photos, exports, the repeat-offender overview ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:record_id>/foto/<int:photo_id>/",
                view(self.photo_view, cacheable=True),  # private, no-cache + ETag (photo_response)
                name="submissions_nonconformity_photo",
            ),
            path(
                "export/csv/", view(self.export_view), {"kind": "csv"}, name="submissions_nonconformity_csv"
            ),
            path(
                "export/xlsx/",
                view(self.export_view),
                {"kind": "xlsx"},
                name="submissions_nonconformity_xlsx",
            ),
            path("overzicht/", view(self.overview_view), name="submissions_nonconformity_overview"),
            path(
                "overzicht/export/",
                view(self.overview_export_view),
                name="submissions_nonconformity_overview_export",
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request):
        return overview.overview_view(request, self)

    def overview_export_view(self, request):
        return overview.overview_export_view(request, self)

    def photo_view(self, request, record_id, photo_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(Photo, pk=photo_id, non_conformity_id=record_id)
        return photo_response(request, photo)

    def export_view(self, request, kind):
        """The filtered list (same filters, search and order as the page) as CSV or XLSX."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:submissions_nonconformity_changelist") + "?e=1")
        # All columns this time (the list defers the long texts), in chunks with their streams.
        queryset = (
            changelist.get_queryset(request).defer(None).select_related("organisation", "assigned_reviewer")
        )
        stamp = date_format(timezone.localdate(), "Ymd")
        if kind == "csv":
            return exports.csv_response(queryset, f"non-conformiteiten-{stamp}.csv", ADMIN_EXPORT_COLUMNS)
        response = exports.xlsx_response(
            queryset, f"non-conformiteiten-{stamp}.xlsx", columns=ADMIN_EXPORT_COLUMNS
        )
        if response["X-Export-Capped"] == "1":
            self.message_user(request, exports.capped_message(exports.XLSX_CAP), messages.WARNING)
        return response


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """What collectors uploaded and how it ended; written only by the upload worker."""

    list_display = [
        "file_name",
        "organisation",
        "uploaded_by",
        "received_at",
        "status",
        "row_count",
        "error_count",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation", "uploaded_by"]
    search_fields = ["file_name", "organisation__name", "sha256"]
    fields = list_display + ["sha256", "finished_at"]
    readonly_fields = fields
    show_facets = admin.ShowFacets.NEVER


# --- Reference data (OVAM-beheerders) ------------------------------------------------------------


@admin.register(WasteStream)
class WasteStreamAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    list_display = ["number", "name", "valid_from", "valid_until"]
    list_display_links = ["number", "name"]
    search_fields = ["name"]
    show_facets = admin.ShowFacets.NEVER

    def has_delete_permission(self, request, obj=None):
        # Records refer to streams; an outdated stream gets a "valid until" date instead.
        return False


@admin.register(Holiday)
class HolidayAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"  # a few hundred rows: scanning their dates is free
    search_fields = ["name"]
    show_facets = admin.ShowFacets.NEVER
