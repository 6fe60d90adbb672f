"""A relying party in a few lines of requests, to drive the stand-in like the portal and a browser would."""

import base64
import hashlib
import html
import json
import os
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import requests

from accounts.standin.personas import DEFAULT_ROLE_CLAIM

ROLE_CLAIM = os.environ.get("ACMIDM_ROLE_CLAIM") or DEFAULT_ROLE_CLAIM
REDIRECT_URI = "http://127.0.0.1:8000/oidc/callback/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def login_hint(**hint) -> str:
    return base64.b64encode(json.dumps(hint).encode()).decode()


def follow(standin, session, response):
    """Follow redirects while they stay on the stand-in; stop at the relying party's callback."""
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if not location.startswith(standin.base_url):
            return location
        response = session.get(location, allow_redirects=False)
    return response


def form_field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no field {name} in page"
    return html.unescape(match.group(1))


def start(standin, session, **extra):
    """GET the authorize endpoint; returns (response or callback URL, flow params)."""
    verifier = secrets.token_urlsafe(48)
    flow = {
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "verifier": verifier,
    }
    params = {
        "client_id": standin.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile vo dv_ovam_ncr",
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
        **extra,
    }
    response = session.get(f"{standin.issuer}/v1/auth", params=params, allow_redirects=False)
    return follow(standin, session, response), flow


def choose(standin, session, login_page, persona="indiener-a", claims_json=None):
    """Submit the persona form; returns the callback URL."""
    assert urlsplit(login_page.url).path == "/op/login", login_page.url
    data = {
        "csrfmiddlewaretoken": form_field(login_page.text, "csrfmiddlewaretoken"),
        "next": form_field(login_page.text, "next"),
        "persona": persona,
        "claims_json": claims_json or "",
    }
    response = session.post(f"{standin.base_url}/op/login", data=data, allow_redirects=False)
    assert response.status_code == 302, response.text
    return follow(standin, session, response)


def callback_params(callback_url: str, flow: dict) -> str:
    assert callback_url.startswith(REDIRECT_URI), callback_url
    query = parse_qs(urlsplit(callback_url).query)
    assert query["state"] == [flow["state"]]
    return query["code"][0]


def redeem(standin, code, verifier):
    return requests.post(
        f"{standin.issuer}/v1/token",
        auth=(standin.client_id, standin.client_secret),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        timeout=10,
    )


def sign_in(standin, persona="indiener-a", claims_json=None, session=None):
    """Complete flow; returns (token response JSON, flow params)."""
    session = session or requests.Session()
    login_page, flow = start(standin, session)
    code = callback_params(choose(standin, session, login_page, persona, claims_json), flow)
    response = redeem(standin, code, flow["verifier"])
    assert response.status_code == 200, response.text
    return response.json(), flow


def jwks_key(standin, kid=None):
    """The JWKS key with this kid, or the first key when the token names none."""
    keys = requests.get(f"{standin.issuer}/v1/keys", timeout=10).json()["keys"]
    matching = [k for k in keys if kid is None or k["kid"] == kid]
    assert matching, f"kid {kid} not in JWKS"
    return jwt.PyJWK(matching[0]).key


def verify(standin, id_token):
    key = jwks_key(standin, jwt.get_unverified_header(id_token).get("kid"))
    return jwt.decode(id_token, key, algorithms=["RS256"], audience=standin.client_id, issuer=standin.issuer)
