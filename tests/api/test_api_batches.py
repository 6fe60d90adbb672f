"""Batches: a JSON array or a file in the upload template, stored all or nothing by the worker."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from submissions.models import NonConformity, Upload
from tests.api.conftest import record_body
from tests.api.test_api_auth import assert_problem
from tests.submissions.upload_files import csv_bytes, valid_row


def run_worker():
    call_command("worker", "--batch", verbosity=0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def items(n, **overrides):
    return [record_body(eigenReferentie=f"B-{i}", **overrides) for i in range(n)]


def test_a_json_batch_is_stored_by_the_worker_as_an_upload(api_a):
    response = api_a.post("batches", json=items(3))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "wachtrij"
    location = response.headers["Location"]
    run_worker()
    batch = api_a.get(location).json()
    assert batch["status"] == "aanvaard"
    assert batch["aantal"] == 3
    stored = api_a.get(batch["nonConformiteiten"]).json()["items"]
    assert sorted(item["eigenReferentie"] for item in stored) == ["B-0", "B-1", "B-2"]
    assert {item["bron"] for item in stored} == {"api"}
    assert (
        NonConformity.objects.filter(source="api", submitted_by__api_client__client_id="api-alfa").count()
        == 3
    )


def test_a_batch_with_one_bad_item_stores_nothing_and_names_item_and_field(api_a):
    batch = items(3)
    batch[1]["afvalstromen"] = [999]
    response = api_a.post("batches", json=batch)
    assert response.status_code == 202, response.text
    run_worker()
    result = api_a.get(response.headers["Location"]).json()
    assert result["status"] == "geweigerd"
    assert [(e["item"], e["veld"]) for e in result["fouten"]] == [(1, "afvalstromen")]
    assert NonConformity.objects.count() == 0


def test_wrong_types_and_late_items_are_refused_at_once(api_a):
    long_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    batch = items(3)
    batch[0]["kleur"] = "rood"
    batch[2]["datumVaststelling"] = long_ago
    body = assert_problem(api_a.post("batches", json=batch), 422, "validatiefout")
    assert {issue["name"] for issue in body["issues"]} == {"[0].kleur", "[2].laattijdigBevestigd"}
    assert Upload.objects.count() == 0
    batch = items(1, datumVaststelling=long_ago, laattijdigBevestigd=True)
    assert api_a.post("batches", json=batch).status_code == 202


def test_a_batch_over_the_item_limit_gets_413(api_a, settings):
    settings.NCR_API_BATCH_MAX_ITEMS = 2
    body = assert_problem(api_a.post("batches", json=items(3)), 413, "te-groot")
    assert "2" in body["detail"]
    assert_problem(api_a.post("batches", json={"a": 1}), 400, "ongeldige-json")


def test_a_csv_file_in_the_upload_template_is_a_batch(api_a):
    content = csv_bytes([valid_row(n, eigen_referentie=f"F-{n}") for n in range(1, 4)])  # all three late
    response = api_a.post(
        "batches", files={"bestand": ("lijst.csv", content, "text/csv")}, data={"laattijdigBevestigd": "3"}
    )
    assert response.status_code == 202, response.text
    run_worker()
    result = api_a.get(response.headers["Location"]).json()
    assert (result["status"], result["soort"], result["aantal"]) == ("aanvaard", "bestand", 3)


def test_a_file_batch_with_unconfirmed_late_rows_stores_nothing_and_says_how_many(api_a):
    content = csv_bytes([valid_row(n, eigen_referentie=f"G-{n}") for n in range(1, 4)])
    response = api_a.post("batches", files={"bestand": ("lijst.csv", content, "text/csv")})
    assert response.status_code == 202, response.text
    run_worker()
    result = api_a.get(response.headers["Location"]).json()
    assert result["status"] == "geweigerd"
    assert "3 laattijdige rijen" in result["fouten"][0]["detail"]
    assert not NonConformity.objects.filter(own_reference__startswith="G-").exists()


def test_another_organisations_client_cannot_see_a_batch(api_a, api_b):
    location = api_a.post("batches", json=items(1)).headers["Location"]
    assert_problem(api_b.get(location), 404, "niet-gevonden")


@pytest.mark.parametrize("confirmed", ["894340648499479", "²", "1" * 5000])
def test_a_late_count_that_is_no_row_count_is_a_field_error(api_a, confirmed):
    content = csv_bytes([valid_row(1, eigen_referentie="H-1")])
    files = {"bestand": ("lijst.csv", content, "text/csv")}
    response = api_a.post("batches", files=files, data={"laattijdigBevestigd": confirmed})
    body = assert_problem(response, 422, "validatiefout")
    assert body["issues"][0]["name"] == "laattijdigBevestigd"
    assert not Upload.objects.exists()
