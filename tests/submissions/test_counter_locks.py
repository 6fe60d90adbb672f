"""The counters at the limits: an upload touching more (producer, month) keys than PostgreSQL's lock
table holds, and two uploads for overlapping producers counted at the same moment."""

import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from submissions import services, summary
from submissions.imports.intake import receive_upload
from submissions.models import OrganisationMonth, ProducerMonth, ProducerMonthStream
from tests.submissions.upload_files import csv_bytes, process_and_confirm, valid_row


def enterprise_number(i):
    base = f"0{2_000_000 + i:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


def producer_rows(count, first=0):
    """One row per producer, over eleven months: `count` distinct (producer, month) keys."""
    return [
        valid_row(
            n,
            ondernemingsnummer=enterprise_number(n),
            datum=f"{1 + n % 28:02d}/{1 + n % 11:02d}/2026",
            klant_geinformeerd_op="",
        )
        for n in range(first, first + count)
    ]


def lock_table_size():
    """Entries PostgreSQL's shared lock table holds: max_locks_per_transaction × (connections + prepared)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_locks_per_transaction')::int"
            " * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)"
        )
        return cursor.fetchone()[0]


def snapshot():
    return [sorted(model.objects.values_list(*keys, *values)) for model, keys, values in summary.TABLES]


def upload(organisation, user, rows, name="l.csv"):
    return receive_upload(
        organisation=organisation, user=user, uploaded_file=SimpleUploadedFile(name, csv_bytes(rows))
    )


def test_an_upload_with_more_keys_than_the_lock_table_holds_is_counted(
    db, organisation_a, django_user_model, media
):
    keys = lock_table_size() * 3 // 2  # 9,600 on a stock server (64 × 100)
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    received = upload(organisation_a, user, producer_rows(keys))
    assert process_and_confirm(received.pk) == "accepted"
    assert ProducerMonth.objects.count() == keys
    assert sum(ProducerMonthStream.objects.values_list("records", flat=True)) == 2 * keys  # streams 3 and 16
    assert sum(OrganisationMonth.objects.values_list("records", flat=True)) == keys
    counted = snapshot()
    summary.rebuild()
    assert snapshot() == counted


def test_two_uploads_for_overlapping_producers_counted_at_once_equal_one_after_the_other(
    transactional_db, organisation_a, organisation_b, django_user_model, media, monkeypatch
):
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    # Same producers and months in both files, in a different order.
    first = upload(organisation_a, user, producer_rows(300), "a.csv")
    second = upload(organisation_b, user, list(reversed(producer_rows(300, first=150))), "b.csv")
    both_at_the_count = threading.Barrier(2, timeout=30)
    count_upload = services.count_upload

    def count_together(received):
        both_at_the_count.wait()  # both imports hold their rows, uncommitted, and count now
        count_upload(received)

    monkeypatch.setattr(services, "count_upload", count_together)
    results = {}

    def run(upload_id):
        try:
            results[upload_id] = process_and_confirm(upload_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u.pk,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {first.pk: "accepted", second.pk: "accepted"}
    together = snapshot()
    summary.rebuild()
    assert snapshot() == together
    assert ProducerMonth.objects.filter(records=2).count() == 150
