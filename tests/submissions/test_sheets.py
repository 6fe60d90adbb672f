import datetime as dt
import decimal
import io
import zipfile
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from submissions import sheets

VALUES = [
    "Bakkerij <Janssens> & Zn.",
    "  spaces kept  ",
    '=HYPERLINK("http://x")',
    "bell\x07 and\x0b \ufffenot\uffff in XML removed",
    42,
    decimal.Decimal("3.5"),
    dt.date(2026, 3, 31),
    dt.datetime(2026, 3, 31, 13, 45, tzinfo=ZoneInfo("UTC")),
    True,
    float("nan"),
    None,
    "",
]


def write(rows, name="Non-conformiteiten"):
    target = io.BytesIO()
    sheets.write_sheet(target, name, rows)
    return target.getvalue()


def test_it_writes_every_kind_of_value_as_openpyxl_reads_it(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    content = write([[f"h{i}" for i in range(len(VALUES))], VALUES])
    sheet = load_workbook(io.BytesIO(content)).active
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert header == [f"h{i}" for i in range(len(VALUES))]
    assert row == [
        "Bakkerij <Janssens> & Zn.",
        "  spaces kept  ",
        '\'=HYPERLINK("http://x")',  # neutralised: a spreadsheet shows it, never runs it
        "bell and not in XML removed",
        42,
        3.5,
        dt.datetime(2026, 3, 31),  # noqa: DTZ001 (a sheet's dates and times are local, without zone)
        dt.datetime(2026, 3, 31, 15, 45),  # noqa: DTZ001 (13:45 UTC is 15:45 in Brussels' summer time)
        True,
        "nan",  # no number a cell can hold: text
        None,
        None,
    ]
    assert sheet.title == "Non-conformiteiten"
    assert sheet["G2"].number_format == "dd/mm/yyyy"


def test_calamine_reads_it_too():
    content = write([["a", "b"], ["x & y", dt.date(2026, 1, 2)]])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows == [["a", "b"], ["x & y", dt.date(2026, 1, 2)]]


def test_a_text_that_looks_like_an_escaped_character_stays_as_written():
    # Read as Excel and LibreOffice read it (openpyxl decodes no inline string, so it cannot tell).
    text = "order _x0041_ and _x00e9_ and _x_"
    content = write([["a"], [text]])
    assert CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()[1] == [text]


def test_columns_beyond_z_and_empty_cells_keep_their_place():
    row = ["" if i % 3 else i for i in range(30)]
    sheet = load_workbook(io.BytesIO(write([row]))).active
    # Up to the last value written (27, in AB): an empty value writes no cell.
    assert [cell.value for cell in next(sheet.iter_rows())] == [i if i % 3 == 0 else None for i in range(28)]
    assert sheet["AB1"].value == 27


def test_column_names():
    assert [sheets.column_name(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_a_sheet_name_is_cut_to_what_excel_allows():
    sheet = load_workbook(io.BytesIO(write([["x"]], name="Export: [alles] / " + "x" * 40))).active
    assert sheet.title == ("Export alles  " + "x" * 40)[:31]


def test_every_part_is_well_formed_xml():
    with zipfile.ZipFile(io.BytesIO(write([["h"] * len(VALUES), VALUES]))) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own file; raises on a bad character


def test_zip64_only_when_the_sheet_needs_it(monkeypatch):
    """Excel is strict about ZIP64 records it does not need (openpyxl, too, adds them only when needed)."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 2000)  # a sheet of 100 rows is "large" now
    small, large = write([["x"]]), write([["x" * 30]] * 100)
    with zipfile.ZipFile(io.BytesIO(small)) as archive:
        assert all(not info.extra for info in archive.infolist())
    with zipfile.ZipFile(io.BytesIO(large)) as archive:
        assert [info.filename for info in archive.infolist() if info.extra] == ["xl/worksheets/sheet1.xml"]
        assert archive.read("xl/worksheets/sheet1.xml").count(b"<row ") == 100
