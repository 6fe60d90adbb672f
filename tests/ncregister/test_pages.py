import logging

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("env_name", "banner"),
    [("ti", "Test &amp; Integratie"), ("dev", "Ontwikkeling – lokale ACM/IDM")],
)
def test_it_shows_the_environment_banner(client, env_name, banner):
    with override_settings(NCR_ENV=env_name):
        response = client.get("/")
    assert banner in response.content.decode()


def test_prd_has_no_banner(client):
    with override_settings(NCR_ENV="prd"):
        response = client.get("/")
    assert 'class="env-banner' not in response.content.decode()


def test_pages_are_dutch_by_default_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Centraal non-conformiteitenregister" in html
    assert response["Content-Language"] == "nl-be"


def test_english_can_be_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Central non-conformity register" in html


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_not_found_page_is_dutch_in_the_site_layout(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert "Naar de startpagina" in html


def test_csrf_failure_page_is_dutch(client):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    assert "formulier is verlopen" in response.content.decode()


def test_each_request_logs_one_line_with_its_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="ncregister.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    lines = [r for r in caplog.records if r.name == "ncregister.request"]
    assert len(lines) == 1
    assert lines[0].status == 200
    assert lines[0].path == "/"


def test_a_hostile_request_id_is_replaced(client):
    response = client.get("/", HTTP_X_REQUEST_ID="<script>" * 20)
    assert response["X-Request-ID"] != "<script>" * 20
    assert len(response["X-Request-ID"]) == 32
