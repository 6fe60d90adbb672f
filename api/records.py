"""The API's record: Dutch camelCase names for the form's fields, strict JSON types, unknown fields
refused; then the one validation path (submissions.validation.validate_record)."""

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from api.problems import Problem, issue, printable
from submissions import deadlines, services
from submissions.imports.columns import ACTIONS
from submissions.models import NonConformity
from submissions.validation import StreamCatalogue, validate_record

# API name -> model field, in the order the schema shows them.
FIELDS = {
    "datumVaststelling": "observed_on",
    "producentNaam": "producer_name",
    "producentOndernemingsnummer": "producer_enterprise_number",
    "vestigingsnummer": "establishment_number",
    "straat": "street",
    "huisnummer": "house_number",
    "postcode": "postcode",
    "gemeente": "municipality",
    "beschrijving": "description",
    "afvalstromen": "waste_streams",
    "actie": "action",
    "klantGeinformeerdOp": "customer_informed_on",
    "containerReferentie": "container_reference",
    "eigenReferentie": "own_reference",
}
API_NAME = {field: name for name, field in FIELDS.items()}
DATES = {"datumVaststelling", "klantGeinformeerdOp"}
LATE_CONFIRMED = "laattijdigBevestigd"
ACTION_CODES = {model: dutch for dutch, model in ACTIONS.items()}  # "refused" -> "geweigerd"
STATUS_CODES = {
    NonConformity.Status.SUBMITTED: "ingediend",
    NonConformity.Status.UNDER_REVIEW: "in_behandeling",
    NonConformity.Status.CLOSED: "afgesloten",
    NonConformity.Status.REFERRED: "doorverwezen",
    NonConformity.Status.WITHDRAWN: "ingetrokken",
}
STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}
SOURCE_CODES = {
    NonConformity.Source.FORM: "formulier",
    NonConformity.Source.UPLOAD: "upload",
    NonConformity.Source.API: "api",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _type_error(name, value):
    if name in DATES:
        if value is None and name == "klantGeinformeerdOp":
            return None
        if not isinstance(value, str) or not ISO_DATE.match(value):
            return _("Give a date as JJJJ-MM-DD.")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return _("Give a date as JJJJ-MM-DD.")
        return None
    if name == "afvalstromen":
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            return _("Give a list of waste stream numbers, e.g. [3, 16].")
        return None
    if name == "actie":
        if not isinstance(value, str) or value not in ACTIONS:
            return _("One of: %(values)s.") % {"values": ", ".join(ACTIONS)}
        return None
    if name == LATE_CONFIRMED:
        return None if isinstance(value, bool) else _("Give true or false.")
    if value is None:
        return None
    return None if isinstance(value, str) and printable(value) == value else _("Give text.")


def parse(body):
    """Type-check a JSON body; returns (raw values by model field, late confirmed). Raises Problem."""
    if not isinstance(body, dict):
        raise Problem("ongeldige-json", _("The body must be a JSON object."))
    issues = []
    for name, value in body.items():
        if name not in FIELDS and name != LATE_CONFIRMED:
            issues.append(issue("body", name, None, _("Unknown field.")))
        elif (message := _type_error(name, value)) is not None:
            issues.append(issue("body", name, value if not isinstance(value, list | dict) else None, message))
    if issues:
        raise Problem("validatiefout", _("The non-conformity has errors; nothing was stored."), issues)
    raw = {}
    for name, field in FIELDS.items():
        if name not in body:
            continue
        value = body[name]
        if name == "actie":
            value = ACTIONS[value]
        raw[field] = "" if value is None else value
    return raw, body.get(LATE_CONFIRMED) is True


def raw_from_record(record):
    """A stored record as validate_record's input (for a PATCH: the fields not sent stay as they are)."""
    raw = {field: getattr(record, field) for field in services.SUBMITTED_FIELDS}
    raw["customer_informed_on"] = raw["customer_informed_on"] or ""
    raw["waste_streams"] = [stream.number for stream in record.waste_streams.all()]
    return raw


def validate(raw, *, organisation, received_at, late_confirmed, exclude_pk=None):
    """validate_record plus the form's own-reference and lateness rules; (data, streams) or Problem."""
    cleaned, errors = validate_record(raw, StreamCatalogue())
    issues = [
        issue("body", API_NAME.get(field, field), _shown(raw.get(field)), message)
        for field, messages in errors.items()
        for message in messages
    ]
    own_reference = cleaned.get("own_reference")
    if "own_reference" not in errors and services.taken_own_references(
        organisation.pk, [own_reference], exclude_pk=exclude_pk
    ):
        issues.append(issue("body", "eigenReferentie", own_reference, services.DUPLICATE_OWN_REFERENCE))
    if issues:
        raise Problem("validatiefout", _("The non-conformity has errors; nothing was stored."), issues)
    day = cleaned["observed_on"]
    if deadlines.is_late(day, received_at) and not late_confirmed:
        deadline = timezone.localtime(deadlines.registration_deadline(day))
        raise Problem(
            "laattijdig",
            _(
                "This non-conformity is late (deadline %(deadline)s). Send laattijdigBevestigd: true "
                "to store it anyway, marked late."
            )
            % {"deadline": deadline.strftime("%d/%m/%Y %H:%M")},
            [issue("body", LATE_CONFIRMED, None, _("Confirm the late registration."))],
        )
    data = {field: cleaned[field] for field in services.SUBMITTED_FIELDS if field in cleaned}
    return data, cleaned["waste_streams"]


def _shown(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def service_issues(exc):
    """A service's ValidationError (a race on the own reference) as issues."""
    if hasattr(exc, "error_dict"):
        return [
            issue("body", API_NAME.get(field, field), None, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [issue("body", "", None, message) for message in exc.messages]


def represent(record, request=None):
    """The stored record as the API shows it (what GET, POST and PATCH answer)."""
    photos = list(record.photos.all())
    return {
        "id": record.pk,
        **{name: _output(record, field) for name, field in FIELDS.items()},
        "status": STATUS_CODES.get(record.status, record.status),
        "laattijdig": record.is_late,
        "registratietermijn": record.deadline.isoformat(),
        "ontvangenOp": record.received_at.isoformat(),
        "gewijzigdOp": record.updated_at.isoformat(),
        "bron": SOURCE_CODES.get(record.source, record.source),
        "versie": record.version,
        "redenIntrekking": record.withdrawal_reason,
        "fotos": [{"id": photo.pk} for photo in photos],
    }


def _output(record, field):
    if field == "waste_streams":
        return sorted(stream.number for stream in record.waste_streams.all())
    value = getattr(record, field)
    if field == "action":
        return ACTION_CODES.get(value, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
