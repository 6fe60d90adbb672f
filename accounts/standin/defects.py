"""Test mode only: make the next issued ID token defective in one chosen way, then go back to normal."""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oidc_provider.lib.utils.token import encode_id_token, get_client_alg_keys

DEFECTS = (
    "tampered_signature",
    "unknown_key",
    "alg_none",
    "hs256_public_key",
    "wrong_iss",
    "wrong_aud",
    "expired",
    "nonce_mismatch",
    "azp_other",
)
# Provider-wide misbehaviour, until reset: a hostile or broken provider rather than one bad token.
MODES = (
    "jwks_missing_n",  # the right kid, but no modulus
    "jwks_n_not_a_string",  # the right kid, the modulus a JSON number
    "jwks_not_a_list",
    "userinfo_other_sub",  # no names in the ID token; userinfo names someone else
    "slow_token",  # the token endpoint answers after SLOW_SECONDS
    "token_garbage",  # the token endpoint answers 200 with an HTML page
    "introspect_garbage",  # introspection answers 200 with an HTML page
    "introspect_stale_exp",  # introspection says active, but with an exp in the past
)
SLOW_SECONDS = 8
WRONG_ISSUER = "https://authenticatie-ti.vlaanderen.be/op"  # a real issuer, but not ours
WRONG_AUDIENCE = "another-client"

_lock = threading.Lock()
_armed: str | None = None
_modes: set[str] = set()


def arm(name: str) -> None:
    global _armed
    with _lock:
        _armed = name


def take() -> str | None:
    """Return the armed defect and disarm it, so only one token is affected."""
    global _armed
    with _lock:
        name, _armed = _armed, None
    return name


def set_mode(name: str) -> None:
    with _lock:
        _modes.add(name)


def mode(name: str) -> bool:
    with _lock:
        return name in _modes


def reset() -> None:
    take()
    with _lock:
        _modes.clear()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(obj: dict) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def public_key_pem(client) -> bytes:
    """The signing key's public half as PEM (SubjectPublicKeyInfo), what a naive verifier would hold."""
    public_key = get_client_alg_keys(client)[0]["public_key"]
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def forge(id_token: str, defect: str, client) -> str:
    header = jwt.get_unverified_header(id_token)
    payload = jwt.decode(id_token, options={"verify_signature": False})

    if defect == "tampered_signature":
        head, body, sig = id_token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
        raw[0] ^= 0xFF
        raw[-1] ^= 0xFF
        return f"{head}.{body}.{_b64(bytes(raw))}"
    if defect == "unknown_key":
        stray_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(
            payload, stray_key, algorithm="RS256", headers={"kid": f"unknown-{uuid.uuid4().hex[:12]}"}
        )
    if defect == "alg_none":
        return f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{_b64json(payload)}."
    if defect == "hs256_public_key":
        # PyJWT refuses a PEM as HMAC secret (rightly), so sign by hand.
        signing_input = (
            f"{_b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': header.get('kid')})}.{_b64json(payload)}"
        )
        signature = hmac.new(public_key_pem(client), signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    now = int(time.time())
    if defect == "wrong_iss":
        payload["iss"] = WRONG_ISSUER
    elif defect == "wrong_aud":
        payload["aud"] = WRONG_AUDIENCE
    elif defect == "expired":
        payload.update(iat=now - 2 * 3600, auth_time=now - 2 * 3600, exp=now - 3600)
    elif defect == "nonce_mismatch":
        payload["nonce"] = f"not-{uuid.uuid4().hex}"
    elif defect == "azp_other":
        payload["azp"] = WRONG_AUDIENCE  # one audience, ours, but issued to another client
    else:
        raise ValueError(f"unknown defect {defect!r}")
    return encode_id_token(payload, client)  # the real key and kid, as the library signs


def hostile_jwks(keys: list) -> object:
    """The JWKS answer under the active mode (the real keys otherwise)."""
    if mode("jwks_missing_n"):
        return {"keys": [{k: v for k, v in key.items() if k != "n"} for key in keys]}
    if mode("jwks_n_not_a_string"):
        return {"keys": [{**key, "n": 65537} for key in keys]}
    if mode("jwks_not_a_list"):
        return {"keys": "garbage"}
    return {"keys": keys}
