"""The repeat-offender overview: producers ranked by their non-conformities over whole months.

The counts (ranking, chart, previous period, top 3 streams) come from the summary tables the services
keep in the writer's transaction (submissions/summary.py); only name, municipality and collectors are
read from the records of the producers on the page. Withdrawn records count nowhere.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import Organisation
from ncregister.identifiers import format_enterprise_number
from submissions import workflow
from submissions.models import NonConformity, ProducerMonth, ProducerMonthStream, WasteStream
from submissions.months import add_months, month_of, months_between

PAGE_SIZE = 50
CACHE_SECONDS = 300
EXPORT_SIZE = 1000
MAX_MONTHS = 12 * 10


# --- The period: whole months ----------------------------------------------------------------------


def default_period(today=None):
    """(first month, last month): the twelve months ending with the current one."""
    current = month_of(today or timezone.localdate())
    return add_months(current, -11), current


def previous_start(start, end):
    """The start of the previous period of as many months."""
    return add_months(start, -months_between(start, add_months(end, -1)))


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
    """The records that count in [start, end): a withdrawn record is no non-conformity any more."""
    return NonConformity.objects.filter(observed_on__gte=start, observed_on__lt=end).exclude(
        status=workflow.Status.WITHDRAWN
    )


def summary_in_period(model, start, end):
    return model.objects.filter(month__gte=start, month__lt=end).order_by()


def _totals(months, limit):
    return list(
        months.values("producer_enterprise_number")
        .annotate(n=Sum("records"), refused=Sum("refused"))
        .order_by("-n", "-refused", "producer_enterprise_number")[:limit]
    )


MAX_CANDIDATES = 5000  # beyond this, adding up every producer of the period is as quick


def top_producers(start, end, limit=PAGE_SIZE):
    """[{producer_enterprise_number, n, refused}]: the `limit` producers with the most records in
    [start, end), from the summary. Exact, but it adds up only the producers that can still make the
    list instead of every producer of the period (a year holds tens of thousands)."""
    months = summary_in_period(ProducerMonth, start, end)
    month_count = months_between(start, add_months(end, -1))
    # A lower bound for the limit-th total: the totals of the busiest producers of one full month
    # (the one before the last: the last is often the current, half-empty month).
    sample_month = add_months(end, -2) if month_count > 1 else start
    busiest = months.filter(month=sample_month).order_by("-records")
    busiest = set(busiest.values_list("producer_enterprise_number", flat=True)[: limit * 2])
    if len(busiest) < limit:
        return _totals(months, limit)
    totals = _totals(months.filter(producer_enterprise_number__in=busiest), limit)
    # Whoever reaches the bound over the period has at least one month with bound / months records.
    floor = -(-totals[-1]["n"] // month_count)
    candidates = set(
        months.filter(records__gte=floor).values_list("producer_enterprise_number", flat=True).distinct()
    )
    if candidates <= busiest:
        return totals  # every producer that can make the list was added up already
    if len(candidates) > MAX_CANDIDATES:
        return _totals(months, limit)
    return _totals(months.filter(producer_enterprise_number__in=candidates), limit)


def ranking(start, end, limit=PAGE_SIZE):
    """The producers with the most non-conformities in [start, end), most first, with their details."""
    rows = [
        ProducerRow(t["producer_enterprise_number"], t["n"], t["refused"])
        for t in top_producers(start, end, limit)
    ]
    if rows:
        _add_details(rows, start, end)
    return rows


def _stream_counts(numbers, start, end):
    """{enterprise number: Counter(stream id)}: exact, from the summary per waste stream."""
    streams = defaultdict(Counter)
    counts = (
        summary_in_period(ProducerMonthStream, start, end)
        .filter(producer_enterprise_number__in=numbers)
        .values_list("producer_enterprise_number", "waste_stream_id")
        .annotate(n=Sum("records"))
    )
    for number, stream_id, n in counts:
        streams[number][stream_id] += n
    return streams


def _plain_rows(queryset):
    """The rows as plain tuples from the cursor: the largest producers have thousands of (name,
    municipality, collector) groups a year, and the ORM's work per row would cost more than the query."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _mode(counter):
    return counter.most_common(1)[0][0] if counter else ""


def _top_streams(counter):
    # Most records first; on a tie the lower stream number, so the order does not change per request.
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:3]


def _add_details(rows, start, end):
    by_number = {row.enterprise_number: row for row in rows}
    numbers = list(by_number)
    names, places, collectors = defaultdict(Counter), defaultdict(Counter), defaultdict(set)
    details = (
        in_period(start, end)
        .filter(producer_enterprise_number__in=numbers)
        .order_by()
        .values("producer_enterprise_number", "producer_name", "municipality", "organisation_id")
        .annotate(n=Count("*"))
    )
    for number, name, municipality, organisation_id, n in _plain_rows(details):
        names[number][name] += n
        if municipality:
            places[number][municipality] += n
        collectors[number].add(organisation_id)
    organisation_names = dict(
        Organisation.objects.filter(pk__in={pk for c in collectors.values() for pk in c}).values_list(
            "pk", "name"
        )
    )

    streams = _stream_counts(numbers, start, end)
    stream_names = {s.pk: str(s) for s in WasteStream.objects.all()}

    previous = (
        summary_in_period(ProducerMonth, previous_start(start, end), start)
        .filter(producer_enterprise_number__in=numbers)
        .values_list("producer_enterprise_number")
        .annotate(n=Sum("records"))
    )
    previous = dict(previous)

    for number, row in by_number.items():
        row.name = _mode(names[number])
        row.municipality = _mode(places[number])
        row.streams = [stream_names.get(pk, "?") for pk, _n in _top_streams(streams[number])]
        row.collectors = sorted(organisation_names.get(pk, "?") for pk in collectors[number])
        row.previous = previous.get(number, 0)


def monthly_counts(start, end):
    """[(first day of the month, count)] for every month in [start, end), empty months included."""
    counts = dict(
        summary_in_period(ProducerMonth, start, end).values_list("month").annotate(n=Sum("records"))
    )
    months = []
    month = month_of(start)
    while month < end:
        months.append((month, counts.get(month, 0)))
        month = add_months(month, 1)
    return months


GENERATION_KEY = "ncr:overview:generation"


def forget_figures():
    """Every cached period goes stale at once (after a withdrawal, a correction, a rebuild)."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def cached_figures(start, end):
    """(ranking, months) for the period, computed at most every CACHE_SECONDS: an analysis page that
    several people open for the same period need not read a year of records each time. New records
    may take that long to show; a record that stops counting leaves at once (forget_figures)."""
    generation = cache.get(GENERATION_KEY, 0)
    key = f"ncr:overview:{generation}:{start.isoformat()}:{end.isoformat()}:{PAGE_SIZE}"
    figures = cache.get(key)
    if figures is None:
        figures = (ranking(start, end), monthly_counts(start, end))
        cache.set(key, figures, CACHE_SECONDS)
    return figures
