import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from accounts.grants import NO_GRANT, load_grant

SIGNED_IN_AT = "ncr_signed_in_at"
LAST_SEEN = "ncr_last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds; write the session at most once a minute for the idle clock

# URL names a signed-in person without a mapped right may still reach.
OPEN_URL_NAMES = {
    "landing",
    "no_access",
    "help",
    "submitter_help",
    "switch_organisation",
    "set_language",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_logout",
    "session_ended",
}
# Kept in the anonymous session after a limit ended it: where the person was, for the sign-in link,
# and whose session it was (user and organisation ids), so a form still posted becomes their draft.
SESSION_ENDED = "ncr_session_ended"
ENDED_FOR = "ncr_session_ended_for"


def _organisation(grant):
    from accounts.models import Organisation

    return Organisation.objects.filter(pk=grant.organisation_id).first() if grant.organisation_id else None


class GrantMiddleware:
    """Put the session's grant on the request, end sessions past their idle or absolute limit,
    and keep people without a right on the pages meant for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.grant = NO_GRANT
        request.organisation = None
        request.session_expired = False
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT, 0)
            last_seen = request.session.get(LAST_SEEN, signed_in_at)
            if now - signed_in_at > settings.NCR_SESSION_MAX_MINUTES * 60:
                end_session_for_limit(request, "absolute")
            elif now - last_seen > settings.NCR_SESSION_IDLE_MINUTES * 60:
                end_session_for_limit(request, "idle")
            else:
                if now - last_seen > LAST_SEEN_RESOLUTION:
                    request.session[LAST_SEEN] = now
                grant = load_grant(request.session)
                request.grant = grant
                # Loaded now, not lazily: access checks compare it with None.
                request.organisation = _organisation(grant)
        response = self.get_response(request)
        if request.session_expired:
            # The view has kept a posted form; now end the ACM/IDM session too, or it would sign the
            # next person at this PC in silently. ACM/IDM sends the browser back to the landing page,
            # which shows that the session ended.
            from accounts.oidc import provider_logout_url

            return redirect(provider_logout_url(request))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.grant.has_access or user.is_superuser:
            return None
        match = request.resolver_match
        if match and match.url_name in OPEN_URL_NAMES:
            return None
        if request.path.startswith("/api/"):
            return None  # the API ignores sessions: bearer tokens only (api/auth.py)
        return redirect("no_access")


def end_session_for_limit(request, reason):
    from accounts.oidc import REAUTH_NEEDED
    from audit.events import Kind, record

    user_id = request.user.pk
    organisation = _organisation(load_grant(request.session))
    record(request, Kind.SESSION_ENDED, organisation=organisation, reason=reason)
    request.audit_logout_recorded = True
    logout(request)
    request.session_expired = True
    request.session[REAUTH_NEEDED] = True
    request.session[SESSION_ENDED] = request.get_full_path() if request.method == "GET" else request.path
    request.session[ENDED_FOR] = [user_id, organisation.pk if organisation else None]


def start_session_clock(sender, request, user, **kwargs):
    """At every sign-in (OIDC or break-glass password): the absolute and idle clocks start now."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
