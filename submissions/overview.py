"""The repeat-offender overview: producers ranked by their non-conformities over a period.

The ranking is one grouped query over the period (served by the covering index of migration 0003);
the details (name, municipality, streams, collectors, previous period) are read only for the
producers on the page.
"""

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions.exports import CSV_DELIMITER, neutralise
from submissions.identifiers import format_enterprise_number
from submissions.models import NonConformity, WasteStream

PAGE_SIZE = 50
EXPORT_SIZE = 1000
MAX_DAYS = 366 * 10
WasteStreamLink = NonConformity.waste_streams.through


# --- The period ----------------------------------------------------------------------------------


def default_period(today=None):
    """The past twelve months, today included."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - 1) + dt.timedelta(days=1), today


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    van = forms.DateField(label=gettext_lazy("From"), widget=DATE_INPUT)
    tot = forms.DateField(label=gettext_lazy("To (inclusive)"), widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        start, last = cleaned.get("van"), cleaned.get("tot")
        if start and last:
            if last < start:
                raise forms.ValidationError(_("The end date lies before the start date."), code="order")
            if (last - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most ten years."), code="too_long")
        return cleaned


def period_from_request(request):
    """(form, start, end): end is exclusive. Bad or missing dates fall back to the past twelve months."""
    start, last = default_period()
    if "van" in request.GET or "tot" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            start, last = form.cleaned_data["van"], form.cleaned_data["tot"]
    else:
        form = PeriodForm(initial={"van": start, "tot": last})
    return form, start, last + dt.timedelta(days=1)


def presets(today=None):
    today = today or timezone.localdate()
    start, last = default_period(today)
    return [
        (_("Past 12 months"), start, last),
        (_("This year"), dt.date(today.year, 1, 1), today),
        (_("Last year"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]


# --- The figures ---------------------------------------------------------------------------------


@dataclass
class ProducerRow:
    enterprise_number: str
    count: int
    refused: int
    name: str = ""
    municipality: str = ""
    streams: list = field(default_factory=list)
    collectors: list = field(default_factory=list)
    previous: int = 0

    @property
    def formatted_number(self):
        return format_enterprise_number(self.enterprise_number)

    @property
    def trend(self):
        return self.count - self.previous


def in_period(start, end):
    return NonConformity.objects.filter(observed_on__gte=start, observed_on__lt=end)


def ranking(start, end, limit=PAGE_SIZE):
    """The producers with the most non-conformities in [start, end), most first."""
    top = (
        in_period(start, end)
        .order_by()
        .values("producer_enterprise_number")
        .annotate(n=Count("id"), refused=Count("id", filter=Q(action=NonConformity.Action.REFUSED)))
        .order_by("-n", "producer_enterprise_number")[:limit]
    )
    rows = [ProducerRow(t["producer_enterprise_number"], t["n"], t["refused"]) for t in top]
    if rows:
        _add_details(rows, start, end)
    return rows


def _mode(counter):
    return counter.most_common(1)[0][0] if counter else ""


def _add_details(rows, start, end):
    by_number = {row.enterprise_number: row for row in rows}
    numbers = list(by_number)
    names, places, collectors = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    details = (
        in_period(start, end)
        .filter(producer_enterprise_number__in=numbers)
        .order_by()
        .values("producer_enterprise_number", "producer_name", "municipality", "organisation__name")
        .annotate(n=Count("id"))
    )
    for d in details:
        number = d["producer_enterprise_number"]
        names[number][d["producer_name"]] += d["n"]
        if d["municipality"]:
            places[number][d["municipality"]] += d["n"]
        collectors[number][d["organisation__name"]] += d["n"]

    streams = defaultdict(Counter)
    links = (
        WasteStreamLink.objects.filter(
            nonconformity__producer_enterprise_number__in=numbers,
            nonconformity__observed_on__gte=start,
            nonconformity__observed_on__lt=end,
        )
        .order_by()
        .values("nonconformity__producer_enterprise_number", "wastestream_id")
        .annotate(n=Count("id"))
    )
    for link in links:
        streams[link["nonconformity__producer_enterprise_number"]][link["wastestream_id"]] += link["n"]
    stream_names = {s.pk: str(s) for s in WasteStream.objects.all()}

    previous_start = start - (end - start)
    previous = (
        in_period(previous_start, start)
        .filter(producer_enterprise_number__in=numbers)
        .order_by()
        .values("producer_enterprise_number")
        .annotate(n=Count("id"))
    )
    previous = {p["producer_enterprise_number"]: p["n"] for p in previous}

    for number, row in by_number.items():
        row.name = _mode(names[number])
        row.municipality = _mode(places[number])
        row.streams = [stream_names.get(pk, "?") for pk, _n in streams[number].most_common(3)]
        row.collectors = sorted(collectors[number])
        row.previous = previous.get(number, 0)


def monthly_counts(start, end):
    """[(first day of the month, count)] for every month in [start, end), empty months included."""
    counts = {
        m["month"]: m["n"]
        for m in in_period(start, end)
        .order_by()
        .annotate(month=TruncMonth("observed_on"))
        .values("month")
        .annotate(n=Count("id"))
    }
    counts = {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in counts.items()}
    months = []
    month = start.replace(day=1)
    while month < end:
        months.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def chart(months, width=720, height=180):
    """Bar geometry for a server-rendered SVG (no script, no inline style)."""
    peak = max((n for _m, n in months), default=0) or 1
    slot = width / max(len(months), 1)
    bars = []
    for index, (month, n) in enumerate(months):
        bar_height = round(n / peak * (height - 20), 1)
        bars.append(
            {
                "x": round(index * slot + slot * 0.1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "month": month,
                "count": n,
            }
        )
    return {"bars": bars, "width": width, "height": height, "peak": peak}


def changelist_url(enterprise_number, start, end):
    query = urlencode(
        {
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
    rows = ranking(start, end)
    for row in rows:
        row.url = changelist_url(row.enterprise_number, start, end)
    months = monthly_counts(start, end)
    last = end - dt.timedelta(days=1)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Repeat offenders"),
        "opts": model_admin.model._meta,
        "form": form,
        "start": start,
        "last": last,
        "previous_start": start - (end - start),
        "rows": rows,
        "chart": chart(months),
        "presets": [
            (label, urlencode({"van": a.isoformat(), "tot": b.isoformat()})) for label, a, b in presets()
        ],
        "export_query": urlencode({"van": start.isoformat(), "tot": last.isoformat()}),
        "page_size": PAGE_SIZE,
    }
    return render(request, "submissions/overview.html", context)


def overview_export_view(request, model_admin):
    _check(request, model_admin)
    _form, start, end = period_from_request(request)
    rows = ranking(start, end, limit=EXPORT_SIZE)
    stamp = f"{date_format(start, 'Ymd')}-{date_format(end - dt.timedelta(days=1), 'Ymd')}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="herhaalde-non-conformiteiten-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=CSV_DELIMITER)
    writer.writerow(
        [
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
    )
    for row in rows:
        writer.writerow(
            [
                neutralise(value) if isinstance(value, str) else value
                for value in (
                    row.formatted_number,
                    row.name,
                    row.municipality,
                    row.count,
                    row.refused,
                    " | ".join(row.streams),
                    " | ".join(row.collectors),
                    row.previous,
                    row.trend,
                )
            ]
        )
    return response
