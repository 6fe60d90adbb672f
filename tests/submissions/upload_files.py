"""Building upload files for tests: CSV as Excel writes it, XLSX, and the valid row they start from."""

import csv
import io

from openpyxl import Workbook

HEADERS = [
    "datum",
    "ondernemingsnummer",
    "naam_producent",
    "vestigingsnummer",
    "straat",
    "huisnummer",
    "postcode",
    "gemeente",
    "omschrijving",
    "afvalstromen",
    "actie",
    "klant_geinformeerd_op",
    "containernummer",
    "eigen_referentie",
]


def valid_row(n=1, **changes):
    row = {
        "datum": "02/11/2026",
        "ondernemingsnummer": "0405.546.706",
        "naam_producent": "Bakkerij Janssens BV",
        "vestigingsnummer": "",
        "straat": "Kerkstraat",
        "huisnummer": str(n),
        "postcode": "2000",
        "gemeente": "Antwerpen",
        "omschrijving": 'Karton; pmd en "folie" in het restafval',
        "afvalstromen": "3;16",
        "actie": "geregistreerd",
        "klant_geinformeerd_op": "03/11/2026",
        "containernummer": f"C-{n}",
        "eigen_referentie": f"REF-{n}",
    }
    row.update(changes)
    return row


def csv_bytes(rows, headers=HEADERS, sep=";", encoding="utf-8", bom=False):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers] if isinstance(row, dict) else row)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, headers=HEADERS, formula_cells=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers] if isinstance(row, dict) else row)
    for ref, formula in (formula_cells or {}).items():
        sheet[ref] = formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def process_and_confirm(upload_pk):
    """The worker checks the file, the person confirms what the preview found, the worker stores it.
    Returns the upload's final status (the check's when it did not reach the preview)."""
    from submissions.imports import runner
    from submissions.imports.intake import confirm_upload
    from submissions.models import Upload

    status = runner.process_upload(upload_pk)
    if status != "preview":
        return status
    upload = Upload.objects.get(pk=upload_pk)
    confirm_upload(upload, confirmed_late=upload.preview["late_count"])
    return runner.process_upload(upload_pk)
