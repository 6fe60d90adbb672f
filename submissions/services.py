"""The only writers of a non-conformity: form, upload and admin all go through here,
so history, the late flag and provenance cannot differ by entry point."""

import contextlib
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions import summary, workflow
from submissions.deadlines import is_late, registration_deadline
from submissions.history import Actor, Reason, actor_for, status_reason
from submissions.models import NonConformity, Photo, non_conformity_history
from submissions.photos import check_photo_count

# Who produced the waste and where it was picked up ("Another non-conformity" keeps these).
PRODUCER_FIELDS = [
    "producer_name",
    "producer_enterprise_number",
    "establishment_number",
    "street",
    "house_number",
    "postcode",
    "municipality",
]
# Fields a submitter may set or correct; everything else is provenance or review data.
SUBMITTED_FIELDS = [
    "observed_on",
    *PRODUCER_FIELDS,
    "description",
    "action",
    "customer_informed_on",
    "container_reference",
    "own_reference",
]


class StaleRecord(Exception):
    """The record changed since the person loaded it (optimistic locking)."""

    message = _("This non-conformity was changed by someone else in the meantime. Reload it and try again.")


def record_history(record, user, history_type="~", reason=None, *, actor):
    """One history row; `actor` (history.Actor) is the role the change was made in."""
    record._history_user = user
    record._change_reason = reason
    record._history_actor = actor
    non_conformity_history.create_historical_record(record, history_type)


@contextlib.contextmanager
def _quietly(record):
    """Writes without simple-history's automatic rows (a save, an m2m change); the caller writes one row."""
    record.skip_history_when_saving = True
    try:
        yield
    finally:
        del record.skip_history_when_saving


def _save_quietly(record):
    with _quietly(record):
        record.save()


class DuplicateOwnReference(ValidationError):
    """The organisation already used this own reference (the database constraint backs this)."""


# The own-reference rule: unique per organisation, empty never counts. The form and the upload ask
# taken_own_references before saving; the database constraint catches a race (see _save_checked).
DUPLICATE_OWN_REFERENCE = _("You already used this own reference for another non-conformity.")


def duplicate_own_reference():
    return DuplicateOwnReference({"own_reference": [DUPLICATE_OWN_REFERENCE]}, code="duplicate_own_reference")


def taken_own_references(organisation_id, references, exclude_pk=None):
    """Which of `references` the organisation already used on a record (other than `exclude_pk`)."""
    references = {reference for reference in references if reference}
    if not references:
        return set()
    records = _with_own_reference(organisation_id, references)
    if exclude_pk:
        records = records.exclude(pk=exclude_pk)
    return set(records.values_list("own_reference", flat=True))


def own_reference_owners(organisation_id, references):
    """{own reference: id of the organisation's record using it} for those of `references` in use."""
    references = {reference for reference in references if reference}
    if not references:
        return {}
    records = _with_own_reference(organisation_id, references)
    return dict(records.values_list("own_reference", "pk"))


def _with_own_reference(organisation_id, references):
    # The unique index leaves out empty references; PostgreSQL only uses it when the query says so
    # itself (it cannot tell from an IN list of more than 100 values), else it reads every record.
    records = NonConformity.objects.filter(organisation_id=organisation_id).exclude(own_reference="")
    if connection.vendor == "postgresql":
        # An upload's batch as one array the planner does not look into: with 2,000 values it can see
        # (an IN list or a literal array), planning took six times as long as reading the index.
        return records.filter(
            RawSQL(
                "own_reference = ANY(ARRAY(SELECT unnest(%s::varchar[])))",
                [sorted(references)],
                output_field=BooleanField(),
            )
        ).order_by()
    return records.filter(own_reference__in=references).order_by()


def _save_checked(record):
    """Save; a race on the own reference becomes a field error instead of a 500."""
    try:
        with transaction.atomic():
            _save_quietly(record)
    except IntegrityError as exc:
        if "nonconformity_unique_own_reference" in str(exc):
            raise duplicate_own_reference() from exc
        raise


def add_photos(record, photos):
    """Store prepared photos (see submissions.photos.prepare_photo) through Django's storage."""
    try:
        check_photo_count(record.photos.count(), len(photos))
    except ValidationError as exc:
        raise ValidationError({"photos": exc.error_list}) from exc
    for prepared in photos:
        photo = Photo(non_conformity=record, content_type=prepared.content_type)
        photo.image.save(prepared.name, ContentFile(prepared.content), save=False)
        photo.thumbnail.save(f"klein-{prepared.name}", ContentFile(prepared.thumbnail), save=False)
        photo.save()


def apply_deadline(record, holidays=None):
    record.deadline = registration_deadline(record.observed_on, holidays)
    record.is_late = is_late(record.observed_on, record.received_at, holidays)


@transaction.atomic
def create_non_conformity(
    *,
    organisation,
    user,
    data,
    waste_streams,
    source=NonConformity.Source.FORM,
    received_at=None,
    upload=None,
    photos=(),
):
    """Store a validated record. `data` holds SUBMITTED_FIELDS (already normalised).

    Raises DuplicateOwnReference (a ValidationError on `own_reference`) when the own reference is taken."""
    record = NonConformity(
        organisation=organisation,
        submitted_by=user,
        source=source,
        upload=upload,
        received_at=received_at or timezone.now(),
        **{field: data[field] for field in SUBMITTED_FIELDS if field in data},
    )
    apply_deadline(record)
    _save_checked(record)
    _set_streams_quietly(record, waste_streams)
    if photos:
        add_photos(record, photos)
    record_history(record, user, "+", actor=Actor.SUBMITTER)
    summary.record_change(None, summary.contribution(record, [stream.pk for stream in waste_streams]))
    return record


def _set_streams_quietly(record, waste_streams):
    with _quietly(record):
        record.waste_streams.set(waste_streams)


def _stream_ids(record):
    return list(record.waste_streams.values_list("pk", flat=True))


def _lock(record, expected_version):
    locked = NonConformity.objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleRecord
    return locked


@transaction.atomic
def correct_non_conformity(record, *, user, role, data, waste_streams, expected_version, photos=()):
    """A submitter's correction, while the workflow allows `role` to correct the record."""
    locked = _lock(record, expected_version)
    workflow.check_correction(locked.status, role)
    before = summary.contribution(locked, _stream_ids(locked))
    for field in SUBMITTED_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    apply_deadline(locked)  # a corrected date moves the deadline; the history shows it
    locked.version += 1
    _save_checked(locked)
    _set_streams_quietly(locked, waste_streams)
    if photos:
        add_photos(locked, photos)
    record_history(locked, user, "~", reason=Reason.CORRECTION, actor=actor_for(role))
    # The date, producer, action or streams may have changed: the old counts out, the new ones in.
    summary.record_change(before, summary.contribution(locked, [stream.pk for stream in waste_streams]))
    return locked


@transaction.atomic
def add_photos_while_correctable(record, *, user, role, photos, expected_version=None):
    """Photos added after filing (the API's cab software sends them separately): allowed while `role`
    may still correct the record; a new version with a correction row in the history."""
    locked = _lock(record, expected_version)
    workflow.check_correction(locked.status, role)
    add_photos(locked, photos)
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=Reason.CORRECTION, actor=actor_for(role))
    return locked


@transaction.atomic
def withdraw(record, *, user, role, reason, expected_version):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the withdrawal.")]}, code="reason_required")
    locked = _lock(record, expected_version)
    streams = _stream_ids(locked)
    before = summary.contribution(locked, streams)
    locked.transition_to(workflow.Status.WITHDRAWN, role)
    locked.withdrawal_reason = reason
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=Reason.WITHDRAWAL, actor=actor_for(role))
    summary.record_change(before, summary.contribution(locked, streams))  # it counts nowhere any more
    return locked


@transaction.atomic
def transition(record, new_status, *, user, role, expected_version=None):
    """A review step, if the workflow allows `role` to make it."""
    locked = _lock(record, expected_version)
    streams = _stream_ids(locked)
    before = summary.contribution(locked, streams)
    locked.transition_to(new_status, role)
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=status_reason(new_status), actor=actor_for(role))
    summary.record_change(before, summary.contribution(locked, streams))  # a move to withdrawn counts out
    return locked


@transaction.atomic
def update_review(record, *, user, expected_version, assigned_reviewer, internal_note):
    """OVAM's review fields (assignee, internal note); never visible to submitters."""
    locked = _lock(record, expected_version)
    locked.assigned_reviewer = assigned_reviewer
    locked.internal_note = internal_note
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=Reason.REVIEW, actor=Actor.STAFF)
    return locked


@transaction.atomic
def assign(record, *, user, assigned_reviewer, expected_version=None):
    """OVAM's bulk assignment: only the assignee changes (the internal note stays)."""
    locked = _lock(record, expected_version)
    if locked.assigned_reviewer_id == (assigned_reviewer.pk if assigned_reviewer else None):
        return locked  # nothing to record
    locked.assigned_reviewer = assigned_reviewer
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=Reason.REVIEW, actor=Actor.STAFF)
    return locked


@transaction.atomic
def withdraw_upload(upload, *, user, role, reason):
    """Withdraw every record of `upload` in one step with one reason, set-based: the workflow decides
    (refused when any record is already under review or beyond), one UPDATE moves them, one INSERT
    writes a history row per record (with its waste streams), the counters change once. Records already
    withdrawn are left as they are. Returns how many were withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the withdrawal.")]}, code="reason_required")
    records = NonConformity.objects.filter(upload_id=upload.pk)
    # Lock the upload's records (in id order, as every writer of one record locks it) for the check.
    statuses = list(records.select_for_update().order_by("pk").values_list("status", flat=True))
    workflow.check_upload_withdrawal(statuses, role)
    withdrawing = records.filter(status=workflow.Status.SUBMITTED)
    summary.count_records(withdrawing, -1)  # before their status moves: they count nowhere after it
    now = timezone.now()
    moved = withdrawing.update(
        status=workflow.Status.WITHDRAWN, withdrawal_reason=reason, version=F("version") + 1, updated_at=now
    )
    _bulk_history(upload.pk, now, user, Reason.WITHDRAWAL, actor_for(role))
    return moved


def _bulk_history(upload_id, now, user, reason, actor):
    """One "~" history row per record of the upload changed at `now`, with its waste streams (as
    record_history writes for one record), in two INSERT … SELECT statements."""
    history_model = NonConformity.history.model
    through, m2m_history = _history_models()
    quote = connection.ops.quote_name
    reason, actor = str(reason), str(actor)  # plain text, never an Enum's name
    constants = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "~",
        "history_user_id": user.pk,
        "history_actor": actor,
    }
    columns, values, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # the sequence's
        columns.append(quote(field.column))
        if field.attname in constants:
            values.append("%s")
            params.append(constants[field.attname])
        else:
            values.append(f"nc.{quote(field.column)}")
    nc = quote(NonConformity._meta.db_table)
    history = quote(history_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {nc} AS nc "  # noqa: S608
            "WHERE nc.upload_id = %s AND nc.updated_at = %s",
            [*params, upload_id, now],
        )
        m2m, links = quote(m2m_history._meta.db_table), quote(through._meta.db_table)
        cursor.execute(
            f"INSERT INTO {m2m} (id, nonconformity_id, wastestream_id, history_id) "  # noqa: S608
            "SELECT l.id, l.nonconformity_id, l.wastestream_id, h.history_id "
            f"FROM {links} AS l JOIN {history} AS h ON h.id = l.nonconformity_id "
            "WHERE h.upload_id = %s AND h.history_date = %s AND h.history_change_reason = %s",
            [upload_id, now, reason],
        )


def store_upload_rows(upload, rows, *, holidays, now=None):
    """Store one batch of validated upload rows in bulk, inside the caller's transaction; the caller
    calls count_upload once after the last batch.

    Writes what create_non_conformity writes for each row — the record, its waste streams, one
    "+" history row and that row's waste-stream history — but as four bulk statements (COPY on
    PostgreSQL). `rows` holds validate_record's cleaned dicts; `holidays` is loaded once per upload.
    """
    if not rows:
        return 0
    from accounts.models import ApiClient

    now = now or timezone.now()
    # A batch sent by an API client is an upload too; its records say they came through the API.
    via_api = ApiClient.objects.filter(user_id=upload.uploaded_by_id).exists()
    shared = {  # what every record of the upload has in common
        "organisation_id": upload.organisation_id,
        "submitted_by_id": upload.uploaded_by_id,
        "source": NonConformity.Source.API if via_api else NonConformity.Source.UPLOAD,
        "upload_id": upload.pk,
        "received_at": upload.received_at,
        "created_at": now,
        "updated_at": now,
    }
    deadlines = {}  # observation date -> (deadline, late): an upload holds few distinct dates
    for data in rows:
        day = data["observed_on"]
        if day not in deadlines:
            deadlines[day] = (
                registration_deadline(day, holidays),
                is_late(day, upload.received_at, holidays),
            )
    if connection.vendor == "postgresql":
        _copy_upload_rows(rows, deadlines, shared, upload, now)
    else:
        records = []
        for data in rows:
            values = {**shared, **{field: data[field] for field in SUBMITTED_FIELDS}}
            values["deadline"], values["is_late"] = deadlines[data["observed_on"]]
            records.append((values, [stream.pk for stream in data["waste_streams"]]))
        _bulk_create_upload_rows(records, upload, now)
    return len(rows)


def count_upload(upload):
    """Add an upload's stored records to the counters, once, in the import's transaction before it
    is accepted: the upload is accepted exactly when its records count everywhere."""
    summary.count_upload_records(upload.pk)


def _history_models():
    through = NonConformity.waste_streams.through
    field = NonConformity._meta.get_field("waste_streams")
    return through, non_conformity_history.m2m_models[field]


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def copy_text(value):
    """`value` in PostgreSQL's COPY text format (dates and aware datetimes in ISO 8601)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        # Searched first: most values hold nothing to escape, and a search costs less than a sub.
        if _COPY_SPECIAL.search(value):
            return _COPY_SPECIAL.sub(lambda match: _COPY_ESCAPES[match[0]], value)
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _copy_format(names, slots, constants):
    """A str.format template for one COPY line of a table with columns `names`: the value of a column
    in `slots` comes from that position of the row's values, every other column is a constant."""

    def column(name):
        if name in slots:
            return f"{{{slots[name]}}}"
        return constants[name].replace("{", "{{").replace("}", "}}")

    return "\t".join(column(name) for name in names) + "\n"


def _copy_upload_rows(rows, deadlines, shared, upload, now):
    """The four tables' rows as COPY text, one write per table and batch. A row's values are formatted
    once and put in place by a template per table (what the rows share is in the template): building
    a dict per row cost more than PostgreSQL's side of the COPY."""
    history_model = NonConformity.history.model
    through, m2m_history = _history_models()
    link_count = sum(len(data["waste_streams"]) for data in rows)

    def reserve(model, column, count):
        with connection.cursor() as cursor:
            # The sequence looked up once: pg_get_serial_sequence in the select list ran once per id
            # (7× the nextval itself, 2 s of a 100,000-row upload).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]

    record_ids = iter(reserve(NonConformity, "id", len(rows)))
    history_ids = iter(reserve(history_model, "history_id", len(rows)))
    link_ids = iter(reserve(through, "id", link_count))
    m2m_history_ids = iter(reserve(m2m_history, "m2m_history_id", link_count))

    constants = {f.attname: copy_text(f.get_default()) for f in history_model._meta.concrete_fields}
    constants.update({f.attname: copy_text(f.get_default()) for f in NonConformity._meta.concrete_fields})
    constants.update({name: copy_text(value) for name, value in shared.items()})
    constants.update(
        history_date=copy_text(now),
        history_type="+",
        history_user_id=copy_text(upload.uploaded_by_id),
        history_actor=copy_text(Actor.SUBMITTER),
    )
    row_slots = {
        name: i for i, name in enumerate([*SUBMITTED_FIELDS, "deadline", "is_late", "id", "history_id"])
    }
    link_slots = {
        name: i
        for i, name in enumerate(["id", "nonconformity_id", "wastestream_id", "history_id", "m2m_history_id"])
    }
    tables = [  # (model, its COPY template, its lines)
        (model, _copy_format([f.attname for f in model._meta.concrete_fields], slots, constants), [])
        for model, slots in (
            (NonConformity, row_slots),
            (through, link_slots),
            (history_model, row_slots),
            (m2m_history, link_slots),
        )
    ]
    (_, record_line, records), (_, link_line, links), (_, history_line, histories), (_, m2m_line, m2m) = (
        tables
    )
    deadline_text = {
        day: (copy_text(deadline), copy_text(late)) for day, (deadline, late) in deadlines.items()
    }
    for data in rows:
        values = [copy_text(data[field]) for field in SUBMITTED_FIELDS]
        values += deadline_text[data["observed_on"]]
        record_id, history_id = str(next(record_ids)), str(next(history_ids))
        values += (record_id, history_id)
        records.append(record_line.format(*values))
        histories.append(history_line.format(*values))
        for stream in data["waste_streams"]:
            link = (str(next(link_ids)), record_id, str(stream.pk), history_id, str(next(m2m_history_ids)))
            links.append(link_line.format(*link))
            m2m.append(m2m_line.format(*link))

    with connection.cursor() as cursor:
        for model, _line, lines in tables:
            if not lines:  # an empty COPY text would be one empty row
                continue
            columns = ", ".join(f.column for f in model._meta.concrete_fields)
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                copy.write("".join(lines))


def _bulk_create_upload_rows(records, upload, now):
    """The same rows through the ORM, for SQLite (`make run`)."""
    history_model = NonConformity.history.model
    through, m2m_history = _history_models()
    created = NonConformity.objects.bulk_create([NonConformity(**values) for values, _streams in records])
    links = [
        through(nonconformity_id=record.pk, wastestream_id=stream_id)
        for record, (_values, streams) in zip(created, records, strict=True)
        for stream_id in streams
    ]
    links = through.objects.bulk_create(links)
    history_fields = {f.attname for f in history_model._meta.concrete_fields}
    histories = history_model.objects.bulk_create(
        [
            history_model(
                **{k: v for k, v in values.items() if k in history_fields},
                id=record.pk,
                history_date=now,
                history_type="+",
                history_user_id=upload.uploaded_by_id,
                history_actor=Actor.SUBMITTER,
            )
            for record, (values, _streams) in zip(created, records, strict=True)
        ]
    )
    history_by_record = {h.id: h.pk for h in histories}
    m2m_history.objects.bulk_create(
        [
            m2m_history(
                id=link.pk,
                nonconformity_id=link.nonconformity_id,
                wastestream_id=link.wastestream_id,
                history_id=history_by_record[link.nonconformity_id],
            )
            for link in links
        ]
    )


@transaction.atomic
def mark_customer_informed(records, *, user, role, day=None):
    """The notice reached the customer on `day` (today): set "customer informed on" where it is still
    empty, one history row per record changed; withdrawn records and dates before the non-conformity are
    left alone. Returns how many records were marked."""
    day = day or timezone.localdate()
    marked = 0
    todo = records.filter(customer_informed_on__isnull=True, observed_on__lte=day).exclude(
        status=workflow.Status.WITHDRAWN
    )
    for locked in todo.select_for_update().order_by("pk"):
        locked.customer_informed_on = day
        locked.version += 1
        _save_quietly(locked)
        record_history(locked, user, "~", reason=Reason.CUSTOMER_INFORMED, actor=actor_for(role))
        marked += 1
    return marked


@transaction.atomic
def set_customer_email(record, address, *, user, role):
    """Keep the address the notice is e-mailed to on the record (a history row when it changes)."""
    locked = _lock(record, None)
    if locked.customer_email == address:
        return locked
    locked.customer_email = address
    locked.version += 1
    _save_quietly(locked)
    record_history(locked, user, "~", reason=Reason.CUSTOMER_EMAIL, actor=actor_for(role))
    return locked
