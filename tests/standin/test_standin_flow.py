import json
import time

import pytest
import requests

from accounts.standin.personas import ORG_B, PERSONAS, PERSONAS_BY_KEY

from .flow import ROLE_CLAIM, callback_params, choose, form_field, login_hint, redeem, sign_in, start, verify


def test_discovery_has_acm_issuer_and_endpoints(standin):
    doc = requests.get(standin.discovery_url, timeout=10).json()
    issuer = f"http://127.0.0.1:{standin.port}/op"
    assert standin.issuer == issuer
    assert doc["issuer"] == issuer
    assert doc["authorization_endpoint"] == f"{issuer}/v1/auth"
    assert doc["token_endpoint"] == f"{issuer}/v1/token"
    assert doc["jwks_uri"] == f"{issuer}/v1/keys"
    assert doc["userinfo_endpoint"] == f"{issuer}/v1/userinfo"
    assert doc["end_session_endpoint"] == f"{issuer}/v1/logout"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]


def test_issuer_does_not_follow_host_header(standin):
    doc = requests.get(
        f"http://localhost:{standin.port}/op/.well-known/openid-configuration", timeout=10
    ).json()
    assert doc["issuer"] == standin.issuer


def test_jwks_has_rsa_signing_key(standin):
    keys = requests.get(f"{standin.issuer}/v1/keys", timeout=10).json()["keys"]
    assert keys
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["kid"] and k["n"] and k["e"] for k in keys)


@pytest.mark.parametrize("persona", [p.key for p in PERSONAS])
def test_code_flow_id_token_carries_persona_claims(standin, persona):
    tokens, flow = sign_in(standin, persona)
    claims = verify(standin, tokens["id_token"])
    assert claims["iss"] == standin.issuer
    assert claims["aud"] == standin.client_id
    assert claims["nonce"] == flow["nonce"]
    assert claims["exp"] > time.time() + 50 * 60  # ACM: one hour
    expected = PERSONAS_BY_KEY[persona].claims(ROLE_CLAIM)
    assert {k: claims.get(k) for k in expected} == expected
    assert isinstance(claims[ROLE_CLAIM], list)
    assert claims["sub"] != claims["vo_id"]


def test_same_person_for_two_organisations(standin):
    a = verify(standin, sign_in(standin, "indiener-ab")[0]["id_token"])
    b = verify(standin, sign_in(standin, "indiener-ab-b")[0]["id_token"])
    assert a["vo_id"] == b["vo_id"]
    assert a["sub"] == b["sub"]
    assert (a["vo_orgcode"], b["vo_orgcode"]) == ("0405546706", "0353456320")


def test_pkce_verifier_is_enforced(standin):
    session = requests.Session()
    login_page, flow = start(standin, session)
    code = callback_params(choose(standin, session, login_page), flow)
    response = redeem(standin, code, "wrong-verifier-" + "x" * 40)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_single_use(standin):
    session = requests.Session()
    login_page, flow = start(standin, session)
    code = callback_params(choose(standin, session, login_page), flow)
    assert redeem(standin, code, flow["verifier"]).status_code == 200
    assert redeem(standin, code, flow["verifier"]).status_code == 400


def test_unregistered_redirect_uri_is_refused(standin):
    response = requests.get(
        f"{standin.issuer}/v1/auth",
        params={
            "client_id": standin.client_id,
            "redirect_uri": "http://evil.example/cb",
            "response_type": "code",
            "scope": "openid",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert not response.is_redirect


def test_userinfo_with_access_token(standin):
    tokens, _ = sign_in(standin, "behandelaar")
    response = requests.get(
        f"{standin.issuer}/v1/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert response.status_code == 200
    persona = PERSONAS_BY_KEY["behandelaar"]
    info = response.json()
    assert info["sub"] == persona.sub
    assert info["vo_id"] == persona.vo_id
    assert info["family_name"] == persona.family_name
    assert info[ROLE_CLAIM] == persona.roles
    bad = requests.get(f"{standin.issuer}/v1/userinfo", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert bad.status_code == 401


def test_sso_then_logout_to_registered_uri_with_state(standin):
    session = requests.Session()
    sign_in(standin, "indiener-a", session=session)
    # Still signed in at the OP: the next authorize request returns a code without the login page.
    callback, flow = start(standin, session)
    assert isinstance(callback, str)
    callback_params(callback, flow)

    response = session.get(
        f"{standin.issuer}/v1/logout",
        params={
            "client_id": standin.client_id,
            "post_logout_redirect_uri": "http://127.0.0.1:8000/",
            "state": "s1",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.1:8000/?state=s1"
    login_page, _ = start(standin, session)
    assert login_page.url.startswith(f"{standin.base_url}/op/login")


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": "ncregister-dev", "post_logout_redirect_uri": "http://evil.example/"},
        {"client_id": "unknown-client", "post_logout_redirect_uri": "http://127.0.0.1:8000/"},
    ],
)
def test_logout_refuses_unregistered_redirect(standin, params):
    session = requests.Session()
    sign_in(standin, session=session)
    response = session.get(f"{standin.issuer}/v1/logout", params=params, allow_redirects=False)
    assert response.status_code == 400
    assert "Location" not in response.headers
    login_page, _ = start(standin, session)  # signed out all the same
    assert login_page.url.startswith(f"{standin.base_url}/op/login")


def test_switch_id_shows_personas_again(standin):
    session = requests.Session()
    first = verify(standin, sign_in(standin, "indiener-a", session=session)[0]["id_token"])
    login_page, flow = start(standin, session, login_hint=login_hint(switch_id=True))
    assert login_page.url.startswith(f"{standin.base_url}/op/login")
    code = callback_params(choose(standin, session, login_page, "indiener-b"), flow)
    second = verify(standin, redeem(standin, code, flow["verifier"]).json()["id_token"])
    assert (first["vo_orgcode"], second["vo_orgcode"]) == ("0405546706", ORG_B)


def test_code_hint_preselects_persona(standin):
    login_page, _ = start(standin, requests.Session(), login_hint=login_hint(cap_hint="EA", code_hint=ORG_B))
    assert 'value="indiener-b" aria-describedby="persona-indiener-b-info" checked' in login_page.text


def test_persona_query_parameter_preselects(standin):
    page = requests.get(f"{standin.base_url}/op/login", params={"persona": "beheerder"}, timeout=10)
    assert page.status_code == 200
    assert 'lang="nl"' in page.text
    assert "<script" not in page.text
    assert "<style" not in page.text
    assert "style=" not in page.text
    assert 'value="beheerder" aria-describedby="persona-beheerder-info" checked' in page.text
    assert page.text.count(" checked") == 1


def test_custom_claims(standin):
    claims = {
        "sub": "custom-sub",
        "vo_id": "custom-vo-id",
        "vo_orgcode": "0456765432",
        ROLE_CLAIM: "Bare-String:0456765432",
    }
    tokens, _ = sign_in(standin, "custom", claims_json=json.dumps(claims))
    id_claims = verify(standin, tokens["id_token"])
    assert {k: id_claims[k] for k in claims} == claims


@pytest.mark.parametrize("bad", ["{not json", "[]", '{"vo_id": "x"}', '{"sub": "x", "iss": "http://evil"}'])
def test_custom_claims_rejected(standin, bad):
    session = requests.Session()
    login_page, _ = start(standin, session)
    response = session.post(
        f"{standin.base_url}/op/login",
        data={
            "csrfmiddlewaretoken": form_field(login_page.text, "csrfmiddlewaretoken"),
            "next": form_field(login_page.text, "next"),
            "persona": "custom",
            "claims_json": bad,
        },
        allow_redirects=False,
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text


def test_login_requires_csrf_token(standin):
    session = requests.Session()
    start(standin, session)
    response = session.post(
        f"{standin.base_url}/op/login", data={"persona": "indiener-a"}, allow_redirects=False
    )
    assert response.status_code == 403


def test_own_cookie_names(standin):
    session = requests.Session()
    sign_in(standin, session=session)
    names = {c.name: c.path for c in session.cookies}
    assert names == {"standin_sessionid": "/op", "standin_csrftoken": "/op"}
