"""The counters (register page and overview), kept by the services in the same transaction as the records."""

import datetime as dt
import importlib
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, summary
from submissions.imports import runner
from submissions.imports.intake import receive_upload
from submissions.models import (
    NonConformity,
    OrganisationMonth,
    ProducerMonth,
    ProducerMonthStream,
    WasteStream,
)
from tests.submissions.upload_files import csv_bytes, process_and_confirm, valid_row

BAKERY = "0405546706"
GARAGE = {
    "producer_name": "Garage Vermeulen",
    "producer_enterprise_number": "0353456320",
    "establishment_number": "",
    "street": "Kerkstraat",
    "house_number": "1",
    "postcode": "9000",
    "municipality": "Gent",
}


def months():
    return {
        (p.producer_enterprise_number, p.month): (p.records, p.refused) for p in ProducerMonth.objects.all()
    }


def streams():
    return {
        (p.producer_enterprise_number, p.month, p.waste_stream.number): p.records
        for p in ProducerMonthStream.objects.select_related("waste_stream")
    }


def register():
    return {
        (m.organisation_id, m.month): (m.records, m.late, m.refused)
        for m in OrganisationMonth.objects.all()
        if m.records or m.late or m.refused
    }


def plain_register():
    """The register page's counts straight from the records: withdrawn ones left out."""
    counts = {}
    for record in NonConformity.objects.exclude(status="withdrawn"):
        key = (record.organisation_id, summary.month_of(record.observed_on))
        records, late, refused = counts.get(key, (0, 0, 0))
        counts[key] = (records + 1, late + record.is_late, refused + record.refused)
    return counts


def plain_counts():
    """What the summary must say, counted straight from the records: withdrawn ones left out."""
    counts = {}
    for record in NonConformity.objects.exclude(status="withdrawn"):
        records, refused = counts.get(summary.key_of(record), (0, 0))
        counts[summary.key_of(record)] = (records + 1, refused + record.refused)
    return counts


def test_a_new_record_is_counted(db, make_record, organisation_a):
    make_record(organisation_a, observed_on=dt.date(2026, 3, 2), streams=(16, 3), action="refused")
    make_record(organisation_a, observed_on=dt.date(2026, 3, 20), streams=(16,))
    assert months() == {(BAKERY, dt.date(2026, 3, 1)): (2, 1)}
    assert streams() == {(BAKERY, dt.date(2026, 3, 1), 16): 2, (BAKERY, dt.date(2026, 3, 1), 3): 1}


def test_a_correction_moves_the_count_to_the_new_month_and_producer(db, make_record, organisation_a):
    make_record(organisation_a, observed_on=dt.date(2026, 3, 2))
    record = make_record(organisation_a, observed_on=dt.date(2026, 3, 9), action="refused")
    services.correct_non_conformity(
        record,
        user=record.submitted_by,
        role=SUBMITTER,
        data={**GARAGE, "observed_on": dt.date(2026, 4, 1), "action": "registered"},
        waste_streams=WasteStream.objects.filter(number=2, valid_from__isnull=True),
        expected_version=record.version,
    )
    assert months() == {
        (BAKERY, dt.date(2026, 3, 1)): (1, 0),
        ("0353456320", dt.date(2026, 4, 1)): (1, 0),
    }
    assert streams() == {(BAKERY, dt.date(2026, 3, 1), 16): 1, ("0353456320", dt.date(2026, 4, 1), 2): 1}


def test_a_withdrawal_leaves_every_count(db, make_record, organisation_a):
    kept = make_record(organisation_a, observed_on=dt.date(2026, 3, 2), streams=(16,))
    record = make_record(organisation_a, observed_on=dt.date(2026, 3, 9), streams=(16, 3), action="refused")
    services.withdraw(
        record, user=record.submitted_by, role=SUBMITTER, reason="Dubbel.", expected_version=record.version
    )
    assert months() == {(BAKERY, dt.date(2026, 3, 1)): (1, 0)}
    assert streams() == {(BAKERY, dt.date(2026, 3, 1), 16): 1}
    assert register() == {(organisation_a.pk, dt.date(2026, 3, 1)): (1, int(kept.is_late), 0)}


def test_a_withdrawn_set_is_taken_away_at_once(db, make_record, organisation_a):
    """The set-based API a bulk withdrawal uses: -1 on the records before their status changes."""
    records = [
        make_record(organisation_a, observed_on=dt.date(2026, 3, day), streams=(16, 3), action="refused")
        for day in (2, 9)
    ]
    make_record(organisation_a, observed_on=dt.date(2026, 4, 1), **GARAGE)
    chosen = NonConformity.objects.filter(pk__in=[r.pk for r in records])
    summary.count_records(chosen, -1)
    chosen.update(status="withdrawn")
    assert months() == plain_counts() == {("0353456320", dt.date(2026, 4, 1)): (1, 0)}
    assert streams() == {("0353456320", dt.date(2026, 4, 1), 16): 1}
    assert register() == plain_register()
    summary.count_records(chosen, -1)  # already withdrawn: they count nothing to take away
    assert months() == plain_counts()


def test_an_upload_counts_when_it_is_accepted_in_the_same_transaction(
    db, organisation_a, django_user_model, media, monkeypatch
):
    monkeypatch.setattr(runner, "BATCH_SIZE", 2)  # three batches, one count
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    rows = [
        valid_row(1, datum="02/10/2026"),
        valid_row(2, datum="03/10/2026", actie="geweigerd"),
        valid_row(3, datum="02/11/2026"),
        valid_row(4, datum="05/11/2026", klant_geinformeerd_op="", ondernemingsnummer="0353.456.320"),
        valid_row(
            5,
            datum="06/11/2026",
            klant_geinformeerd_op="",
            ondernemingsnummer="0353.456.320",
            afvalstromen="2",
        ),
    ]
    upload = receive_upload(
        organisation=organisation_a, user=user, uploaded_file=SimpleUploadedFile("l.csv", csv_bytes(rows))
    )
    assert process_and_confirm(upload.pk) == "accepted"  # no worker task after it
    assert (
        months()
        == plain_counts()
        == {
            (BAKERY, dt.date(2026, 10, 1)): (2, 1),
            (BAKERY, dt.date(2026, 11, 1)): (1, 0),
            ("0353456320", dt.date(2026, 11, 1)): (2, 0),
        }
    )
    assert streams()[("0353456320", dt.date(2026, 11, 1), 2)] == 1
    assert register() == plain_register()


def test_a_rejected_upload_counts_nowhere(db, organisation_a, django_user_model, media):
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    rows = [valid_row(1), valid_row(2, datum="gisteren")]
    upload = receive_upload(
        organisation=organisation_a, user=user, uploaded_file=SimpleUploadedFile("l.csv", csv_bytes(rows))
    )
    assert runner.process_upload(upload.pk) == "rejected"
    assert months() == register() == {}


def plain_streams():
    counts = {}
    links = NonConformity.waste_streams.through.objects.exclude(nonconformity__status="withdrawn")
    for link in links.select_related("nonconformity", "wastestream"):
        key = (*summary.key_of(link.nonconformity), link.wastestream.number)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_the_counts_equal_a_direct_count_after_corrections_withdrawals_and_reviews(
    db, make_record, organisation_a
):
    rng = random.Random(7)
    producers = [{}, GARAGE, {**GARAGE, "producer_enterprise_number": "0202239951"}]
    records = [
        make_record(
            organisation_a,
            observed_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(500)),
            streams=rng.sample([2, 3, 16, 11], rng.randint(1, 3)),
            action=rng.choice(["refused", "registered", "post_sorted"]),
            **rng.choice(producers),
        )
        for _ in range(40)
    ]
    for record in records[:15]:  # another date, producer, action and streams
        services.correct_non_conformity(
            record,
            user=record.submitted_by,
            role=SUBMITTER,
            data={
                "observed_on": record.observed_on + dt.timedelta(days=rng.randrange(90)),
                "action": rng.choice(["refused", "registered"]),
                **rng.choice(producers),
            },
            waste_streams=WasteStream.objects.filter(
                number__in=rng.sample([2, 3, 16], 2), valid_from__isnull=True
            ),
            expected_version=record.version,
        )
    for record in records[10:20]:
        services.withdraw(
            record, user=record.submitted_by, role=SUBMITTER, reason="Dubbel.", expected_version=None
        )
    for record in records[20:30]:
        record = services.transition(record, "under_review", user=record.submitted_by, role=REVIEWER)
        services.transition(
            record, rng.choice(["closed", "referred"]), user=record.submitted_by, role=REVIEWER
        )
    incremental = (months(), streams(), register())
    assert incremental == (plain_counts(), plain_streams(), plain_register())
    assert sum(records for records, _refused in incremental[0].values()) == 30
    summary.rebuild()
    assert (months(), streams(), register()) == incremental


def test_the_migration_rebuilds_the_overview_without_withdrawn_records(db, make_record, organisation_a):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("submissions.migrations.0015_overview_without_withdrawn")
    record = make_record(organisation_a, observed_on=dt.date(2026, 3, 2), streams=(16, 3))
    make_record(organisation_a, observed_on=dt.date(2026, 3, 9))
    NonConformity.objects.filter(pk=record.pk).update(status="withdrawn")  # as it was: still counted
    with connection.schema_editor() as editor:
        migration.rebuild(apps, editor)
    assert months() == plain_counts() == {(BAKERY, dt.date(2026, 3, 1)): (1, 0)}
    assert streams() == plain_streams() == {(BAKERY, dt.date(2026, 3, 1), 16): 1}


@pytest.mark.django_db
def test_the_command_rebuilds_everything(make_record, organisation_a):
    from django.core.management import call_command

    make_record(organisation_a, observed_on=dt.date(2026, 3, 2))
    record = make_record(organisation_a, observed_on=dt.date(2026, 3, 9), streams=(3,))
    services.withdraw(record, user=record.submitted_by, role=SUBMITTER, reason="Fout.", expected_version=None)
    incremental = (months(), streams(), register())
    ProducerMonthStream.objects.all().delete()
    ProducerMonth.objects.all().delete()
    call_command("rebuild_overview", verbosity=0)
    assert (months(), streams(), register()) == incremental
    assert months() == plain_counts() == {(BAKERY, dt.date(2026, 3, 1)): (1, 0)}
