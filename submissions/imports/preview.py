"""What the person sees before anything is stored: late rows and possible duplicates by content.

A possible duplicate has the same organisation, producer, date, location (establishment unit, or the
address when there is none) and waste streams as another row of the file or a record already in the
register (withdrawn records excepted). Both are listed by row; neither stops the upload.
"""

from collections import defaultdict

from submissions import workflow
from submissions.deadlines import is_late, registration_deadline
from submissions.models import NonConformity

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

    def add(self, entry):
        self.count += 1
        if len(self.entries) < LISTED:
            self.entries.append(entry)


def summary(number, cleaned):
    return {
        "row": number,
        "observed_on": cleaned["observed_on"].strftime("%d/%m/%Y"),
        "producer": cleaned["producer_name"][:100],
    }


class Findings:
    """Late rows and possible duplicates of one upload, gathered batch by batch while it is read."""

    def __init__(self, upload, holidays):
        self.upload = upload
        self.holidays = holidays
        self.late = Listing()
        self.duplicates = Listing()
        self.first_row = {}  # content key -> first row of the file with it
        self._deadlines = {}

    def deadline(self, day):
        if day not in self._deadlines:
            self._deadlines[day] = (
                registration_deadline(day, self.holidays),
                is_late(day, self.upload.received_at, self.holidays),
            )
        return self._deadlines[day]

    def count_late(self, number, cleaned):
        deadline, late = self.deadline(cleaned["observed_on"])
        if late:
            self.late.add({**summary(number, cleaned), "deadline": deadline.strftime("%d/%m/%Y %H:%M")})

    def check_batch(self, batch):
        """`batch`: (row number, cleaned) pairs. One query finds their look-alikes in the register."""
        keyed = []
        for number, cleaned in batch:
            keyed.append((number, cleaned, content_key(cleaned, [s.pk for s in cleaned["waste_streams"]])))
        in_register = register_matches(self.upload.organisation_id, [key for _n, _c, key in keyed])
        for number, cleaned, key in keyed:
            same_as_row = self.first_row.setdefault(key, number)
            same_as_row = None if same_as_row == number else same_as_row
            record = in_register.get(key)
            if same_as_row or record:
                self.duplicates.add(
                    {**summary(number, cleaned), "same_as_row": same_as_row, "record": record}
                )

    def as_json(self):
        self.duplicates.entries.sort(key=lambda entry: entry["row"])
        return {
            "late_count": self.late.count,
            "late": self.late.entries,
            "duplicate_count": self.duplicates.count,
            "duplicates": self.duplicates.entries,
        }


def register_matches(organisation_id, keys):
    """{content key: id of a record of the organisation with that content} for `keys`, in one query."""
    if not keys:
        return {}
    streams = defaultdict(list)
    candidates = NonConformity.objects.filter(
        organisation_id=organisation_id,
        observed_on__in={key[1] for key in keys},
        producer_enterprise_number__in={key[0] for key in keys},
    ).exclude(status=workflow.Status.WITHDRAWN)
    fields = ("producer_enterprise_number", "observed_on", *LOCATION_FIELDS)
    rows = candidates.values_list("pk", *fields, "waste_streams").order_by("pk")
    values = {}
    for pk, *record, stream_id in rows:
        values[pk] = dict(zip(fields, record, strict=True))
        if stream_id is not None:
            streams[pk].append(stream_id)
    wanted = set(keys)
    found = {}
    for pk, record in values.items():
        key = content_key(record, streams[pk])
        if key in wanted:
            found.setdefault(key, pk)
    return found
