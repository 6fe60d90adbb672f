"""Files the upload pages hand out: the CSV and XLSX templates and the error report (which repeats
the person's own values, so it goes through submissions.downloads like any export)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from submissions.downloads import csv_download, xlsx_download
from submissions.imports.columns import COLUMNS
from submissions.validation import parse_date

TEMPLATE_NAME = "sjabloon-non-conformiteiten"


def template_csv():
    rows = [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]
    return csv_download(rows, f"{TEMPLATE_NAME}.csv")


def template_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "non-conformiteiten"
    sheet.append([c.header for c in COLUMNS])
    example = []
    for column in COLUMNS:
        if column.field in ("observed_on", "customer_informed_on"):
            example.append(parse_date(column.example))  # a real date cell, as Excel would keep it
        else:
            example.append(column.example)
    sheet.append(example)
    for cell in sheet[2]:
        if cell.is_date:
            cell.number_format = "DD/MM/YYYY"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(column.header) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return xlsx_download(out.getvalue(), f"{TEMPLATE_NAME}.xlsx")


def error_rows(upload):
    """The header and one row per error, by row: row, column, value, message, then the row as the file
    had it (the template's columns), so it can be corrected right in the report."""
    headers = [c.header for c in COLUMNS]
    yield [_("Row"), _("Column"), _("Value"), _("Message"), *headers]
    for item in sorted(upload.errors, key=lambda item: item.get("row") or 0):
        cells = item.get("cells") or {}
        yield [
            item.get("row") or "",
            item.get("column", ""),
            item.get("value", ""),
            item.get("message", ""),
            *(cells.get(header, "") for header in headers),
        ]


def error_csv(upload):
    return csv_download(error_rows(upload), f"fouten-upload-{upload.pk}.csv")
