"""The repeat-offender overview's pages in the admin: the period form, the page and its CSV export.
The figures come from submissions/overview.py, the chart's geometry from chart.py."""

import datetime as dt
import itertools
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.events import Kind, filters_of, record
from submissions.admin.chart import chart
from submissions.admin.filters import ALL
from submissions.downloads import csv_download
from submissions.months import add_months, month_of, months_between
from submissions.overview import (
    CACHE_SECONDS,
    EXPORT_SIZE,
    MAX_MONTHS,
    PAGE_SIZE,
    cached_figures,
    default_period,
    previous_start,
    ranking,
)

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def month_field(label):
    return forms.DateField(label=label, widget=MONTH_INPUT, input_formats=["%Y-%m"])


class PeriodForm(forms.Form):
    van = month_field(gettext_lazy("From month"))
    tot = month_field(gettext_lazy("To month (inclusive)"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("van"), cleaned.get("tot")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The last month lies before the first month."), code="order")
            if months_between(first, last) > MAX_MONTHS:
                raise forms.ValidationError(_("Choose a period of at most ten years."), code="too_long")
        return cleaned


def period_from_request(request):
    """(form, start, end): start is the first day of the first month, end the first day after the last
    month (exclusive). Bad or missing months fall back to the past twelve months."""
    first, last = default_period()
    if "van" in request.GET or "tot" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            first, last = month_of(form.cleaned_data["van"]), month_of(form.cleaned_data["tot"])
    else:
        form = PeriodForm(initial={"van": first, "tot": last})
    return form, first, add_months(last, 1)


def month_query(first, last):
    return urlencode({"van": first.strftime("%Y-%m"), "tot": last.strftime("%Y-%m")})


def presets(today=None):
    today = today or timezone.localdate()
    first, last = default_period(today)
    return [
        (_("Past 12 months"), first, last),
        (_("This year"), dt.date(today.year, 1, 1), month_of(today)),
        (_("Last year"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 1)),
    ]


def changelist_url(enterprise_number, start, end):
    query = urlencode(
        {
            # Every record of the producer, not only the reviewer's open work (the list's default).
            "status__exact": ALL,
            "toegewezen": ALL,
            "producer_enterprise_number": enterprise_number,
            "observed_on__gte": start.isoformat(),
            "observed_on__lt": end.isoformat(),
        }
    )
    return f"{reverse('admin:submissions_nonconformity_changelist')}?{query}"


# --- The pages -----------------------------------------------------------------------------------


def _check(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def overview_view(request, model_admin):
    _check(request, model_admin)
    form, start, end = period_from_request(request)
    rows, months = cached_figures(start, end)
    for row in rows:
        row.url = changelist_url(row.enterprise_number, start, end)
    last = add_months(end, -1)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Repeat offenders"),
        "opts": model_admin.model._meta,
        "form": form,
        "start": start,
        "last": last,
        "previous_start": previous_start(start, end),
        "rows": rows,
        "chart": chart(months),
        "presets": [(label, month_query(first, final)) for label, first, final in presets()],
        "export_query": month_query(start, last),
        "page_size": PAGE_SIZE,
        "cache_minutes": CACHE_SECONDS // 60,
    }
    return render(request, "submissions/overview.html", context)


def overview_export_view(request, model_admin):
    _check(request, model_admin)
    _form, start, end = period_from_request(request)
    rows = ranking(start, end, limit=EXPORT_SIZE)
    stamp = f"{date_format(start, 'Ym')}-{date_format(add_months(end, -1), 'Ym')}"
    header = [
        _("Enterprise number"),
        _("Producer name"),
        _("Municipality"),
        _("Non-conformities"),
        _("Refused"),
        _("Top 3 streams"),
        _("Collectors"),
        _("Previous period"),
        _("Trend"),
    ]
    lines = (
        [
            row.formatted_number,
            row.name,
            row.municipality,
            row.count,
            row.refused,
            " | ".join(row.streams),
            " | ".join(row.collectors),
            row.previous,
            row.trend,
        ]
        for row in rows
    )
    record(request, Kind.EXPORT, count=len(rows), filters=filters_of(request), of="repeat-offender overview")
    return csv_download(itertools.chain([header], lines), f"herhaalde-non-conformiteiten-{stamp}.csv")
