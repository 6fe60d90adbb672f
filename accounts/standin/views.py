"""ACM-shaped wrappers around django-oidc-provider's views, plus the persona login page."""

import base64
import binascii
import hashlib
import json
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from oidc_provider import views as oidc_views
from oidc_provider.lib.utils.common import redirect as raw_redirect
from oidc_provider.lib.utils.oauth2 import extract_client_auth
from oidc_provider.lib.utils.token import client_id_from_id_token
from oidc_provider.models import Client, Token

from . import defects
from .claims import RESERVED_CLAIMS
from .models import Identity
from .personas import API_CLIENTS_BY_ID, PERSONAS, PERSONAS_BY_KEY

FRESH_LOGIN = "standin_fresh_login"


def decode_login_hint(value: str) -> dict:
    """ACM's login_hint is base64 JSON; accept either alphabet and missing padding."""
    if not value:
        return {}
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4))
        hint = json.loads(raw)
    except (binascii.Error, ValueError):
        return {}
    return hint if isinstance(hint, dict) else {}


class AuthorizeEndpoint(oidc_views.AuthorizeView.authorize_endpoint_class):
    def is_authentication_age_is_greater_than_max_age(self):
        # Someone who has just chosen on the login page is fresh; max_age=0 means "ask again" even
        # within the same second (the library compares whole seconds).
        if self.request.standin_fresh:
            return False
        if self.params["max_age"] == "0":
            return self.request.user.is_authenticated
        return super().is_authentication_age_is_greater_than_max_age()


class AuthorizeView(oidc_views.AuthorizeView):
    """max_age (0: authenticate again) is honoured by the library, with the fresh-login exception."""

    authorize_endpoint_class = AuthorizeEndpoint

    def get(self, request, *args, **kwargs):
        fresh = request.session.pop(FRESH_LOGIN, False)
        request.standin_fresh = fresh
        hint = decode_login_hint(request.GET.get("login_hint", ""))
        # switch_id: forget the current OP-side user and ask again, unless they have just chosen.
        if hint.get("switch_id") is True and not fresh:
            auth_logout(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return super().get(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(oidc_views.TokenView):
    def post(self, request, *args, **kwargs):
        if settings.TEST_MODE and defects.mode("slow_token"):
            time.sleep(defects.SLOW_SECONDS)
        if settings.TEST_MODE and defects.mode("token_garbage"):
            return HttpResponse("<html><body>Onderhoud</body></html>", content_type="text/html")
        response = super().post(request, *args, **kwargs)
        if not settings.TEST_MODE or response.status_code != 200:
            return response
        data = json.loads(response.content)
        if "id_token" in data and (defect := defects.take()):
            client = Client.objects.get(client_id=client_id_from_id_token(data["id_token"]))
            data["id_token"] = defects.forge(data["id_token"], defect, client)
            response = self.token_endpoint_class.response(data)
        return response


@csrf_exempt
@require_POST
def introspect(request):
    """RFC 7662 as ACM answers it: the caller authenticates with its own client; an access token of the
    client-credentials grant with scope vo_info also names the organisation its client acts for."""
    client_id, client_secret = extract_client_auth(request)
    if not client_id or not Client.objects.filter(client_id=client_id, client_secret=client_secret).exists():
        return JsonResponse({"error": "invalid_client"}, status=401)
    if settings.TEST_MODE and defects.mode("introspect_garbage"):
        return HttpResponse("<html><body>Onderhoud</body></html>", content_type="text/html")
    token = Token.objects.select_related("client").filter(access_token=request.POST.get("token", "")).first()
    if token is None or token.has_expired():
        return JsonResponse({"active": False})
    answer = {
        "active": True,
        "client_id": token.client.client_id,
        "scope": " ".join(token.scope),
        "exp": int(token.expires_at.timestamp()),
        "iat": int(token.expires_at.timestamp()) - settings.OIDC_TOKEN_EXPIRE,
        "iss": settings.ISSUER,
    }
    api = API_CLIENTS_BY_ID.get(token.client.client_id)
    if api and "vo_info" in token.scope and api.vo_orgcode:
        answer.update(vo_orgcode=api.vo_orgcode, vo_orgnaam=api.vo_orgnaam, vo_applicatienaam=api.label)
    if settings.TEST_MODE and defects.mode("introspect_stale_exp"):
        answer["exp"] = int(time.time()) - 60
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


class JwksView(oidc_views.JwksView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if settings.TEST_MODE:
            response.content = json.dumps(defects.hostile_jwks(json.loads(response.content)["keys"]))
        return response


@csrf_exempt
def userinfo(request, *args, **kwargs):
    response = oidc_views.userinfo(request, *args, **kwargs)
    if settings.TEST_MODE and defects.mode("userinfo_other_sub") and response.status_code == 200:
        claims = json.loads(response.content)
        claims.update(sub="someone-else", given_name="Mallory", family_name="Other")
        response.content = json.dumps(claims)
    return response


class ProviderInfoView(oidc_views.ProviderInfoView):
    def _build_response_dict(self, request):
        dic = super()._build_response_dict(request)
        dic["id_token_signing_alg_values_supported"] = ["RS256"]
        dic["code_challenge_methods_supported"] = ["S256"]
        dic["response_types_supported"] = ["code"]
        return dic


@csrf_exempt
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """ACM's end session: client_id + post_logout_redirect_uri (+ state); no id_token_hint needed."""
    params = request.POST if request.method == "POST" else request.GET
    client_id = params.get("client_id", "")
    target = params.get("post_logout_redirect_uri", "")
    state = params.get("state", "")
    auth_logout(request)
    if not target:
        return _message(request, "Afgemeld", "U bent afgemeld bij de ACM/IDM stand-in.")
    client = Client.objects.filter(client_id=client_id).first() if client_id else None
    if client is None or target not in client.post_logout_redirect_uris:
        return _message(
            request,
            "Afgemeld",
            "U bent afgemeld, maar het terugkeeradres is niet geregistreerd voor deze toepassing. "
            "U wordt daarom niet teruggestuurd.",
            status=400,
        )
    if state:
        parts = urlsplit(target)
        target = urlunsplit(parts._replace(query=urlencode(parse_qsl(parts.query) + [("state", state)])))
    return raw_redirect(target)


def _message(request, title, text, status=200):
    return render(request, "standin/message.html", {"title": title, "text": text}, status=status)


def _parse_claims(text: str) -> tuple[dict | None, str | None]:
    try:
        claims = json.loads(text)
    except ValueError as exc:
        return None, f"De claims zijn geen geldige JSON: {exc}."
    if not isinstance(claims, dict):
        return None, "De claims moeten een JSON-object zijn."
    if not isinstance(claims.get("sub"), str) or not claims["sub"].strip():
        return None, "De claim sub is verplicht (een niet-lege tekst)."
    if reserved := sorted(RESERVED_CLAIMS & claims.keys()):
        return None, f"Deze claims zet de stand-in zelf: {', '.join(reserved)}."
    return claims, None


def _user_for(claims: dict):
    """One user per distinct claim set, so concurrent sign-ins with different claims never mix."""
    digest = hashlib.sha256(json.dumps(claims, sort_keys=True).encode("utf-8")).hexdigest()[:40]
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(
            username=f"standin-{digest}",
            defaults={
                "first_name": str(claims.get("given_name", ""))[:150],
                "last_name": str(claims.get("family_name", ""))[:150],
            },
        )
        if created:
            Identity.objects.create(user=user, claims=claims)
    return user


def _preselect(request, next_url: str) -> str:
    key = request.GET.get("persona", "")
    if key in PERSONAS_BY_KEY:
        return key
    code_hint = decode_login_hint(dict(parse_qsl(urlsplit(next_url).query)).get("login_hint", "")).get(
        "code_hint"
    )
    if code_hint:
        for persona in PERSONAS:
            if persona.vo_orgcode == str(code_hint).strip():
                return persona.key
    return ""


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    error = None
    if request.method == "POST":
        selected = request.POST.get("persona", "")
        claims_json = request.POST.get("claims_json", "")
        if selected == "custom":
            claims, error = _parse_claims(claims_json)
        elif selected in PERSONAS_BY_KEY:
            claims = PERSONAS_BY_KEY[selected].claims(settings.ROLE_CLAIM)
        else:
            error = "Kies een persona, of kies 'Eigen claims' en vul de JSON in."
        if not error:
            auth_login(request, _user_for(claims), backend="django.contrib.auth.backends.ModelBackend")
            request.session[FRESH_LOGIN] = True
            if next_url:
                return redirect(next_url)
            return _message(
                request,
                "Aangemeld",
                f"U bent aangemeld als {claims.get('given_name', '')} "
                f"{claims.get('family_name', '')}.".replace("  ", " "),
            )
    else:
        selected = _preselect(request, next_url)
        example = PERSONAS_BY_KEY.get(selected, PERSONAS[0])
        claims_json = json.dumps(example.claims(settings.ROLE_CLAIM), indent=2, ensure_ascii=False)
    context = {
        "personas": PERSONAS,
        "selected": selected,
        "claims_json": claims_json,
        "next": next_url,
        "error": error,
        "role_claim": settings.ROLE_CLAIM,
    }
    return render(request, "standin/login.html", context, status=400 if error else 200)


@csrf_exempt
@require_POST
def test_next_token(request):
    try:
        name = json.loads(request.body or b"{}").get("defect")
    except (ValueError, AttributeError):
        name = None
    if name in defects.MODES:
        defects.set_mode(name)
        return JsonResponse({"mode": name})
    if name not in defects.DEFECTS:
        known = list(defects.DEFECTS + defects.MODES)
        return JsonResponse({"error": "unknown defect", "defects": known}, status=400)
    defects.arm(name)
    return JsonResponse({"next_token": name})


@csrf_exempt
@require_POST
def test_reset(request):
    defects.reset()
    return JsonResponse({"next_token": None})
