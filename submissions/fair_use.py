"""Fair use of the upload queue: one organisation's burst never fills it for everyone else.

Counted from the uploads themselves (the database every web container shares), inside the transaction
that stores a new upload, with the organisation's row locked so two containers cannot both let the
N+1th through.
"""

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from submissions.models import Upload
from submissions.workflow import UPLOAD_BUSY

WAITING = UPLOAD_BUSY
WAIT_FOR_A_SLOT = 60  # seconds: an import of a usual file takes less


class UploadLimitReached(Exception):
    def __init__(self, message, retry_after):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def check_upload_allowed(organisation, user, now=None):
    """Raise UploadLimitReached when `organisation` has its maximum of uploads waiting or running, or
    `user` has uploaded the most allowed in the last hour. Call with the organisation's row locked."""
    now = now or timezone.now()
    limit = settings.NCR_UPLOADS_WAITING_PER_ORGANISATION
    if Upload.objects.filter(organisation=organisation, status__in=WAITING).count() >= limit:
        raise UploadLimitReached(
            _(
                "Your organisation already has %(n)d uploads waiting or being processed. "
                "Upload this file once one of them is finished."
            )
            % {"n": limit},
            WAIT_FOR_A_SLOT,
        )
    per_hour = settings.NCR_UPLOADS_PER_PERSON_PER_HOUR
    recent = list(
        Upload.objects.filter(uploaded_by=user, received_at__gt=now - dt.timedelta(hours=1))
        .order_by("-received_at")
        .values_list("received_at", flat=True)[:per_hour]
    )
    if len(recent) >= per_hour:
        retry_after = max(1, math.ceil((recent[-1] + dt.timedelta(hours=1) - now).total_seconds()))
        raise UploadLimitReached(
            _(
                "You uploaded %(n)d files in the last hour, the most allowed. "
                "You can upload again in %(minutes)d minutes."
            )
            % {"n": per_hour, "minutes": math.ceil(retry_after / 60)},
            retry_after,
        )
