from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.events import Kind, record


def permission_denied(request, exception=None):
    """403 for everything Django refuses (PermissionDenied), recorded in the audit trail."""
    record(request, Kind.ACCESS_DENIED, reason="permission")
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    record(request, Kind.ACCESS_DENIED, reason="csrf")
    return render(
        request,
        "error.html",
        {
            "title": _("Your form has expired"),
            "message": _(
                "For your safety the form could not be sent. Go back, reload the page and try again."
            ),
        },
        status=403,
    )
