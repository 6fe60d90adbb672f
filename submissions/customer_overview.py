"""The overview per customer that inspectors ask collectors for: for one producer and a period, from the
collector's own records only (withdrawn ones left out), the number of records per waste stream per
month and the list of records; shown as a page, a PDF and a CSV file."""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ncregister.identifiers import format_enterprise_number, normalise_enterprise_number
from submissions import workflow
from submissions.models import NonConformity, WasteStream
from submissions.months import add_months, month_of, months_between
from submissions.validation import parse_date

MAX_MONTHS = 36  # a period longer than this is refused: three years fit a page and a PDF
MAX_RECORDS = 2000  # listed; the counts always hold every record


class OverviewForm(forms.Form):
    producer = forms.CharField(label=gettext_lazy("Enterprise number of the producer"), max_length=20)
    start = forms.CharField(label=gettext_lazy("From"), max_length=10, help_text=gettext_lazy("dd/mm/yyyy"))
    end = forms.CharField(label=gettext_lazy("To"), max_length=10, help_text=gettext_lazy("dd/mm/yyyy"))

    def __init__(self, data=None):
        today = timezone.localdate()
        initial = {
            "start": f"{add_months(month_of(today), -11):%d/%m/%Y}",
            "end": f"{today:%d/%m/%Y}",
        }
        super().__init__(data, initial=initial)

    def clean_producer(self):
        return normalise_enterprise_number(self.cleaned_data["producer"])

    def _date(self, name):
        value = parse_date(self.cleaned_data[name])
        if value is None:
            raise ValidationError(_("Enter a date as dd/mm/yyyy."))
        return value

    def clean_start(self):
        return self._date("start")

    def clean_end(self):
        return self._date("end")

    def clean(self):
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The end of the period lies before its start."))
            if months_between(start, end) > MAX_MONTHS:
                raise ValidationError(_("Choose a period of at most %(n)d months.") % {"n": MAX_MONTHS})
        return self.cleaned_data


@dataclass
class Overview:
    producer: str
    start: dt.date
    end: dt.date
    months: list
    streams: list = field(default_factory=list)  # (stream, [count per month], total)
    records: list = field(default_factory=list)
    total: int = 0
    listed_all: bool = True

    @property
    def producer_display(self):
        return format_enterprise_number(self.producer)

    @property
    def producer_name(self):
        return self.records[0].producer_name if self.records else ""


def records_of(own_records, producer, start, end):
    """The collector's records for `producer` in the period (`own_records` is already the organisation's)."""
    return own_records.filter(
        producer_enterprise_number=producer, observed_on__gte=start, observed_on__lte=end
    ).exclude(status=workflow.Status.WITHDRAWN)


def build(own_records, producer, start, end):
    records = records_of(own_records, producer, start, end)
    first = month_of(start)
    months = [add_months(first, i) for i in range(months_between(start, end))]
    links = (
        NonConformity.waste_streams.through.objects.filter(nonconformity__in=records)
        .annotate(month=TruncMonth("nonconformity__observed_on"))
        .values("wastestream_id", "month")
        .annotate(n=Count("id"))
    )
    counts = {}
    for link in links:
        month = link["month"].date() if isinstance(link["month"], dt.datetime) else link["month"]
        counts[(link["wastestream_id"], month)] = link["n"]
    streams = WasteStream.objects.filter(pk__in={stream for stream, _month in counts})
    overview = Overview(producer=producer, start=start, end=end, months=months)
    for stream in streams:
        per_month = [counts.get((stream.pk, month), 0) for month in months]
        overview.streams.append((stream, per_month, sum(per_month)))
    overview.total = records.count()
    listed = list(records.prefetch_related("waste_streams").order_by("observed_on", "id")[: MAX_RECORDS + 1])
    overview.listed_all = len(listed) <= MAX_RECORDS
    overview.records = listed[:MAX_RECORDS]
    return overview


def file_name(overview, extension):
    return f"overzicht-{overview.producer}-{overview.start:%Y%m%d}-{overview.end:%Y%m%d}.{extension}"


def csv_rows(overview):
    """The counts (month, stream, number), a blank line, then the records."""
    yield [_("Month"), _("Waste stream"), _("Number of non-conformities")]
    for stream, per_month, _total in overview.streams:
        for month, count in zip(overview.months, per_month, strict=True):
            if count:
                yield [f"{month:%m/%Y}", str(stream), count]
    yield []
    yield [_("Date"), _("Register number"), _("Producer name"), _("Waste streams"), _("Action taken"),
           _("Customer informed on")]  # fmt: skip
    for record in overview.records:
        yield [
            f"{record.observed_on:%d/%m/%Y}",
            record.pk,
            record.producer_name,
            ", ".join(str(stream) for stream in record.waste_streams.all()),
            record.get_action_display(),
            f"{record.customer_informed_on:%d/%m/%Y}" if record.customer_informed_on else "",
        ]


def render_pdf(overview, organisation):
    from submissions import pdf

    html = render_to_string(
        "submissions/customer_overview_print.html", {"overview": overview, "organisation": organisation}
    )
    return pdf.render(html)
