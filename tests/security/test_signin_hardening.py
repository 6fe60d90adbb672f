"""The sign-in against a hostile provider (the stand-in misbehaving), through the real callback."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.cache import cache
from jwt.utils import to_base64url_uint

from accounts.oidc import (
    JWKS_BACKOFF_KEY,
    JWKS_CACHE_KEY,
    ProviderUnavailable,
    TokenRefused,
    _checked_key_set,
    check_auth_time,
)
from accounts.standin.personas import PERSONAS_BY_KEY
from tests.accounts.test_oidc_callback import signed_in, start_sign_in

PUBLIC = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_numbers()
GOOD_KEY = {
    "kty": "RSA",
    "alg": "RS256",
    "use": "sig",
    "kid": "k1",
    "n": to_base64url_uint(PUBLIC.n).decode(),
    "e": to_base64url_uint(PUBLIC.e).decode(),
}


def misbehave(standin, mode):
    url = f"{standin.base_url}/op/test/next-token"
    requests.post(url, json={"defect": mode}, timeout=5).raise_for_status()


def behave(standin):
    requests.post(f"{standin.base_url}/op/test/reset", timeout=5).raise_for_status()


@pytest.fixture
def keys_not_cached(db):
    cache.delete_many([JWKS_CACHE_KEY, JWKS_BACKOFF_KEY])
    yield
    cache.delete_many([JWKS_CACHE_KEY, JWKS_BACKOFF_KEY])


# --- the key set, as a pure check ---


def test_a_well_formed_key_set_passes():
    assert _checked_key_set({"keys": [GOOD_KEY, {"kty": "EC", "kid": "other"}]}) == [GOOD_KEY]


@pytest.mark.parametrize(
    "body",
    [
        {"keys": [{k: v for k, v in GOOD_KEY.items() if k != "n"}]},  # no modulus
        {"keys": [{**GOOD_KEY, "n": 65537}]},  # modulus of the wrong JSON type
        {"keys": [{**GOOD_KEY, "e": "!!"}]},  # not base64url
        {"keys": [GOOD_KEY, {**GOOD_KEY, "kid": "k2", "n": "AQAB"}]},  # a good key does not excuse a bad one
        {"keys": "garbage"},
        {"keys": [GOOD_KEY, "garbage"]},
        {"keys": []},
        {"keys": [{**GOOD_KEY, "alg": "RS512"}]},  # nothing we may use
        {"keys": [{**GOOD_KEY, "use": "enc"}]},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_key_set_counts_as_an_unavailable_provider(body):
    with pytest.raises(ProviderUnavailable):
        _checked_key_set(body)


# --- auth_time, only when the setting asks for it ---


def test_auth_time_must_be_present_and_fresh_when_required():
    now = int(time.time())
    check_auth_time({"auth_time": now}, fresh_since=now)
    check_auth_time({"auth_time": now - 3600})  # no fresh authentication was asked for
    with pytest.raises(TokenRefused):
        check_auth_time({})
    with pytest.raises(TokenRefused):
        check_auth_time({"auth_time": "yesterday"})
    with pytest.raises(TokenRefused):
        check_auth_time({"auth_time": now - 600}, fresh_since=now)


# --- through the real callback ---


@pytest.mark.parametrize("mode", ["jwks_missing_n", "jwks_n_not_a_string", "jwks_not_a_list"])
def test_a_malformed_jwks_refuses_the_sign_in_without_caching_it(portal, standin, keys_not_cached, mode):
    misbehave(standin, mode)
    session, callback = start_sign_in(portal)
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 503
    assert "Aanmelden mislukt" in response.text
    assert "niet bereikbaar" in response.text
    assert not signed_in(session, portal)
    assert cache.get(JWKS_CACHE_KEY) is None  # the bad answer is not kept


def test_after_a_malformed_jwks_a_later_sign_in_fetches_again_after_a_short_back_off(
    portal, standin, keys_not_cached, settings
):
    # Long enough that a loaded machine cannot outrun it; its end is then simulated, not waited for.
    settings.ACMIDM_JWKS_BACKOFF_SECONDS = 60
    misbehave(standin, "jwks_missing_n")
    session, callback = start_sign_in(portal)
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 503
    behave(standin)  # the provider repairs its key set

    session, callback = start_sign_in(portal, session=requests.Session())
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 503  # still backing off

    assert cache.get(JWKS_BACKOFF_KEY)
    cache.delete(JWKS_BACKOFF_KEY)  # the back-off has run out
    session, callback = start_sign_in(portal, session=requests.Session())
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 302
    assert signed_in(session, portal)
    assert cache.get(JWKS_CACHE_KEY)


def test_an_id_token_issued_to_another_authorized_party_is_refused(portal, standin):
    session, callback = start_sign_in(portal)
    misbehave(standin, "azp_other")
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert not signed_in(session, portal)
    assert not get_user_model().objects.exists()


def test_userinfo_about_another_subject_is_not_used(portal, standin):
    misbehave(standin, "userinfo_other_sub")
    session, callback = start_sign_in(portal)
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 302
    user = get_user_model().objects.get(vo_id=PERSONAS_BY_KEY["indiener-a"].vo_id)
    assert (user.first_name, user.last_name) == ("", "")  # not "Mallory Other"


def test_a_slow_provider_does_not_hang_the_callback(portal, standin, settings):
    settings.OIDC_TIMEOUT = 1
    session, callback = start_sign_in(portal)
    misbehave(standin, "slow_token")
    started = time.monotonic()
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert time.monotonic() - started < 8  # the stand-in answers after 8 s: the portal gave up first
    assert response.status_code == 503
    assert "Aanmelden mislukt" in response.text
    assert not signed_in(session, portal)


def test_a_provider_answering_garbage_refuses_the_sign_in_cleanly(portal, standin):
    session, callback = start_sign_in(portal)
    misbehave(standin, "token_garbage")
    response = session.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 503
    assert "Aanmelden mislukt" in response.text
    assert not signed_in(session, portal)


# --- re-authentication after the limits ---


def test_an_idle_session_ends_at_acmidm_too_and_the_next_sign_in_is_fresh(portal, standin, clock):
    session, callback = start_sign_in(portal)
    session.get(callback, allow_redirects=False, timeout=10)
    assert signed_in(session, portal)

    clock.minutes = 31
    response = session.get(f"{portal}/register/", allow_redirects=False, timeout=10)
    logout = urlsplit(response.headers["Location"])
    assert f"{logout.scheme}://{logout.netloc}{logout.path}" == f"{standin.issuer}/v1/logout"
    assert parse_qs(logout.query)["post_logout_redirect_uri"] == [f"{portal}/"]
    # The browser passes through ACM/IDM's logout and lands on the "session ended" page.
    ended = session.get(response.headers["Location"], timeout=10)
    assert ended.url == f"{portal}/sessie-verlopen/"
    assert "Uw sessie is verlopen" in ended.text
    clock.minutes = 0

    start = session.get(f"{portal}/oidc/authenticate/?next=/register/", allow_redirects=False, timeout=10)
    assert parse_qs(urlsplit(start.headers["Location"]).query)["max_age"] == ["0"]
    # ACM/IDM's session is gone: the stand-in asks who you are instead of signing you in silently.
    at_provider = session.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert "/op/login" in at_provider.headers["Location"]


def test_max_age_0_makes_the_provider_ask_again_even_while_its_session_lives(portal, standin):
    session, callback = start_sign_in(portal)
    session.get(callback, allow_redirects=False, timeout=10)
    own = session.get(f"{portal}/oidc/authenticate/", allow_redirects=False, timeout=10).headers["Location"]
    silent = session.get(own, allow_redirects=False, timeout=10)
    assert silent.headers["Location"].startswith(f"{portal}/oidc/callback/")  # the provider's SSO
    fresh = session.get(f"{own}&max_age=0", allow_redirects=False, timeout=10)
    assert "/op/login" in fresh.headers["Location"]


def test_auth_time_is_checked_when_required(portal, standin, settings):
    settings.ACMIDM_REQUIRE_AUTH_TIME = True
    session, callback = start_sign_in(portal)
    # The stand-in sends auth_time.
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 302
    assert signed_in(session, portal)
