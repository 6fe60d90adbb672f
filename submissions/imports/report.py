"""Files the upload pages hand out: the CSV and XLSX templates and the error report.

The error report repeats the person's own values, so every cell is neutralised like any export.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from submissions.exports import neutralise
from submissions.imports.columns import COLUMNS
from submissions.validation import parse_date

CSV_SEPARATOR = ";"  # what Excel writes and expects in Belgium


def template_csv():
    """UTF-8 with BOM, so Excel shows the accents right when the file is opened by double-click."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


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
    return out.getvalue()


def error_rows(upload):
    """The header and one row per error: row, column, value, message."""
    yield [_("Row"), _("Column"), _("Value"), _("Message")]
    for item in upload.errors:
        yield [item.get("row") or "", item.get("column", ""), item.get("value", ""), item.get("message", "")]


def error_csv(upload):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    for row in error_rows(upload):
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
