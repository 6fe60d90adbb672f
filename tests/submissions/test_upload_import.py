"""The import as the worker runs it: accepted formats, all-or-nothing, duplicates, hostile files."""

import datetime as dt
import gc
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from submissions.imports import rows_copy, runner, xlsx
from submissions.imports.intake import (
    DuplicateUpload,
    FileRefused,
    cancel_upload,
    confirm_upload,
    purge_expired_previews,
    receive_upload,
)
from submissions.models import NonConformity, Upload
from tests.submissions.upload_files import HEADERS, csv_bytes, process_and_confirm, valid_row, xlsx_bytes


@pytest.fixture
def uploader(db, organisation_a, django_user_model, media):
    user = django_user_model.objects.create(username="an", vo_id="vo-an", first_name="An")

    def upload(content, name="lijst.csv", organisation=organisation_a):
        upload = receive_upload(
            organisation=organisation, user=user, uploaded_file=SimpleUploadedFile(name, content)
        )
        process_and_confirm(upload.pk)
        upload.refresh_from_db()
        return upload

    return upload


def messages(upload):
    return [(e["row"], e["column"], e["message"]) for e in upload.errors]


# --- accepted formats ---------------------------------------------------------


def test_a_semicolon_csv_is_stored_with_its_upload(uploader):
    upload = uploader(csv_bytes([valid_row(1), valid_row(2)]))
    assert upload.status == "accepted"
    assert upload.row_count == 2
    assert upload.errors == []
    records = NonConformity.objects.filter(upload=upload).order_by("own_reference")
    assert [r.own_reference for r in records] == ["REF-1", "REF-2"]
    first = records[0]
    assert first.source == "upload"
    assert first.received_at == upload.received_at
    assert first.producer_enterprise_number == "0405546706"
    assert first.action == "registered"
    assert first.customer_informed_on == dt.date(2026, 11, 3)
    assert sorted(s.number for s in first.waste_streams.all()) == [3, 16]
    assert first.description == 'Karton; pmd en "folie" in het restafval'


def test_each_record_gets_one_history_row_with_its_streams(uploader):
    upload = uploader(csv_bytes([valid_row(1)]))
    record = NonConformity.objects.get(upload=upload)
    history = record.history.all()
    assert len(history) == 1
    assert history[0].history_type == "+"
    assert history[0].history_user_id == upload.uploaded_by_id
    assert sorted(s.wastestream.number for s in history[0].waste_streams.all()) == [3, 16]


def test_the_late_flag_comes_from_the_upload_time(uploader):
    upload = uploader(csv_bytes([valid_row(1, datum="02/01/2025", klant_geinformeerd_op="")]))
    record = NonConformity.objects.get(upload=upload)
    assert record.is_late
    assert record.deadline.date() == dt.date(2025, 1, 3)


def test_a_comma_csv_with_bom_is_stored(uploader):
    upload = uploader(csv_bytes([valid_row(1)], sep=",", bom=True))
    assert upload.status == "accepted"
    assert upload.row_count == 1


def test_a_windows_1252_csv_is_stored(uploader):
    upload = uploader(csv_bytes([valid_row(1, naam_producent="Café Zoë € BV")], encoding="cp1252"))
    assert upload.status == "accepted"
    assert NonConformity.objects.get(upload=upload).producer_name == "Café Zoë € BV"


def test_quoted_fields_with_separators_and_line_breaks_are_read(uploader):
    upload = uploader(csv_bytes([valid_row(1, omschrijving="Eerste lijn;\r\ntweede, lijn")]))
    assert upload.status == "accepted"
    assert NonConformity.objects.get(upload=upload).description == "Eerste lijn;\r\ntweede, lijn"


def test_tabs_backslashes_braces_and_a_written_backslash_n_are_stored_as_written(uploader):
    text = "Zak\tmet C:\\map\\N en \\\\ twee {0} {}"
    upload = uploader(csv_bytes([valid_row(1, omschrijving=text, containernummer="\\N")]))
    record = NonConformity.objects.get(upload=upload)
    assert (record.description, record.container_reference) == (text, "\\N")
    history = record.history.get()
    assert (history.description, history.container_reference) == (text, "\\N")


def test_dates_in_three_formats_are_read(uploader):
    rows = [
        valid_row(1, datum="02/11/2026"),
        valid_row(2, datum="02-11-2026"),
        valid_row(3, datum="2026-11-02"),
    ]
    upload = uploader(csv_bytes(rows))
    assert upload.status == "accepted"
    assert set(NonConformity.objects.values_list("observed_on", flat=True)) == {dt.date(2026, 11, 2)}


def test_headers_ignore_case_spaces_and_accents_and_order(uploader):
    headers = [
        " DATUM ",
        "Klant Geïnformeerd Op",
        *[h for h in HEADERS if h not in ("datum", "klant_geinformeerd_op")],
    ]
    row = valid_row(1)
    row[" DATUM "], row["Klant Geïnformeerd Op"] = row["datum"], row["klant_geinformeerd_op"]
    upload = uploader(csv_bytes([row], headers=headers))
    assert upload.status == "accepted"


def test_blank_rows_are_skipped(uploader):
    upload = uploader(csv_bytes([valid_row(1), [""] * len(HEADERS), valid_row(2)]))
    assert upload.status == "accepted"
    assert upload.row_count == 2


def test_an_xlsx_with_date_cells_and_numbers_is_stored(uploader):
    row = valid_row(
        1,
        datum=dt.date(2026, 11, 2),
        klant_geinformeerd_op=dt.datetime(2026, 11, 3, 8, 30),  # noqa: DTZ001 - an Excel cell has no time zone
        ondernemingsnummer=405546706,  # Excel drops the leading zero
        postcode=2000,
        huisnummer=12,
        afvalstromen=16,
    )
    upload = uploader(xlsx_bytes([row]), name="lijst.xlsx")
    assert upload.status == "accepted", upload.errors
    record = NonConformity.objects.get(upload=upload)
    assert record.observed_on == dt.date(2026, 11, 2)
    assert record.customer_informed_on == dt.date(2026, 11, 3)
    assert (record.producer_enterprise_number, record.postcode, record.house_number) == (
        "0405546706",
        "2000",
        "12",
    )


def test_an_xlsx_nul_character_is_left_out_not_a_fault(uploader):
    # Excel writes a NUL as "_x0000_"; the reader turns it back into one, which PostgreSQL cannot store.
    upload = uploader(xlsx_bytes([valid_row(1, omschrijving="pmd_x0000_ in zak")]), name="lijst.xlsx")
    assert upload.status == "accepted", upload.errors
    assert NonConformity.objects.get(upload=upload).description == "pmd in zak"


def test_xlsx_formulas_are_never_read_as_text(uploader):
    content = xlsx_bytes([valid_row(1)], formula_cells={"M2": '=HYPERLINK("http://evil.example","klik")'})
    upload = uploader(content, name="lijst.xlsx")
    assert upload.status == "accepted"
    assert not NonConformity.objects.get(upload=upload).container_reference.startswith("=")


def test_the_extension_does_not_decide_the_format(uploader):
    upload = uploader(xlsx_bytes([valid_row(1)]), name="lijst.csv")
    assert upload.status == "accepted"


# --- an XLSX is parsed once: the store reads the preview's copy of its rows -------


@pytest.fixture
def previewed_xlsx(db, organisation_a, django_user_model, media):
    """previewed_xlsx(rows): an XLSX upload the worker has checked, waiting for its confirmation."""
    user = django_user_model.objects.create(username="an", vo_id="vo-an")

    def preview(rows):
        received = SimpleUploadedFile("l.xlsx", xlsx_bytes(rows))
        upload = receive_upload(organisation=organisation_a, user=user, uploaded_file=received)
        assert runner.process_upload(upload.pk) == "preview"
        upload.refresh_from_db()
        return upload

    return preview


def kept(upload):
    return upload.file.storage.exists(rows_copy.name_of(upload))


def confirm_and_store(upload):
    confirm_upload(upload, confirmed_late=upload.preview["late_count"])
    status = runner.process_upload(upload.pk)
    upload.refresh_from_db()
    return status


def test_the_store_reads_the_previews_copy_of_an_xlsx_not_the_sheet(
    previewed_xlsx, monkeypatch, django_capture_on_commit_callbacks
):
    written = ['zak; "pmd"\nen folie', "glas"]
    upload = previewed_xlsx([valid_row(1, omschrijving=written[0]), valid_row(2, omschrijving=written[1])])
    assert kept(upload)

    def parsed_again(*args):
        raise AssertionError("the store parsed the sheet again")

    monkeypatch.setattr(xlsx, "sheet_rows", parsed_again)
    with django_capture_on_commit_callbacks(execute=True):  # the copy goes once the records are committed
        assert confirm_and_store(upload) == "accepted", upload.errors
    assert sorted(NonConformity.objects.values_list("description", flat=True)) == sorted(written)
    assert not kept(upload)


def test_an_error_found_at_the_store_names_the_row_of_the_sheet(previewed_xlsx, make_record, organisation_a):
    upload = previewed_xlsx([valid_row(1), [""] * len(HEADERS), valid_row(2)])  # row 3 is blank
    make_record(organisation_a, own_reference="REF-2")  # taken between the preview and the confirmation
    assert confirm_and_store(upload) == "rejected"
    assert [(e["row"], e["column"]) for e in upload.errors] == [(4, "eigen_referentie")]
    assert not kept(upload)
    assert NonConformity.objects.filter(upload=upload).count() == 0


def test_without_its_copy_the_store_reads_the_sheet(previewed_xlsx):
    upload = previewed_xlsx([valid_row(1, datum=dt.date(2026, 11, 2))])
    upload.file.storage.delete(rows_copy.name_of(upload))
    assert confirm_and_store(upload) == "accepted", upload.errors
    assert NonConformity.objects.get(upload=upload).observed_on == dt.date(2026, 11, 2)


def test_a_copy_not_written_to_the_end_is_not_used(previewed_xlsx):
    upload = previewed_xlsx([valid_row(1), valid_row(2)])
    storage, name = upload.file.storage, rows_copy.name_of(upload)
    with storage.open(name, "rb") as kept_copy:
        lines = kept_copy.read().splitlines(keepends=True)
    storage.delete(name)
    storage.save(name, io.BytesIO(b"".join(lines[:-2])))  # the second row and the last line lost
    assert confirm_and_store(upload) == "accepted", upload.errors
    assert NonConformity.objects.filter(upload=upload).count() == 2


def test_the_copy_goes_when_a_preview_is_cancelled_purged_or_failed(
    previewed_xlsx, django_capture_on_commit_callbacks
):
    cancelled, purged, failed = (previewed_xlsx([valid_row(n)]) for n in (1, 2, 3))
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_upload(cancelled)
    Upload.objects.filter(pk=purged.pk).update(expires_at=timezone.now())
    assert purge_expired_previews() == 1
    confirm_upload(failed, confirmed_late=failed.preview["late_count"])
    with django_capture_on_commit_callbacks(execute=True):
        runner.mark_failed(failed.pk)  # the worker gave its store up
    assert [kept(upload) for upload in (cancelled, purged, failed)] == [False, False, False]
    assert cancelled.file.storage.exists(failed.file.name)  # a failed upload's own file stays


# --- all or nothing -----------------------------------------------------------


def test_one_bad_row_stores_nothing_and_every_error_is_reported(uploader):
    rows = [
        valid_row(1),
        valid_row(2, datum="31/02/2026"),
        valid_row(3),
        valid_row(4, ondernemingsnummer="0405.546.707"),
    ]
    upload = uploader(csv_bytes(rows))
    assert upload.status == "rejected"
    assert upload.error_count == 2
    assert [(e["row"], e["column"], e["value"]) for e in upload.errors] == [
        (3, "datum", "31/02/2026"),
        (5, "ondernemingsnummer", "0405.546.707"),
    ]
    assert upload.errors[0]["message"] == "Geen geldige datum; gebruik dd/mm/jjjj."
    assert NonConformity.objects.count() == 0


def test_a_stream_must_apply_on_the_rows_date(uploader):
    upload = uploader(csv_bytes([valid_row(1, afvalstromen="3;30")]))
    assert messages(upload) == [(2, "afvalstromen", "Afvalstroom 30° geldt niet op 02/11/2026.")]


def test_a_year_typed_wrong_is_explained(uploader):
    upload = uploader(csv_bytes([valid_row(1), valid_row(2, datum="02/11/0226")]))
    assert upload.status == "rejected"
    assert messages(upload) == [(3, "datum", "Een datum vóór 01/01/2000 kan niet; controleer het jaartal.")]
    assert NonConformity.objects.count() == 0


def test_an_unknown_action_word_is_explained(uploader):
    upload = uploader(csv_bytes([valid_row(1, actie="weggegooid")]))
    assert messages(upload) == [(2, "actie", "Gebruik geweigerd, geregistreerd of nagesorteerd.")]


def test_unknown_and_missing_columns_are_reported(uploader):
    headers = [h for h in HEADERS if h != "omschrijving"] + ["opmerking"]
    upload = uploader(csv_bytes([valid_row(1)], headers=headers))
    assert upload.status == "rejected"
    assert [(e["column"], e["row"]) for e in upload.errors] == [("opmerking", 1), ("omschrijving", 1)]
    assert NonConformity.objects.count() == 0


def test_an_own_reference_twice_in_the_file_is_an_error(uploader):
    upload = uploader(csv_bytes([valid_row(1), valid_row(2, eigen_referentie="REF-1")]))
    assert messages(upload) == [
        (3, "eigen_referentie", "Deze eigen referentie staat al in rij 2 van dit bestand.")
    ]
    assert NonConformity.objects.count() == 0


def test_an_own_reference_the_organisation_already_has_is_an_error(uploader, make_record, organisation_a):
    make_record(organisation_a, own_reference="REF-2")
    upload = uploader(csv_bytes([valid_row(1), valid_row(2)]))
    assert [(e["row"], e["column"]) for e in upload.errors] == [(3, "eigen_referentie")]
    assert NonConformity.objects.count() == 1


def test_rows_without_own_reference_are_never_duplicates(uploader):
    upload = uploader(csv_bytes([valid_row(1, eigen_referentie=""), valid_row(2, eigen_referentie="")]))
    assert upload.status == "accepted"
    assert upload.row_count == 2


def test_another_organisations_reference_is_no_duplicate(uploader, make_record, organisation_b):
    make_record(organisation_b, own_reference="REF-1")
    assert uploader(csv_bytes([valid_row(1)])).status == "accepted"


def test_a_file_already_accepted_is_refused_before_parsing(uploader):
    content = csv_bytes([valid_row(1)])
    first = uploader(content)
    with pytest.raises(DuplicateUpload) as refused:
        uploader(content)
    assert refused.value.previous == first
    assert Upload.objects.count() == 1
    assert NonConformity.objects.count() == 1


def test_a_rejected_file_may_be_uploaded_again_after_correction(uploader):
    assert uploader(csv_bytes([valid_row(1, actie="")])).status == "rejected"
    assert uploader(csv_bytes([valid_row(1)])).status == "accepted"


# --- hostile files: a clear refusal and nothing stored --------------------------


def refused_at_intake(uploader, content, name="lijst.csv"):
    with pytest.raises(FileRefused) as refused:
        uploader(content, name=name)
    assert Upload.objects.count() == 0
    assert NonConformity.objects.count() == 0
    return refused.value.message


def rejected_by_worker(uploader, content, name="lijst.csv"):
    upload = uploader(content, name=name)
    assert upload.status == "rejected"
    assert NonConformity.objects.count() == 0
    return upload.errors[0]["message"]


def test_a_file_over_the_size_limit_is_refused(uploader, settings):
    settings.NCR_UPLOAD_MAX_MB = 1
    content = csv_bytes([valid_row(n) for n in range(1, 7000)])
    assert len(content) > 1024 * 1024
    assert (
        refused_at_intake(uploader, content)
        == "Het bestand is groter dan 1 MB. Splits het in kleinere bestanden."
    )


def test_a_file_over_the_row_limit_is_refused(uploader, settings):
    settings.NCR_UPLOAD_MAX_ROWS = 3
    message = rejected_by_worker(uploader, csv_bytes([valid_row(n) for n in range(1, 5)]))
    assert message == "Het bestand heeft meer dan 3 rijen. Splits het in kleinere bestanden."


def test_a_pdf_named_csv_is_refused(uploader):
    message = refused_at_intake(uploader, b"%PDF-1.7\n1 0 obj<<>>endobj\n", name="lijst.csv")
    assert message.startswith("Dit is geen CSV- of XLSX-bestand.")


def test_an_old_xls_workbook_is_refused(uploader):
    message = refused_at_intake(uploader, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="lijst.xls")
    assert message.startswith("Dit is geen CSV- of XLSX-bestand.")


def test_a_zip_that_is_no_workbook_is_refused(uploader):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    message = rejected_by_worker(uploader, buffer.getvalue(), name="lijst.xlsx")
    assert message.startswith("Dit is geen CSV- of XLSX-bestand.")


def test_an_xlsx_zip_bomb_is_refused_before_reading(uploader):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\0" * (1024 * 1024)
            for _ in range(210):
                sheet.write(block)
    assert len(buffer.getvalue()) < 1024 * 1024
    message = rejected_by_worker(uploader, buffer.getvalue(), name="lijst.xlsx")
    assert message.startswith("Dit XLSX-bestand zou uitgepakt groter zijn dan 200 MB")


def with_sheet_prolog(content, prolog):
    """The workbook `content` with `prolog` (a DOCTYPE) before its sheet's root element."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", prolog + b"<worksheet", 1).replace(b"REF-1", b"&x;")
            archive.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(
            b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(9)
            )
            + b'<!ENTITY x "&j;">]>',
            id="a billion laughs",
        ),
        pytest.param(b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', id="an external entity"),
    ],
)
def test_an_xlsx_with_entities_is_refused_and_nothing_is_expanded(uploader, prolog):
    content = with_sheet_prolog(xlsx_bytes([valid_row(1)]), prolog)
    assert (
        rejected_by_worker(uploader, content, name="lijst.xlsx")
        == "Dit bestand is beschadigd of geen XLSX-werkmap."
    )


def test_a_binary_file_is_refused(uploader):
    message = refused_at_intake(uploader, bytes(range(256)) * 40, name="lijst.csv")
    assert message == "Dit bestand bevat binaire gegevens, geen tekst. Laad een CSV- of XLSX-bestand op."


def test_an_empty_file_is_refused(uploader):
    assert refused_at_intake(uploader, b"") == "Het bestand is leeg."


def test_a_header_only_file_is_refused(uploader):
    assert rejected_by_worker(uploader, csv_bytes([])) == "Het bestand heeft een kopregel maar geen gegevens."


def test_a_file_with_10000_columns_is_refused(uploader):
    content = (";".join(f"kolom{n}" for n in range(10_000)) + "\r\n").encode()
    message = rejected_by_worker(uploader, content)
    assert message == "Rij 1 heeft 10000 kolommen; een bestand mag er hoogstens 100 hebben."


def test_a_cell_of_one_megabyte_is_refused(uploader):
    content = csv_bytes([valid_row(1, omschrijving="x" * (1024 * 1024))])
    message = rejected_by_worker(uploader, content)
    assert message == "Rij 2 bevat een cel van meer dan 32767 tekens."


def test_a_utf16_file_is_refused_as_binary(uploader):
    content = csv_bytes([valid_row(1)], encoding="utf-16-le")
    assert refused_at_intake(uploader, content).startswith("Dit bestand bevat binaire gegevens")


def test_a_file_in_an_unknown_encoding_is_refused(uploader):
    content = csv_bytes([valid_row(1, naam_producent="Omega")]).replace(b"Omega", b"\x81\x8d")
    message = rejected_by_worker(uploader, content)
    assert message == "Het bestand is geen UTF-8- of Windows-1252-tekst. Sla het in Excel opnieuw op als CSV."


def test_an_xlsx_with_10000_columns_is_refused(uploader):
    content = xlsx_bytes([], headers=[f"kolom{n}" for n in range(10_000)])
    message = rejected_by_worker(uploader, content, name="lijst.xlsx")
    assert message == "Rij 1 heeft 10000 kolommen; een bestand mag er hoogstens 100 hebben."


def test_an_xlsx_cell_of_one_megabyte_is_refused(uploader):
    # calamine stops a cell at Excel's own 32,767 characters; the row check then refuses its length.
    content = xlsx_bytes([valid_row(1, omschrijving="x" * (1024 * 1024))])
    message = rejected_by_worker(uploader, content, name="lijst.xlsx")
    assert message == "Maximaal 5000 tekens."


def test_an_xlsx_zip_bomb_that_lies_about_its_sizes_is_refused(uploader):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(210):
                sheet.write(b"\0" * (1024 * 1024))
    data = bytearray(buffer.getvalue())
    # Claim 1,000 bytes unpacked in the local and the central header of the sheet.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = (
            data.index(signature, data.index(signature) + 1)
            if signature == b"PK\x03\x04"
            else data.rindex(signature)
        )
        data[start + offset : start + offset + 4] = (1000).to_bytes(4, "little")
    message = rejected_by_worker(uploader, bytes(data), name="lijst.xlsx")
    assert message == "Dit bestand is beschadigd of geen XLSX-werkmap."


def test_the_collector_thresholds_are_put_back_after_an_import_and_after_a_fault(uploader, monkeypatch):
    before = gc.get_threshold()
    assert uploader(csv_bytes([valid_row(1)])).status == "accepted"
    assert gc.get_threshold() == before

    def fault(*args, **kwargs):
        assert gc.get_threshold()[0] > before[0]  # collected less often during the import
        raise RuntimeError("fault")

    monkeypatch.setattr(runner, "import_upload", fault)
    assert uploader(csv_bytes([valid_row(2)])).status == "failed"
    assert gc.get_threshold() == before
