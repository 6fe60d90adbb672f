"""Fair use: uploads per organisation and per person, sign-in attempts and switches per client address."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from submissions.models import Upload
from submissions.workflow import UploadStatus
from tests.conftest import sign_in
from tests.submissions.upload_files import csv_bytes, valid_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, n):
    """A distinct small file each time (identical accepted files are refused as duplicates)."""
    content = csv_bytes([valid_row(n, naam_producent=f"Producent {n}")])
    return client.post(reverse("upload_index"), {"file": SimpleUploadedFile(f"lijst-{n}.csv", content)})


def stored_files(media):
    return sorted(path.name for path in media.rglob("*") if path.is_file()) if media.exists() else []


def test_the_n_plus_first_waiting_upload_of_an_organisation_gets_429_and_stores_nothing(
    client, submitter_a, media, settings
):
    settings.NCR_UPLOADS_WAITING_PER_ORGANISATION = 3
    for n in range(3):
        assert upload(client, n).status_code == 302
    files_before = stored_files(media)
    response = upload(client, 3)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Uw organisatie heeft al 3 uploads die wachten of verwerkt worden" in response.content.decode()
    assert Upload.objects.count() == 3
    assert stored_files(media) == files_before
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.RATE_LIMITED).reason == "uploads"


def test_one_organisations_backlog_leaves_another_free_to_upload(
    client, submitter_a, organisation_b, media, settings
):
    settings.NCR_UPLOADS_WAITING_PER_ORGANISATION = 2
    for n in range(2):
        upload(client, n)
    assert upload(client, 2).status_code == 429
    other = Client()
    sign_in(other, vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    assert upload(other, 10).status_code == 302


def test_a_finished_upload_frees_its_slot(client, submitter_a, media, settings):
    settings.NCR_UPLOADS_WAITING_PER_ORGANISATION = 1
    upload(client, 0)
    assert upload(client, 1).status_code == 429
    Upload.objects.update(status=UploadStatus.ACCEPTED)
    assert upload(client, 1).status_code == 302


def test_a_person_uploads_at_most_m_files_an_hour(client, submitter_a, media, settings):
    settings.NCR_UPLOADS_WAITING_PER_ORGANISATION = 100
    settings.NCR_UPLOADS_PER_PERSON_PER_HOUR = 2
    upload(client, 0)
    upload(client, 1)
    Upload.objects.update(status=UploadStatus.ACCEPTED)  # finished: the organisation limit is not the reason
    response = upload(client, 2)
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert "U hebt het afgelopen uur 2 bestanden opgeladen" in response.content.decode()
    assert Upload.objects.count() == 2


def test_sign_in_attempts_are_limited_per_client_address(client, settings):
    settings.NCR_SIGN_INS_PER_ADDRESS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/oidc/authenticate/").status_code == 302
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Te veel aanmeldpogingen" in response.content.decode()
    # Another office behind the same trusted proxy has its own count.
    settings.NCR_TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client.get("/oidc/authenticate/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RATE_LIMITED, reason="sign_in").count() == 1


def test_a_forged_forwarded_for_from_outside_does_not_escape_the_limit(client, settings):
    settings.NCR_SIGN_INS_PER_ADDRESS_PER_MINUTE = 1
    settings.NCR_TRUSTED_PROXIES = ["192.0.2.0/24"]  # not us: the header is the client's own
    assert client.get("/oidc/authenticate/", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    assert client.get("/oidc/authenticate/", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_organisation_switches_are_limited_per_client_address(organisation_a, settings):
    settings.NCR_SWITCHES_PER_ADDRESS_PER_MINUTE = 2
    answers = []
    for n in range(3):
        browser = Client()
        sign_in(browser, vo_id=f"vo-{n}", organisation=organisation_a, roles=["Indieners"])
        answers.append(browser.post("/wissel-organisatie/"))
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Te veel wissels van organisatie" in answers[2].content.decode()
    assert answers[2].wsgi_request.user.is_authenticated  # the refused switch signed nobody out
