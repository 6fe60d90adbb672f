import sys

from botocore.exceptions import BotoCoreError, ClientError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

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


def page_not_found(request, exception=None):
    """handler404: the API answers every unknown path (a malformed id included) with a problem document,
    never the portal's HTML page; everything else gets the Dutch page."""
    if request.path.startswith("/api/"):
        from api.problems import CONTENT_TYPE, TYPE_PREFIX, TYPES

        status, title = TYPES["niet-gevonden"]
        body = {
            "type": f"{TYPE_PREFIX}niet-gevonden",
            "title": str(title),
            "status": status,
            "detail": _("This resource does not exist or is not yours."),
            "instance": request.path,
        }
        response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: a lost database or file storage is an outage (503, retried by people and load
    balancers), not a bug."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError, BotoCoreError, ClientError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)
