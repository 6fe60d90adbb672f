"""The first sheet of an XLSX workbook, row by row, without holding the sheet in memory.

python-calamine builds the whole sheet before it gives the first row (a 100,000-row file: 130 MB), and
openpyxl's read-only mode streams but reads such a file in 19 s against calamine's 1.4 s. This reads the
sheet's XML as a stream with the standard library's C parser (expat 2.4 and later refuses entity
expansion attacks; nothing here resolves external entities) and keeps one row at a time, plus the
workbook's shared strings, which Excel stores once per distinct text.

Values are what a spreadsheet shows of a cell: text, float, bool, or for a number in a date format a date
(a datetime when it has a time of day). Formulas are never read, only their cached results.
"""

import contextlib
import datetime as dt
import gc
import posixpath
import re
from xml.etree.ElementTree import XMLPullParser

# The main namespace of the usual (transitional) and of the strict Open XML that Excel can also save.
NAMESPACES = (
    "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
    "{http://purl.oclc.org/ooxml/spreadsheetml/main}",
)
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK = 64 * 1024  # bytes of XML per feed: the parsed elements of one chunk are in memory at once
# More elements than this inside one row (or one shared string) is no sheet but an attempt to fill memory:
# a row of Excel's 16,384 columns, each a cell with an inline string, has about 50,000.
MAX_ELEMENTS_PER_RECORD = 100_000
MAX_PART_ELEMENTS = 1_000_000  # workbook, relationships and styles: a few thousand in practice

# Excel's built-in number formats that show a date or time (ECMA-376 part 1, 18.8.30), East Asian too.
BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47}
BUILTIN_DATES |= set(range(50, 59))
# A custom format shows a date when a date or time code remains after quoted text, escapes and [colours].
_NOT_CODES = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
LAST_SERIAL = 2958465  # 31/12/9999


class BadWorkbook(Exception):
    """The archive is not a workbook this reader understands."""


class TooWide(Exception):
    def __init__(self, row, columns):
        super().__init__(row, columns)
        self.row, self.columns = row, columns


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


def _records(member, depth, on_record, progress=None):
    """Parse a part in chunks and call `on_record(parent tag, element)` for every element that ends at
    `depth` or above (1 is the root), its subtree complete; what it returns, unless None, is yielded.

    Everything read is let go at once: only the subtree of the record being read is in memory, and it
    may hold at most MAX_ELEMENTS_PER_RECORD elements.
    """
    parser = XMLPullParser(events=("start", "end"))
    stack, inside, done = [], 0, 0
    while chunk := member.read(CHUNK):
        results = []
        with _collector_paused():
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    stack.append(element)
                    if len(stack) > depth:
                        inside += 1
                        if inside > MAX_ELEMENTS_PER_RECORD:
                            raise BadWorkbook
                    continue
                stack.pop()
                if len(stack) < depth:
                    parent = stack[-1].tag if stack else None
                    result = on_record(parent, element)
                    if result is not None:
                        results.append(result)
                    if stack:
                        stack[-1].clear()  # its children are done with
                    inside = 0
        done += len(chunk)
        if progress:
            progress(done)
        yield from results
    parser.close()


def _part(archive, name, depth, on_record):
    """Read a small part (workbook, relationships, styles) through `on_record`; False if it is missing."""
    try:
        member = archive.open(name)
    except KeyError:
        return False
    count = 0

    def counted(parent, element):
        nonlocal count
        count += 1
        if count > MAX_PART_ELEMENTS:
            raise BadWorkbook
        on_record(parent, element)

    with member:
        for _result in _records(member, depth, counted):
            pass
    return True


def _unescape(text):
    """Excel writes a character XML cannot hold as _xHHHH_ (and a literal '_x' as _x005F_x); a pair of
    escaped surrogates is one character, a lone one cannot be stored and becomes U+FFFD."""
    if "_x" not in text:
        return text
    text = _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class _Names:
    """The tags of a workbook's namespace, known from its workbook part."""

    def __init__(self, main):
        for tag in ("t", "r", "si", "c", "v", "row", "sheetData", "sheet", "workbookPr", "numFmt", "xf"):
            setattr(self, tag, main + tag)
        self.is_, self.cell_xfs = main + "is", main + "cellXfs"

    def text(self, item):
        """A shared or inline string: its plain text or its runs, never its phonetic guide (rPh)."""
        t, r = self.t, self.r
        return _unescape(
            "".join(
                (child.text or "") if child.tag == t else (child.findtext(t) or "") if child.tag == r else ""
                for child in item
            )
        )


def _workbook(archive):
    """(tag names, first sheet's relationship id, date1904) from xl/workbook.xml."""
    found = {"names": None, "sheet": None, "date1904": False}

    def on_record(parent, element):
        if found["names"] is None:
            main = next((ns for ns in NAMESPACES if element.tag.startswith(ns)), None)
            if main is None:
                raise BadWorkbook
            found["names"] = _Names(main)
        names = found["names"]
        if element.tag == names.sheet and found["sheet"] is None:
            found["sheet"] = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        elif element.tag == names.workbookPr:
            found["date1904"] = element.get("date1904") in ("1", "true")

    if not _part(archive, "xl/workbook.xml", 3, on_record) or found["sheet"] is None:
        raise BadWorkbook
    return found["names"], found["sheet"], found["date1904"]


def _part_paths(archive):
    """(tag names, first sheet's path, shared strings' path or None, styles' path or None, date1904)."""
    names, sheet_id, date1904 = _workbook(archive)
    targets, by_type = {}, {}

    def on_record(parent, element):
        if element.tag == RELS + "Relationship":
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[element.get("Id")] = path
            by_type[element.get("Type", "").rsplit("/", 1)[-1]] = path

    if not _part(archive, "xl/_rels/workbook.xml.rels", 2, on_record) or sheet_id not in targets:
        raise BadWorkbook
    return names, targets[sheet_id], by_type.get("sharedStrings"), by_type.get("styles"), date1904


def _shared_strings(archive, names, name):
    if name is None or name not in archive.namelist():
        return []
    with archive.open(name) as member:
        return list(_records(member, 2, lambda parent, e: names.text(e) if e.tag == names.si else None))


def _date_styles(archive, names, name):
    """The indexes of the cell styles (the `s` of a cell) whose number format shows a date."""
    dates, xfs = set(BUILTIN_DATES), []

    def on_record(parent, element):
        if element.tag == names.numFmt:
            if _DATE_CODES.search(_NOT_CODES.sub("", element.get("formatCode", ""))):
                dates.add(int(element.get("numFmtId", -1)))
        elif element.tag == names.xf and parent == names.cell_xfs:
            xfs.append(int(element.get("numFmtId", 0)))

    if name:
        _part(archive, name, 3, on_record)
    return frozenset(str(i) for i, fmt in enumerate(xfs) if fmt in dates)


def _column(reference):
    """0-based column of a cell reference such as 'AB12' (or 'ab12'); -1 when it names none."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number - 1


def _as_date(serial, date1904):
    """A day serial as a date, or as a datetime when it holds a time of day (as calamine gave them)."""
    if not 0 <= serial <= LAST_SERIAL:
        return serial  # no day a calendar has: the number as the sheet holds it
    # A day is 1.0, so a time of day is a binary fraction: round to the second, never truncate (13:44:59.99).
    offset = dt.timedelta(seconds=round(serial * 86400))
    if date1904:
        moment = dt.datetime(1904, 1, 1) + offset  # noqa: DTZ001 (a sheet has no time zone)
    else:
        # Excel counts 29/02/1900, a day that never was: serials from 61 on are one day ahead.
        moment = dt.datetime(1899, 12, 30 if serial >= 61 else 31) + offset  # noqa: DTZ001
    return moment.date() if moment.time() == dt.time.min else moment


class _Sheet:
    """Turns the parser's row elements into lists of cell values."""

    def __init__(self, names, strings, date_styles, date1904, max_columns):
        self.names, self.strings, self.date_styles, self.date1904 = names, strings, date_styles, date1904
        self.max_columns = max_columns
        self.previous_row = 0

    def row(self, parent, element):
        """(row number, cells) of a row of the sheet's data that holds a value; None for anything else."""
        if element.tag != self.names.row or parent != self.names.sheetData:
            return None
        number = int(element.get("r") or self.previous_row + 1)
        self.previous_row = number
        cells, position, widest = [], 0, 0
        for cell in element:
            if cell.tag != self.names.c:
                continue
            reference = cell.get("r")
            index = _column(reference) if reference else position
            if index < 0:
                raise BadWorkbook
            position = index + 1
            value = self.value(cell)
            if value == "":
                continue  # a formatted empty cell is no content: LibreOffice writes them far to the right
            if index >= self.max_columns:
                widest = max(widest, index + 1)
            else:
                if index >= len(cells):
                    cells.extend([""] * (index + 1 - len(cells)))
                cells[index] = value
        if widest:
            raise TooWide(number, widest)
        return (number, cells) if cells else None

    def value(self, cell):
        kind = cell.get("t")
        raw = cell.findtext(self.names.v)
        if kind == "s":
            index = int(raw) if raw else -1
            if index < 0:
                raise BadWorkbook
            return self.strings[index]
        if kind == "inlineStr":
            inline = cell.find(self.names.is_)
            return self.names.text(inline) if inline is not None else ""
        if not raw or kind == "e":  # empty with a style, a formula without a result, or an error (#N/A)
            return ""
        if kind is None or kind == "n":
            if cell.get("s") in self.date_styles:
                return _as_date(float(raw), self.date1904)
            return float(raw)
        if kind == "b":
            return raw == "1"
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                return raw  # a time of day alone: no column holds one, the check says what is wrong
        return _unescape(raw)  # "str": a formula's text


def sheet_rows(archive, max_columns, progress=None):
    """Yield (row number, list of cells) for every row of the first sheet that holds a value.

    A row with a value beyond `max_columns` raises TooWide; no list that wide is built. `progress(done,
    total)` is told how many bytes of the sheet's XML have been read, of how many, for an estimate.
    """
    names, sheet_path, strings_path, styles_path, date1904 = _part_paths(archive)
    sheet = _Sheet(
        names,
        _shared_strings(archive, names, strings_path),
        _date_styles(archive, names, styles_path),
        date1904,
        max_columns,
    )
    total = archive.getinfo(sheet_path).file_size
    with archive.open(sheet_path) as member:
        yield from _records(member, 3, sheet.row, progress and (lambda done: progress(done, total)))
