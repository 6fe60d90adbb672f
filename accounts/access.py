"""Access rules for views: decide from the session's grant (request.grant), never from the user alone."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from accounts import permissions


def sign_in_url(request):
    return f"{reverse('oidc_authentication_init')}?{urlencode({'next': request.get_full_path()})}"


def submitter_required(view):
    """Only people signed in with the submitter right for their session's organisation."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(sign_in_url(request))
        # The portal always works inside the session's organisation: no break-glass bypass here.
        may_file = "submissions.add_nonconformity" in permissions.permissions_of(request.grant)
        if not may_file or request.organisation is None:
            return redirect("admin:index" if permissions.may_use_admin(request) else "no_access")
        return view(request, *args, **kwargs)

    return wrapper
