"""The ID-token checks on tokens we sign here with a real RSA key (the stand-in tests cover the rest)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from accounts.oidc import ACMIDMBackend, TokenRefused

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(**claims):
    now = int(time.time())
    payload = {
        "iss": settings.ACMIDM_ISSUER,
        "aud": settings.OIDC_RP_CLIENT_ID,
        "sub": "s",
        "iat": now,
        "exp": now + 600,
        **claims,
    }
    return jwt.encode(payload, KEY, algorithm="RS256")


def verify(signed):
    return ACMIDMBackend()._verify_jws(signed, KEY.public_key())


def test_a_good_token_passes():
    assert verify(token())["sub"] == "s"


def test_several_audiences_need_us_as_authorized_party():
    with pytest.raises(TokenRefused):
        verify(token(aud=[settings.OIDC_RP_CLIENT_ID, "other-client"]))
    claims = verify(token(aud=[settings.OIDC_RP_CLIENT_ID, "other-client"], azp=settings.OIDC_RP_CLIENT_ID))
    assert claims["azp"] == settings.OIDC_RP_CLIENT_ID


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub"])
def test_a_token_missing_a_required_claim_is_refused(missing):
    now = int(time.time())
    payload = {
        "iss": settings.ACMIDM_ISSUER,
        "aud": settings.OIDC_RP_CLIENT_ID,
        "sub": "s",
        "iat": now,
        "exp": now + 600,
    }
    del payload[missing]
    with pytest.raises(TokenRefused):
        verify(jwt.encode(payload, KEY, algorithm="RS256"))
