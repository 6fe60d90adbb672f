"""Around every API call: the request size limit (413 before anything is read), the correlation id
(accepted, logged, returned) and one audit event naming the client, the call and its answer."""

import logging
import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from api.problems import CONTENT_TYPE, TYPE_PREFIX, TYPES

logger = logging.getLogger("ncregister.api")
HEADER = "X-Correlation-ID"
CORRELATION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def too_large(request, limit_bytes):
    name = "te-groot"
    body = {
        "type": f"{TYPE_PREFIX}{name}",
        "title": str(TYPES[name][1]),
        "status": 413,
        "detail": _("A request may hold at most %(mb)d MB.") % {"mb": limit_bytes // (1024 * 1024)},
        "instance": request.path,
    }
    return JsonResponse(body, status=413, content_type=CONTENT_TYPE)


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        incoming = request.headers.get(HEADER, "")
        correlation_id = incoming if CORRELATION_RE.match(incoming) else uuid.uuid4().hex
        request.correlation_id = correlation_id
        limit = settings.NCR_API_MAX_REQUEST_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            response = too_large(request, limit)
        else:
            if length and request.content_type == "application/json":
                # DRF reads a JSON body through HttpRequest.body, which applies the portal's form limit
                # (DATA_UPLOAD_MAX_MEMORY_SIZE); for the API its own limit, checked above, counts.
                request._body = request.read()
            response = self.get_response(request)
        response[HEADER] = correlation_id
        self.audit(request, response)
        return response

    def audit(self, request, response):
        from audit.events import Kind, record

        caller = getattr(request, "api_caller", None)
        details = {
            "method": request.method,
            "status": response.status_code,
            "correlation_id": request.correlation_id,
            "client_id": caller.client.client_id if caller else None,
        }
        logger.info(
            "api %s %s %s client=%s correlation=%s",
            request.method,
            request.path,
            response.status_code,
            details["client_id"] or "-",
            request.correlation_id,
            extra={"api": details},
        )
        record(
            request,
            Kind.API_CALL,
            person=caller.user if caller else None,
            organisation=caller.organisation if caller else None,
            reason=str(response.status_code),
            **details,
        )
