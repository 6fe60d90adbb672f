"""Drafts of the new-record form, kept on the server (never in the browser: office PCs are shared).

static/js/draft.js posts the form every few seconds of typing; a form posted when the session had just
run out is kept the same way. One draft per person and organisation, offered back at that person's next
sign-in for that organisation, removed when the record is saved or the person throws it away, and
purged by housekeeping after NCR_DRAFT_DAYS. No request is needed here."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

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
)
MAX_TEXT = 5000
MAX_STREAMS = 60
# Fields a fresh form fills in itself: a draft with nothing else is no input.
PREFILLED = {"observed_on", "photo_token"}


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
    cutoff = timezone.now() - timedelta(days=settings.NCR_DRAFT_DAYS)
    return Draft.objects.filter(user_id=user_id, organisation_id=organisation_id, updated_at__gte=cutoff)


def save(user_id, organisation_id, data):
    """Keep `data` (see from_post) as the person's draft for the organisation; nothing typed keeps nothing."""
    if not user_id or not organisation_id or not has_input(data):
        return None
    draft, _ = Draft.objects.update_or_create(
        user_id=user_id,
        organisation_id=organisation_id,
        defaults={"data": data, "updated_at": timezone.now()},
    )
    return draft


def of(user, organisation):
    """The person's draft for the organisation, or None."""
    if user is None or user.pk is None or organisation is None:
        return None
    return _current(user.pk, organisation.pk).first()


def offered(user, organisation, signed_in_at):
    """The draft to offer back: one left in an earlier session (not the one being typed now)."""
    draft = of(user, organisation)
    if draft and draft.updated_at.timestamp() < signed_in_at:
        return draft
    return None


def discard(user, organisation):
    if user is None or user.pk is None or organisation is None:
        return 0
    return Draft.objects.filter(user_id=user.pk, organisation_id=organisation.pk).delete()[0]


def initial(draft):
    """The form's initial values from a draft."""
    return {**draft.data, "waste_streams": list(draft.data.get("waste_streams", []))}


def purge_expired():
    """Housekeeping: drafts not touched for NCR_DRAFT_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.NCR_DRAFT_DAYS)
    return Draft.objects.filter(updated_at__lt=cutoff).delete()[0]
