"""Private pages: no-store for signed-in answers, the photo exception, cookies and headers on every answer."""

import json

import pytest
from django.test import Client
from django.urls import get_resolver, path

from tests.accounts.test_authorization import admin_samples, admin_url, url_for, walk
from tests.helpers import PRD_ENV, clean_env, run_python

SECURITY_HEADERS = {
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
}


PHOTO_URL_NAMES = {
    "register_photo",
    "register_photo_thumbnail",
    "register_kept_photo",
    "admin:submissions_nonconformity_photo",
    "admin:submissions_nonconformity_photo_thumbnail",
}


def test_every_signed_in_page_says_no_store(clients, objects):
    """Every URL of the resolver, as a submitter and as an OVAM manager: whatever answers 200 is not kept."""
    patterns = list(walk(get_resolver().url_patterns))
    samples = admin_samples(objects)
    answered = []
    for persona in ("submitter_a", "manager"):
        for name, pattern in patterns:
            url = (
                admin_url(name, pattern, samples)
                if name.startswith("admin:")
                else url_for(name, pattern, objects)
            )
            response = clients[persona].get(url)
            if response.status_code != 200:
                continue
            answered.append(name)
            cache_control = response.get("Cache-Control", "")
            if name in PHOTO_URL_NAMES:
                assert cache_control == "private, no-cache", name
            else:
                assert "no-store" in cache_control, (name, persona, cache_control)
    # The walk reached the pages that matter (not a vacuous pass).
    assert {
        "register_home",
        "register_detail",
        "upload_index",
        "upload_errors",
        "register_export_csv",
        "register_photo_thumbnail",
    } <= set(answered)
    assert "admin:submissions_nonconformity_changelist" in answered


def test_anonymous_pages_may_be_cached(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


@pytest.mark.parametrize("name", ["register_photo", "register_photo_thumbnail", "register_kept_photo"])
def test_a_photo_is_private_no_cache_with_an_etag_and_a_second_look_costs_a_304(clients, objects, name):
    url = url_for(name, dict(walk(get_resolver().url_patterns))[name], objects)
    first = clients["submitter_a"].get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]
    again = clients["submitter_a"].get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    # The permission check comes first: another organisation with the right ETag still gets nothing.
    assert clients["submitter_b"].get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 302


def test_the_session_cookie_lives_as_long_as_the_absolute_limit(client, db, settings):
    assert settings.SESSION_COOKIE_AGE == settings.NCR_SESSION_MAX_MINUTES * 60 == 7200
    client.get("/oidc/authenticate/")  # starts a session (state, nonce)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 7200
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("env_name", ["ti", "prd"])
def test_ti_and_prd_cookies_have_the_host_prefix_and_are_secure(env_name):
    names = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    names.append("SESSION_COOKIE_AGE")
    result = run_python(
        "import json, django; from django.conf import settings;"
        "from ncregister.environment import select_settings; select_settings('dev'); django.setup();"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))",
        clean_env(**{**PRD_ENV, "NCR_ENV": env_name}),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_NAME"] == "__Host-ncr_sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-ncr_csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_AGE"] == 7200


def test_permissions_policy_denies_unused_features(client, db):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *get_resolver("ncregister.urls").url_patterns]


def assert_security_headers(response):
    missing = SECURITY_HEADERS - set(response.headers)
    assert missing == set(), (response.status_code, missing)
    assert response["X-Frame-Options"] == "DENY"


def test_a_bad_host_answer_carries_the_security_headers(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_security_headers(response)


def test_a_bad_host_refused_before_the_https_redirect_carries_them_too(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True  # SecurityMiddleware asks for the host itself, and fails there
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_security_headers(response)


def test_not_found_and_forbidden_carry_the_security_headers(db, submitter_a, client):
    assert_security_headers(client.get("/bestaat-niet/"))
    csrf_client = Client(enforce_csrf_checks=True)
    forbidden = csrf_client.post("/wissel-organisatie/")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden)


@pytest.mark.urls(__name__)
def test_a_server_error_carries_the_security_headers(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert_security_headers(response)
