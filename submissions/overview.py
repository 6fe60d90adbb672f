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
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from submissions.exports import CSV_DELIMITER, neutralise
from submissions.identifiers import format_enterprise_number
from submissions.models import NonConformity, WasteStream

PAGE_SIZE = 50
CACHE_SECONDS = 300
STREAM_SAMPLE = 100  # records per producer read for the top 3 streams (see _stream_counts)
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
        .annotate(n=Count("*"), refused=Count("action", filter=Q(action=NonConformity.Action.REFUSED)))
        .order_by("-n", "producer_enterprise_number")[:limit]
    )
    rows = [ProducerRow(t["producer_enterprise_number"], t["n"], t["refused"]) for t in top]
    if rows:
        _add_details(rows, start, end)
    return rows


def _stream_counts(numbers, start, end):
    """{enterprise number: Counter(stream id)} over each producer's latest STREAM_SAMPLE records in the
    period. Exact for most producers; for the largest a sample, because reading every stream link of a
    producer with thousands of records costs seconds on a million-row register. One short index range
    scan per producer (nc_producer_observed) beats one window over all their records by far."""
    owner = {}
    for number in numbers:
        latest = (
            in_period(start, end)
            .filter(producer_enterprise_number=number)
            .order_by("-observed_on", "-id")
            .values_list("id", flat=True)[:STREAM_SAMPLE]
        )
        owner.update(dict.fromkeys(latest, number))
    streams = defaultdict(Counter)
    links = WasteStreamLink.objects.filter(nonconformity_id__in=list(owner)).values_list(
        "nonconformity_id", "wastestream_id"
    )
    for record_id, stream_id in links:
        streams[owner[record_id]][stream_id] += 1
    return streams


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
        .values("producer_enterprise_number", "producer_name", "municipality", "organisation_id")
        .annotate(n=Count("*"))
    )
    for d in details:
        number = d["producer_enterprise_number"]
        names[number][d["producer_name"]] += d["n"]
        if d["municipality"]:
            places[number][d["municipality"]] += d["n"]
        collectors[number][d["organisation_id"]] += d["n"]
    organisation_names = dict(
        Organisation.objects.filter(pk__in={pk for c in collectors.values() for pk in c}).values_list(
            "pk", "name"
        )
    )

    streams = _stream_counts(numbers, start, end)
    stream_names = {s.pk: str(s) for s in WasteStream.objects.all()}

    previous_start = start - (end - start)
    previous = (
        in_period(previous_start, start)
        .filter(producer_enterprise_number__in=numbers)
        .order_by()
        .values("producer_enterprise_number")
        .annotate(n=Count("*"))
    )
    previous = {p["producer_enterprise_number"]: p["n"] for p in previous}

    for number, row in by_number.items():
        row.name = _mode(names[number])
        row.municipality = _mode(places[number])
        row.streams = [stream_names.get(pk, "?") for pk, _n in streams[number].most_common(3)]
        row.collectors = sorted(organisation_names.get(pk, "?") for pk in collectors[number])
        row.previous = previous.get(number, 0)


def monthly_counts(start, end):
    """[(first day of the month, count)] for every month in [start, end), empty months included."""
    # Grouped by day (an ordered index-only scan), summed per month here: cheaper than date_trunc.
    counts = Counter()
    for day, n in in_period(start, end).order_by().values_list("observed_on").annotate(n=Count("*")):
        counts[day.replace(day=1)] += n
    months = []
    month = start.replace(day=1)
    while month < end:
        months.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def chart(months, width=720, height=180, label_height=20):
    """Bar geometry for a server-rendered SVG (no script, no inline style); about 12 month labels."""
    peak = max((n for _m, n in months), default=0) or 1
    slot = width / max(len(months), 1)
    label_every = max(1, -(-len(months) // 12))
    bars = []
    for index, (month, n) in enumerate(months):
        bar_height = round(n / peak * (height - 20), 1)
        bars.append(
            {
                "x": round(index * slot + slot * 0.1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "label_x": round(index * slot + slot / 2, 1),
                "labelled": index % label_every == 0,
                "month": month,
                "count": n,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "full_height": height + label_height,
        "label_y": height + label_height - 5,
        "peak": peak,
    }


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


def cached_figures(start, end):
    """(ranking, months) for the period, computed at most every CACHE_SECONDS: an analysis page that
    several people open for the same period need not read a year of records each time."""
    key = f"ncr:overview:{start.isoformat()}:{end.isoformat()}:{PAGE_SIZE}"
    figures = cache.get(key)
    if figures is None:
        figures = (ranking(start, end), monthly_counts(start, end))
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def overview_view(request, model_admin):
    _check(request, model_admin)
    form, start, end = period_from_request(request)
    rows, months = cached_figures(start, end)
    for row in rows:
        row.url = changelist_url(row.enterprise_number, start, end)
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
        "cache_minutes": CACHE_SECONDS // 60,
        "stream_sample": STREAM_SAMPLE,
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
