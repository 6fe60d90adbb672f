"""Access rules for views: decide from the session's grant (request.grant), never from the user alone."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def sign_in_url(request):
    return f"{reverse('oidc_authentication_init')}?{urlencode({'next': request.get_full_path()})}"


def submitter_required(view):
    """Only people signed in with the submitter right for their session's organisation."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(sign_in_url(request))
        if not request.grant.is_submitter or request.organisation is None:
            return redirect("admin:index" if request.grant.is_staff else "no_access")
        return view(request, *args, **kwargs)

    return wrapper
