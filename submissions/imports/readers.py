"""Reading an uploaded file safely: what it really is, how it is encoded, and rows of cells out of it.

Every refusal is a `FileRefused` with a message for the person; nothing here touches the database.
"""

import codecs
import contextlib
import csv
import io
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from submissions.imports import xlsx

MAX_COLUMNS = 100  # the template has 14; anything far wider is not a register export
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
MAX_ZIP_ENTRIES = 1000
HEAD_BYTES = 64 * 1024
# Bytes that never occur in text written by Excel or fleet software (tab, CR, LF and form feed excepted).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


class FileRefused(Exception):
    """The file as a whole cannot be imported; `message` says why, in words for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def max_bytes():
    return settings.NCR_UPLOAD_MAX_MB * 1024 * 1024


def max_unpacked_bytes():
    # A sheet's XML is typically 5–10× its zipped size; more than this is a zip bomb, not a register.
    return max(200 * 1024 * 1024, 10 * max_bytes())


def check_size(size):
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > max_bytes():
        raise FileRefused(
            _("The file is larger than %(max)d MB. Split it into smaller files.")
            % {"max": settings.NCR_UPLOAD_MAX_MB}
        )


def _not_a_table():
    return _("This is not a CSV or XLSX file. In Excel, save it as “CSV (puntkomma-gescheiden)” or as .xlsx.")


def sniff(head):
    """'csv' or 'xlsx' from the first bytes, whatever the file name says; refuses anything else."""
    if not head:
        raise FileRefused(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK")):
        raise FileRefused(_not_a_table())
    if _CONTROL.search(head):
        raise FileRefused(_("This file holds binary data, not text. Upload a CSV or XLSX file."))
    return "csv"


class Table:
    """Rows of cells from a file: `rows` yields (row number as the person sees it, list of cells)."""

    def __init__(self, kind, rows, estimate):
        self.kind = kind
        self.rows = rows
        self._estimate = estimate

    def estimated_rows(self, rows_done):
        return max(self._estimate(rows_done), rows_done)


def open_table(fileobj, size):
    """A Table for an uploaded file (a binary file object that can seek)."""
    check_size(size)
    fileobj.seek(0)
    kind = sniff(fileobj.read(HEAD_BYTES))
    fileobj.seek(0)
    if kind == "xlsx":
        return _open_xlsx(fileobj)
    return _open_csv(fileobj, size)


# --- CSV ----------------------------------------------------------------------


def _detect_encoding(fileobj):
    """UTF-8 (with or without BOM) or Windows-1252, decided over the whole file without keeping it."""
    fileobj.seek(0)
    candidates = ["utf-8-sig"] if fileobj.read(3) == codecs.BOM_UTF8 else ["utf-8", "cp1252"]
    for encoding in candidates:
        fileobj.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := fileobj.read(1024 * 1024):
                if _CONTROL.search(chunk):
                    raise FileRefused(_("This file holds binary data, not text. Upload a CSV or XLSX file."))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fileobj.seek(0)
        return encoding
    raise FileRefused(_("The file is neither UTF-8 nor Windows-1252 text. Save it from Excel as CSV again."))


def _detect_separator(first_line):
    return ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","


def _open_csv(fileobj, size):
    encoding = _detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    first_line = text.readline(MAX_COLUMNS * 200)
    text.seek(0)
    reader = csv.reader(text, delimiter=_detect_separator(first_line))

    def rows():
        number = 0
        try:
            for cells in reader:
                number += 1
                _check_cells(number, cells)
                yield number, cells
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise FileRefused(_cell_too_large(number + 1)) from exc
            raise FileRefused(
                _("The CSV file cannot be read from row %(row)d on; check the quotes around that row.")
                % {"row": number + 1}
            ) from exc
        finally:
            with contextlib.suppress(ValueError):  # already closed by its owner
                text.detach()  # leave the underlying file to its owner

    def estimate(rows_done):
        # Bytes read so far tell how far through the file we are (the reader reads ahead a little).
        position = fileobj.tell() or 1
        return int(rows_done * size / position)

    return Table("csv", rows(), estimate)


def _cell_too_large(row):
    message = _("Row %(row)d holds a cell of more than %(max)d characters.")
    return message % {"row": row, "max": MAX_CELL_CHARS}


def _check_cells(number, cells):
    if len(cells) > MAX_COLUMNS:
        raise FileRefused(
            _("Row %(row)d has %(n)d columns; a file may have at most %(max)d.")
            % {"row": number, "n": len(cells), "max": MAX_COLUMNS}
        )
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise FileRefused(_cell_too_large(number))


# --- XLSX ---------------------------------------------------------------------


def _too_big():
    return FileRefused(
        _("This XLSX file would unpack to more than %(max)d MB, so it is not read.")
        % {"max": max_unpacked_bytes() // (1024 * 1024)}
    )


def _check_zip(fileobj):
    """Refuse archives that are not workbooks or that would unpack to far more than they weigh.

    The declared sizes are checked first; then every member is unpacked once, without keeping it, so
    sizes that lie (or a broken CRC) are caught here and never reach the XLSX reader.
    """
    limit = max_unpacked_bytes()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if "xl/workbook.xml" not in {entry.filename for entry in entries}:
                raise FileRefused(_not_a_table())
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > limit:
                raise _too_big()
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(1024 * 1024):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise _too_big()
    except FileRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        ValueError,
        EOFError,
    ) as exc:
        raise FileRefused(_("This file is damaged or not an XLSX workbook.")) from exc
    except Exception as exc:  # zlib.error and the like: a damaged archive
        raise FileRefused(_("This file is damaged or not an XLSX workbook.")) from exc
    fileobj.seek(0)


def _open_xlsx(fileobj):
    _check_zip(fileobj)
    archive = zipfile.ZipFile(fileobj)
    read = [0, 1]  # bytes of the sheet's XML read so far, and its unpacked size

    def progress(done, total):
        read[:] = done, total

    def rows():
        try:
            for number, cells in xlsx.sheet_rows(archive, MAX_COLUMNS, progress):
                _check_cells(number, cells)
                if any(isinstance(cell, str) and "\x00" in cell for cell in cells):
                    # Excel writes a NUL as _x0000_: no text column can hold it, and it never means anything.
                    cells = [cell.replace("\x00", "") if isinstance(cell, str) else cell for cell in cells]
                yield number, cells
        except FileRefused:
            raise
        except xlsx.TooWide as exc:
            raise FileRefused(
                _("Row %(row)d has %(n)d columns; a file may have at most %(max)d.")
                % {"row": exc.row, "n": exc.columns, "max": MAX_COLUMNS}
            ) from exc
        except Exception as exc:  # bad XML, a missing part, a value no cell can hold: a damaged workbook
            raise FileRefused(_("This file is damaged or not an XLSX workbook.")) from exc
        finally:
            archive.close()

    def estimate(rows_done):
        # Like CSV: the share of the sheet's XML read so far tells how far through the rows we are.
        return int(rows_done * read[1] / max(read[0], 1))

    return Table("xlsx", rows(), estimate)
