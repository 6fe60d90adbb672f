from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST


def landing(request):
    if request.user.is_authenticated:
        if request.grant.is_submitter:
            return redirect("register_home")
        if request.grant.is_staff:
            return redirect("admin:index")
        if not request.user.is_superuser:
            return redirect("no_access")
    return render(request, "accounts/landing.html")


def _environment_context():
    # Rights are granted separately in T&I and PRD; the pages must name the right one.
    is_ti = settings.NCR_ENV != "prd"
    return {"idm_environment": "T&I" if is_ti else "PRD", "is_ti": is_ti}


def no_access(request):
    return render(request, "accounts/no_access.html", {**_environment_context(), "grant": request.grant})


def help_local_admin(request):
    return render(request, "accounts/help.html", _environment_context())


@require_POST
def switch_organisation(request):
    """Log out here, then ask ACM/IDM for another identity (login_hint switch_id)."""
    logout(request)
    return redirect(f"{reverse('oidc_authentication_init')}?wissel=1")
