"""Sign-in through ACM/IDM: the relying-party side of the authorization code flow.

mozilla-django-oidc does the flow (state, nonce, PKCE). What it does not do, we do here: check
`alg`, `iss`, `aud` and `exp` of the ID token, cache the provider's keys, take the claims only from
the verified ID token, key users on vo_id, and turn the role claim into the session's grant.
"""

import base64
import json
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import roles
from accounts.grants import Grant, save_grant
from accounts.models import Organisation
from ncregister.identifiers import normalise_enterprise_number

logger = logging.getLogger(__name__)

JWKS_CACHE_KEY = "acmidm:jwks"
NAME_CLAIMS = ("given_name", "family_name")
ALGORITHM = "RS256"  # ACM/IDM signs ID tokens with RS256; anything else is refused


class TokenRefused(SuspiciousOperation):
    pass


def _jwks(refresh=False):
    keys = None if refresh else cache.get(JWKS_CACHE_KEY)
    if keys is None:
        response = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        body = response.json()
        keys = body.get("keys") if isinstance(body, dict) else None
        if not isinstance(keys, list):
            raise TokenRefused("the provider's JWKS is not a key set")
        cache.set(JWKS_CACHE_KEY, keys, settings.ACMIDM_JWKS_CACHE_SECONDS)
    return keys


def _find_key(keys, kid):
    for key in keys:
        if not isinstance(key, dict):
            continue
        if key.get("kid") == kid and key.get("kty") == "RSA" and key.get("alg", ALGORITHM) == ALGORITHM:
            return key
    return None


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
        return jwt.PyJWK(key)

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
        # Several audiences are only acceptable when we are the authorized party.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise TokenRefused("ID token for several audiences without us as azp")
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
                if isinstance(extra, dict):
                    claims.update({k: v for k, v in extra.items() if k in NAME_CLAIMS and isinstance(v, str)})
            except (requests.RequestException, ValueError):
                logger.warning("userinfo unavailable; signing in without names")
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
    """Adds ACM's acr_values and login_hint: targeted login (?organisatie=KBO) and switching (?wissel=1)."""

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
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
                super().get(request)
            return render(request, "accounts/signin_failed.html", {"cancelled": True}, status=200)
        if "code" not in request.GET or not state:
            # Nothing to verify: stay as you are.
            return render(request, "accounts/signin_failed.html", status=403)
        if not known_state:
            # Back button, a restored tab or a replayed callback: the flow is gone, start a new one.
            return render(request, "accounts/signin_expired.html", status=200)
        try:
            return super().get(request)
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWKError,
            IntegrityError,
            ValueError,
        ) as exc:
            # A refused token, a provider answering nonsense, two first sign-ins racing: nobody signed in.
            logger.warning("sign-in refused: %s", exc)
            return self.login_failure()

    def login_success(self):
        # Always log in anew: rotates the session id, and a switch to another organisation starts clean.
        auth.login(self.request, self.user, backend="accounts.oidc.ACMIDMBackend")
        save_grant(self.request.session, self.user.ncr_grant)
        return redirect(self.success_url)

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        return render(self.request, "accounts/signin_failed.html", status=403)


def provider_logout_url(request):
    """ACM/IDM end-session URL; the library has already ended the local session's use of it."""
    query = urlencode(
        {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("landing")),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
