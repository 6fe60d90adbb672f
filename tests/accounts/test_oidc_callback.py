"""The sign-in through the real callback, against the stand-in over HTTP (no patched requests)."""

import base64
import json
import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from accounts.models import Organisation
from accounts.standin.personas import PERSONAS_BY_KEY


def follow_until_callback(session, response, portal):
    """Follow redirects through the stand-in; stop at the portal's callback URL (not requested)."""
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(f"{portal}/oidc/callback/"):
            return location
        response = session.get(location, allow_redirects=False, timeout=10)
    return response


def choose_persona(session, response, persona):
    """Submit the stand-in's persona form; return the callback URL it sends the browser to."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    next_url = unescape(re.search(r'name="next" value="([^"]*)"', response.text).group(1))
    login_url = urljoin(response.url, urlsplit(response.url).path)
    posted = session.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "next": next_url, "persona": persona, "claims_json": ""},
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    return posted


def start_sign_in(portal, persona="indiener-a", session=None, query=""):
    """Run the flow up to the callback. Returns (session, callback_url)."""
    session = session or requests.Session()
    first = session.get(f"{portal}/oidc/authenticate/{query}", allow_redirects=False, timeout=10)
    page = follow_until_callback(session, first, portal)
    if isinstance(page, str):  # already signed in at the stand-in
        return session, page
    callback = follow_until_callback(session, choose_persona(session, page, persona), portal)
    assert isinstance(callback, str), "the stand-in did not send us back to the callback"
    return session, callback


def signed_in(session, portal):
    response = session.get(f"{portal}/register/", allow_redirects=False, timeout=10)
    return response.status_code == 200


def test_it_signs_a_submitter_in_with_pkce(portal):
    session = requests.Session()
    first = session.get(f"{portal}/oidc/authenticate/", allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(first.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"]
    assert query["nonce"]
    old_session_id = session.cookies.get("ncr_sessionid")

    session, callback = start_sign_in(portal, session=session)
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert session.cookies.get("ncr_sessionid") != old_session_id  # rotated at sign-in
    assert signed_in(session, portal)

    user = get_user_model().objects.get(vo_id=PERSONAS_BY_KEY["indiener-a"].vo_id)
    assert (user.first_name, user.last_name) == ("An", "Peeters")
    # Rights live in the session, never on the user row.
    assert (user.is_staff, user.staff_signed_in_at, user.groups.exists()) == (False, None, False)
    organisation = Organisation.objects.get(code="0405546706")
    assert organisation.name == "Afvalinzameling Alfa NV"
    assert organisation.audience == "EA"


@pytest.mark.parametrize(
    "defect",
    [
        "tampered_signature",
        "unknown_key",
        "alg_none",
        "hs256_public_key",
        "wrong_iss",
        "wrong_aud",
        "expired",
        "nonce_mismatch",
    ],
)
def test_it_refuses_a_forged_token(portal, standin, defect):
    session, callback = start_sign_in(portal)
    requests.post(
        f"{standin.base_url}/op/test/next-token", json={"defect": defect}, timeout=5
    ).raise_for_status()
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert "Aanmelden mislukt" in response.text
    assert not signed_in(session, portal)
    assert not get_user_model().objects.exists()


def test_a_replayed_state_shows_the_sign_in_again_page(portal):
    session, callback = start_sign_in(portal)
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 302
    replay = session.get(callback, allow_redirects=False, timeout=10)
    assert replay.status_code == 200
    assert "Opnieuw aanmelden" in replay.text
    assert 'href="/oidc/authenticate/"' in replay.text


def test_a_replayed_code_is_refused(portal):
    session, callback = start_sign_in(portal)
    used_code = parse_qs(urlsplit(callback).query)["code"][0]
    session.get(callback, allow_redirects=False, timeout=10)

    attacker = requests.Session()
    _, fresh_callback = start_sign_in(portal, session=attacker, persona="indiener-b")
    state = parse_qs(urlsplit(fresh_callback).query)["state"][0]
    response = attacker.get(
        f"{portal}/oidc/callback/",
        params={"code": used_code, "state": state},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 403
    assert not signed_in(attacker, portal)


def test_a_provider_error_signs_nobody_in(portal):
    session = requests.Session()
    first = session.get(f"{portal}/oidc/authenticate/", allow_redirects=False, timeout=10)
    state = parse_qs(urlsplit(first.headers["Location"]).query)["state"][0]
    response = session.get(
        f"{portal}/oidc/callback/", params={"error": "access_denied", "state": state}, timeout=10
    )
    assert "Aanmelden geannuleerd" in response.text
    assert not signed_in(session, portal)


def test_users_are_keyed_on_vo_id_and_names_refreshed(portal):
    for _ in range(2):
        session, callback = start_sign_in(portal, persona="indiener-ab")
        session.get(callback, timeout=10)
    session, callback = start_sign_in(portal, persona="indiener-ab-b")
    session.get(callback, timeout=10)
    assert get_user_model().objects.filter(first_name="Chris").count() == 1


def test_targeted_login_sends_a_login_hint(client, db):
    response = client.get("/oidc/authenticate/?organisatie=0405.546.706")
    hint = parse_qs(urlsplit(response["Location"]).query)["login_hint"][0]
    assert json.loads(base64.b64decode(hint)) == {"cap_hint": "EA", "code_hint": "0405546706"}


def test_targeted_login_ignores_an_invalid_enterprise_number(client, db):
    response = client.get("/oidc/authenticate/?organisatie=0405.546.707")
    assert "login_hint" not in parse_qs(urlsplit(response["Location"]).query)


def test_after_a_switch_the_portal_says_which_organisation_it_is_for(portal):
    session, callback = start_sign_in(portal, persona="indiener-ab")
    session.get(callback, timeout=10)
    question = session.get(f"{portal}/wissel-organisatie/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', question).group(1)
    switched = session.post(
        f"{portal}/wissel-organisatie/",
        data={"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert switched.headers["Location"] == "/oidc/authenticate/?wissel=1"
    session, callback = start_sign_in(portal, persona="indiener-ab-b", session=session, query="?wissel=1")
    register = session.get(callback, timeout=10)
    assert register.url == f"{portal}/register/"
    assert "U bent nu aangemeld voor Containerdienst Beta BV." in register.text
    assert "U bent nu aangemeld" not in session.get(f"{portal}/register/", timeout=10).text  # said once
