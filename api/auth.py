"""Bearer tokens from ACM/IDM's client-credentials grant, checked by introspection (RFC 7662).

The portal asks ACM at <issuer>/v1/introspect, authenticated with its own client, whether a token is
active, until when, with which scopes and for which organisation (vo_orgcode, scope vo_info). Answers
are cached by the token's hash until its expiry, at most NCR_API_INTROSPECTION_CACHE_SECONDS; failures
are never cached. Which organisation may use the API, and with which client ids, is OVAM's data
(accounts.ApiClient), read on every call so that switching a client off acts at once.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from accounts.models import ApiClient
from api.problems import Problem
from ncregister import ratelimit
from ncregister.identifiers import normalise_orgcode

logger = logging.getLogger(__name__)

CACHE_PREFIX = "api:introspection:"
RETRY_AFTER = 30  # seconds a caller waits when ACM/IDM cannot be asked


@dataclass(frozen=True)
class Caller:
    """Who calls: the registered client and the organisation it acts for."""

    client: ApiClient

    @property
    def organisation(self):
        return self.client.organisation

    @property
    def user(self):
        return self.client.user


def _unavailable(reason):
    logger.warning("token introspection unavailable: %s", reason)
    return Problem(
        "introspectie-onbereikbaar",
        _("Access tokens cannot be checked right now. Try again in a moment."),
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def introspect(token):
    """ACM/IDM's answer about `token` (a dict), from the cache or asked now."""
    key = CACHE_PREFIX + hashlib.sha256(token.encode()).hexdigest()
    answer = cache.get(key)
    if answer is not None:
        return answer
    try:
        response = requests.post(
            f"{settings.ACMIDM_ISSUER}/v1/introspect",
            data={"token": token},
            auth=(settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET),
            timeout=settings.NCR_API_INTROSPECTION_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise _unavailable(type(exc).__name__) from exc
    if response.status_code != 200:
        raise _unavailable(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise _unavailable("not JSON") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("active", False), bool):
        raise _unavailable("not an introspection answer")
    lifetime = settings.NCR_API_INTROSPECTION_CACHE_SECONDS
    exp = answer.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        lifetime = min(lifetime, int(exp - time.time()))
    if lifetime > 0:
        cache.set(key, answer, lifetime)
    return answer


def caller_for(token):
    """The Caller `token` stands for; a Problem (401, 403, 503) otherwise."""
    answer = introspect(token)
    invalid = _("The access token is not valid (anymore). Ask ACM/IDM for a new one.")
    if answer.get("active") is not True:
        raise Problem("token-ongeldig", invalid)
    exp = answer.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or isinstance(exp, bool) or exp <= time.time()):
        raise Problem("token-ongeldig", invalid)
    scopes = str(answer.get("scope") or "").split()
    if settings.ACMIDM_API_SCOPE not in scopes:
        raise Problem(
            "scope-ontbreekt",
            _("The access token lacks the scope %(scope)s.") % {"scope": settings.ACMIDM_API_SCOPE},
        )
    orgcode = normalise_orgcode(answer.get("vo_orgcode"))
    if not orgcode:
        raise Problem(
            "geen-organisatie",
            _("The access token names no organisation. Ask for the scope vo_info as well."),
        )
    client_id = answer.get("client_id")
    client = (
        ApiClient.objects.select_related("organisation", "user")
        .filter(
            client_id=client_id if isinstance(client_id, str) else "",
            enabled=True,
            organisation__code=orgcode,
            organisation__api_enabled=True,
        )
        .first()
    )
    if client is None:
        raise Problem(
            "geen-api-toegang",
            _("This client has no API access for this organisation. OVAM switches it on."),
        )
    return Caller(client)


class IntrospectionAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; no header means anonymous (allowed on reference data only)."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 4096:
            raise Problem("token-ongeldig", _("Send the access token as: Authorization: Bearer <token>."))
        caller = caller_for(token)
        # The access helpers (submissions.access) read the organisation from the request, as for a session;
        # the audit (api.middleware) names the client.
        request._request.organisation = caller.organisation
        request._request.api_caller = caller
        retry_after = ratelimit.over_limit(
            "api", caller.client.client_id, settings.NCR_API_REQUESTS_PER_MINUTE, window_seconds=60
        )
        if retry_after:
            raise Problem(
                "te-veel-verzoeken",
                _("This client sent more than %(n)d requests this minute. Try again in %(s)d seconds.")
                % {"n": settings.NCR_API_REQUESTS_PER_MINUTE, "s": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
        return caller.user, caller

    def authenticate_header(self, request):
        return 'Bearer realm="ncregister"'


class IsApiClient(BasePermission):
    def has_permission(self, request, view):
        if not isinstance(request.auth, Caller):
            raise Problem("token-ontbreekt", _("Send an access token: Authorization: Bearer <token>."))
        return True
