"""Filing, reading, correcting, withdrawing and adding photos through the API, as collector A's software."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from submissions.models import NonConformity
from tests.api.conftest import record_body
from tests.api.test_api_auth import assert_problem


def file(api, **overrides):
    response = api.post("non-conformiteiten", json=record_body(**overrides))
    assert response.status_code == 201, response.text
    return response


def test_it_files_a_record_marked_as_coming_from_the_api(api_a):
    response = file(api_a, eigenReferentie="ROUTE-1")
    body = response.json()
    assert response.headers["Location"].endswith(f"/api/v1/non-conformiteiten/{body['id']}")
    assert response.headers["ETag"] == '"1"'
    assert body["producentOndernemingsnummer"] == "0405546706"
    assert body["afvalstromen"] == [3, 16]
    assert body["actie"] == "geregistreerd"
    assert body["bron"] == "api"
    assert body["status"] == "ingediend"
    record = NonConformity.objects.get(pk=body["id"])
    assert record.source == NonConformity.Source.API
    assert record.organisation.code == "0405546706"
    history = record.history.get()
    assert str(history.history_user) == "API-client api-alfa"
    assert record.submitted_by.api_client.client_id == "api-alfa"


def test_it_refuses_what_the_form_refuses(api_a):
    response = api_a.post(
        "non-conformiteiten",
        json=record_body(vestigingsnummer=..., producentOndernemingsnummer="123", afvalstromen=[]),
    )
    body = assert_problem(response, 422, "validatiefout")
    names = {item["name"] for item in body["issues"]}
    assert {"producentOndernemingsnummer", "afvalstromen", "vestigingsnummer"} <= names
    assert all(item["in"] == "body" for item in body["issues"])
    assert NonConformity.objects.count() == 0


def test_it_refuses_unknown_fields_and_wrong_types(api_a):
    response = api_a.post(
        "non-conformiteiten",
        json=record_body(kleur="blauw", afvalstromen="3", datumVaststelling="02/11/2026"),
    )
    body = assert_problem(response, 422, "validatiefout")
    details = {item["name"]: item["detail"] for item in body["issues"]}
    assert details["kleur"] == "Onbekend veld."
    assert set(details) == {"kleur", "afvalstromen", "datumVaststelling"}
    assert NonConformity.objects.count() == 0


def test_it_refuses_bad_json(api_a):
    bad = api_a.post("non-conformiteiten", data=b"{niet: json", headers={"Content-Type": "application/json"})
    assert_problem(bad, 400, "ongeldige-json")
    assert_problem(api_a.post("non-conformiteiten", json=[1, 2]), 400, "ongeldige-json")
    form = api_a.post("non-conformiteiten", data={"a": "b"})
    assert_problem(form, 415, "mediatype-niet-ondersteund")


def test_a_duplicate_own_reference_is_refused(api_a):
    file(api_a, eigenReferentie="ROUTE-7")
    body = assert_problem(
        api_a.post("non-conformiteiten", json=record_body(eigenReferentie="ROUTE-7")), 422, "validatiefout"
    )
    assert body["issues"][0]["name"] == "eigenReferentie"


def test_a_late_record_needs_confirmation_and_is_stored_late(api_a):
    long_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    body = assert_problem(
        api_a.post("non-conformiteiten", json=record_body(datumVaststelling=long_ago)), 422, "laattijdig"
    )
    assert body["issues"][0]["name"] == "laattijdigBevestigd"
    response = file(api_a, datumVaststelling=long_ago, laattijdigBevestigd=True)
    assert response.json()["laattijdig"] is True


def test_it_lists_newest_first_with_a_cursor_and_filters(api_a):
    ids = [file(api_a, eigenReferentie=f"R-{n}").json()["id"] for n in range(5)]
    first = api_a.get("non-conformiteiten", params={"limiet": 2}).json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    second = api_a.get(first["volgende"]).json()
    third = api_a.get(second["volgende"]).json()
    assert [item["id"] for item in second["items"] + third["items"]] == ids[::-1][2:]
    assert third["volgende"] is None

    NonConformity.objects.filter(pk=ids[0]).update(status=NonConformity.Status.UNDER_REVIEW)
    in_review = api_a.get("non-conformiteiten", params={"status": "in_behandeling"}).json()["items"]
    assert [item["id"] for item in in_review] == [ids[0]]
    by_producer = api_a.get("non-conformiteiten", params={"producent": "0405.546.706"}).json()["items"]
    assert len(by_producer) == 5
    assert api_a.get("non-conformiteiten", params={"producent": "0353456320"}).json()["items"] == []
    today = timezone.localdate().isoformat()
    assert (
        len(api_a.get("non-conformiteiten", params={"datumVan": today, "datumTot": today}).json()["items"])
        == 5
    )
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    assert api_a.get("non-conformiteiten", params={"gewijzigdSinds": later}).json()["items"] == []
    # Odd but valid moments (found by the contract test): an offset PostgreSQL itself would refuse.
    odd = api_a.get("non-conformiteiten", params={"gewijzigdSinds": "0603-04-28T14:14:18.8+17:51"})
    assert len(odd.json()["items"]) == 5


def test_list_filters_refuse_nonsense(api_a):
    for params in (
        {"datumVan": "gisteren"},
        {"status": "x"},
        {"cursor": "!!"},
        {"limiet": "0"},
        {"kleur": "1"},
        {"gewijzigdSinds": "2026-11-02T08:00:00"},  # no time zone
        {"gewijzigdSinds": "0001-01-01T00:00:00+05:00"},  # before the year 1 in UTC
    ):
        body = assert_problem(api_a.get("non-conformiteiten", params=params), 400, "ongeldige-parameter")
        assert body["issues"][0]["in"] == "query"


def test_it_corrects_with_if_match(api_a):
    record = file(api_a).json()
    url = f"non-conformiteiten/{record['id']}"
    got = api_a.get(url)
    assert got.headers["ETag"] == '"1"'
    assert_problem(api_a.patch(url, json={"beschrijving": "Alleen pmd"}), 428, "versie-ontbreekt")
    assert_problem(
        api_a.patch(url, json={"beschrijving": "x"}, headers={"If-Match": '"7"'}), 412, "versie-verouderd"
    )
    changed = api_a.patch(url, json={"beschrijving": "Alleen pmd"}, headers={"If-Match": got.headers["ETag"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["beschrijving"] == "Alleen pmd"
    assert changed.json()["afvalstromen"] == [3, 16]  # not sent, kept
    assert changed.headers["ETag"] == '"2"'
    assert_problem(
        api_a.patch(url, json={"beschrijving": "y"}, headers={"If-Match": '"1"'}), 412, "versie-verouderd"
    )
    body = assert_problem(
        api_a.patch(url, json={"afvalstromen": [999]}, headers={"If-Match": '"2"'}), 422, "validatiefout"
    )
    assert body["issues"][0]["name"] == "afvalstromen"
    NonConformity.objects.filter(pk=record["id"]).update(status=NonConformity.Status.UNDER_REVIEW)
    assert_problem(
        api_a.patch(url, json={"beschrijving": "z"}, headers={"If-Match": '"2"'}),
        409,
        "niet-meer-te-wijzigen",
    )
    assert NonConformity.objects.get(pk=record["id"]).description == "Alleen pmd"


def test_it_withdraws_with_a_reason(api_a):
    record = file(api_a).json()
    url = f"non-conformiteiten/{record['id']}/intrekking"
    assert_problem(api_a.post(url, json={}), 422, "validatiefout")
    response = api_a.post(url, json={"reden": "Dubbel ingevoerd"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ingetrokken"
    assert response.json()["redenIntrekking"] == "Dubbel ingevoerd"
    assert_problem(api_a.post(url, json={"reden": "Nog eens"}), 409, "niet-meer-te-wijzigen")


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 1000), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_it_takes_photos_like_the_form(api_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = file(api_a).json()
    url = f"non-conformiteiten/{record['id']}/fotos"
    response = api_a.post(url, files=[("fotos", ("cabine.jpg", jpeg(), "image/jpeg"))])
    assert response.status_code == 200, response.text
    assert len(response.json()["fotos"]) == 1
    photo = NonConformity.objects.get(pk=record["id"]).photos.get()
    with Image.open(photo.image) as stored:
        assert max(stored.size) == 2048  # capped as the form's are
    bad = api_a.post(url, files=[("fotos", ("x.jpg", b"geen foto", "image/jpeg"))])
    assert_problem(bad, 422, "validatiefout")
    too_many = api_a.post(url, files=[("fotos", (f"{n}.jpg", jpeg(), "image/jpeg")) for n in range(5)])
    assert_problem(too_many, 422, "validatiefout")
    assert NonConformity.objects.get(pk=record["id"]).photos.count() == 1


def test_another_organisations_client_sees_and_changes_nothing(api_a, api_b):
    record = file(api_a).json()
    url = f"non-conformiteiten/{record['id']}"
    assert_problem(api_b.get(url), 404, "niet-gevonden")
    assert_problem(
        api_b.patch(url, json={"beschrijving": "x"}, headers={"If-Match": '"1"'}), 404, "niet-gevonden"
    )
    assert_problem(api_b.post(f"{url}/intrekking", json={"reden": "x"}), 404, "niet-gevonden")
    photo = [("fotos", ("x.jpg", jpeg(), "image/jpeg"))]
    assert_problem(api_b.post(f"{url}/fotos", files=photo), 404, "niet-gevonden")
    assert api_b.get("non-conformiteiten").json()["items"] == []
    stored = NonConformity.objects.get(pk=record["id"])
    assert (stored.version, stored.status, stored.photos.count()) == (1, "submitted", 0)


def test_a_malformed_id_gets_a_problem_document_not_the_portals_page(api_a):
    response = api_a.post("non-conformiteiten/%C3%BA%0A/intrekking", json={"reden": "x"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:problem-type:ovam:ncr:niet-gevonden"
