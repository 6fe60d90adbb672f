"""Bulk upload in Chromium with a real `manage.py worker` process on the live server's database."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from playwright.sync_api import expect

from submissions.models import NonConformity, Upload
from tests.e2e.a11y import assert_accessible
from tests.helpers import ROOT


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(portal, media):
    """start_worker(): run the real worker as its own process against the live server's test database."""
    processes = []

    def start():
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ncregister.settings.test",
            "DATABASE_URL": url,
            "NCR_MEDIA_ROOT": str(media),
        }
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "worker",
                    "--interval",
                    "0.2",
                ],
                cwd=ROOT,
                env=env,
            )
        )

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def upload(page, path):
    page.get_by_label("Bestand (CSV of XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Opladen en controleren").click()
    page.wait_for_url("**/register/uploads/*/")


def test_template_errors_correction_progress_and_records(page, portal, login, start_worker, tmp_path):
    login(page, "indiener-a")
    page.goto(f"{portal}/register/uploads/")
    expect(page.get_by_role("heading", name="Bestand opladen", level=1)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Sjabloon (CSV)").click()
    template = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert template[0].startswith("datum;ondernemingsnummer;naam_producent;")
    example = template[1]

    # Three rows from the template's example: the second with a bad date, the third with a bad KBO number.
    rows = [example.replace("NC-2026-0001", f"NC-2026-000{n}") for n in (1, 2, 3)]
    rows[1] = rows[1].replace("04/11/2026", "31/11/2026", 1)
    rows[2] = rows[2].replace("0405.546.706", "0405.546.707")
    wrong = tmp_path / "lijst.csv"
    wrong.write_text("\n".join([template[0], *rows]) + "\n", encoding="utf-8")
    start_worker()
    upload(page, wrong)
    expect(page.locator("#upload-result")).to_contain_text("Er werd niets opgeslagen.", timeout=30_000)
    errors = page.locator("#upload-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("datum")
    expect(errors.nth(0)).to_contain_text("31/11/2026")
    expect(errors.nth(1)).to_contain_text("ondernemingsnummer")
    assert NonConformity.objects.count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Verbeterd bestand opladen").click()
    rows[1] = rows[1].replace("31/11/2026", "03/11/2026", 1)
    rows[2] = rows[2].replace("0405.546.707", "0405.546.706")
    fixed = tmp_path / "lijst-verbeterd.csv"
    fixed.write_text("\n".join([template[0], *rows]) + "\n", encoding="utf-8")
    upload(page, fixed)
    # The preview: nothing stored yet, the three late rows listed, row 3 a look-alike of row 2.
    expect(page.locator("#upload-result")).to_contain_text(
        "Het bestand doorstond de controles. Er is nog niets opgeslagen.", timeout=30_000
    )
    expect(page.locator("#upload-late li")).to_have_count(3)
    assert NonConformity.objects.count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#confirm-error")).to_contain_text("Vink het vakje aan")
    page.get_by_label("Ik bevestig dat 3 rijen laattijdig zijn").check()
    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#upload-result")).to_contain_text(
        "Opgeslagen non-conformiteiten: 3.", timeout=30_000
    )
    records = page.locator("#upload-records tbody tr")
    expect(records).to_have_count(3)
    expect(records.first).to_contain_text("Bakkerij Janssens BV")
    assert NonConformity.objects.filter(upload__file_name="lijst-verbeterd.csv").count() == 3
    assert_accessible(page)

    page.get_by_role("link", name="Alle uploads").click()
    history = page.locator("#upload-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("lijst-verbeterd.csv")


def test_the_status_page_shows_progress_until_the_worker_is_done(page, portal, login, start_worker, tmp_path):
    login(page, "indiener-a")
    page.goto(f"{portal}/register/uploads/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Sjabloon (CSV)").click()
    upload(page, download.value.path())
    # No worker yet: the page waits and polls.
    expect(page.locator("#upload-progress")).to_contain_text("Het bestand wordt gecontroleerd.")
    expect(page.locator("#upload-status")).to_have_text("In de wachtrij")
    assert Upload.objects.get().status == "queued"
    start_worker()
    expect(page.locator("#upload-status")).to_have_text("Wacht op bevestiging", timeout=30_000)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#upload-status")).to_have_text("Aanvaard", timeout=30_000)
    finished = Upload.objects.get()
    assert finished.status == "accepted", finished.errors
    expect(page.locator("#upload-result")).to_contain_text("Opgeslagen non-conformiteiten: 1.")
    expect(page.locator("#upload-status")).to_have_text("Aanvaard")


def test_a_clerk_previews_and_confirms_a_file_on_a_phone(phone_page, portal, login, start_worker, tmp_path):
    from tests.e2e.test_register import PHONE, assert_fits_the_phone
    from tests.submissions.upload_files import csv_bytes, valid_row

    page = phone_page
    page.set_viewport_size({"width": 1024, "height": 812})  # the stand-in's persona page is not for phones
    login(page, "indiener-a")
    page.set_viewport_size(PHONE)
    page.goto(f"{portal}/register/uploads/")
    monthly = tmp_path / "maand.csv"
    # Two late rows, the second the same content as the first (only the own reference differs).
    monthly.write_bytes(csv_bytes([valid_row(1), valid_row(1, eigen_referentie="REF-1b")]))
    start_worker()
    upload(page, monthly)
    expect(page.locator("#upload-status")).to_have_text("Wacht op bevestiging", timeout=30_000)
    expect(page.locator("#upload-late li")).to_have_count(2)
    expect(page.locator("#upload-duplicates li")).to_contain_text("zelfde als rij 2 van dit bestand")
    assert NonConformity.objects.count() == 0
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#confirm-error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ik bevestig dat 2 rijen laattijdig zijn").check()
    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#upload-result")).to_contain_text(
        "Opgeslagen non-conformiteiten: 2.", timeout=30_000
    )
    assert NonConformity.objects.filter(upload__file_name="maand.csv").count() == 2
    assert_fits_the_phone(page)
    assert_accessible(page)


def test_the_excel_template_filled_in_is_stored_with_its_dates(page, portal, login, start_worker, tmp_path):
    from openpyxl import load_workbook

    login(page, "indiener-a")
    page.goto(f"{portal}/register/uploads/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Sjabloon (Excel)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.active
    second = [cell.value for cell in sheet[2]]
    second[sheet[1].index(next(c for c in sheet[1] if c.value == "eigen_referentie"))] = "NC-XLSX-2"
    sheet.append(second)
    sheet.cell(3, 1).number_format = "DD/MM/YYYY"
    sheet["ZZ3"].number_format = "0.00"  # a formatted empty cell far to the right, as LibreOffice keeps them
    filled = tmp_path / "ingevuld.xlsx"
    workbook.save(filled)

    start_worker()
    upload(page, filled)
    expect(page.locator("#upload-status")).to_have_text("Wacht op bevestiging", timeout=30_000)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Bevestigen en opslaan").click()
    expect(page.locator("#upload-result")).to_contain_text(
        "Opgeslagen non-conformiteiten: 2.", timeout=30_000
    )
    stored = NonConformity.objects.filter(upload__file_name="ingevuld.xlsx").order_by("own_reference")
    assert [record.own_reference for record in stored] == ["NC-2026-0001", "NC-XLSX-2"]
    assert {record.observed_on.isoformat() for record in stored} == {"2026-11-04"}
    expect(page.locator("#upload-records tbody tr")).to_have_count(2)
