from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles
from accounts.middleware import SESSION_ENDED
from accounts.models import Organisation
from accounts.oidc import SWITCHING
from audit.events import Kind, record
from ncregister import ratelimit
from ncregister.identifiers import format_enterprise_number


def landing(request):
    if not request.user.is_authenticated and SESSION_ENDED in request.session:
        # Back from ACM/IDM's logout after the portal ended the session for a limit.
        return redirect("session_ended")
    if request.user.is_authenticated:
        if request.grant.is_submitter:
            return redirect("register_home")
        if request.grant.is_staff:
            return redirect("admin:index")
        if not request.user.is_superuser:
            return redirect("no_access")
    return render(request, "accounts/landing.html")


def session_ended(request):
    """The session ended for its idle or absolute limit, here and at ACM/IDM: sign in afresh."""
    if request.user.is_authenticated:
        return redirect("landing")
    came_from = request.session.pop(SESSION_ENDED, None) or ""
    sign_in = reverse("oidc_authentication_init")
    if came_from and url_has_allowed_host_and_scheme(came_from, allowed_hosts=None):
        sign_in = f"{sign_in}?{urlencode({'next': came_from})}"
    return render(request, "accounts/session_ended.html", {"sign_in_url": sign_in})


def no_access(request):
    grant = request.grant
    # A right held for another organisation than the one signed in for: name it, from the signed claims.
    codes = [
        c
        for c in roles.organisations_with_rights(list(grant.claim_values), roles.ROLE_MAP)
        if c != grant.orgcode
    ]
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name"))
    rights_elsewhere = [
        {"code": format_enterprise_number(code), "name": names.get(code, "")} for code in codes
    ]
    return render(request, "accounts/no_access.html", {"grant": grant, "rights_elsewhere": rights_elsewhere})


def help_local_admin(request):
    return render(request, "accounts/help.html")


@require_http_methods(["GET", "POST"])
def switch_organisation(request):
    """GET asks first (signing out loses what is not saved); POST logs out here, then asks ACM/IDM for
    another identity (login_hint switch_id)."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("landing")
        return render(request, "accounts/switch_organisation.html")
    retry_after = ratelimit.over_address_limit(
        request, "switch", settings.NCR_SWITCHES_PER_ADDRESS_PER_MINUTE
    )
    if retry_after:
        record(request, Kind.RATE_LIMITED, reason="organisation_switch", retry_after=retry_after)
        return ratelimit.too_many_requests(
            request,
            _("Too many organisation switches from your network. Try again in a minute."),
            retry_after,
        )
    record(request, Kind.ORGANISATION_SWITCH)
    request.audit_logout_recorded = True
    logout(request)
    # In the new, signed-out session: the sign-in that follows names the organisation chosen.
    request.session[SWITCHING] = True
    return redirect(f"{reverse('oidc_authentication_init')}?wissel=1")
