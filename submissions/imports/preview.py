"""What the person sees before anything is stored: new records and corrections, late rows and possible
duplicates by content.

A possible duplicate has the same organisation, producer, date, location (establishment unit, or the
address when there is none) and waste streams as another row of the file or a record already in the
register (withdrawn records excepted). Both are listed by row; neither stops the upload.

A row with a register number (the register's export, edited and uploaded again) corrects that record:
left alone when nothing changed, refused with the reason when the record may no longer be corrected.
"""

from collections import defaultdict

from django.db import connection

from accounts.roles import SUBMITTER
from submissions import workflow
from submissions.deadlines import is_late, registration_deadline
from submissions.models import NonConformity
from submissions.services import SUBMITTED_FIELDS

LISTED = 1000  # rows listed per finding; the counts cover the whole file
LOCATION_FIELDS = ("establishment_number", "street", "house_number", "postcode", "municipality")


def content_key(values, stream_ids):
    """The content that makes two records possible duplicates (within one organisation)."""
    if values["establishment_number"]:
        location = (values["establishment_number"],)
    else:
        location = tuple(str(values[field]).strip().casefold() for field in LOCATION_FIELDS[1:])
    return (values["producer_enterprise_number"], values["observed_on"], location, tuple(sorted(stream_ids)))


class Listing:
    """A count and the first LISTED entries."""

    def __init__(self):
        self.count = 0
        self.entries = []

    def add(self, number, cleaned, **facts):
        """Count the row; its entry is made only while entries are listed (a year's file may be late on
        almost every row)."""
        self.count += 1
        if not self.full:
            self.entries.append({**summary(number, cleaned), **facts})

    @property
    def full(self):
        return len(self.entries) >= LISTED


def summary(number, cleaned):
    return {
        "row": number,
        "observed_on": cleaned["observed_on"].strftime("%d/%m/%Y"),
        "producer": cleaned["producer_name"][:100],
    }


def stream_ids(cleaned):
    return [stream.pk for stream in cleaned["waste_streams"]]


class Findings:
    """New rows, corrections, late rows and possible duplicates of one upload, gathered batch by batch."""

    def __init__(self, upload, holidays):
        self.upload = upload
        self.holidays = holidays
        self.new = 0
        self.unchanged = 0
        self.late = Listing()
        self.duplicates = Listing()
        self.corrected = Listing()
        self.refused = Listing()
        self.first_row = {}  # content key -> first row of the file with it
        self._deadlines = {}

    def deadline(self, day, received_at):
        if (day, received_at) not in self._deadlines:
            self._deadlines[day, received_at] = (
                registration_deadline(day, self.holidays),
                is_late(day, received_at, self.holidays),
            )
        return self._deadlines[day, received_at]

    def count_late(self, number, cleaned, received_at):
        deadline, late = self.deadline(cleaned["observed_on"], received_at)
        if late:  # formatted only while listed: most rows of a year's file are late
            facts = {} if self.late.full else {"deadline": deadline.strftime("%d/%m/%Y %H:%M")}
            self.late.add(number, cleaned, **facts)

    def sort(self, batch, current):
        """`batch`: (row number, cleaned) pairs, each valid; `current`: current_records of their register
        numbers. Returns (new rows, corrections): the rows to store, and (row number, cleaned, record id)
        for the records that change and may be corrected. Unchanged records and records that may no
        longer be corrected are counted and left out."""
        new, corrections = [], []
        for number, cleaned in batch:
            pk = cleaned["register_number"]
            if pk is None:
                self.new += 1
                self.count_late(number, cleaned, self.upload.received_at)
                new.append((number, cleaned))
                continue
            record = current[pk]  # the importer refused unknown numbers before
            if unchanged(record, cleaned):
                self.unchanged += 1
            elif not workflow.may_correct(record["status"], SUBMITTER):
                reason = str(workflow.not_correctable_message(record["status"]))
                self.refused.add(number, cleaned, register_number=pk, reason=reason)
            else:
                self.corrected.add(number, cleaned, register_number=pk)
                self.count_late(number, cleaned, record["received_at"])
                corrections.append((number, cleaned, pk))
        return new, corrections

    def check_duplicates(self, rows):
        """`rows`: (row number, cleaned) pairs that will be stored. One query finds their look-alikes in
        the register (a corrected record is no look-alike of itself)."""
        keyed = [(number, cleaned, content_key(cleaned, stream_ids(cleaned))) for number, cleaned in rows]
        in_register = register_matches(self.upload.organisation_id, [key for _n, _c, key in keyed])
        for number, cleaned, key in keyed:
            same_as_row = self.first_row.setdefault(key, number)
            same_as_row = None if same_as_row == number else same_as_row
            others = [pk for pk in in_register.get(key, ()) if pk != cleaned["register_number"]]
            record = others[0] if others else None
            if same_as_row or record:
                self.duplicates.add(number, cleaned, same_as_row=same_as_row, record=record)

    def as_json(self):
        self.duplicates.entries.sort(key=lambda entry: entry["row"])
        return {
            "new_count": self.new,
            "corrected_count": self.corrected.count,
            "corrected": self.corrected.entries,
            "unchanged_count": self.unchanged,
            "refused_count": self.refused.count,
            "refused": self.refused.entries,
            "late_count": self.late.count,
            "late": self.late.entries,
            "duplicate_count": self.duplicates.count,
            "duplicates": self.duplicates.entries,
        }


def current_records(organisation_id, numbers):
    """{id: the record's submitted fields, status, received_at and waste stream ids} for those of
    `numbers` that are the organisation's records; one query."""
    numbers = {number for number in numbers if number is not None}
    if not numbers:
        return {}
    fields = ("status", "received_at", *SUBMITTED_FIELDS)
    rows = (
        NonConformity.objects.filter(organisation_id=organisation_id, pk__in=numbers)
        .values_list("pk", *fields, "waste_streams")
        .order_by("pk")
    )
    found = {}
    for pk, *values, stream_id in rows:
        record = found.setdefault(pk, {**dict(zip(fields, values, strict=True)), "streams": set()})
        if stream_id is not None:
            record["streams"].add(stream_id)
    return found


def unchanged(record, cleaned):
    return all(record[field] == cleaned[field] for field in SUBMITTED_FIELDS) and record["streams"] == set(
        stream_ids(cleaned)
    )


# The batch's (producer, date) pairs themselves: its producers and its dates apart would match every date
# of a frequent producer, ten times as many records. Their ids first, from the index alone
# (nc_producer_observed holds organisation and status): most records with a batch's (producer, date)
# are other organisations', and reading each from the table to drop it cost three quarters of the query.
# One statement: the ORM's two (the ids, then their rows) cost more in Python than PostgreSQL's side.
MATCHES_SQL = """
WITH found AS MATERIALIZED (
    SELECT id FROM submissions_nonconformity
    WHERE organisation_id = %s AND status <> %s
      AND (producer_enterprise_number, observed_on) IN (SELECT * FROM unnest(%s::varchar[], %s::date[]))
)
SELECT nc.producer_enterprise_number, nc.observed_on, nc.establishment_number, nc.street, nc.house_number,
       nc.postcode, nc.municipality, nc.id,
       ARRAY(
           SELECT wastestream_id FROM submissions_nonconformity_waste_streams WHERE nonconformity_id = nc.id
       )
FROM submissions_nonconformity nc WHERE nc.id IN (SELECT id FROM found)
ORDER BY nc.id  -- the oldest look-alike is the one named
"""
MATCHED_FIELDS = ("producer_enterprise_number", "observed_on", *LOCATION_FIELDS)


def register_matches(organisation_id, keys):
    """{content key: ids of the organisation's records with that content} for `keys`, in one query."""
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        pairs = sorted({key[:2] for key in keys})
        with connection.cursor() as cursor:
            cursor.execute(
                MATCHES_SQL,
                [organisation_id, workflow.Status.WITHDRAWN, [p[0] for p in pairs], [p[1] for p in pairs]],
            )
            rows = cursor.fetchall()
    else:
        streams = defaultdict(list)
        records = {}
        candidates = NonConformity.objects.filter(
            organisation_id=organisation_id,
            observed_on__in={key[1] for key in keys},
            producer_enterprise_number__in={key[0] for key in keys},
        ).exclude(status=workflow.Status.WITHDRAWN)
        matched = candidates.values_list("pk", *MATCHED_FIELDS, "waste_streams").order_by("pk")
        for pk, *values, stream_id in matched:
            records[pk] = values
            if stream_id is not None:
                streams[pk].append(stream_id)
        rows = [(*values, pk, streams[pk]) for pk, values in records.items()]
    wanted = set(keys)
    found = defaultdict(list)
    for *values, pk, linked in rows:
        key = content_key(dict(zip(MATCHED_FIELDS, values, strict=True)), linked)
        if key in wanted:
            found[key].append(pk)
    return found
