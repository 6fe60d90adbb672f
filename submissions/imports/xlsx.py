"""The first sheet of an XLSX workbook, row by row, without holding the sheet in memory.

python-calamine builds the whole sheet before it gives the first row (a 100,000-row file: 130 MB), and
openpyxl's read-only mode streams but reads such a file in 19 s against calamine's 1.4 s. This reads the
sheet's XML as a stream with the standard library's C parser (expat 2.4 and later refuses entity
expansion attacks; nothing here resolves external entities) and keeps one row at a time, plus the
workbook's shared strings, which Excel stores once per distinct text.

Values are what a spreadsheet shows of a cell: text, float, bool, or a date (datetime with a time of
day) for a number in a date format. Formulas are never read, only their cached results.
"""

import contextlib
import datetime as dt
import gc
import posixpath
import re
from xml.etree.ElementTree import XMLPullParser, fromstring

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CHUNK = 256 * 1024
T, R, SI, C, V, IS = (MAIN + tag for tag in ("t", "r", "si", "c", "v", "is"))
ROW, SHEET_DATA = MAIN + "row", MAIN + "sheetData"

# Excel's built-in number formats that show a date or time (ECMA-376 part 1, 18.8.30).
BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
# A custom format shows a date when a date or time code remains after quoted text, escapes and [colours].
_NOT_CODES = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class BadWorkbook(Exception):
    """The archive is not a workbook this reader understands."""


class TooWide(Exception):
    def __init__(self, row, columns):
        super().__init__(row, columns)
        self.row, self.columns = row, columns


def _unescape(text):
    """Excel writes a character XML cannot hold as _xHHHH_ (and a literal '_x' as _x005F_x)."""
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


def _text(item):
    """The text of a shared string or inline string: its plain text or its runs, never its phonetic guide."""
    return _unescape(
        "".join(
            (child.text or "") if child.tag == T else (child.findtext(T) or "") if child.tag == R else ""
            for child in item
        )
    )


def _read_small(archive, name):
    try:
        return fromstring(archive.read(name))  # noqa: S314 (expat >= 2.4; no external entities)
    except KeyError:
        return None


def _part_paths(archive):
    """(first sheet's path, shared strings' path or None, styles' path or None, date1904)."""
    workbook = _read_small(archive, "xl/workbook.xml")
    rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise BadWorkbook
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise BadWorkbook
    properties = workbook.find(MAIN + "workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")

    def path(target):
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join("xl", target))

    targets, by_type = {}, {}
    for rel in rels.iter(RELS + "Relationship"):
        targets[rel.get("Id")] = path(rel.get("Target", ""))
        by_type[rel.get("Type", "").rsplit("/", 1)[-1]] = path(rel.get("Target", ""))
    sheet_path = targets.get(sheet.get(DOC_RELS + "id"))
    if sheet_path is None:
        raise BadWorkbook
    return sheet_path, by_type.get("sharedStrings"), by_type.get("styles"), date1904


def _shared_strings(archive, name):
    strings = []
    if name is None or name not in archive.namelist():
        return strings
    parser = XMLPullParser(events=("start", "end"))
    root = None
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if root is None:
                    root = element
                elif event == "end" and element.tag == SI:
                    strings.append(_text(element))
                    root.clear()  # the items read so far would pile up under it
    parser.close()
    return strings


def _date_styles(archive, name):
    """The indexes of the cell styles (the `s` of a cell) whose number format shows a date."""
    styles = _read_small(archive, name) if name else None
    if styles is None:
        return frozenset()
    dates = set(BUILTIN_DATES)
    for fmt in styles.iter(MAIN + "numFmt"):
        if _DATE_CODES.search(_NOT_CODES.sub("", fmt.get("formatCode", ""))):
            dates.add(int(fmt.get("numFmtId", -1)))
    cell_xfs = styles.find(MAIN + "cellXfs")
    xfs = [] if cell_xfs is None else cell_xfs.findall(MAIN + "xf")
    return frozenset(str(i) for i, xf in enumerate(xfs) if int(xf.get("numFmtId", 0)) in dates)


def _column(reference):
    """0-based column of a cell reference such as 'AB12'."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number - 1


def _as_date(serial, date1904):
    # A day is 1.0, so a time of day is a binary fraction: round to the second, never truncate (13:44:59.99).
    offset = dt.timedelta(seconds=round(serial * 86400))
    if date1904:
        return dt.datetime(1904, 1, 1) + offset  # noqa: DTZ001 (a sheet has no time zone)
    # Excel counts 29/02/1900, a day that never was: serials from 61 on are one day ahead.
    return dt.datetime(1899, 12, 30 if serial >= 61 else 31) + offset  # noqa: DTZ001


@contextlib.contextmanager
def _collector_paused():
    """Parsing makes a dozen tree objects per row and no reference cycle, yet their number sets off the
    cycle collector, which then scans every object of a Django process for nothing: 5 of 12 s of
    checking 100,000 rows in the worker, measured."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Sheet:
    """Turns the parser's row elements into lists of cell values."""

    def __init__(self, strings, date_styles, date1904, max_columns):
        self.strings, self.date_styles, self.date1904 = strings, date_styles, date1904
        self.max_columns = max_columns
        self.previous_row = 0

    def row(self, element):
        number = int(element.get("r") or self.previous_row + 1)
        self.previous_row = number
        last = element[-1].get("r") if len(element) else None
        width = _column(last) + 1 if last else len(element)
        if width > self.max_columns:
            raise TooWide(number, width)
        cells = []
        for cell in element.iter(C):
            reference = cell.get("r")
            index = _column(reference) if reference else len(cells)
            if index >= self.max_columns:  # out of order: never pad a row that far
                raise TooWide(number, index + 1)
            if index > len(cells):
                cells.extend([""] * (index - len(cells)))
            value = self.value(cell)
            if index < len(cells):
                cells[index] = value
            else:
                cells.append(value)
        return number, cells

    def value(self, cell):
        kind = cell.get("t")
        raw = cell.findtext(V)
        if kind == "s":
            return self.strings[int(raw)] if raw is not None else ""
        if kind == "inlineStr":
            inline = cell.find(IS)
            return _text(inline) if inline is not None else ""
        if not raw:  # an empty cell with a style, or a formula without a cached result
            return ""
        if kind is None or kind == "n":
            if cell.get("s") in self.date_styles:
                return _as_date(float(raw), self.date1904)
            return float(raw)
        if kind == "b":
            return raw == "1"
        if kind == "d":
            return dt.datetime.fromisoformat(raw)
        return _unescape(raw)  # "str" (a formula's text) and "e" (an error such as #N/A): as shown


def sheet_rows(archive, max_columns, progress=None):
    """Yield (row number, list of cells) for every row of the first sheet that holds a cell.

    A row wider than `max_columns` raises TooWide before a list that wide is built. `progress(done, total)`
    is told how many bytes of the sheet's XML have been read, of how many, for an estimate of the rows.
    """
    sheet_path, strings_path, styles_path, date1904 = _part_paths(archive)
    sheet = _Sheet(
        _shared_strings(archive, strings_path), _date_styles(archive, styles_path), date1904, max_columns
    )
    parser = XMLPullParser(events=("start", "end"))
    sheet_data = None
    done, total = 0, archive.getinfo(sheet_path).file_size
    with archive.open(sheet_path) as member:
        while chunk := member.read(CHUNK):
            rows = []
            with _collector_paused():
                parser.feed(chunk)
                for event, element in parser.read_events():
                    if event == "start":
                        if element.tag == SHEET_DATA:
                            sheet_data = element
                    elif element.tag == ROW:
                        number, cells = sheet.row(element)
                        if cells:
                            rows.append((number, cells))
                        element.clear()
                        sheet_data.clear()  # the rows read so far, now empty, would pile up under it
            done += len(chunk)
            if progress:
                progress(done, total)
            yield from rows
        parser.close()
