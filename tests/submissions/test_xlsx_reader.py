"""The streaming XLSX reader: what Excel and LibreOffice write, read as a spreadsheet shows it."""

import datetime as dt
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from submissions.imports import xlsx

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(sheet_data, shared=None, num_fmts="", cell_xfs='<xf numFmtId="0"/>', date1904=False):
    """An XLSX archive written part by part, as Excel lays it out (sheet in xl/worksheets/)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        pr = '<workbookPr date1904="1"/>' if date1904 else ""
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} {R_NS}>{pr}<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        rels = [
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>',
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>',
        ]
        if shared is not None:
            rels.append(f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
            archive.writestr("xl/sharedStrings.xml", f"<sst {NS}>{shared}</sst>")
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
        archive.writestr(
            "xl/styles.xml",
            f"<styleSheet {NS}><numFmts>{num_fmts}</numFmts><cellXfs>{cell_xfs}</cellXfs></styleSheet>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet {NS}><sheetData>{sheet_data}</sheetData></worksheet>"
        )
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def rows_of(archive, max_columns=100):
    return list(xlsx.sheet_rows(archive, max_columns))


def test_it_reads_what_openpyxl_writes_as_calamine_does():
    book = Workbook()
    sheet = book.active
    sheet.append(["datum", "nummer", "naam", "vlag"])
    sheet.append([dt.date(2026, 3, 31), 405546706, "Bakkerij <Janssens> & Zn.", True])
    sheet.append([dt.datetime(2026, 4, 1, 13, 45), 3.5, "", False])  # noqa: DTZ001 (sheet dates have no zone)
    buffer = io.BytesIO()
    book.save(buffer)

    ours = rows_of(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()

    assert [number for number, _cells in ours] == [1, 2, 3]
    assert [cells for _number, cells in ours][0] == calamine[0]
    assert ours[1][1] == [dt.date(2026, 3, 31), 405546706.0, "Bakkerij <Janssens> & Zn.", True]
    assert ours[2][1][:2] == [dt.datetime(2026, 4, 1, 13, 45), 3.5]  # noqa: DTZ001
    assert ours[1][1] == calamine[1]


def test_shared_strings_rich_text_and_escapes_are_read_as_shown():
    shared = (
        "<si><t>Kerkstraat</t></si>"
        '<si><r><t>Bakkerij </t></r><r><rPr><b/></rPr><t xml:space="preserve">Janssens</t></r>'
        "<rPh><t>ふりがな</t></rPh></si>"
        "<si><t>pmd_x000D_zak_x005F_x0041_</t></si>"
    )
    archive = workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>',
        shared=shared,
    )
    assert rows_of(archive) == [(1, ["Kerkstraat", "Bakkerij Janssens", "pmd\rzak_x0041_"])]


def test_gaps_keep_columns_in_place_and_formatted_empty_cells_are_no_content():
    archive = workbook(
        '<row r="1"><c r="A1" s="0"/><c r="B1" s="0"/></row>'  # a formatted blank row above the header
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="D2"><v>4</v></c>'
        '<c r="E2" s="0"/><c r="XFD2" s="0"/></row>'  # LibreOffice formats cells far to the right
        '<row r="9"><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
        '<row r="10"><c r="b10"><v>1</v></c></row>'  # a lower-case reference
    )
    assert rows_of(archive) == [(2, ["a", "", "", 4.0]), (9, ["x", "y"]), (10, ["", 1.0])]


def test_dates_follow_the_cell_format_and_the_workbooks_calendar():
    formats = (
        '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="&quot;d&quot;0"/>'
    )
    xfs = '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
    row = (
        '<row r="1"><c r="A1" s="1"><v>46112</v></c><c r="B1" s="2"><v>46112.5</v></c>'
        '<c r="C1" s="3"><v>7</v></c></row>'
    )

    assert rows_of(workbook(row, num_fmts=formats, cell_xfs=xfs)) == [
        (1, [dt.date(2026, 3, 31), dt.datetime(2026, 3, 31, 12), 7.0])  # noqa: DTZ001 ("d" quoted: a number)
    ]
    in_1904 = rows_of(workbook(row, num_fmts=formats, cell_xfs=xfs, date1904=True))
    assert in_1904[0][1][0] == dt.date(2030, 4, 1)


def test_formulas_give_their_cached_result_never_their_text():
    archive = workbook(
        '<row r="1"><c r="A1" t="str"><f>UPPER("x")</f><v>X</v></c><c r="B1"><f>1+1</f><v>2</v></c>'
        '<c r="C1"><f>HYPERLINK("http://evil.example")</f></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="E1" t="b"><v>1</v></c></row>'
    )
    assert rows_of(archive) == [(1, ["X", 2.0, "", "", True])]  # an error such as #N/A shows as empty


def test_strict_open_xml_is_read_too():
    strict = workbook(
        '<row r="1"><c r="A1" s="1"><v>46112</v></c></row>', cell_xfs='<xf numFmtId="0"/><xf numFmtId="14"/>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in strict.infolist():
            data = strict.read(item).replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
            archive.writestr(
                item, data.replace(REL.encode(), b"http://purl.oclc.org/ooxml/officeDocument/relationships")
            )
    assert rows_of(zipfile.ZipFile(buffer)) == [(1, [dt.date(2026, 3, 31)])]


def test_values_no_column_can_hold_are_kept_as_the_sheet_holds_them():
    archive = workbook(
        '<row r="1"><c r="A1" s="1"><v>99999999</v></c><c r="B1" s="1"><v>-3</v></c>'
        '<c r="C1" t="d"><v>12:30:00</v></c><c r="D1" t="str"><v>_xD83D__xDE00_ en _xD800_</v></c></row>',
        cell_xfs='<xf numFmtId="0"/><xf numFmtId="14"/>',
    )
    assert rows_of(archive) == [(1, [99999999.0, -3.0, "12:30:00", "\U0001f600 en \ufffd"])]


def test_a_row_wider_than_allowed_is_refused_before_it_is_built():
    with pytest.raises(xlsx.TooWide) as wide:
        rows_of(workbook('<row r="3"><c r="A3"><v>1</v></c><c r="XFD3"><v>1</v></c></row>'))
    assert (wide.value.row, wide.value.columns) == (3, 16384)

    with pytest.raises(xlsx.TooWide):  # cells out of order cannot make it pad further than the limit either
        rows_of(
            workbook('<row r="1"><c r="ZZZZZZ1"><v>1</v></c><c r="A1"><v>1</v></c></row>'), max_columns=10
        )

    with pytest.raises(xlsx.BadWorkbook):  # a row of a million elements is no row but an attack on memory
        rows_of(workbook('<row r="1">' + "<c/>" * (xlsx.MAX_ELEMENTS_PER_RECORD + 1) + "</row>"))


@pytest.mark.parametrize("where", ["sheet", "styles", "shared strings"])
def test_elements_outside_the_rows_never_pile_up_in_memory(where):
    junk = "<a/>" * 300_000  # 1.2 MB of XML; as elements, kept, about 60 MB
    archive = workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + (junk if where == "sheet" else ""),
        shared="<si><t>x</t></si>" + (junk if where == "shared strings" else ""),
        num_fmts=junk if where == "styles" else "",
    )
    tracemalloc.start()
    try:
        assert rows_of(archive) == [(1, ["x"])]
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024


def test_it_streams_the_first_row_comes_before_the_sheet_is_read():
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>regel {n}</t></is></c></row>'
    archive = workbook("".join(row.format(n=n) for n in range(1, 50_001)))
    seen = []
    rows = xlsx.sheet_rows(archive, 100, lambda done, total: seen.append((done, total)))

    assert next(rows) == (1, ["regel 1"])
    done, total = seen[-1]
    assert done < total / 5
    assert sum(1 for _row in rows) == 49_999


def test_a_workbook_without_its_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", f"<workbook {NS}><sheets/></workbook>")
    with pytest.raises(xlsx.BadWorkbook):
        rows_of(zipfile.ZipFile(buffer))
