"""The security audit trail: one row and one JSON log line per event, append-only, for OVAM managers only."""

import datetime as dt
import json
import logging
import time

import pytest
import requests
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from audit.models import AppendOnly, AuditEvent
from audit.retention import purge_old_audit_events
from ncregister.client_address import client_address
from ncregister.logging import JsonFormatter
from submissions.models import Holiday, Photo, Upload
from tests.accounts.test_authorization import PNG_1PX
from tests.accounts.test_oidc_callback import start_sign_in

Kind = AuditEvent.Kind
pytestmark = pytest.mark.django_db


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def only(kind):
    found = events(kind)
    assert len(found) == 1, [(e.kind, e.reason, e.details) for e in AuditEvent.objects.all()]
    return found[0]


# --- sign-in, refused sign-in, sign-out, limits, switch: through the real callback where there is one ---


def test_a_sign_in_is_recorded_without_code_or_state(portal, caplog):
    session, callback = start_sign_in(portal)
    with caplog.at_level(logging.INFO, logger="ncregister.audit"):
        session.get(callback, allow_redirects=False, timeout=10)
    event = only(Kind.SIGN_IN)
    assert event.person.vo_id == "bc8cdfad-d78f-5766-a88c-963483bcd4aa"
    assert event.person_name == "An Peeters"
    assert event.organisation.code == "0405546706"
    assert event.details == {"roles": ["Indieners"]}
    assert event.client_address == "127.0.0.1"
    # The same event as a JSON log line, and nothing secret in either.
    line = json.loads(JsonFormatter().format(next(r for r in caplog.records if hasattr(r, "audit"))))
    assert line["audit"]["event"] == "sign_in"
    assert line["audit"]["organisation"] == "0405546706"
    code = callback.split("code=")[1].split("&")[0]
    stored = json.dumps([list(AuditEvent.objects.values())], default=str)
    assert code not in stored
    assert code not in json.dumps(line)


def test_a_refused_sign_in_is_recorded_with_its_reason(portal, standin):
    session, callback = start_sign_in(portal)
    requests.post(f"{standin.base_url}/op/test/next-token", json={"defect": "wrong_aud"}, timeout=5)
    session.get(callback, allow_redirects=False, timeout=10)
    event = only(Kind.SIGN_IN_REFUSED)
    assert event.reason == "token_refused"
    assert event.person is None
    assert not events(Kind.SIGN_IN)


def test_a_cancelled_sign_in_is_recorded(client):
    state = client.get("/oidc/authenticate/")["Location"].split("state=")[1].split("&")[0]
    client.get("/oidc/callback/", {"error": "access_denied", "state": state})
    assert only(Kind.SIGN_IN_REFUSED).reason == "cancelled"


def test_a_sign_out_is_recorded(client, submitter_a):
    client.post("/oidc/logout/")
    assert only(Kind.SIGN_OUT).person == submitter_a


def test_a_session_ended_by_a_limit_is_recorded_once(client, submitter_a, organisation_a, monkeypatch):
    real_time = time.time
    monkeypatch.setattr("accounts.middleware.time.time", lambda: real_time() + 31 * 60)
    client.get("/register/")
    event = only(Kind.SESSION_ENDED)
    assert (event.reason, event.person, event.organisation) == ("idle", submitter_a, organisation_a)
    assert not events(Kind.SIGN_OUT)


def test_an_organisation_switch_is_recorded(client, submitter_a, organisation_a):
    client.post("/wissel-organisatie/")
    event = only(Kind.ORGANISATION_SWITCH)
    assert (event.person, event.organisation) == (submitter_a, organisation_a)
    assert not events(Kind.SIGN_OUT)


# --- access denied ---


def test_a_refused_form_and_a_refused_admin_page_are_recorded(reviewer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer, backend="accounts.oidc.ACMIDMBackend")
    browser.post("/wissel-organisatie/")
    assert only(Kind.ACCESS_DENIED).reason == "csrf"


def test_a_reviewer_cannot_read_the_audit_trail_and_that_is_recorded(client, reviewer):
    assert client.get("/admin/audit/auditevent/").status_code == 403
    assert client.get("/admin/audit/auditevent/export.csv").status_code == 403
    assert [e.reason for e in events(Kind.ACCESS_DENIED)] == ["permission", "permission"]


def test_no_submitter_reads_the_audit_trail(client, submitter_a):
    for url in ("/admin/audit/auditevent/", "/admin/audit/auditevent/export.csv"):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "sign_in" not in response.content.decode()


# --- exports and downloads: who, which filters, how many ---


def test_a_register_export_records_its_filters_and_count(client, submitter_a, make_record, organisation_a):
    make_record(organisation_a, producer_name="Bakkerij Een")
    make_record(organisation_a, producer_name="Slagerij Twee")
    client.get("/register/export.csv", {"q": "Bakkerij"})
    client.get("/register/export.xlsx")
    csv_event, xlsx_event = events(Kind.EXPORT)
    assert (csv_event.count, csv_event.details) == (1, {"filters": {"q": "Bakkerij"}, "format": "csv"})
    assert (xlsx_event.count, xlsx_event.details["format"]) == (2, "xlsx")
    assert csv_event.person == submitter_a
    assert csv_event.organisation == organisation_a


def test_admin_exports_are_recorded(client, reviewer, make_record, organisation_a):
    make_record(organisation_a)
    client.get("/admin/submissions/nonconformity/export/csv/", {"status__exact": "submitted"})
    client.get("/admin/submissions/nonconformity/overzicht/export/")
    admin_export, overview = events(Kind.EXPORT)
    assert admin_export.count == 1
    assert admin_export.details["filters"] == {"status__exact": "submitted"}
    assert overview.details["of"] == "repeat-offender overview"


def test_an_error_report_download_is_recorded(client, submitter_a, organisation_a):
    upload = Upload.objects.create(
        organisation=organisation_a,
        uploaded_by=submitter_a,
        file_name="x.csv",
        sha256="0" * 64,
        error_count=3,
    )
    client.get(f"/register/uploads/{upload.pk}/fouten.csv")
    event = only(Kind.DOWNLOAD)
    assert (event.count, event.details) == (3, {"file": "error report", "upload": upload.pk})


def test_a_full_size_photo_is_recorded_not_a_thumbnail(
    client, submitter_a, make_record, organisation_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = Photo(non_conformity=make_record(organisation_a), content_type="image/png")
    photo.image.save("p.png", ContentFile(PNG_1PX), save=True)
    client.get(f"/register/foto/{photo.pk}/", HTTP_SEC_FETCH_DEST="image")  # shown on the detail page
    assert not events(Kind.DOWNLOAD)
    client.get(f"/register/foto/{photo.pk}/", HTTP_SEC_FETCH_DEST="document")  # opened on its own
    assert only(Kind.DOWNLOAD).details == {
        "file": "photo",
        "photo": photo.pk,
        "record": photo.non_conformity_id,
    }


# --- reference data ---


def test_a_reference_data_change_in_the_admin_is_recorded(client, manager):
    response = client.post("/admin/submissions/holiday/add/", {"date": "03/03/2031", "name": "Brugdag"})
    assert response.status_code == 302
    event = only(Kind.REFERENCE_DATA)
    assert (event.person, event.reason, event.details["model"]) == (manager, "added", "submissions.holiday")
    assert str(event.details["object_id"]) == str(Holiday.objects.get(date="2031-03-03").pk)


# --- the admin: managers only, filterable, CSV ---


def test_a_manager_filters_and_exports_the_trail(client, manager, django_user_model):
    submitter_a = django_user_model.objects.create(username="an", vo_id="vo-an", first_name="An")
    AuditEvent.objects.create(kind=Kind.SIGN_IN, person=submitter_a, person_name="An Peeters")
    AuditEvent.objects.create(kind=Kind.SIGN_OUT, person=submitter_a, person_name="An Peeters")
    page = client.get("/admin/audit/auditevent/", {"kind__exact": "sign_in"})
    assert page.status_code == 200
    assert "1 audit" in page.content.decode() or "1 auditgebeurtenis" in page.content.decode()
    assert client.get("/admin/audit/auditevent/", {"person__id__exact": submitter_a.pk}).status_code == 200
    export = client.get("/admin/audit/auditevent/export.csv", {"kind__exact": "sign_in"})
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2  # header + the one sign-in
    assert ";sign_in;An Peeters;" in lines[1]
    assert only(Kind.EXPORT).details["of"] == "audit trail"


# --- append-only and retention ---


def test_events_cannot_be_changed_or_deleted_through_the_model():
    event = AuditEvent.objects.create(kind=Kind.SIGN_IN)
    event.reason = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.update(reason="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().reason == ""


def test_the_retention_purge_removes_only_old_events(settings):
    settings.NCR_AUDIT_RETENTION_DAYS = 365
    AuditEvent.objects.create(kind=Kind.SIGN_IN, at=timezone.now() - dt.timedelta(days=400))
    recent = AuditEvent.objects.create(kind=Kind.SIGN_IN, at=timezone.now() - dt.timedelta(days=300))
    assert purge_old_audit_events() == 1
    assert list(AuditEvent.objects.all()) == [recent]


def test_the_database_refuses_to_purge_recent_events():
    with pytest.raises(Exception, match="at least 30 days"), connection.cursor() as cursor:
        cursor.execute("SELECT ncr_purge_audit_events(1)")


# --- the client address through our own proxies ---


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not our proxy: its header is ignored
        ("127.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.2", "1.2.3.4, 198.51.100.7, 127.0.0.3", "198.51.100.7"),  # the left part is the client's
        ("127.0.0.2", "nonsense", "127.0.0.2"),
    ],
)
def test_the_client_address_is_read_through_trusted_proxies_only(settings, remote, forwarded, expected):
    settings.NCR_TRUSTED_PROXIES = ["127.0.0.2/31"]  # a proxy on loopback
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
