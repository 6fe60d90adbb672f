"""Every file the portal hands out (exports, the overview, upload templates and error reports) goes
through here: one place for the file name, the CSV layout and formula neutralisation. Caching follows
the portal's one rule for signed-in answers (no-store, ncregister/headers.py).

A text cell starting with =, +, -, @, tab or CR gets a leading apostrophe, so a spreadsheet shows it
as text and never runs it as a formula.
"""

import csv
import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Excel writes and expects in Belgium
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
# Control characters (tab, LF and CR excepted), surrogates and U+FFFE/U+FFFF: not allowed in XML 1.0.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(value):
    """The value, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, Promise):  # lazy translations (status, action labels)
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_value(value):
    """A value for an XLSX cell: neutralised, without the characters XML cannot hold."""
    value = neutralise(value)
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


def attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    """The CSV text line by line: a BOM (so Excel reads UTF-8 accents right), `;`, every cell neutralised."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if value is None else neutralise(value) for value in row])


def csv_download(rows, filename, *, streaming=False):
    """`rows` (header first) as a CSV download; streamed for exports of any size."""
    lines = (line.encode("utf-8") for line in csv_lines(rows))
    if streaming:
        return attachment(StreamingHttpResponse(lines, content_type=CSV_TYPE), filename)
    return attachment(HttpResponse(b"".join(lines), content_type=CSV_TYPE), filename)


def xlsx_download(content, filename):
    """Workbook bytes as a download (the cells went through sheet_value)."""
    return attachment(HttpResponse(content, content_type=XLSX_TYPE), filename)


def stored_download(field_file, filename):
    """A file kept through Django's storage (a finished export), streamed from the storage in blocks
    with its length, so a slow client reads it at its own pace and can tell a complete file."""
    content_type = {".xlsx": XLSX_TYPE, ".pdf": PDF_TYPE}.get(filename[filename.rfind(".") :], CSV_TYPE)
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    return attachment(response, filename)
