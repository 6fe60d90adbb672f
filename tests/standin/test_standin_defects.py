"""Test mode: each defect affects exactly the next ID token, in exactly one way."""

import base64
import hashlib
import hmac
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization

from .flow import jwks_key, sign_in, verify


def arm(standin, defect):
    response = requests.post(f"{standin.base_url}/op/test/next-token", json={"defect": defect}, timeout=10)
    assert response.status_code == 200, response.text


def unverified(token):
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def real_key(standin):
    keys = requests.get(f"{standin.issuer}/v1/keys", timeout=10).json()["keys"]
    return jwks_key(standin, keys[0]["kid"]), keys[0]["kid"]


def defective_token(standin, defect):
    arm(standin, defect)
    tokens, flow = sign_in(standin)
    return tokens["id_token"], flow


def test_tampered_signature(standin):
    token, flow = defective_token(standin, "tampered_signature")
    header, payload = unverified(token)
    assert header["alg"] == "RS256"
    assert payload["iss"] == standin.issuer
    assert payload["nonce"] == flow["nonce"]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(standin, token)


def test_unknown_key(standin):
    token, _ = defective_token(standin, "unknown_key")
    header, payload = unverified(token)
    known = {k["kid"] for k in requests.get(f"{standin.issuer}/v1/keys", timeout=10).json()["keys"]}
    assert header["alg"] == "RS256"
    assert header["kid"] not in known
    assert payload["iss"] == standin.issuer
    assert payload["aud"] == standin.client_id
    key, _ = real_key(standin)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key, algorithms=["RS256"], audience=standin.client_id)


def test_alg_none(standin):
    token, _ = defective_token(standin, "alg_none")
    header, payload = unverified(token)
    assert header["alg"] == "none"
    assert token.endswith(".")
    assert token.count(".") == 2
    assert payload["iss"] == standin.issuer
    with pytest.raises(jwt.InvalidAlgorithmError):
        verify(standin, token)


def test_hs256_signed_with_public_key_pem(standin):
    token, _ = defective_token(standin, "hs256_public_key")
    header, payload = unverified(token)
    key, kid = real_key(standin)
    assert header["alg"] == "HS256"
    assert header["kid"] == kid
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input, signature = token.rsplit(".", 1)
    expected = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected
    assert payload["iss"] == standin.issuer
    with pytest.raises(jwt.InvalidAlgorithmError):
        verify(standin, token)


@pytest.mark.parametrize("defect", ["wrong_iss", "wrong_aud", "expired", "nonce_mismatch"])
def test_properly_signed_defects(standin, defect):
    token, flow = defective_token(standin, defect)
    key, kid = real_key(standin)
    assert jwt.get_unverified_header(token)["kid"] == kid
    claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    now = time.time()
    defective = {
        "wrong_iss": claims["iss"] != standin.issuer,
        "wrong_aud": claims["aud"] != standin.client_id,
        "expired": claims["exp"] < now and claims["iat"] < now - 3600,
        "nonce_mismatch": claims["nonce"] != flow["nonce"],
    }
    assert [name for name, bad in defective.items() if bad] == [defect]
    assert claims["vo_orgcode"] == "0405546706"


def test_defect_applies_to_next_token_only(standin):
    defective_token(standin, "wrong_aud")
    tokens, _ = sign_in(standin)
    verify(standin, tokens["id_token"])


def test_reset_disarms(standin):
    arm(standin, "alg_none")
    assert requests.post(f"{standin.base_url}/op/test/reset", timeout=10).status_code == 200
    tokens, _ = sign_in(standin)
    verify(standin, tokens["id_token"])


def test_unknown_defect_is_refused(standin):
    response = requests.post(f"{standin.base_url}/op/test/next-token", json={"defect": "nope"}, timeout=10)
    assert response.status_code == 400
    assert "alg_none" in response.json()["defects"]


@pytest.mark.parametrize("path", ["/op/test/next-token", "/op/test/reset"])
def test_test_endpoints_absent_without_test_mode(plain_standin, path):
    response = requests.post(f"{plain_standin.base_url}{path}", json={"defect": "alg_none"}, timeout=10)
    assert response.status_code == 404
