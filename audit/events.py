"""Record a security event: one row in the audit table and the same event as a JSON log line."""

import logging
import re

from audit.models import AuditEvent
from ncregister.client_address import client_address
from ncregister.logging import request_id_var

logger = logging.getLogger("ncregister.audit")
Kind = AuditEvent.Kind

# Query parameters that may carry a secret are never written down (the callback's code and state, ...).
SECRET_NAMES = re.compile(r"token|code|state|nonce|secret|password|session|csrf|key", re.IGNORECASE)


def filters_of(request):
    """The query parameters of the request (which filters an export used), without anything secret."""
    return {
        name: values[0] if len(values) == 1 else values
        for name, values in request.GET.lists()
        if not SECRET_NAMES.search(name)
    }


def record(request, kind, *, person=None, organisation=None, reason="", count=None, **details):
    """`request` may be None outside a request (the request id then comes from the log context)."""
    user = person if person is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if organisation is None:
        organisation = getattr(request, "organisation", None)
    event = AuditEvent.objects.create(
        kind=kind,
        person=user,
        person_name=(user.get_full_name() or user.username)[:300] if user else "",
        organisation=organisation,
        client_address=client_address(request) if request is not None else None,
        path=request.path[:300] if request is not None else "",
        reason=str(reason)[:100],
        count=count,
        details={key: value for key, value in details.items() if not SECRET_NAMES.search(key)},
        request_id=getattr(request, "id", None) or request_id_var.get(),
    )
    logger.info(
        "audit %s%s",
        kind,
        f" ({reason})" if reason else "",
        extra={
            "audit": {
                "event": kind,
                "person": user.pk if user else None,
                "person_vo_id": getattr(user, "vo_id", None),
                "organisation": organisation.code if organisation else None,
                "client_address": event.client_address,
                "path": event.path,
                "reason": event.reason,
                "count": count,
                "details": event.details,
            }
        },
    )
    return event
