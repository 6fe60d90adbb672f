import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db


def query_of(response):
    return parse_qs(urlsplit(response["Location"]).query)


def test_the_authorization_request_carries_pkce_state_nonce_and_scopes(client):
    response = client.get("/oidc/authenticate/")
    assert response["Location"].startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT + "?")
    query = query_of(response)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == [settings.OIDC_RP_SCOPES]
    assert query["state"]
    assert query["nonce"]
    assert "acr_values" not in query


@override_settings(ACMIDM_ACR_VALUES="urn:be:vlaanderen:authmech:eid")
def test_acr_values_are_passed_when_set(client):
    assert query_of(client.get("/oidc/authenticate/"))["acr_values"] == ["urn:be:vlaanderen:authmech:eid"]


def test_switching_organisation_logs_out_and_asks_for_another_identity(client, submitter_a):
    response = client.post("/wissel-organisatie/")
    assert response["Location"] == "/oidc/authenticate/?wissel=1"
    assert "_auth_user_id" not in client.session
    hint = query_of(client.get(response["Location"]))["login_hint"][0]
    assert json.loads(base64.b64decode(hint)) == {"switch_id": True}


def test_switching_asks_before_it_signs_out(client, submitter_a):
    page = client.get("/wissel-organisatie/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "U bent aangemeld voor Afvalinzameling Alfa NV." in html
    assert "Afmelden en wisselen" in html
    assert '<form method="post" action="/wissel-organisatie/">' in html
    assert client.session["_auth_user_id"]  # asking signed nobody out


def test_the_header_links_to_the_question_not_straight_to_the_switch(client, submitter_a):
    html = client.get("/register/").content.decode()
    assert '<a class="btn btn-sm btn-outline-primary" href="/wissel-organisatie/">' in html


def test_signing_out_says_so_on_the_landing_page(client, submitter_a):
    client.post("/oidc/logout/")
    assert "U bent afgemeld." in client.get("/").content.decode()


def test_nobody_signed_out_gets_no_message(client):
    client.post("/oidc/logout/")
    assert "U bent afgemeld." not in client.get("/").content.decode()


def test_logout_ends_the_session_and_goes_to_the_provider(client, submitter_a):
    response = client.post("/oidc/logout/")
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == settings.OIDC_OP_LOGOUT_ENDPOINT
    assert parse_qs(location.query) == {
        "client_id": [settings.OIDC_RP_CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/"],
    }
    assert client.get("/register/").status_code == 302


def test_the_admin_login_sends_people_to_acmidm(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/oidc/authenticate/?next=%2Fadmin%2F"


@override_settings(NCR_ALLOW_PASSWORD_LOGIN=False, AUTHENTICATION_BACKENDS=["accounts.oidc.ACMIDMBackend"])
def test_password_login_is_off_without_the_break_glass_setting(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="a-very-long-password-1")
    assert client.get("/admin/login/?wachtwoord=1")["Location"].startswith("/oidc/authenticate/")
    client.post("/admin/login/", {"username": "root", "password": "a-very-long-password-1"})
    assert "_auth_user_id" not in client.session


def test_break_glass_password_login_is_for_superusers_only(client, django_user_model):
    django_user_model.objects.create_user("staff", password="a-very-long-password-1", is_staff=True)
    client.post("/admin/login/", {"username": "staff", "password": "a-very-long-password-1"})
    assert "_auth_user_id" not in client.session
    django_user_model.objects.create_superuser("root", password="a-very-long-password-1")
    client.post("/admin/login/", {"username": "root", "password": "a-very-long-password-1"})
    assert client.get("/admin/").status_code == 200


def test_the_standin_is_not_installed_in_the_portal():
    assert not any(app.startswith(("accounts.standin", "oidc_provider")) for app in settings.INSTALLED_APPS)


def test_a_link_with_an_error_does_not_sign_anyone_out(client, submitter_a):
    response = client.get("/oidc/callback/?error=access_denied&state=not-ours")
    assert "Aanmelden geannuleerd" in response.content.decode()
    assert client.get("/register/").status_code == 200


def test_the_admin_logout_ends_the_acmidm_session_too(client, reviewer):
    response = client.post("/admin/logout/")
    assert response["Location"].startswith(settings.OIDC_OP_LOGOUT_ENDPOINT + "?client_id=")
    assert client.get("/admin/").status_code == 302


def test_an_organisation_code_cannot_be_changed_in_the_admin(client, manager, organisation_a):
    url = f"/admin/accounts/organisation/{organisation_a.pk}/change/"
    # (with the empty inline of API clients, as the browser sends it)
    inline = {"api_clients-TOTAL_FORMS": "0", "api_clients-INITIAL_FORMS": "0"}
    client.post(url, {"code": "0353456320", "name": "Nieuwe naam", "audience": "EA", **inline})
    organisation_a.refresh_from_db()
    assert organisation_a.code == "0405546706"
    assert organisation_a.name == "Nieuwe naam"


def test_people_signed_in_through_acmidm_have_no_password_pages(client, reviewer):
    assert "/admin/password_change/" not in client.get("/admin/").content.decode()
    assert client.get("/admin/password_change/").status_code == 403
    assert client.post("/admin/password_change/", {"new_password1": "x"}).status_code == 403
    assert client.get("/admin/password_change/done/").status_code == 403


def test_only_the_break_glass_superuser_changes_a_password_where_enabled(client, django_user_model, settings):
    django_user_model.objects.create_superuser("root", password="a-very-long-password-1")
    client.post("/admin/login/", {"username": "root", "password": "a-very-long-password-1"})
    assert "/admin/password_change/" in client.get("/admin/").content.decode()
    assert client.get("/admin/password_change/").status_code == 200
    settings.NCR_ALLOW_PASSWORD_LOGIN = False
    assert client.get("/admin/password_change/").status_code == 403
