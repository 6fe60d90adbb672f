"""The provider rotates its signing key: a token with the new `kid` is accepted after fetching the
JWKS again once; an unknown `kid` costs exactly one fetch and is refused. Real keys, a real HTTP server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.cache import cache

from accounts.oidc import JWKS_CACHE_KEY, ACMIDMBackend, TokenRefused

OLD = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NEW = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key, kid):
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256"}


class Provider:
    """Serves the key set it currently holds and counts how often it was asked."""

    def __init__(self):
        self.keys = []
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                body = json.dumps({"keys": provider.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/op/v1/keys"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider(db, settings):
    running = Provider()
    settings.OIDC_OP_JWKS_ENDPOINT = running.url
    cache.delete(JWKS_CACHE_KEY)
    yield running
    running.server.shutdown()
    cache.delete(JWKS_CACHE_KEY)


def token(key, kid):
    now = int(time.time())
    claims = {"iss": settings.ACMIDM_ISSUER, "aud": settings.OIDC_RP_CLIENT_ID, "sub": "s", "iat": now}
    return jwt.encode({**claims, "exp": now + 600}, key, algorithm="RS256", headers={"kid": kid})


def accept(signed):
    backend = ACMIDMBackend()
    return backend._verify_jws(signed, backend.retrieve_matching_jwk(signed))


def test_a_token_with_the_new_kid_is_accepted_after_one_refetch(provider):
    provider.keys = [jwk(OLD, "2026-old")]
    assert accept(token(OLD, "2026-old"))["sub"] == "s"
    assert provider.fetches == 1

    provider.keys = [jwk(NEW, "2026-new")]  # the provider rotates
    assert accept(token(NEW, "2026-new"))["sub"] == "s"
    assert provider.fetches == 2
    assert accept(token(NEW, "2026-new"))["sub"] == "s"
    assert provider.fetches == 2  # the new set is cached


def test_an_unknown_kid_costs_one_fetch_and_is_refused(provider):
    provider.keys = [jwk(OLD, "2026-old")]
    accept(token(OLD, "2026-old"))
    with pytest.raises(TokenRefused):
        accept(token(NEW, "someone-elses"))
    assert provider.fetches == 2


def test_a_token_with_a_known_kid_but_another_key_is_refused(provider):
    provider.keys = [jwk(OLD, "2026-old")]
    with pytest.raises(TokenRefused):
        accept(token(NEW, "2026-old"))
