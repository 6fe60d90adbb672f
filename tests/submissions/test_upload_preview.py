"""The upload's preview: what will be stored, the late rows and possible duplicates, before anything is."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from submissions import summary
from submissions.imports import runner
from submissions.imports.intake import receive_upload
from submissions.imports.preview import LISTED, Listing
from submissions.models import NonConformity, OrganisationMonth, ProducerMonth, Upload
from tests.conftest import sign_in
from tests.submissions.upload_files import csv_bytes, valid_row


@pytest.fixture
def run_worker(monkeypatch):
    from worker import runner as worker_runner

    monkeypatch.setattr(worker_runner, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch", verbosity=0)


def today():
    return timezone.localdate().strftime("%d/%m/%Y")


def rows():
    """Row 2 on time; rows 3-5 late; row 4 repeats row 3's content; row 5 repeats a record in the register."""
    return [
        valid_row(1, datum=today(), klant_geinformeerd_op=""),
        valid_row(3),
        valid_row(3, eigen_referentie="REF-3b", containernummer="C-9", omschrijving="Anders verwoord"),
        valid_row(5, vestigingsnummer="2.147.812.701", afvalstromen="16"),
    ]


@pytest.fixture
def previewed(client, submitter_a, organisation_a, make_record, run_worker, media):
    """A file checked by the worker and waiting in its preview, next to one record already registered."""
    existing = make_record(organisation_a)  # 02/11/2026, establishment 2.147.812.701, stream 16
    client.post(reverse("upload_index"), {"file": SimpleUploadedFile("maand.csv", csv_bytes(rows()))})
    run_worker()
    upload = Upload.objects.get()
    return upload, existing


def test_the_preview_lists_late_rows_and_content_duplicates_and_stores_nothing(client, previewed):
    upload, existing = previewed
    assert upload.status == "preview"
    assert NonConformity.objects.count() == 1
    assert upload.row_count == 4
    assert upload.preview["late_count"] == 3
    assert [row["row"] for row in upload.preview["late"]] == [3, 4, 5]
    assert [(d["row"], d["same_as_row"], d["record"]) for d in upload.preview["duplicates"]] == [
        (4, 3, None),
        (5, None, existing.pk),
    ]
    page = client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    assert "4 rijen worden opgeslagen." in page
    assert "Ik bevestig dat 3 rijen laattijdig zijn" in page
    assert "zelfde als rij 3 van dit bestand" in page
    assert reverse("register_detail", args=[existing.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_cancel_stores_nothing_and_removes_the_file(client, previewed, django_capture_on_commit_callbacks):
    upload, _existing = previewed
    storage, name = upload.file.storage, upload.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the cancel is committed
        response = client.post(reverse("upload_cancel", args=[upload.pk]))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "cancelled"
    assert NonConformity.objects.count() == 1
    assert not storage.exists(name)
    assert (
        "Er werd niets opgeslagen." in client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    )
    # A cancelled upload can no longer be confirmed.
    response = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": 3})
    assert response.status_code == 400


def test_confirm_stores_all_and_the_counters_count_them(client, previewed, run_worker, organisation_a):
    upload, _existing = previewed
    response = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": 3})
    assert response.status_code == 302
    assert Upload.objects.get().status == "confirmed"
    assert NonConformity.objects.count() == 1  # the worker stores it
    run_worker()
    upload.refresh_from_db()
    assert upload.status == "accepted"
    stored = NonConformity.objects.filter(upload=upload)
    assert stored.count() == 4
    assert stored.filter(is_late=True).count() == 3
    counts = client.get(reverse("register_home")).context["counts"]
    records = NonConformity.objects.filter(organisation=organisation_a)
    assert counts["late"] == records.filter(is_late=True).count() == 4
    assert sum(OrganisationMonth.objects.values_list("records", flat=True)) == records.count() == 5
    counted = sorted(ProducerMonth.objects.values_list("producer_enterprise_number", "month", "records"))
    summary.rebuild()
    assert (
        sorted(ProducerMonth.objects.values_list("producer_enterprise_number", "month", "records")) == counted
    )


def test_a_wrong_late_count_is_refused_with_a_dutch_message(client, previewed):
    upload, _existing = previewed
    unticked = client.post(reverse("upload_confirm", args=[upload.pk]))
    assert unticked.status_code == 400
    assert "Vink het vakje aan om te bevestigen dat 3 rijen laattijdig zijn" in unticked.content.decode()
    wrong = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": 2})
    assert wrong.status_code == 400
    assert "Het bestand heeft 3 laattijdige rijen." in wrong.content.decode()
    assert Upload.objects.get().status == "preview"
    assert NonConformity.objects.count() == 1


@pytest.mark.parametrize("posted", ["²", "1" * 5000])
def test_a_late_count_that_is_no_number_is_refused_not_a_500(client, previewed, posted):
    upload, _existing = previewed
    response = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": posted})
    assert response.status_code == 400
    assert "Vink het vakje aan om te bevestigen dat 3 rijen laattijdig zijn" in response.content.decode()
    assert Upload.objects.get().status == "preview"


def test_the_api_path_skips_the_preview_and_refuses_a_wrong_late_count(
    organisation_a, submitter_a, media, run_worker
):
    def send(name, confirmed_late):
        upload = receive_upload(
            organisation=organisation_a,
            user=submitter_a,
            uploaded_file=SimpleUploadedFile(name, csv_bytes(rows()[:2])),
            confirmed_late=confirmed_late,
        )
        runner.process_upload(upload.pk)
        upload.refresh_from_db()
        return upload

    wrong = send("a.csv", 0)
    assert wrong.status == "rejected"
    assert (
        "Het bestand heeft 1 laattijdige rijen, maar er werden er 0 bevestigd." in wrong.errors[0]["message"]
    )
    assert NonConformity.objects.count() == 0
    right = send("b.csv", 1)
    assert right.status == "accepted"
    assert NonConformity.objects.filter(upload=right).count() == 2


def test_an_expired_preview_is_purged_with_its_file(client, previewed):
    upload, _existing = previewed
    storage, name = upload.file.storage, upload.file.name
    call_command("housekeeping", verbosity=0)
    assert Upload.objects.filter(pk=upload.pk).exists()  # not yet expired
    Upload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    late = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": 3})
    assert "Deze voorvertoning is verlopen." in late.content.decode()
    call_command("housekeeping", verbosity=0)
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert not storage.exists(name)
    assert NonConformity.objects.count() == 1


def test_another_organisation_cannot_see_or_confirm_it(previewed, organisation_b):
    upload, _existing = previewed
    other = Client()
    sign_in(other, vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    assert other.get(reverse("upload_detail", args=[upload.pk])).status_code == 404
    assert other.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": 3}).status_code == 404
    assert other.post(reverse("upload_cancel", args=[upload.pk])).status_code == 404
    assert Upload.objects.get().status == "preview"


def test_a_finding_counts_every_row_and_lists_the_first_thousand():
    late = Listing()
    cleaned = {"observed_on": dt.date(2026, 1, 5), "producer_name": "Bakkerij Janssens"}
    for number in range(2, LISTED + 7):
        late.add(number, cleaned, deadline="06/01/2026 23:59")
    assert late.count == LISTED + 5
    assert len(late.entries) == LISTED
    assert late.entries[0] == {
        "row": 2,
        "observed_on": "05/01/2026",
        "producer": "Bakkerij Janssens",
        "deadline": "06/01/2026 23:59",
    }


def test_of_two_look_alikes_in_the_register_the_preview_names_the_oldest(
    client, submitter_a, organisation_a, make_record, run_worker, media
):
    oldest, _newer = make_record(organisation_a), make_record(organisation_a)
    row = valid_row(5, vestigingsnummer="2.147.812.701", afvalstromen="16")
    client.post(reverse("upload_index"), {"file": SimpleUploadedFile("maand.csv", csv_bytes([row]))})
    run_worker()
    duplicates = Upload.objects.get().preview["duplicates"]
    assert [(d["row"], d["record"]) for d in duplicates] == [(2, oldest.pk)]
