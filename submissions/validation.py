"""One validation path for a non-conformity, used by the form, the upload and (later) the API.

`validate_record` takes raw values (strings or dates) and returns cleaned values plus Dutch error
messages per field, so each entry point only has to present them its own way.
"""

import datetime as dt
import functools
import re
import time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ncregister.identifiers import (
    is_digits,
    normalise_enterprise_number,
    normalise_establishment_number,
    normalise_postcode,
)
from submissions.models import NonConformity

ACTIONS = frozenset(NonConformity.Action.values)  # built once: validate_record runs per upload row
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")
ADDRESS_FIELDS = ("street", "house_number", "postcode", "municipality")
# Cached: an upload names the same producers again and again (a wrong number raises, and is not cached).
NUMBERS = (
    ("producer_enterprise_number", functools.lru_cache(maxsize=10_000)(normalise_enterprise_number)),
    ("establishment_number", functools.lru_cache(maxsize=10_000)(normalise_establishment_number)),
)
# Always required; the establishment number or the complete address is required as a pair (below).
REQUIRED_FIELDS = frozenset(
    {"observed_on", "producer_name", "producer_enterprise_number", "description", "waste_streams", "action"}
)
MAX_LENGTHS = {
    "producer_name": 255,
    "street": 200,
    "house_number": 20,
    "municipality": 100,
    "container_reference": 100,
    "own_reference": 100,
    "description": 5000,
}


# No register was kept before then: an earlier date is a year typed wrong (0225, 1925 for 2025), and would
# also fall before the first day a spreadsheet can show (1900).
EARLIEST_DATE = dt.date(2000, 1, 1)


def parse_date(value):
    """A date from a date, a datetime or text as dd/mm/jjjj, dd-mm-jjjj or ISO; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = _date_from_text(str(value).strip())
    if day is None:
        raise ValidationError(_("Not a valid date; use dd/mm/jjjj."), code="invalid_date")
    return day


@functools.lru_cache(maxsize=4096)  # strptime is slow, and an upload repeats a few hundred dates
def _date_from_text(text):
    for fmt in DATE_FORMATS:
        try:
            return dt.date(*time.strptime(text, fmt)[:3])
        except ValueError:
            continue
    return None


class StreamCatalogue:
    """The waste streams valid on a date, by number. Every stream is read once (a few dozen rows), not
    once per date: an upload of a hundred thousand rows holds a few hundred dates."""

    def __init__(self):
        self.streams = None
        self.by_day = {}

    def valid_on(self, number, day):
        if day not in self.by_day:
            if self.streams is None:
                from submissions.models import WasteStream

                self.streams = list(WasteStream.objects.all())  # by number and start, as valid_on gives
            self.by_day[day] = {stream.number: stream for stream in self.streams if stream.is_valid_on(day)}
        return self.by_day[day].get(number)


def parse_stream_numbers(value):
    """'3; 16,22' or [3, 16] -> [3, 16, 22]; raises ValidationError on anything else."""
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[;,]", str(value or ""))
    numbers = []
    for item in items:
        item = item.strip().rstrip("°")
        if not item:
            continue
        if not is_digits(item):
            raise ValidationError(
                _("“%(value)s” is not a waste stream number."),
                code="invalid_stream",
                params={"value": item[:20]},
            )
        numbers.append(int(item))
    return list(dict.fromkeys(numbers))


def validate_record(raw, catalogue, today=None):
    """Validate one record. Returns (cleaned, errors): `errors` maps field name to a list of messages.

    `raw` keys are the model's field names plus `waste_streams` (numbers). Cleaned `waste_streams`
    holds WasteStream objects valid on the observation date.
    """
    today = today or timezone.localdate()
    cleaned, errors = {}, {}

    def fail(field, message):
        errors.setdefault(field, []).append(str(message))

    def text(field):
        value = str(raw.get(field) or "").strip()
        if field in REQUIRED_FIELDS and not value:
            fail(field, _("This field is required."))
        elif len(value) > MAX_LENGTHS.get(field, 255):
            fail(field, _("At most %(n)d characters.") % {"n": MAX_LENGTHS.get(field, 255)})
        cleaned[field] = value
        return value

    for field in ("observed_on", "customer_informed_on"):
        try:
            cleaned[field] = day = parse_date(raw.get(field))
        except ValidationError as exc:
            fail(field, exc.messages[0])
            continue
        if day and day < EARLIEST_DATE:
            fail(field, _("A date before 01/01/2000 is not possible; check the year."))
    observed_on = cleaned.get("observed_on")
    if observed_on is None and "observed_on" not in errors:
        fail("observed_on", _("This field is required."))
    elif observed_on and observed_on > today:
        fail("observed_on", _("The date of the non-conformity cannot be in the future."))
    informed = cleaned.get("customer_informed_on")
    if informed and informed > today:
        fail("customer_informed_on", _("The customer cannot have been informed on a date in the future."))
    elif informed and observed_on and informed < observed_on:
        fail("customer_informed_on", _("The customer cannot have been informed before the non-conformity."))

    text("producer_name")
    for field, normalise in NUMBERS:
        if value := text(field):
            try:
                cleaned[field] = normalise(value)
            except ValidationError as exc:
                fail(field, exc.messages[0])
    establishment = cleaned["establishment_number"]
    for field in ADDRESS_FIELDS:
        text(field)
    if cleaned["postcode"]:
        try:
            cleaned["postcode"] = normalise_postcode(cleaned["postcode"])
        except ValidationError as exc:
            fail("postcode", exc.messages[0])
    address_given = [f for f in ADDRESS_FIELDS if cleaned[f]]
    if not establishment and len(address_given) < len(ADDRESS_FIELDS):
        message = _("Give the establishment unit number or the complete pickup address.")
        if not address_given:
            fail("establishment_number", message)
        for field in ADDRESS_FIELDS:
            if not cleaned[field]:
                fail(field, message if address_given else _("Or give the complete pickup address."))

    text("description")
    text("container_reference")
    text("own_reference")

    action = str(raw.get("action") or "").strip()
    if action not in ACTIONS:
        fail("action", _("Choose whether the container was refused, emptied and registered, or post-sorted."))
    cleaned["action"] = action

    try:
        numbers = parse_stream_numbers(raw.get("waste_streams"))
    except ValidationError as exc:
        fail("waste_streams", exc.messages[0])
        numbers = None
    if numbers is not None:
        if not numbers:
            fail("waste_streams", _("Choose at least one waste stream."))
        elif observed_on:
            streams = []
            for n in numbers:
                stream = catalogue.valid_on(n, observed_on)
                if stream is None:
                    fail(
                        "waste_streams",
                        _("Waste stream %(number)s° does not apply on %(date)s.")
                        % {"number": n, "date": observed_on.strftime("%d/%m/%Y")},
                    )
                else:
                    streams.append(stream)
            cleaned["waste_streams"] = streams
    return cleaned, errors
