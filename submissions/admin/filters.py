"""The change list's filters: whole-month periods, waste stream (a semi-join), collector."""

import datetime as dt

from django.conf import settings
from django.contrib.admin.filters import DateFieldListFilter, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from ncregister.identifiers import is_digits
from submissions.models import NonConformity, WasteStream
from submissions.months import add_months, month_of

WasteStreamLink = NonConformity.waste_streams.through


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


def selected_id(list_filter):
    """The id chosen in `list_filter`, None for all; anything else is a bad link (the admin says so)."""
    value = list_filter.value()
    if not value:
        return None
    if not is_digits(value):
        raise IncorrectLookupParameters(value)
    return int(value)


class WasteStreamFilter(SimpleListFilter):
    """By observed stream, as a semi-join: no DISTINCT over a million rows."""

    title = gettext_lazy("waste stream")
    parameter_name = "stream"

    def lookups(self, request, model_admin):
        return [(str(stream.pk), str(stream)) for stream in WasteStream.objects.all()]

    def queryset(self, request, queryset):
        pk = selected_id(self)
        if pk is None:
            return queryset
        links = WasteStreamLink.objects.filter(nonconformity_id=OuterRef("pk"), wastestream_id=pk)
        return queryset.filter(Exists(links))


class CollectorFilter(SimpleListFilter):
    """The collectors, with their links built from one base query string (200+ links on every page)."""

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
