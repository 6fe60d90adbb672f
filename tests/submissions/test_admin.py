"""OVAM's admin for the register: who gets in, the list (columns, filters, search, queries), exports,
photos and the history."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import REVIEWER, SUBMITTER
from submissions import pagination, services, workflow
from submissions.models import Holiday, NonConformity, NoticeEmail, Photo, WasteStream
from tests.submissions.conftest import image_bytes
from tests.submissions.test_admin_workflow import post_review

LIST = reverse("admin:submissions_nonconformity_changelist")


def change_url(record):
    return reverse("admin:submissions_nonconformity_change", args=[record.pk])


def listed(response):
    return {row.pk for row in response.context["cl"].result_list}


# --- Who gets in ---------------------------------------------------------------------------------


def test_a_submitter_gets_no_admin_access(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    for url in (reverse("admin:index"), LIST, change_url(record)):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url


def test_a_reviewer_sees_the_list_and_a_record(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    assert client.get(LIST).status_code == 200
    response = client.get(change_url(record))
    assert response.status_code == 200
    assert "Bakkerij De Korenaar" in response.content.decode()


def test_a_reviewer_cannot_delete_a_record(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    delete_url = reverse("admin:submissions_nonconformity_delete", args=[record.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        LIST, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert NonConformity.objects.filter(pk=record.pk).exists()
    assert "delete_selected" not in dict(response.context["action_form"].fields["action"].choices)


def test_nobody_adds_a_record_in_the_admin(client, manager):
    assert client.get(reverse("admin:submissions_nonconformity_add")).status_code == 403


def test_a_manager_can_edit_waste_streams(client, manager):
    stream = WasteStream.objects.get(number=30)
    url = reverse("admin:submissions_wastestream_change", args=[stream.pk])
    response = client.post(
        url, {"number": 30, "name": "glaswol (minerale wol)", "valid_from": "2027-01-01", "valid_until": ""}
    )
    assert response.status_code == 302
    stream.refresh_from_db()
    assert stream.name == "glaswol (minerale wol)"


def test_a_reviewer_cannot_edit_waste_streams(client, reviewer):
    stream = WasteStream.objects.get(number=30)
    url = reverse("admin:submissions_wastestream_change", args=[stream.pk])
    response = client.post(url, {"number": 30, "name": "gewijzigd", "valid_from": "2027-01-01"})
    assert response.status_code == 403
    stream.refresh_from_db()
    assert stream.name == "glaswol"


def test_a_manager_adds_a_holiday(client, manager):
    url = reverse("admin:submissions_holiday_add")
    assert client.post(url, {"date": "2031-12-24", "name": "Kerstavond"}).status_code == 302
    assert Holiday.objects.filter(date=dt.date(2031, 12, 24), name="Kerstavond").exists()


def test_a_reviewer_cannot_add_a_holiday(client, reviewer):
    url = reverse("admin:submissions_holiday_add")
    assert client.post(url, {"date": "2031-12-24", "name": "Kerstavond"}).status_code == 403
    assert not Holiday.objects.filter(date=dt.date(2031, 12, 24)).exists()


NO_CLIENTS = {"api_clients-TOTAL_FORMS": "0", "api_clients-INITIAL_FORMS": "0"}


def test_a_manager_switches_api_access_on_with_a_client(client, manager, organisation_a):
    url = reverse("admin:accounts_organisation_change", args=[organisation_a.pk])
    data = {"code": organisation_a.code, "name": organisation_a.name, "audience": "EA", "api_enabled": "on"}
    data |= {"api_clients-TOTAL_FORMS": "1", "api_clients-INITIAL_FORMS": "0"}
    data |= {"api_clients-0-client_id": "route-alfa", "api_clients-0-enabled": "on"}
    assert client.post(url, data).status_code == 302
    organisation_a.refresh_from_db()
    assert organisation_a.api_enabled
    api_client = organisation_a.api_clients.get()
    assert api_client.client_id == "route-alfa"
    # Its user row names the client and grants nothing: no password, no staff, no superuser.
    user = api_client.user
    assert str(user) == "API-client route-alfa"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert not user.is_superuser


def test_a_manager_edits_an_organisation_but_never_deletes_one(client, manager, organisation_a):
    url = reverse("admin:accounts_organisation_change", args=[organisation_a.pk])
    response = client.post(
        url, {"code": organisation_a.code, "name": "Alfa Afval NV", "audience": "EA"} | NO_CLIENTS
    )
    assert response.status_code == 302
    organisation_a.refresh_from_db()
    assert organisation_a.name == "Alfa Afval NV"
    delete = reverse("admin:accounts_organisation_delete", args=[organisation_a.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_waste_streams_are_never_deleted(client, manager):
    stream = WasteStream.objects.get(number=30)
    url = reverse("admin:submissions_wastestream_delete", args=[stream.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert WasteStream.objects.filter(pk=stream.pk).exists()


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_the_columns_ovam_asked_for(client, reviewer, make_record, organisation_a):
    make_record(organisation_a, municipality="Gent", streams=(3, 16), action="refused")
    content = client.get(LIST).content.decode()
    for text in (
        "Afvalinzameling Alfa NV",
        "Bakkerij De Korenaar",
        "0405.546.706",
        "Gent",
        '<abbr title="3° papier- en kartonafval">3° papier-karton</abbr>, '
        '<abbr title="16° pmd-afval">16° pmd</abbr>',
    ):
        assert text in content
    assert "Geweigerd" in content or "Refused" in content


@pytest.fixture
def records(make_record, organisation_a, organisation_b):
    """Five records that differ in one respect each; all but "late" reached the register in time."""

    def on_time(organisation, **fields):
        day = fields.get("observed_on", dt.date(2026, 11, 2))
        fields.setdefault("received_at", dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))
        return make_record(organisation, **fields)

    return {
        "plain": on_time(organisation_a, observed_on=dt.date(2026, 11, 2)),
        "other_collector": on_time(organisation_b, observed_on=dt.date(2026, 11, 3)),
        "glass_refused": on_time(
            organisation_a, observed_on=dt.date(2026, 10, 5), streams=(2,), action="refused"
        ),
        "elsewhere": on_time(
            organisation_a,
            observed_on=dt.date(2025, 6, 1),
            producer_name="Garage Vermeulen",
            producer_enterprise_number="0353456320",
            establishment_number="",
            street="Kerkstraat",
            house_number="1",
            postcode="9000",
            municipality="Gent",
            own_reference="GT-2025-77",
        ),
        "late": make_record(
            organisation_a,
            observed_on=dt.date(2026, 9, 1),
            received_at=dt.datetime(2026, 9, 20, 10, tzinfo=dt.UTC),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=korenaar", {"plain", "other_collector", "glass_refused", "late"}),
        ("q=GARAGE", {"elsewhere"}),
        ("q=gent", {"elsewhere"}),
        ("q=gt-2025", {"elsewhere"}),
        ("q=0353.456.320", {"elsewhere"}),
        ("q=0353456320", {"elsewhere"}),
        ("q=BE 0353 456 320", {"elsewhere"}),
        ("q=03534", {"elsewhere"}),
        ("q=2.147.812.701", {"plain", "other_collector", "glass_refused", "late"}),
        ("q=bakkerij korenaar", {"plain", "other_collector", "glass_refused", "late"}),
        ("q=bakkerij gent", set()),
        ("q=gent garage", {"elsewhere"}),  # words from different fields, in any order
        ("q=vermeulen gt-2025", {"elsewhere"}),
        ("q=vermeulengent", set()),  # a word never matches across two fields
    ],
)
def test_search(client, reviewer, records, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert listed(response) == {records[name].pk for name in expected}


@pytest.mark.parametrize("few", [1, 5_000])  # many matches: the usual query; few: their ids first
def test_a_search_of_several_words_keeps_the_filters(
    client, reviewer, records, organisation_b, monkeypatch, few
):
    monkeypatch.setattr("submissions.admin.non_conformity.FEW_MATCHES", few)
    response = client.get(f"{LIST}?q=bakkerij+korenaar&organisation__id__exact={organisation_b.pk}")
    assert listed(response) == {records["other_collector"].pk}
    response = client.get(f"{LIST}?q=bakkerij+korenaar&action__exact=refused")
    assert listed(response) == {records["glass_refused"].pk}


def test_filters(client, reviewer, records, organisation_b):
    glass = WasteStream.objects.get(number=2, valid_from__isnull=True)
    services.transition(records["plain"], workflow.Status.UNDER_REVIEW, user=reviewer, role=REVIEWER)
    cases = {
        "status__exact=under_review": {"plain"},
        "observed_on__gte=2026-10-01&observed_on__lt=2026-11-01": {"glass_refused"},
        f"organisation__id__exact={organisation_b.pk}": {"other_collector"},
        f"stream={glass.pk}": {"glass_refused"},
        "action__exact=refused": {"glass_refused"},
        "is_late__exact=1": {"late"},
        "producer_enterprise_number=0353456320": {"elsewhere"},
    }
    for query, expected in cases.items():
        response = client.get(f"{LIST}?{query}")
        assert listed(response) == {records[name].pk for name in expected}, query


def test_a_nonsense_filter_value_is_not_an_error(client, reviewer, records):
    response = client.get(f"{LIST}?stream=glas", follow=True)
    assert response.status_code == 200
    response = client.get(f"{LIST}?observed_on__gte=gisteren", follow=True)
    assert response.status_code == 200


def test_the_period_filter_offers_named_periods(client, reviewer, records):
    content = client.get(LIST).content.decode()
    assert "Vorige maand" in content or "Last month" in content


def _list_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{LIST}?all=")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    return len(queries)


def test_the_list_needs_as_many_queries_for_100_rows_as_for_2(client, reviewer, make_record, organisation_a):
    for _ in range(2):
        make_record(organisation_a, streams=(3, 16))
    two = _list_queries(client, 2)
    for _ in range(98):
        make_record(organisation_a, streams=(3, 16))
    hundred = _list_queries(client, 100)
    assert two == hundred


def test_large_lists_show_an_estimate_instead_of_counting(client, reviewer, records, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    cl = response.context["cl"]
    assert cl.paginator.is_estimate is True
    assert cl.result_count >= 3
    assert not any("COUNT(*)" in q["sql"] and "LIMIT" not in q["sql"] for q in queries)
    assert "ongeveer" in response.content.decode() or "about" in response.content.decode()


def test_a_filtered_estimate_asks_the_planner(client, reviewer, records, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 1)
    response = client.get(f"{LIST}?action__exact=registered")
    cl = response.context["cl"]
    assert cl.paginator.is_estimate is True
    assert cl.result_count >= 2


# --- Exports -------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_list_neutralised(client, reviewer, make_record, organisation_a):
    make_record(organisation_a, producer_name='=HYPERLINK("http://x")', action="refused")
    make_record(organisation_a, producer_name="Bakkerij Zon", action="registered")
    response = client.get(reverse("admin:submissions_nonconformity_csv") + "?action__exact=refused")
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert '\'=HYPERLINK("http://x")' in rows[1]
    assert "Afvalinzameling Alfa NV" in rows[1]


def test_the_xlsx_export_holds_the_searched_list(client, reviewer, records):
    response = client.get(reverse("admin:submissions_nonconformity_xlsx") + "?q=garage")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert "Garage Vermeulen" in values[1]


def test_a_submitter_cannot_export(client, submitter_a, records):
    response = client.get(reverse("admin:submissions_nonconformity_csv"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Photos and history --------------------------------------------------------------------------


def test_a_reviewer_sees_the_photos_through_the_checked_view(
    client, reviewer, make_record, organisation_a, media
):
    record = make_record(organisation_a)
    photo = Photo(non_conformity=record, content_type="image/jpeg")
    photo.image.save("a.jpg", ContentFile(image_bytes()), save=True)
    page = client.get(change_url(record)).content.decode()
    url = reverse("admin:submissions_nonconformity_photo", args=[record.pk, photo.pk])
    assert url in page
    assert "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    wrong_record = reverse("admin:submissions_nonconformity_photo", args=[record.pk + 1, photo.pk])
    assert client.get(wrong_record).status_code == 404


def test_a_reviewer_sees_the_notice_emails_but_changes_none(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    email = NoticeEmail.objects.create(
        non_conformity=record,
        address="klant@bakkerij.example",
        requested_by=record.submitted_by,
        language="nl",
        status=NoticeEmail.Status.FAILED,
        error="550 mailbox unavailable",
    )
    page = client.get(change_url(record)).content.decode()
    assert "klant@bakkerij.example" in page
    assert "Mislukt" in page
    assert "550 mailbox unavailable" in page
    assert 'name="notice_emails-0-address"' not in page  # shown, not a form field
    # A review saved on that page (as the browser sends it: the inline's ids too) changes no e-mail.
    response = post_review(
        client,
        record,
        internal_note="Klant gecontacteerd",
        **{"notice_emails-TOTAL_FORMS": 1, "notice_emails-INITIAL_FORMS": 1},
        **{"notice_emails-0-id": email.pk, "notice_emails-0-non_conformity": record.pk},
        **{"notice_emails-0-address": "ander@example.org"},
    )
    assert response.status_code == 302
    assert NonConformity.objects.get(pk=record.pk).internal_note == "Klant gecontacteerd"
    assert NoticeEmail.objects.get().address == "klant@bakkerij.example"


def test_the_history_shows_site_and_admin_changes(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    record = services.correct_non_conformity(
        record,
        user=record.submitted_by,
        role=SUBMITTER,
        data={"producer_name": "Bakkerij De Korenaar BV"},
        waste_streams=WasteStream.objects.filter(number=16, valid_from__isnull=True),
        expected_version=record.version,
    )
    services.transition(record, workflow.Status.UNDER_REVIEW, user=reviewer, role=REVIEWER)
    response = client.get(reverse("admin:submissions_nonconformity_history", args=[record.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Ingediend (Formulier)",
        "Verbeterd door de indiener",
        "Status gewijzigd naar",
        "In behandeling",
    ):
        assert text in content, text
    assert "Bakkerij De Korenaar BV" in content
    assert "Femke Janssens" in content


def test_history_cannot_be_reverted(client, reviewer, make_record, organisation_a):
    record = make_record(organisation_a)
    history_id = record.history.get().history_id
    url = reverse("admin:submissions_nonconformity_simple_history", args=[record.pk, history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "submitted"}).status_code == 403


def test_uploads_are_listed_read_only(client, reviewer):
    response = client.get(reverse("admin:submissions_upload_changelist"))
    assert response.status_code == 200
    assert client.get(reverse("admin:submissions_upload_add")).status_code == 403


def test_the_history_names_an_upload_as_the_source(client, reviewer, organisation_a, django_user_model):
    author = django_user_model.objects.create(username="uploader", vo_id="vo-uploader")
    record = services.create_non_conformity(
        organisation=organisation_a,
        user=author,
        data={
            "observed_on": dt.date(2026, 11, 2),
            "producer_name": "Bakkerij Upload",
            "producer_enterprise_number": "0405546706",
            "establishment_number": "2147812701",
            "description": "karton",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number=3, valid_from__isnull=True),
        source=NonConformity.Source.UPLOAD,
    )
    content = client.get(
        reverse("admin:submissions_nonconformity_history", args=[record.pk])
    ).content.decode()
    assert "Ingediend (Opladen)" in content


def _export_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:submissions_nonconformity_csv"))
        b"".join(response.streaming_content)
    return len(queries)


def test_the_export_needs_as_many_queries_for_20_rows_as_for_2(client, reviewer, make_record, organisation_a):
    for _ in range(2):
        make_record(organisation_a)
    two = _export_queries(client)
    for _ in range(18):
        make_record(organisation_a)
    assert _export_queries(client) == two


def test_an_export_with_a_nonsense_filter_goes_back_to_the_list(client, reviewer, records):
    response = client.get(reverse("admin:submissions_nonconformity_csv") + "?stream=glas")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
