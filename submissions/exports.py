"""Exports of non-conformities as CSV (streamed, any size) and XLSX (capped), used by the register
and the admin; file name, caching and formula neutralisation come from submissions.downloads.

    csv_response(queryset, "register.csv")
    xlsx_response(queryset, "register.xlsx", cap=XLSX_CAP)
"""

import datetime as dt
import io
import itertools

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ncregister.identifiers import format_enterprise_number, format_establishment_number
from submissions import workflow
from submissions.downloads import csv_download, sheet_value, xlsx_download

XLSX_CAP = 10_000
CHUNK = 500


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _streams(record):
    return ", ".join(f"{s.number}°" for s in record.waste_streams.all())


# (header, value getter). Headers are translated when the export is made.
COLUMNS = [
    (lambda: _("Number"), lambda r: r.pk),
    (lambda: _("Own reference"), lambda r: r.own_reference),
    (lambda: _("Date of the non-conformity"), lambda r: r.observed_on),
    (lambda: _("Producer name"), lambda r: r.producer_name),
    (lambda: _("Enterprise number"), lambda r: format_enterprise_number(r.producer_enterprise_number)),
    (lambda: _("Establishment unit number"), lambda r: format_establishment_number(r.establishment_number)),
    (lambda: _("Street"), lambda r: r.street),
    (lambda: _("House number"), lambda r: r.house_number),
    (lambda: _("Postcode"), lambda r: r.postcode),
    (lambda: _("Municipality"), lambda r: r.municipality),
    (lambda: _("Description"), lambda r: r.description),
    (lambda: _("Waste streams"), _streams),
    (lambda: _("Action taken"), lambda r: r.get_action_display()),
    (lambda: _("Refused"), lambda r: _("yes") if r.refused else _("no")),
    (lambda: _("Customer informed on"), lambda r: r.customer_informed_on),
    (lambda: _("Container reference"), lambda r: r.container_reference),
    (lambda: _("Status"), lambda r: workflow.label(r.status)),
    (lambda: _("Received at"), lambda r: _local(r.received_at)),
    (lambda: _("Registration deadline"), lambda r: _local(r.deadline)),
    (lambda: _("Late"), lambda r: _("yes") if r.is_late else _("no")),
    (lambda: _("Source"), lambda r: r.get_source_display()),
]


def headers(columns=COLUMNS):
    return [str(header()) for header, _getter in columns]


def rows(queryset, columns=COLUMNS):
    """Yield one list of raw values per record, reading the database in chunks."""
    queryset = queryset.prefetch_related("waste_streams")
    for record in queryset.iterator(chunk_size=CHUNK):
        yield [getter(record) for _header, getter in columns]


def _csv_text(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def csv_response(queryset, filename, columns=COLUMNS):
    """A streamed CSV download of every record in `queryset`."""
    lines = ([_csv_text(v) for v in values] for values in rows(queryset, columns))
    return csv_download(itertools.chain([headers(columns)], lines), filename, streaming=True)


def xlsx_bytes(queryset, cap=XLSX_CAP, columns=COLUMNS):
    """(the workbook as bytes, whether it was capped). A capped sheet ends with a row saying so."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Non-conformities")[:31])
    sheet.append([sheet_value(h) for h in headers(columns)])
    capped = False
    for count, values in enumerate(rows(queryset, columns), start=1):
        if count > cap:
            capped = True
            break
        sheet.append([sheet_value(v) for v in values])
    if capped:
        sheet.append([capped_message(cap)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), capped


def capped_message(cap):
    return _("This file holds only the first %(cap)s records. Use the CSV export for all of them.") % {
        "cap": cap
    }


def xlsx_response(queryset, filename, cap=XLSX_CAP, columns=COLUMNS):
    """An XLSX download of at most `cap` records; header X-Export-Capped says whether rows were left out."""
    content, capped = xlsx_bytes(queryset, cap, columns)
    response = xlsx_download(content, filename)
    response["X-Export-Capped"] = "1" if capped else "0"
    return response


def audit_export(request, queryset, kind, cap=None):
    """Who took which records: the filters and how many, in the audit trail (before the file is built)."""
    from audit.events import Kind, filters_of, record

    count = queryset.count()
    record(
        request,
        Kind.EXPORT,
        count=min(count, cap) if cap else count,
        filters=filters_of(request),
        format=kind,
    )
