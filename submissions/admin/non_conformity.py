"""The non-conformities in OVAM's admin: list, review, audit trail, photos and exports.

Every change to a record goes through submissions.services (the only writers), so the history looks
the same whether a change came from the site, an upload or here. ModelAdmin's own save of the
submitted form is never used for a record.
"""

import copy
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, F, Func, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Organisation
from accounts.permissions import GrantPermissionsMixin, acting_roles
from ncregister.identifiers import format_enterprise_number, format_establishment_number, search_digits
from submissions import export_jobs, history, services, workflow
from submissions.admin import actions
from submissions.admin import overview as overview_views
from submissions.admin.filters import (
    AssignmentFilter,
    CollectorFilter,
    CompactBooleanFilter,
    CompactChoicesFilter,
    PeriodFilter,
    StatusFilter,
    WaitingFilter,
    WasteStreamFilter,
)
from submissions.admin.review import HistoryChanges, NoticeEmailInline, PhotoInline, ReviewForm
from submissions.models import NonConformity, Photo
from submissions.pagination import EstimatedCountPaginator
from submissions.photos import audit_photo, photo_response

FEW_MATCHES = 5_000


class SearchText(Func):
    """Name, municipality and own reference as one text, as the trigram index nc_search_trgm holds it
    (migration 0018): all words of a search are then looked up in one index scan. The words are split
    on spaces, so a word never matches across two of the fields."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = CharField()

    def __init__(self):
        super().__init__(F("producer_name"), F("municipality"), F("own_reference"))


class NonConformityChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The list shows neither descriptions nor notes; the streams come in one extra query per page.
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("description", "internal_note", "withdrawal_reason").prefetch_related(
            "waste_streams"
        )

    def get_results(self, request):
        super().get_results(request)
        order = [str(name) for name in self.queryset.query.order_by]
        if self.multi_page and not self.show_all and order and order[0].lstrip("-") == "organisation__name":
            start = (self.page_num - 1) * self.list_per_page
            ids = page_by_collector(self.queryset, order, start, self.list_per_page)
            self.result_list = self.queryset.filter(pk__in=ids)

    def _get_deterministic_ordering(self, ordering):
        """Ties broken by date and id in the direction of the first sort: every sort then walks one
        index (migration 0010), and previous/next compare one row value."""
        first = ordering[0] if ordering else "-observed_on"
        if not isinstance(first, str) or first.lstrip("-") in ("observed_on", "pk", "id"):
            return super()._get_deterministic_ordering(ordering)
        sign = "-" if first.startswith("-") else ""
        return [first, f"{sign}observed_on", f"{sign}pk"]


def page_by_collector(queryset, order, start, size):
    """The ids of one page of `queryset` sorted by collector name, then date and id: the collectors in
    name order, each one's records read as a range of its own index (organisation, observed_on, id) until
    the page is full. Sorting every record by a column of another table took seconds at 1 M records."""
    descending = "-" if order[0].startswith("-") else ""
    organisations = Organisation.objects.order_by(f"{descending}name", f"{descending}pk")
    ids = []
    for organisation in organisations.values_list("pk", flat=True):
        records = (
            queryset.filter(organisation_id=organisation).order_by(*order[1:]).values_list("pk", flat=True)
        )
        if start:
            skipped = records.order_by()[:start].count()  # a capped count: reads at most `start` rows
            start -= skipped
            if start or skipped == 0:
                continue
            ids += records[skipped : skipped + size - len(ids)]
        else:
            ids += records[: size - len(ids)]
        if len(ids) == size:
            break
    return ids


def neighbours(queryset, ordering, record):
    """(previous pk, next pk) around `record`'s place in `queryset` sorted by `ordering` (None at
    either end). One row comparison per side, so the database starts from that place in its index."""
    names = [name.lstrip("-") for name in ordering]
    descending = {name.startswith("-") for name in ordering}
    if len(descending) != 1:
        return None, None  # several sort columns in mixed directions: no neighbours offered
    # Its place, even when it has just left the list (closed, or assigned to someone else).
    current = NonConformity.objects.filter(pk=record.pk).values_list(*names).first()
    row = Tuple(*[F(name) for name in names])
    value = tuple(current)
    later, earlier = (TupleLessThan, TupleGreaterThan)
    if not descending.pop():
        later, earlier = earlier, later
    reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
    after = queryset.filter(later(row, value)).order_by(*ordering).values_list("pk", flat=True).first()
    before = queryset.filter(earlier(row, value)).order_by(*reverse).values_list("pk", flat=True).first()
    return before, after


FIELDSETS = [
    (
        gettext_lazy("Review by OVAM"),
        {"fields": ["status", "assigned_reviewer", "internal_note", "expected_version"]},
    ),
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
        {"fields": ["source", "upload", "received_at", "deadline", "late"]},
    ),
]
# What the submitter sent and how it was registered: shown, never edited here.
SUBMITTED_READONLY = [
    name
    for _title, options in FIELDSETS[1:]
    for entry in options["fields"]
    for name in (entry if isinstance(entry, tuple) else (entry,))
]


@admin.register(NonConformity)
class NonConformityAdmin(GrantPermissionsMixin, SimpleHistoryAdmin):
    form = ReviewForm
    inlines = [PhotoInline, NoticeEmailInline]
    list_display = [
        "date",
        "collector",
        "producer",
        "municipality_column",
        "streams",
        "action_column",
        "late",
        "status_column",
        "age",
        "reviewer_column",
    ]
    list_display_links = ["date"]
    list_select_related = ["organisation", "assigned_reviewer"]
    # Each sort is served by an index (migration 0010); ties follow the date (NonConformityChangeList).
    sortable_by = ["date", "status_column", "producer", "collector", "age"]
    list_filter = [
        StatusFilter,
        AssignmentFilter,
        WaitingFilter,
        ("observed_on", PeriodFilter),
        CollectorFilter,
        WasteStreamFilter,
        ("action", CompactChoicesFilter),
        ("is_late", CompactBooleanFilter),
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
    fieldsets = FIELDSETS
    readonly_fields = SUBMITTED_READONLY
    action_form = actions.AssignActionForm
    actions = [*actions.ASSIGN_ACTIONS, *actions.REVIEW_ACTIONS]
    change_form_template = "admin/submissions/nonconformity/change_form.html"
    object_history_list_template = "admin/submissions/nonconformity/history_list.html"
    history_list_display = ["event"]
    change_list_template = "admin/submissions/nonconformity/change_list.html"

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

    @admin.display(description=gettext_lazy("date"), ordering="observed_on")
    def date(self, record):
        return record.observed_on.strftime("%d/%m/%Y")

    @admin.display(description=gettext_lazy("collector"), ordering="organisation__name")
    def collector(self, record):
        return record.organisation.name

    @admin.display(description=gettext_lazy("producer"), ordering="producer_name")
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
        # Short names; the full name on hover (and for screen readers, as the abbreviation's title).
        return format_html_join(
            ", ", '<abbr title="{}">{}</abbr>', ((str(s), s.short_label) for s in record.waste_streams.all())
        )

    @admin.display(description=gettext_lazy("action"))
    def action_column(self, record):
        return record.get_action_display()

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, record):
        return workflow.label(record.status)

    @admin.display(description=gettext_lazy("late"))
    def late(self, record):
        # Words in a neutral style: a red cross for "no" read as an error.
        if record.is_late:
            return format_html('<span class="ncr-late">{}</span>', _("yes"))
        return format_html('<span class="ncr-muted">{}</span>', _("no"))

    @admin.display(description=gettext_lazy("age"), ordering="-received_at")
    def age(self, record):
        return timesince(record.received_at, depth=1)

    @admin.display(description=gettext_lazy("reviewer"))
    def reviewer_column(self, record):
        if not record.assigned_reviewer_id:
            return "–"
        return record.assigned_reviewer.first_name or str(record.assigned_reviewer)

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
        words = term.split()
        match = Q()
        for word in words:
            match &= Q(search_text__icontains=word)
        if len(words) > 1:
            # The planner takes the words as independent, expects many matches ("bakkerij" × "janssens")
            # and walks the date index past thousands of rows. Few matches, as a name usually has, are
            # read first through the trigram index alone (the list's filters apply after) and handed
            # over as ids; many go the usual way.
            everywhere = NonConformity.objects.alias(search_text=SearchText()).filter(match)
            ids = list(everywhere.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
            if len(ids) <= FEW_MATCHES:
                return queryset.filter(pk__in=ids), False
        return queryset.alias(search_text=SearchText()).filter(match), False

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

    # --- previous / next within the list the reviewer came from ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._neighbour_links(request, object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _neighbour_links(self, request, object_id):
        """Links to the previous and next record of the list (its filters, search and sort kept in
        `_changelist_filters`, as the admin passes them along)."""
        filters = request.GET.get("_changelist_filters", "")
        if not object_id.isdigit() or request.method != "GET":
            return {}
        list_request = copy.copy(request)  # the same person and session, the list's parameters
        list_request.GET = QueryDict(filters)
        try:
            changelist = self.get_changelist_instance(list_request)
        except IncorrectLookupParameters:
            return {}
        ordering = changelist.get_ordering(list_request, changelist.root_queryset)
        record = NonConformity(pk=int(object_id))
        previous, following = neighbours(changelist.get_queryset(list_request), ordering, record)
        query = f"?{urlencode({'_changelist_filters': filters})}" if filters else ""

        def link(pk):
            return pk and f"{reverse('admin:submissions_nonconformity_change', args=[pk])}{query}"

        return {"previous_url": link(previous), "next_url": link(following)}

    # --- the audit trail ---

    def event(self, historical):
        return history.sentence(historical)

    def history_view_title(self, request, obj):
        return _("History: %s") % obj

    def history_form_view_title(self, request, obj):
        return _("Version of %s") % obj

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

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
                "<int:record_id>/foto/<int:photo_id>/klein/",
                view(self.photo_view, cacheable=True),
                {"thumbnail": True},
                name="submissions_nonconformity_photo_thumbnail",
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
            path("exports/", view(self.exports_view), name="submissions_nonconformity_exports"),
            path(
                "exports/<int:export_pk>/download/",
                view(self.export_download_view),
                name="submissions_nonconformity_export_download",
            ),
            path(
                "exports/<int:export_pk>/opnieuw/",
                view(self.export_restart_view),
                name="submissions_nonconformity_export_restart",
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
        return overview_views.overview_view(request, self)

    def overview_export_view(self, request):
        return overview_views.overview_export_view(request, self)

    def photo_view(self, request, record_id, photo_id, thumbnail=False):
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(Photo, pk=photo_id, non_conformity_id=record_id)
        if not thumbnail:
            audit_photo(request, photo)
        return photo_response(request, photo, thumbnail=thumbnail)

    def export_view(self, request, kind):
        """The filtered list (same filters, search and order as the page) as CSV or XLSX: in the
        request up to exports.STREAM_UP_TO rows, else made by the worker (see export_jobs)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:submissions_nonconformity_changelist") + "?e=1")
        stamp = date_format(timezone.localdate(), "Ymd")
        query = request.GET.urlencode()
        return export_jobs.respond(
            request,
            changelist.get_queryset(request),
            kind,
            staff=True,
            file_name=f"non-conformiteiten-{stamp}.{kind}",
            exports_url=reverse("admin:submissions_nonconformity_exports"),
            back_url=reverse("admin:submissions_nonconformity_changelist") + (f"?{query}" if query else ""),
        )

    def _own_exports(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return export_jobs.visible_to(request.user, staff=True)

    def exports_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("My exports"),
            "opts": self.model._meta,
            "exports": self._own_exports(request)[:50],
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/submissions/nonconformity/exports.html", context)

    def export_download_view(self, request, export_pk):
        return export_jobs.download(request, get_object_or_404(self._own_exports(request), pk=export_pk))

    def export_restart_view(self, request, export_pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        export_jobs.restart(get_object_or_404(self._own_exports(request), pk=export_pk))
        self.message_user(request, _("The export was started again."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:submissions_nonconformity_exports"))
