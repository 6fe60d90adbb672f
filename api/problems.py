"""Every API error as an RFC 9457 problem document: a stable `type`, a Dutch `title` and `detail`, and
`issues[]` per field or row. Never a stack trace, never HTML."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:problem-type:ovam:ncr:"

# name -> (status, title): the problem types the API documents.
TYPES = {
    "token-ontbreekt": (401, gettext_lazy("Authentication required")),
    "token-ongeldig": (401, gettext_lazy("Invalid access token")),
    "scope-ontbreekt": (401, gettext_lazy("Access token without the API scope")),
    "geen-organisatie": (403, gettext_lazy("No organisation")),
    "geen-api-toegang": (403, gettext_lazy("No API access")),
    "introspectie-onbereikbaar": (503, gettext_lazy("Access management unavailable")),
    "niet-gevonden": (404, gettext_lazy("Not found")),
    "methode-niet-toegestaan": (405, gettext_lazy("Method not allowed")),
    "niet-aanvaardbaar": (406, gettext_lazy("Not acceptable")),
    "ongeldige-json": (400, gettext_lazy("Invalid request body")),
    "ongeldige-parameter": (400, gettext_lazy("Invalid query parameter")),
    "validatiefout": (422, gettext_lazy("Invalid non-conformity")),
    "laattijdig": (422, gettext_lazy("Late non-conformity")),
    "versie-ontbreekt": (428, gettext_lazy("If-Match required")),
    "versie-verouderd": (412, gettext_lazy("Changed in the meantime")),
    "niet-meer-te-wijzigen": (409, gettext_lazy("No longer possible")),
    "mediatype-niet-ondersteund": (415, gettext_lazy("Unsupported media type")),
    "te-groot": (413, gettext_lazy("Request too large")),
    "te-veel-verzoeken": (429, gettext_lazy("Too many requests")),
    "idempotentie-andere-inhoud": (422, gettext_lazy("Idempotency-Key reused")),
    "idempotentie-bezig": (409, gettext_lazy("Idempotency-Key in use")),
    "dubbele-batch": (409, gettext_lazy("Batch already accepted")),
    "interne-fout": (500, gettext_lazy("Internal error")),
}


class Problem(exceptions.APIException):
    """Raise anywhere in an API view: becomes its problem document."""

    def __init__(self, name, detail, issues=None, headers=None):
        self.name = name
        self.status_code = TYPES[name][0]
        self.problem_detail = str(detail)
        self.issues = issues or []
        self.headers = headers or {}
        super().__init__(detail)


def printable(text):
    """Text as UTF-8 and PostgreSQL can carry it: JSON may hold lone surrogates and NUL characters."""
    return str(text).encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def issue(location, name, value, detail):
    """One entry of `issues[]`: where (body, query, header, path, file), which field, the value sent."""
    if value is not None and not isinstance(value, str | int | float | bool):
        value = str(value)
    if isinstance(value, str):
        value = printable(value[:200])
    return {"in": location, "name": printable(name)[:200], "value": value, "detail": str(detail)}


def problem_response(name, detail, issues=None, headers=None, instance=None):
    status, title = TYPES[name]
    body = {"type": f"{TYPE_PREFIX}{name}", "title": str(title), "status": status, "detail": str(detail)}
    if instance:
        body["instance"] = instance
    if issues:
        body["issues"] = issues
    response = Response(body, status=status, content_type=CONTENT_TYPE, headers=headers)
    return response


def _translate(exc):
    """(name, detail, issues, headers) for any exception raised in an API view."""
    if isinstance(exc, Problem):
        return exc.name, exc.problem_detail, exc.issues, exc.headers
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "token-ontbreekt", _("Send an access token: Authorization: Bearer <token>."), [], {}
    if isinstance(exc, Http404 | exceptions.NotFound):
        return "niet-gevonden", _("This resource does not exist or is not yours."), [], {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "methode-niet-toegestaan", _("This method is not allowed here."), [], {}
    if isinstance(exc, exceptions.NotAcceptable):
        return "niet-aanvaardbaar", _("The API answers in JSON only."), [], {}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "mediatype-niet-ondersteund", _("Send the body as application/json."), [], {}
    if isinstance(exc, RequestDataTooBig):
        return "te-groot", _("The request body is too large."), [], {}
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return "te-groot", _("The request has too many fields."), [], {}
    if isinstance(exc, exceptions.ParseError):
        return "ongeldige-json", _("The body is not valid JSON."), [], {}
    if isinstance(exc, exceptions.Throttled):
        return "te-veel-verzoeken", _("Too many requests. Try again later."), [], {}
    if isinstance(exc, exceptions.PermissionDenied | PermissionDenied):
        return "geen-api-toegang", _("You may not do this."), [], {}
    if isinstance(exc, exceptions.ValidationError):
        return "ongeldige-json", _("The request is not valid."), [], {}
    return None


def exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: everything becomes a problem document, a 500 included."""
    translated = _translate(exc)
    if translated is None:
        logger.exception("API error", exc_info=exc)
        translated = ("interne-fout", _("Something went wrong on our side. Nothing was stored."), [], {})
    name, detail, issues, headers = translated
    headers = dict(headers)
    if TYPES[name][0] == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="ncregister"')
    request = context.get("request")
    return problem_response(name, detail, issues, headers, instance=request.path if request else None)
