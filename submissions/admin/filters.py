"""The change list's filters, each a compact drop-down above the list (filter.html): the work queue
(status with "open", assignment, waiting longer than 14 days), whole-month periods, waste stream (a
semi-join, with a search box), collector. Without parameters the list is a reviewer's open work:
submitted or under review, assigned to them or to nobody (each filter's default)."""

import datetime as dt

from django.conf import settings
from django.contrib.admin.filters import (
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    DateFieldListFilter,
    SimpleListFilter,
)
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from ncregister.identifiers import is_digits
from submissions import workflow
from submissions.models import NonConformity, WasteStream
from submissions.months import add_months, month_of

WasteStreamLink = NonConformity.waste_streams.through
TEMPLATE = "admin/submissions/nonconformity/filter.html"
ALL = "alle"  # an explicit "all": without a parameter a queue filter applies its default
OPEN = "open"
WAITING_DAYS = 14


class QueueFilter(SimpleListFilter):
    """A filter with a default (the reviewer's queue) and an explicit "all"."""

    template = TEMPLATE
    default = None

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in [(ALL, _("All")), *self.lookup_choices]:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class StatusFilter(QueueFilter):
    title = gettext_lazy("status")
    parameter_name = "status__exact"
    default = OPEN

    def lookups(self, request, model_admin):
        return [(OPEN, _("Open (submitted or under review)")), *workflow.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == OPEN:
            return queryset.filter(status__in=workflow.OPEN)
        if value in workflow.Status.values:
            return queryset.filter(status=value)
        if value != ALL:
            raise IncorrectLookupParameters(value)
        return queryset


class AssignmentFilter(QueueFilter):
    title = gettext_lazy("assigned to")
    parameter_name = "toegewezen"
    default = "mij-of-niemand"

    def lookups(self, request, model_admin):
        return [
            ("mij-of-niemand", _("Me or nobody")),
            ("mij", _("Assigned to me")),
            ("niemand", _("Not assigned")),
        ]

    def queryset(self, request, queryset):
        me = self.request_user.pk
        match self.value():
            case "mij-of-niemand":
                return queryset.filter(Q(assigned_reviewer_id=me) | Q(assigned_reviewer__isnull=True))
            case "mij":
                return queryset.filter(assigned_reviewer_id=me)
            case "niemand":
                return queryset.filter(assigned_reviewer__isnull=True)
            case "alle":
                return queryset
        raise IncorrectLookupParameters(self.value())

    def __init__(self, request, params, model, model_admin):
        self.request_user = request.user
        super().__init__(request, params, model, model_admin)


class WaitingFilter(SimpleListFilter):
    """Received more than 14 days ago (with the status filter's default: open work waiting too long)."""

    template = TEMPLATE
    title = gettext_lazy("age")
    parameter_name = "ouderdom"

    def lookups(self, request, model_admin):
        return [(str(WAITING_DAYS), _("Older than %(days)d days") % {"days": WAITING_DAYS})]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() != str(WAITING_DAYS):
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(received_at__lt=timezone.now() - dt.timedelta(days=WAITING_DAYS))


class CompactChoicesFilter(ChoicesFieldListFilter):
    template = TEMPLATE


class CompactBooleanFilter(BooleanFieldListFilter):
    template = TEMPLATE


class PeriodFilter(DateFieldListFilter):
    """Date ranges OVAM asks for; the same observed_on__gte/__lt parameters the overview links use."""

    template = TEMPLATE

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


def selected_id(list_filter):
    """The id chosen in `list_filter`, None for all; anything else is a bad link (the admin says so)."""
    value = list_filter.value()
    if not value:
        return None
    if not is_digits(value):
        raise IncorrectLookupParameters(value)
    return int(value)


class WasteStreamFilter(SimpleListFilter):
    """By observed stream, as a semi-join: no DISTINCT over a million rows. Its drop-down has a
    search box (32 streams)."""

    template = "admin/submissions/nonconformity/stream_filter.html"
    title = gettext_lazy("waste stream")
    parameter_name = "stream"

    def lookups(self, request, model_admin):
        return [(str(stream.pk), stream.short_label) for stream in WasteStream.objects.all()]

    def queryset(self, request, queryset):
        pk = selected_id(self)
        if pk is None:
            return queryset
        links = WasteStreamLink.objects.filter(nonconformity_id=OuterRef("pk"), wastestream_id=pk)
        return queryset.filter(Exists(links))


class CollectorFilter(SimpleListFilter):
    """The collectors, with their links built from one base query string (200+ links on every page)."""

    template = "admin/submissions/nonconformity/stream_filter.html"  # long: with a search box too
    title = gettext_lazy("collector")
    parameter_name = "organisation__id__exact"

    def lookups(self, request, model_admin):
        return Organisation.objects.exclude(code__in=settings.NCR_STAFF_ORGCODES).values_list("pk", "name")

    def queryset(self, request, queryset):
        pk = selected_id(self)
        return queryset if pk is None else queryset.filter(organisation_id=pk)

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
