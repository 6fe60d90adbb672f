import csv
import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from submissions import downloads, exports
from submissions.models import NonConformity


@pytest.mark.parametrize("dangerous", ["=SUM(A1)", "+31", "-2+3", "@cmd", "\tx", "\rx"])
def test_neutralise_makes_formulas_text(dangerous):
    assert downloads.neutralise(dangerous) == "'" + dangerous


def test_neutralise_leaves_ordinary_values_alone():
    assert downloads.neutralise("Bakkerij") == "Bakkerij"
    assert downloads.neutralise(42) == 42


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_is_streamed_neutralised_and_holds_only_own_records(
    client, submitter_a, make_record, organisation_a, organisation_b
):
    make_record(organisation_a, producer_name='=HYPERLINK("http://x")', own_reference="@R1")
    make_record(organisation_b, producer_name="Frituur Beta")
    response = client.get(reverse("register_export_csv"))
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:3] == ["registernummer", "datum", "ondernemingsnummer"]
    assert len(rows) == 2
    assert rows[1][rows[0].index("eigen_referentie")] == "'@R1"
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == "0405.546.706"


def test_the_csv_follows_the_lists_filters(client, submitter_a, make_record, organisation_a):
    make_record(organisation_a, producer_name="Slagerij Een", action="refused")
    make_record(organisation_a, producer_name="Bakkerij Twee", action="registered")
    rows = read_csv(client.get(reverse("register_export_csv"), {"action": "refused"}))
    assert [row[3] for row in rows[1:]] == ["Slagerij Een"]


def test_the_xlsx_is_capped_with_a_message(make_record, organisation_a):
    for _ in range(3):
        make_record(organisation_a, producer_name="-min")
    response = exports.xlsx_response(NonConformity.objects.all(), "x.xlsx", cap=2)
    assert response["X-Export-Capped"] == "1"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 4  # header, 2 records, the message
    assert values[1][3] == "'-min"
    assert "CSV" in values[3][0]


def test_the_xlsx_download_holds_only_own_records(
    client, submitter_a, make_record, organisation_a, organisation_b
):
    make_record(organisation_a, producer_name="Slagerij Alfa")
    make_record(organisation_b, producer_name="Frituur Beta")
    response = client.get(reverse("register_export_xlsx"))
    assert response["X-Export-Capped"] == "0"
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["Slagerij Alfa"]


def test_exports_of_no_organisation_answer_no_records(client, no_right):
    response = client.get(reverse("register_export_csv"))
    assert response.status_code == 302
    assert response["Location"] == reverse("no_access")


def test_export_cursors_are_planned_for_all_their_rows(db):
    # PostgreSQL plans a cursor for its first tenth by default: for the largest collector's export that
    # walked every organisation's date index (settings: cursor_tuple_fraction).
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"
