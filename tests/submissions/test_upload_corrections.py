"""A wrong upload undone in one step, and records corrected by uploading the register's export again."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from accounts.roles import REVIEWER
from submissions import services, summary, workflow
from submissions.models import NonConformity, OrganisationMonth, Upload
from tests.conftest import sign_in
from tests.submissions.upload_files import csv_bytes, valid_row


@pytest.fixture
def run_worker(monkeypatch):
    from worker import runner as worker_runner

    monkeypatch.setattr(worker_runner, "close_old_connections", lambda: None)
    return lambda: call_command("worker", "--batch", verbosity=0)


@pytest.fixture
def send(client, run_worker, media):
    """send(content): upload a file as the signed-in person; the worker checks it; returns the upload."""

    def post(content, name="lijst.csv"):
        response = client.post(reverse("upload_index"), {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 302, response.content.decode()
        run_worker()
        return Upload.objects.latest("received_at")

    return post


@pytest.fixture
def confirm(client, run_worker):
    def run(upload):
        late = upload.preview["late_count"]
        response = client.post(reverse("upload_confirm", args=[upload.pk]), {"late_confirmed": late})
        assert response.status_code == 302
        run_worker()
        upload.refresh_from_db()
        assert upload.status == "accepted", upload.errors
        return upload

    return run


@pytest.fixture
def stored(submitter_a, send, confirm):
    """An accepted upload of three records."""
    return confirm(send(csv_bytes([valid_row(1), valid_row(2), valid_row(3)])))


def export_rows(client):
    response = client.get(reverse("register_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def counts_match_a_direct_count(organisation):
    """The register's counters equal a count of the records, and every counter table equals a rebuild."""
    direct = NonConformity.objects.filter(organisation=organisation).exclude(status="withdrawn")
    counted = sum(
        OrganisationMonth.objects.filter(organisation=organisation).values_list("records", flat=True)
    )
    kept = [sorted(model.objects.values_list(*keys, *values)) for model, keys, values in summary.TABLES]
    summary.rebuild()
    rebuilt = [sorted(model.objects.values_list(*keys, *values)) for model, keys, values in summary.TABLES]
    return counted == direct.count() and kept == rebuilt


def under_review(record, django_user_model):
    staff = django_user_model.objects.create(username="femke", vo_id="vo-femke")
    return services.transition(record, workflow.Status.UNDER_REVIEW, user=staff, role=REVIEWER)


# --- correction by file ---------------------------------------------------------------------------


def test_the_export_has_the_template_columns_and_the_register_number(client, stored):
    header = export_rows(client)[0]
    assert header[:15] == [
        "registernummer",
        "datum",
        "ondernemingsnummer",
        "naam_producent",
        "vestigingsnummer",
        "straat",
        "huisnummer",
        "postcode",
        "gemeente",
        "omschrijving",
        "afvalstromen",
        "actie",
        "klant_geinformeerd_op",
        "containernummer",
        "eigen_referentie",
    ]


def test_export_edit_and_upload_corrects_the_records_and_adds_none(client, stored, send, confirm):
    rows = export_rows(client)
    header = rows[0]
    edited = next(row for row in rows[1:] if row[header.index("eigen_referentie")] == "REF-2")
    edited[header.index("omschrijving")] = "Verbeterd: enkel karton"
    edited[header.index("afvalstromen")] = "3"
    upload = send(as_csv(rows), "register-verbeterd.csv")
    assert upload.status == "preview", upload.errors
    assert upload.preview["corrected_count"] == 1
    assert upload.preview["unchanged_count"] == 2
    assert upload.preview["new_count"] == 0
    assert upload.preview["duplicate_count"] == 0  # a record is not a duplicate of itself
    page = client.get(reverse("upload_detail", args=[upload.pk])).content.decode()
    assert "1 non-conformiteit wordt verbeterd" in page
    confirm(upload)
    assert NonConformity.objects.count() == 3
    record = NonConformity.objects.get(own_reference="REF-2")
    assert record.description == "Verbeterd: enkel karton"
    assert [s.number for s in record.waste_streams.all()] == [3]
    assert record.version == 2
    assert record.history.first().history_change_reason == "correction"
    assert NonConformity.objects.get(own_reference="REF-1").version == 1  # unchanged rows are left alone
    assert counts_match_a_direct_count(record.organisation)


def test_a_record_under_review_is_refused_with_the_reason_and_the_others_corrected(
    client, stored, send, confirm, django_user_model
):
    reviewed = under_review(NonConformity.objects.get(own_reference="REF-1"), django_user_model)
    rows = export_rows(client)
    header = rows[0]
    for row in rows[1:]:
        row[header.index("omschrijving")] = "Nieuwe omschrijving"
    upload = send(as_csv(rows))
    assert upload.preview["corrected_count"] == 2
    assert [(r["register_number"], r["reason"]) for r in upload.preview["refused"]] == [
        (reviewed.pk, "Deze non-conformiteit wordt al door OVAM behandeld en kan niet meer verbeterd worden.")
    ]
    confirm(upload)
    assert NonConformity.objects.filter(description="Nieuwe omschrijving").count() == 2
    reviewed.refresh_from_db()
    assert reviewed.description != "Nieuwe omschrijving"
    assert NonConformity.objects.count() == 3


def test_a_register_number_of_another_organisation_is_an_error(
    client, stored, send, organisation_b, make_record
):
    foreign = make_record(organisation_b)
    rows = [valid_row(7)]
    content = csv_bytes(rows, headers=["registernummer", *rows[0].keys()]).replace(
        b"\r\n;", f"\r\n{foreign.pk};".encode()
    )
    upload = send(content)
    assert upload.status == "rejected"
    assert upload.errors[0]["column"] == "registernummer"
    assert "bestaat niet" in upload.errors[0]["message"]


# --- withdrawing a whole upload -------------------------------------------------------------------


def test_a_whole_upload_is_withdrawn_with_one_reason(client, stored, organisation_a):
    page = client.get(reverse("upload_withdraw", args=[stored.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("upload_withdraw", args=[stored.pk]), {"reason": "Verkeerde maand opgeladen"}
    )
    assert response.status_code == 302
    records = NonConformity.objects.filter(upload=stored)
    assert set(records.values_list("status", "withdrawal_reason", "version")) == {
        ("withdrawn", "Verkeerde maand opgeladen", 2)
    }
    histories = NonConformity.history.filter(upload_id=stored.pk, history_change_reason="withdrawal")
    assert histories.count() == 3
    assert all(sorted(s.wastestream.number for s in h.waste_streams.all()) == [3, 16] for h in histories)
    assert set(histories.values_list("history_actor", flat=True)) == {"submitter"}
    assert counts_match_a_direct_count(organisation_a)
    counts = client.get(reverse("register_home")).context["counts"]
    assert counts["late"] == 0


def test_withdrawing_an_upload_is_refused_when_one_record_is_under_review(
    client, stored, organisation_a, django_user_model
):
    under_review(NonConformity.objects.filter(upload=stored).first(), django_user_model)
    response = client.post(reverse("upload_withdraw", args=[stored.pk]), {"reason": "Fout bestand"})
    assert response.status_code == 400
    assert "1 van de non-conformiteiten wordt al door OVAM behandeld" in response.content.decode()
    assert NonConformity.objects.filter(upload=stored).aggregate(
        withdrawn=Count("pk", filter=Q(status="withdrawn"))
    ) == {"withdrawn": 0}
    assert counts_match_a_direct_count(organisation_a)


def test_withdrawing_an_upload_needs_a_reason_and_the_own_organisation(client, stored, organisation_b):
    response = client.post(reverse("upload_withdraw", args=[stored.pk]), {"reason": " "})
    assert response.status_code == 400
    assert "Geef de reden van de intrekking." in response.content.decode()
    other = Client()
    sign_in(other, vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    assert other.post(reverse("upload_withdraw", args=[stored.pk]), {"reason": "x"}).status_code == 404
    assert not NonConformity.objects.filter(status="withdrawn").exists()
