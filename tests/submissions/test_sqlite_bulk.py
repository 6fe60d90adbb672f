"""The upload's bulk write and the export on SQLite, the database `make run` uses (PostgreSQL takes the COPY
path)."""

import json

from tests.helpers import clean_env, manage

SCRIPT = """
import datetime as dt, json
from django.utils import timezone
from accounts.models import Organisation, User
from submissions import exports, services, summary
from submissions.imports import preview
from submissions.models import NonConformity, ProducerMonth, ProducerMonthStream, Upload
from submissions.validation import StreamCatalogue, validate_record

org = Organisation.objects.create(code="0405546706", name="Alfa")
user = User.objects.create(username="an", vo_id="vo-an")
upload = Upload.objects.create(organisation=org, uploaded_by=user, file_name="lijst.csv", sha256="0" * 64)
raw = {"observed_on": "05/01/2026", "producer_name": "Bakkerij", "producer_enterprise_number": "0405.546.706",
       "establishment_number": "2.147.812.701", "description": "pmd", "action": "refused",
       "waste_streams": "16;3"}
catalogue = StreamCatalogue()
rows = []
for n in range(3):
    cleaned, errors = validate_record({**raw, "own_reference": f"R{n}"}, catalogue, today=dt.date(2026, 2, 1))
    assert not errors, errors
    rows.append(cleaned)
stored = services.store_upload_rows(upload, rows, holidays=set())
record = NonConformity.objects.order_by("id").first()
history = record.history.get()
services.count_upload(upload)
counted = [list(ProducerMonth.objects.values_list("records", "refused"))]
summary.count_records(NonConformity.objects.filter(pk=record.pk), -1)  # as a set withdrawal does
counted.append(list(ProducerMonth.objects.values_list("records", "refused")))
counted.append(sorted(ProducerMonthStream.objects.values_list("records", flat=True)))
key = preview.content_key(rows[0], [stream.pk for stream in rows[0]["waste_streams"]])
look_alikes = preview.register_matches(org.pk, [key, (*key[:3], ())])
own_file = exports.export_sql(NonConformity.objects.filter(pk=record.pk))[1]
staff_file = exports.export_sql(NonConformity.objects.filter(pk=record.pk), staff=True)[1]
print(json.dumps({
    "exported": [list(exports.rows(own_file))[0][10], list(exports.rows(staff_file))[0][12]],
    "counted": counted,
    "vendor": __import__("django.db").db.connection.vendor,
    "stored": stored,
    "look_alikes": [len(look_alikes.get(key, [])), len(look_alikes)],
    "records": NonConformity.objects.filter(upload=upload, source="upload").count(),
    "streams": sorted(s.number for s in record.waste_streams.all()),
    "history_type": history.history_type,
    "history_user": history.history_user_id == user.pk,
    "history_streams": sorted(link.wastestream.number for link in history.waste_streams.all()),
    "deadline": timezone.localtime(record.deadline).date().isoformat(),
    "is_late": record.is_late,
}))
"""


def test_make_runs_sqlite_bulk_path_writes_records_streams_their_history_and_counts(tmp_path):
    env = clean_env(NCR_ENV="dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    result = manage("shell", "-c", SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {
        "counted": [[[3, 3]], [[2, 2]], [2, 2]],
        "exported": ["3;16", "3°, 16°"],
        "vendor": "sqlite",
        "stored": 3,
        "look_alikes": [3, 1],  # the same content without its streams is no look-alike
        "records": 3,
        "streams": [3, 16],
        "history_type": "+",
        "history_user": True,
        "history_streams": [3, 16],
        "deadline": "2026-01-06",
        "is_late": True,
    }
