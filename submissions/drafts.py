"""Drafts of the new-record form and of a correction, kept on the server (never in the browser: office
PCs are shared).

static/js/draft.js posts the form every few seconds of typing; a form posted when the session had just
run out is kept the same way. One draft of a new record per person and organisation, and one of a
correction per person and record; the newest is offered back at that person's next sign-in for that
organisation, removed when the record is saved or the person throws it away, and purged by housekeeping
after NCR_DRAFT_DAYS. No request is needed here."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from submissions import workflow
from submissions.models import Draft

# What a draft holds: the form's own fields (not photos: those are kept by their token, which it holds).
TEXT_FIELDS = (
    "observed_on",
    "producer_name",
    "producer_enterprise_number",
    "establishment_number",
    "street",
    "house_number",
    "postcode",
    "municipality",
    "description",
    "action",
    "customer_informed_on",
    "container_reference",
    "own_reference",
    "photo_token",
    "version",  # a correction's: the record's version when the person opened it, so a stale one is refused
)
MAX_TEXT = 5000
MAX_STREAMS = 60
# Fields a fresh form fills in itself: a draft with nothing else is no input.
PREFILLED = {"observed_on", "photo_token", "version"}


def from_post(post):
    """The draft's data from a posted form (a QueryDict): known fields only, each capped."""
    data = {name: str(post.get(name, ""))[:MAX_TEXT] for name in TEXT_FIELDS if post.get(name)}
    streams = [str(value)[:10] for value in post.getlist("waste_streams")[:MAX_STREAMS]]
    if streams:
        data["waste_streams"] = streams
    return data


def has_input(data):
    return any(value for name, value in data.items() if name not in PREFILLED)


def _current(user_id, organisation_id):
    cutoff = timezone.now() - dt.timedelta(days=settings.NCR_DRAFT_DAYS)
    return Draft.objects.filter(user_id=user_id, organisation_id=organisation_id, updated_at__gte=cutoff)


def save(user_id, organisation_id, data, record_id=None):
    """Keep `data` (see from_post) as the person's draft for the organisation, of the correction of
    `record_id` if given (the caller checked it is the organisation's); nothing typed keeps nothing."""
    if not user_id or not organisation_id or not has_input(data):
        return None
    draft, _ = Draft.objects.update_or_create(
        user_id=user_id,
        organisation_id=organisation_id,
        non_conformity_id=record_id,
        defaults={"data": data, "updated_at": timezone.now()},
    )
    return draft


def of(user, organisation, record=None):
    """The person's draft of a new record for the organisation, or of the correction of `record`; or None."""
    if user is None or user.pk is None or organisation is None:
        return None
    return _current(user.pk, organisation.pk).filter(non_conformity=record).first()


def offered(user, organisation, signed_in_at):
    """The draft to offer back: the newest one left in an earlier session (not one being typed now)."""
    if user is None or user.pk is None or organisation is None:
        return None
    earlier = dt.datetime.fromtimestamp(signed_in_at, tz=dt.UTC)
    # A correction only while the record can still be corrected (OVAM may have taken it up since).
    correctable = Q(non_conformity=None) | Q(non_conformity__status__in=list(workflow.CORRECTIONS))
    return (
        _current(user.pk, organisation.pk)
        .filter(correctable, updated_at__lt=earlier)
        .select_related("non_conformity")
        .order_by("-updated_at")
        .first()
    )


def discard(user, organisation, record=None):
    if user is None or user.pk is None or organisation is None:
        return 0
    return Draft.objects.filter(
        user_id=user.pk, organisation_id=organisation.pk, non_conformity=record
    ).delete()[0]


def initial(draft):
    """The form's initial values from a draft."""
    return {**draft.data, "waste_streams": list(draft.data.get("waste_streams", []))}


def purge_expired():
    """Housekeeping: drafts not touched for NCR_DRAFT_DAYS."""
    cutoff = timezone.now() - dt.timedelta(days=settings.NCR_DRAFT_DAYS)
    return Draft.objects.filter(updated_at__lt=cutoff).delete()[0]
