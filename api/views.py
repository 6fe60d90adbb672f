"""The machine interface v1: flat views, one per route; rules live in submissions.services and
api.records, access in submissions.access (the caller's organisation only, as in the browser)."""

import base64
import binascii
import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.roles import SUBMITTER
from api import batches, records, schema
from api.idempotency import idempotent
from api.problems import Problem, issue
from ncregister.identifiers import search_digits
from submissions import services, workflow
from submissions.access import for_organisation, uploads_for_organisation
from submissions.imports.intake import late_count
from submissions.models import NonConformity, Photo, WasteStream
from submissions.photos import prepare_photo

ROLE = frozenset({SUBMITTER})  # an API client files as a submitter of its organisation, nothing more
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def _records(request):
    return for_organisation(request).prefetch_related(
        "waste_streams", Prefetch("photos", queryset=Photo.objects.only("id", "non_conformity_id"))
    )


def _answer(request, record, status=200):
    response = Response(records.represent(record), status=status)
    response["ETag"] = f'"{record.version}"'
    if status == 201:
        response["Location"] = request.build_absolute_uri(
            reverse("api_non_conformity", kwargs={"pk": record.pk})
        )
    return response


def _body(request):
    data = request.data  # parses: ParseError / UnsupportedMediaType become problems
    if not isinstance(data, dict):
        raise Problem("ongeldige-json", _("The body must be a JSON object."))
    return data


def _expected_version(request, required):
    """The version named by If-Match; None for `*` or (when not required) no header."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise Problem(
                "versie-ontbreekt",
                _("Send If-Match with the ETag of the version you changed (from GET)."),
                [issue("header", "If-Match", None, _("Required."))],
            )
        return None
    if header == "*":
        return None
    values = [v.strip().removeprefix("W/").strip('"') for v in header.split(",")]
    if len(values) != 1 or not values[0].isdigit():
        raise Problem(
            "versie-verouderd",
            _("If-Match does not name a version of this non-conformity."),
            [issue("header", "If-Match", header, _("Use the ETag from GET."))],
        )
    return int(values[0])


def _stale():
    return Problem(
        "versie-verouderd",
        _("This non-conformity was changed in the meantime. Fetch it again (GET) and retry."),
    )


def _not_correctable():
    return Problem(
        "niet-meer-te-wijzigen",
        _("This non-conformity is already being handled by OVAM and can no longer be changed."),
    )


@extend_schema(**schema.WASTE_STREAMS)
@api_view(["GET"])
@permission_classes([AllowAny])
def waste_streams(request):
    streams = WasteStream.objects.order_by("number", "valid_from")
    items = [
        {
            "nummer": stream.number,
            "naam": stream.name,
            "korteNaam": stream.short_name or stream.name,
            "geldigVan": stream.valid_from.isoformat() if stream.valid_from else None,
            "geldigTot": stream.valid_until.isoformat() if stream.valid_until else None,
        }
        for stream in streams
    ]
    return Response({"items": items})


@extend_schema(methods=["GET"], **schema.LIST)
@extend_schema(methods=["POST"], **schema.CREATE)
@api_view(["GET", "POST"])
@idempotent
def non_conformities(request):
    if request.method == "POST":
        return _create(request)
    return _list(request)


def _create(request):
    raw, late_confirmed = records.parse(_body(request))
    caller = request.auth
    received_at = timezone.now()
    data, streams = records.validate(
        raw, organisation=caller.organisation, received_at=received_at, late_confirmed=late_confirmed
    )
    try:
        record = services.create_non_conformity(
            organisation=caller.organisation,
            user=caller.user,
            data=data,
            waste_streams=streams,
            source=NonConformity.Source.API,
            received_at=received_at,
        )
    except ValidationError as exc:
        raise Problem(
            "validatiefout",
            _("The non-conformity has errors; nothing was stored."),
            records.service_issues(exc),
        ) from exc
    return _answer(request, _records(request).get(pk=record.pk), status=201)


def _query_error(name, value, detail):
    return Problem(
        "ongeldige-parameter", _("A query parameter is not valid."), [issue("query", name, value, detail)]
    )


def _query_date(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _query_error(name, value, _("Give a date as JJJJ-MM-DD.")) from None


def _list(request):
    params = request.query_params
    unknown = set(params) - schema.LIST_PARAMETERS
    if unknown:
        name = sorted(unknown)[0]
        raise _query_error(name, params.get(name), _("Unknown parameter."))
    qs = _records(request).order_by("-id")
    if (day := _query_date(request, "datumVan")) is not None:
        qs = qs.filter(observed_on__gte=day)
    if (day := _query_date(request, "datumTot")) is not None:
        qs = qs.filter(observed_on__lte=day)
    if status := params.get("status"):
        if status not in records.STATUS_BY_CODE:
            raise _query_error(
                "status", status, _("One of: %(values)s.") % {"values": ", ".join(records.STATUS_BY_CODE)}
            )
        qs = qs.filter(status=records.STATUS_BY_CODE[status])
    if producer := params.get("producent"):
        digits = search_digits(producer)
        if len(digits) not in (9, 10):
            raise _query_error("producent", producer, _("Give the producer's enterprise number."))
        qs = qs.filter(producer_enterprise_number=digits.zfill(10))
    if batch := params.get("batch"):
        if not batch.isdigit():
            raise _query_error("batch", batch, _("Give the number of a batch."))
        qs = qs.filter(upload_id=int(batch))
    if since := params.get("gewijzigdSinds"):
        moment = None
        with contextlib.suppress(ValueError, OverflowError):
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which Python accepts (up to a day).
            parsed = parse_datetime(since)
            if parsed is not None and not timezone.is_naive(parsed):
                moment = parsed.astimezone(dt.UTC)
        if moment is None:
            raise _query_error(
                "gewijzigdSinds",
                since,
                _("Give a moment with its time zone, e.g. 2026-11-02T08:00:00+01:00."),
            )
        qs = qs.filter(updated_at__gte=moment)
    size = PAGE_SIZE
    if limit := params.get("limiet"):
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE_SIZE:
            raise _query_error("limiet", limit, _("A number from 1 to %(n)d.") % {"n": MAX_PAGE_SIZE})
        size = int(limit)
    if cursor := params.get("cursor"):
        qs = qs.filter(id__lt=_decode_cursor(cursor))
    page = list(qs[: size + 1])
    next_url = None
    if len(page) > size:
        page = page[:size]
        query = params.copy()
        query["cursor"] = _encode_cursor(page[-1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return Response({"items": [records.represent(record) for record in page], "volgende": next_url})


def _encode_cursor(pk):
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = text.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError(cursor)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _query_error("cursor", cursor, _("Use the link in “volgende” as it is.")) from None


@extend_schema(methods=["GET"], **schema.DETAIL)
@extend_schema(methods=["PATCH"], **schema.CORRECT)
@api_view(["GET", "PATCH"])
def non_conformity(request, pk):
    record = get_object_or_404(_records(request), pk=pk)
    if request.method == "GET":
        return _answer(request, record)
    body = _body(request)
    expected = _expected_version(request, required=True)
    if expected is not None and expected != record.version:
        raise _stale()
    if not workflow.may_correct(record.status, ROLE):
        raise _not_correctable()
    changes, late_confirmed = records.parse(body)
    raw = {**records.raw_from_record(record), **changes}
    data, streams = records.validate(
        raw,
        organisation=request.auth.organisation,
        received_at=record.received_at,
        late_confirmed=late_confirmed,
        exclude_pk=record.pk,
    )
    try:
        services.correct_non_conformity(
            record,
            user=request.auth.user,
            role=ROLE,
            data=data,
            waste_streams=streams,
            expected_version=expected if expected is not None else record.version,
        )
    except services.StaleRecord:
        raise _stale() from None
    except workflow.IllegalTransition:
        raise _not_correctable() from None
    except ValidationError as exc:
        raise Problem(
            "validatiefout",
            _("The non-conformity has errors; nothing was stored."),
            records.service_issues(exc),
        ) from exc
    return _answer(request, _records(request).get(pk=record.pk))


@extend_schema(**schema.WITHDRAW)
@api_view(["POST"])
@idempotent
def withdrawal(request, pk):
    record = get_object_or_404(_records(request), pk=pk)
    body = _body(request)
    unknown = [name for name in body if name != "reden"]
    issues = [issue("body", name, None, _("Unknown field.")) for name in unknown]
    reason = body.get("reden")
    if not isinstance(reason, str) or not reason.strip():
        issues.append(issue("body", "reden", None, _("Give the reason for the withdrawal.")))
    elif len(reason) > 2000:
        issues.append(issue("body", "reden", None, _("At most %(n)d characters.") % {"n": 2000}))
    if issues:
        raise Problem("validatiefout", _("The withdrawal has errors; nothing was changed."), issues)
    expected = _expected_version(request, required=False)
    if expected is not None and expected != record.version:
        raise _stale()
    if not workflow.may_withdraw(record.status, ROLE):
        raise Problem("niet-meer-te-wijzigen", _("This non-conformity can no longer be withdrawn."))
    try:
        services.withdraw(record, user=request.auth.user, role=ROLE, reason=reason, expected_version=expected)
    except services.StaleRecord:
        raise _stale() from None
    except workflow.IllegalTransition:
        raise Problem("niet-meer-te-wijzigen", _("This non-conformity can no longer be withdrawn.")) from None
    return _answer(request, _records(request).get(pk=record.pk))


@extend_schema(**schema.PHOTOS)
@api_view(["POST"])
@parser_classes([MultiPartParser])
@idempotent
def photos(request, pk):
    record = get_object_or_404(_records(request), pk=pk)
    unknown = [name for name in list(request.data.keys()) + list(request.FILES.keys()) if name != "fotos"]
    files = request.FILES.getlist("fotos")
    issues = [issue("body", name, None, _("Unknown field.")) for name in dict.fromkeys(unknown)]
    if not files:
        issues.append(issue("body", "fotos", None, _("Send one or more photos in the field “fotos”.")))
    prepared = []
    for uploaded in files:
        try:
            prepared.append(prepare_photo(uploaded))
        except ValidationError as exc:
            issues.extend(issue("body", "fotos", uploaded.name, message) for message in exc.messages)
    if issues:
        raise Problem("validatiefout", _("The photos were not stored."), issues)
    expected = _expected_version(request, required=False)
    if expected is not None and expected != record.version:
        raise _stale()
    if not workflow.may_correct(record.status, ROLE):
        raise _not_correctable()
    try:
        services.add_photos_while_correctable(
            record, user=request.auth.user, role=ROLE, photos=prepared, expected_version=expected
        )
    except services.StaleRecord:
        raise _stale() from None
    except workflow.IllegalTransition:
        raise _not_correctable() from None
    except ValidationError as exc:
        raise Problem(
            "validatiefout",
            _("The photos were not stored."),
            [issue("body", "fotos", None, message) for message in exc.messages],
        ) from exc
    return _answer(request, _records(request).get(pk=record.pk), status=200)


@extend_schema(**schema.BATCH_CREATE)
@api_view(["POST"])
@parser_classes([JSONParser, MultiPartParser])
@idempotent
def batch_create(request):
    if request.content_type.startswith("multipart/"):
        unknown = [name for name in list(request.data.keys()) if name not in batches.FILE_FIELDS]
        uploaded = request.FILES.get(batches.FILE_FIELD)
        sent = request.data.get(records.LATE_CONFIRMED, "0")
        confirmed_late = late_count(sent)
        if confirmed_late is None:
            message = _("The number of late rows you confirm, as a whole number (0 if none).")
            raise Problem(
                "validatiefout",
                _("The batch has errors; nothing was stored."),
                [issue("body", records.LATE_CONFIRMED, sent, message)],
            )
        if unknown or uploaded is None:
            issues = [issue("body", name, None, _("Unknown field.")) for name in dict.fromkeys(unknown)]
            if uploaded is None:
                issues.append(
                    issue("body", batches.FILE_FIELD, None, _("Send a CSV or XLSX file in the template."))
                )
            raise Problem("validatiefout", _("The batch has errors; nothing was stored."), issues)
        upload = batches.receive(request, content=uploaded, name=uploaded.name, confirmed_late=confirmed_late)
    else:
        items = request.data
        if not isinstance(items, list):
            raise Problem("ongeldige-json", _("A batch is a JSON array of non-conformities."))
        late = batches.check_items(items)
        upload = batches.receive(
            request, content=batches.items_as_csv(items), name=batches.JSON_FILE_NAME, confirmed_late=late
        )
    response = Response(batches.represent(upload, request), status=202)
    response["Location"] = request.build_absolute_uri(reverse("api_batch", kwargs={"upload_pk": upload.pk}))
    return response


@extend_schema(**schema.BATCH_DETAIL)
@api_view(["GET"])
def batch_detail(request, upload_pk):
    upload = get_object_or_404(uploads_for_organisation(request), pk=upload_pk)
    return Response(batches.represent(upload, request))


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    raise Problem("niet-gevonden", _("This resource does not exist or is not yours."))
