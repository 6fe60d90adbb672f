"""Sign-in through ACM/IDM: the relying-party side of the authorization code flow.

mozilla-django-oidc does the flow (state, nonce, PKCE). What it does not do, we do here: check
`alg`, `iss`, `aud` and `exp` of the ID token, cache the provider's keys, take the claims only from
the verified ID token, key users on vo_id, and turn the role claim into the session's grant.
"""

import base64
import json
import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from accounts import roles
from accounts.grants import Grant, save_grant
from accounts.models import Organisation
from audit.events import Kind, record
from ncregister import ratelimit
from ncregister.identifiers import normalise_enterprise_number

logger = logging.getLogger(__name__)

JWKS_CACHE_KEY = "acmidm:jwks"
JWKS_BACKOFF_KEY = "acmidm:jwks:backoff"
NAME_CLAIMS = ("given_name", "family_name")
ALGORITHM = "RS256"  # ACM/IDM signs ID tokens with RS256; anything else is refused
# Set when the portal ended a session for a limit: the next sign-in must be a fresh authentication.
REAUTH_NEEDED = "ncr_reauth_needed"
REAUTH_REQUESTED_AT = "ncr_reauth_requested_at"
AUTH_TIME_LEEWAY = 30  # seconds of clock difference with the provider
# Set in the signed-out session by "Wissel van organisatie": the next sign-in names its organisation.
SWITCHING = "ncr_switching"


class TokenRefused(SuspiciousOperation):
    """The ID token or the provider's answer cannot be trusted; `reason` goes to the audit trail."""

    reason = "token_refused"


class ProviderUnavailable(TokenRefused):
    """The provider did not answer, or answered a key set we cannot use: nobody can be verified now."""

    reason = "provider_unavailable"


def _key_is_usable(key):
    """An RSA signing key for RS256 with a kid. Other keys (EC, encryption) are not ours to use; whether a
    usable key really parses is _checked_key_set's question."""
    return (
        key.get("kty") == "RSA"
        and key.get("use", "sig") == "sig"
        and key.get("alg", ALGORITHM) == ALGORITHM
        and isinstance(key.get("kid"), str)
    )


def _checked_key_set(body):
    """The RSA signing keys of a JWKS answer; ProviderUnavailable when any of them is malformed."""
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        raise ProviderUnavailable("the provider's JWKS is not a key set")
    usable = [key for key in keys if _key_is_usable(key)]
    for key in usable:
        try:
            jwt.PyJWK(key, algorithm=ALGORITHM)
        except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError, ValueError) as exc:
            raise ProviderUnavailable(f"the provider's key {key['kid'][:40]!r} is malformed") from exc
    if not usable:
        raise ProviderUnavailable("the provider's JWKS holds no RS256 signing key")
    return usable


def _jwks(refresh=False):
    """The provider's signing keys: cached only when well formed; after a failure, a short back-off
    (every web container shares it through the database cache) before the provider is asked again."""
    keys = None if refresh else cache.get(JWKS_CACHE_KEY)
    if keys is not None:
        return keys
    if cache.get(JWKS_BACKOFF_KEY):
        raise ProviderUnavailable("the provider's JWKS failed moments ago; not asking again yet")
    try:
        response = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = _checked_key_set(response.json())
    except (requests.RequestException, ValueError) as exc:
        cache.set(JWKS_BACKOFF_KEY, True, settings.ACMIDM_JWKS_BACKOFF_SECONDS)
        raise ProviderUnavailable(f"the provider's JWKS is unavailable: {type(exc).__name__}") from exc
    except ProviderUnavailable:
        cache.set(JWKS_BACKOFF_KEY, True, settings.ACMIDM_JWKS_BACKOFF_SECONDS)
        raise
    cache.set(JWKS_CACHE_KEY, keys, settings.ACMIDM_JWKS_CACHE_SECONDS)
    return keys


def _find_key(keys, kid):
    return next((key for key in keys if key.get("kid") == kid), None)


class ACMIDMBackend(OIDCAuthenticationBackend):
    def retrieve_matching_jwk(self, token):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenRefused("ID token header unreadable") from exc
        if header.get("alg") != ALGORITHM:
            raise TokenRefused(f"ID token algorithm {header.get('alg')!r} refused")
        kid = header.get("kid")
        key = _find_key(_jwks(), kid)
        if key is None:  # keys rotate: refetch once on an unknown kid
            key = _find_key(_jwks(refresh=True), kid)
        if key is None:
            raise TokenRefused("ID token signed with a key not in the provider's JWKS")
        return jwt.PyJWK(key, algorithm=ALGORITHM)

    def _verify_jws(self, token, key):
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.ACMIDM_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as exc:
            raise TokenRefused(f"ID token refused: {type(exc).__name__}") from exc
        # OIDC Core 3.1.3.7: an azp must name us, and several audiences need one.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if "azp" in claims and claims["azp"] != settings.OIDC_RP_CLIENT_ID:
            raise TokenRefused("ID token issued to another authorized party (azp)")
        if len(audiences) > 1 and "azp" not in claims:
            raise TokenRefused("ID token for several audiences without us as azp")
        return claims

    def verify_token(self, token, **kwargs):
        claims = super().verify_token(token, **kwargs)
        if settings.ACMIDM_REQUIRE_AUTH_TIME:
            check_auth_time(claims, reauth_requested_at(self.request.session))
        return claims

    def get_token(self, payload):
        info = super().get_token(payload)
        if not isinstance(info, dict):
            raise TokenRefused("the provider's token answer is not a JSON object")
        return info

    def get_userinfo(self, access_token, id_token, payload):
        # Organisation and rights come only from the verified ID token; userinfo may fill in names.
        claims = dict(payload)
        if not (claims.get("given_name") or claims.get("family_name")):
            try:
                extra = super().get_userinfo(access_token, id_token, payload)
            except (requests.RequestException, ValueError, SuspiciousOperation, jwt.PyJWTError):
                logger.warning("userinfo unavailable; signing in without names")
                return claims
            # OIDC Core 5.3.2: an answer about another subject must not be used.
            if not isinstance(extra, dict) or extra.get("sub") != payload.get("sub"):
                logger.warning("userinfo is about another subject; not used")
                return claims
            claims.update({k: v for k, v in extra.items() if k in NAME_CLAIMS and isinstance(v, str)})
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("vo_id") or claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(vo_id=person_key(claims))

    def create_user(self, claims):
        user = self.UserModel(vo_id=person_key(claims), username=f"acmidm:{person_key(claims)}")
        user.set_unusable_password()
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        grant, organisation = grant_from_claims(claims)
        # Rights stay in this session's grant (see accounts.permissions); the row only remembers
        # that this person works for OVAM, so the admin can offer them as a reviewer.
        if grant.is_staff:
            user.staff_signed_in_at = timezone.now()
        user.save()
        user.ncr_grant = grant
        return user


def reauth_requested_at(session):
    """When the portal last asked ACM/IDM for a fresh authentication (max_age=0), or None."""
    return session.get(REAUTH_REQUESTED_AT)


def check_auth_time(claims, fresh_since=None):
    """With ACMIDM_REQUIRE_AUTH_TIME: auth_time must be present, and after a request for fresh
    authentication it must be no older than that request (ACM/IDM does not document auth_time)."""
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        raise TokenRefused("ID token without auth_time")
    if fresh_since is not None and auth_time < fresh_since - AUTH_TIME_LEEWAY:
        raise TokenRefused("ID token from an earlier authentication than the fresh one asked for")


def person_key(claims):
    return str(claims.get("vo_id") or claims.get("sub"))[:128]


def grant_from_claims(claims):
    orgcode = roles.normalise_orgcode(claims.get("vo_orgcode"))
    orgname = str(claims.get("vo_orgnaam") or "")[:255]
    organisation = None
    if orgcode:
        organisation, _created = Organisation.objects.update_or_create(
            code=orgcode[:32],
            defaults={"name": orgname or orgcode, "audience": str(claims.get("vo_doelgroepcode") or "")[:8]},
        )
    raw = claims.get(settings.ACMIDM_ROLE_CLAIM)
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    grant = Grant(
        organisation_id=organisation.pk if organisation else None,
        roles=roles.granted_roles(raw, orgcode, roles.ROLE_MAP, settings.NCR_STAFF_ORGCODES),
        orgcode=orgcode,
        orgname=orgname,
        claim_values=tuple(str(v)[:200] for v in values[:20]),
    )
    return grant, organisation


def login_hint(data):
    return base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Adds ACM's acr_values and login_hint: targeted login (?organisatie=KBO) and switching (?wissel=1).
    Sign-in attempts are limited per client address (generously: an office shares one)."""

    def get(self, request):
        limit = settings.NCR_SIGN_INS_PER_ADDRESS_PER_MINUTE
        retry_after = ratelimit.over_address_limit(request, "sign_in", limit)
        if retry_after:
            record(request, Kind.RATE_LIMITED, reason="sign_in", retry_after=retry_after)
            return ratelimit.too_many_requests(
                request, _("Too many sign-in attempts from your network. Try again in a minute."), retry_after
            )
        return super().get(request)

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        if request.session.get(REAUTH_NEEDED):
            # The portal ended the last session for a limit: ACM/IDM must authenticate the person anew.
            params["max_age"] = "0"
            request.session[REAUTH_REQUESTED_AT] = int(time.time())
        if settings.ACMIDM_ACR_VALUES:
            params["acr_values"] = settings.ACMIDM_ACR_VALUES
        if request.GET.get("wissel"):
            params["login_hint"] = login_hint({"switch_id": True})
        elif request.GET.get("organisatie"):
            try:
                kbo = normalise_enterprise_number(request.GET["organisatie"])
            except ValidationError:
                kbo = None  # only a valid KBO number is passed on
            if kbo:
                params["login_hint"] = login_hint({"cap_hint": "EA", "code_hint": kbo})
        return params


class CallbackView(OIDCAuthenticationCallbackView):
    """The library's callback, with Dutch pages instead of bare 400s, and the grant stored at sign-in."""

    def get(self, request):
        state = request.GET.get("state")
        known_state = state in request.session.get("oidc_states", {})
        if request.GET.get("error"):
            if known_state:  # only a flow this browser started may end its session; not any link
                request.audit_logout_recorded = self.refusal_recorded = True
                super().get(request)
            record(request, Kind.SIGN_IN_REFUSED, reason="cancelled", error=request.GET["error"][:100])
            return render(request, "accounts/signin_failed.html", {"cancelled": True}, status=200)
        if "code" not in request.GET or not state:
            # Nothing to verify: stay as you are.
            record(request, Kind.SIGN_IN_REFUSED, reason="incomplete_callback")
            return render(request, "accounts/signin_failed.html", status=403)
        if not known_state:
            # Back button, a restored tab or a replayed callback: the flow is gone, start a new one.
            return render(request, "accounts/signin_expired.html", status=200)
        try:
            return super().get(request)
        except TokenRefused as exc:
            logger.warning("sign-in refused: %s", exc)
            return self.login_failure(exc.reason)
        except requests.RequestException as exc:
            # Refusing the code (4xx), or unreachable, failing or slow (timeouts are set): nobody signed in.
            logger.warning("sign-in refused, provider answer: %s", type(exc).__name__)
            status = exc.response.status_code if exc.response is not None else 503
            return self.login_failure("code_refused" if status < 500 else "provider_unavailable")
        except (SuspiciousOperation, jwt.PyJWTError, ValueError) as exc:
            logger.warning("sign-in refused: %s", exc)
            return self.login_failure("token_refused")
        except IntegrityError:
            # Two first sign-ins of one person racing: the other one won; this one may simply retry.
            logger.warning("sign-in refused: concurrent first sign-in")
            return self.login_failure("concurrent_sign_in")
        except Exception:
            # Whatever the provider sent, the callback answers with the Dutch page, never a 500.
            logger.exception("sign-in refused: unexpected error")
            return self.login_failure("error")

    def login_success(self):
        # Always log in anew: rotates the session id, and a switch to another organisation starts clean.
        auth.login(self.request, self.user, backend="accounts.oidc.ACMIDMBackend")
        self.request.session.pop(REAUTH_NEEDED, None)
        self.request.session.pop(REAUTH_REQUESTED_AT, None)
        grant = self.user.ncr_grant
        save_grant(self.request.session, grant)
        if self.request.session.pop(SWITCHING, False):
            message = _("You are now signed in for %(organisation)s.")
            messages.success(self.request, message % {"organisation": grant.orgname or grant.orgcode})
        organisation = Organisation.objects.filter(pk=grant.organisation_id).first()
        record(
            self.request, Kind.SIGN_IN, person=self.user, organisation=organisation, roles=sorted(grant.roles)
        )
        return redirect(self.success_url)

    refusal_recorded = False

    def login_failure(self, reason="claims_refused"):
        if not self.refusal_recorded:
            record(self.request, Kind.SIGN_IN_REFUSED, person=None, reason=reason)
        if self.request.user.is_authenticated:
            self.request.audit_logout_recorded = True
            auth.logout(self.request)
        unavailable = reason == "provider_unavailable"
        return render(
            self.request,
            "accounts/signin_failed.html",
            {"provider_unavailable": unavailable},
            status=503 if unavailable else 403,
        )


class SignOutView(OIDCLogoutView):
    """The library's logout (local, then ACM/IDM's end-session endpoint), telling the person it worked.

    The message travels in the messages cookie through ACM/IDM's logout back to the landing page."""

    def post(self, request):
        signed_in = request.user.is_authenticated
        response = super().post(request)
        if signed_in:
            messages.success(request, _("You are signed out."))
        return response


def provider_logout_url(request):
    """ACM/IDM end-session URL; the library has already ended the local session's use of it."""
    query = urlencode(
        {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("landing")),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
