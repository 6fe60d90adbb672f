"""`Idempotency-Key` on every POST (IETF draft-ietf-httpapi-idempotency-key-header): a client that lost
the answer sends the same request again and gets the first answer, never a second record."""

import datetime as dt
import functools
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IdempotencyKey
from api.problems import Problem, exception_handler, issue

HEADER = "Idempotency-Key"
KEPT_HEADERS = ("Location", "ETag")


def fingerprint(request):
    """What makes two requests "the same": method, path and the parsed body (files by their content)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):  # multipart: fields and files
        fields = sorted((name, values) for name, values in data.lists() if name not in request.FILES)
        digest.update(json.dumps(fields, default=str).encode())
        for name in sorted(request.FILES):
            for uploaded in request.FILES.getlist(name):
                digest.update(name.encode())
                for chunk in uploaded.chunks():
                    digest.update(chunk)
                uploaded.seek(0)
    else:
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _replay(entry):
    from rest_framework.response import Response

    headers = dict(entry.headers)
    response = Response(entry.body, status=entry.status, content_type=headers.pop("Content-Type", None))
    for name, value in headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """For a POST view (inside @api_view: the caller is known). Without the header, nothing changes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return view(request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > 255 or not key.isprintable():
            raise Problem(
                "ongeldige-parameter",
                _("Idempotency-Key must be 1 to 255 printable characters."),
                [issue("header", HEADER, key[:50], _("Use a new random value (e.g. a UUID) per request."))],
            )
        user = request.auth.user
        print_ = fingerprint(request)
        horizon = timezone.now() - dt.timedelta(hours=settings.NCR_API_IDEMPOTENCY_HOURS)
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=horizon).delete()
        try:
            with transaction.atomic():
                entry = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        except IntegrityError:
            entry = IdempotencyKey.objects.filter(user=user, key=key).first()
            if entry is None:  # expired and removed between our two statements: rare; ask to retry
                raise Problem(
                    "idempotentie-bezig", _("This Idempotency-Key is being used right now.")
                ) from None
            if entry.status is None:
                raise Problem(
                    "idempotentie-bezig",
                    _("The first request with this Idempotency-Key is still being answered. Try again soon."),
                    headers={"Retry-After": "1"},
                ) from None
            if entry.fingerprint != print_:
                raise Problem(
                    "idempotentie-andere-inhoud",
                    _("This Idempotency-Key was used for another request. Use a new key per request."),
                    [issue("header", HEADER, key[:50], _("Already used for another request."))],
                ) from None
            return _replay(entry)
        try:
            response = view(request, *args, **kwargs)
        except Exception as exc:  # the answer is what we keep; exception_handler logs 500s
            response = exception_handler(exc, {"request": request})
        if response.status_code >= 500:
            entry.delete()  # our failure: the client may try again with the same key
        else:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            if getattr(response, "content_type", None):
                headers["Content-Type"] = response.content_type
            IdempotencyKey.objects.filter(pk=entry.pk).update(
                status=response.status_code, body=response.data, headers=headers
            )
        return response

    return wrapper
