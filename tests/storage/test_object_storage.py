"""Photos and uploads in S3-compatible object storage: a real S3 server process (moto's) on 127.0.0.1."""

import subprocess
import sys
import time

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ncregister import health
from ncregister.storage import s3_storage
from submissions.imports import rows_copy, runner
from submissions.imports.intake import confirm_upload, receive_upload
from submissions.models import Photo
from tests.helpers import free_port
from tests.submissions.conftest import image_bytes
from tests.submissions.test_views import form_data
from tests.submissions.upload_files import csv_bytes, process_and_confirm, valid_row, xlsx_bytes

KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3-compatible server as its own process."""
    port = free_port()
    log = (tmp_path_factory.mktemp("s3") / "moto.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(endpoint, timeout=1)
            break
        except requests.ConnectionError:
            assert process.poll() is None, "moto server exited"
            assert time.monotonic() < deadline, "moto server did not start"
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)
    log.close()


def client_for(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


@pytest.fixture
def bucket(s3_endpoint, settings, request):
    """A fresh bucket, and the portal's default storage pointing at it (as NCR_S3_* would)."""
    name = f"ncr-{request.node.name[:40].lower().replace('_', '-')}"
    client_for(s3_endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    use_bucket(settings, s3_endpoint, name)
    return client_for(s3_endpoint), name


def use_bucket(settings, endpoint, name):
    storage = s3_storage(bucket=name, endpoint_url=endpoint, region="eu-west-1", **KEYS)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.NCR_S3_BUCKET = name


def keys(bucket):
    client, name = bucket
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def test_a_photo_is_stored_in_the_bucket_and_served_only_through_the_permission_check(
    client, bucket, submitter_a, organisation_b
):
    photo = SimpleUploadedFile("foto.png", image_bytes("PNG"), "image/png")
    assert client.post(reverse("register_new"), {**form_data(), "photos": [photo]}).status_code == 302
    stored = Photo.objects.get()
    assert sorted(keys(bucket)) == sorted([stored.image.name, stored.thumbnail.name])
    thumbnail = client.get(reverse("register_photo_thumbnail", args=[stored.pk]))
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"
    served = client.get(reverse("register_photo", args=[stored.pk]))
    assert served.status_code == 200
    assert (
        b"".join(served.streaming_content)
        == bucket[0].get_object(Bucket=bucket[1], Key=stored.image.name)["Body"].read()
    )


def test_an_upload_is_stored_in_the_bucket_and_imported_from_it(bucket, organisation_a, django_user_model):
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    upload = receive_upload(
        organisation=organisation_a,
        user=user,
        uploaded_file=SimpleUploadedFile("lijst.csv", csv_bytes([valid_row(1), valid_row(2)])),
    )
    assert keys(bucket) == [upload.file.name]
    assert process_and_confirm(upload.pk) == "accepted"
    assert upload.records.count() == 2


def test_an_xlsx_keeps_its_rows_in_the_bucket_between_preview_and_store(
    bucket, organisation_a, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    upload = receive_upload(
        organisation=organisation_a,
        user=user,
        uploaded_file=SimpleUploadedFile("lijst.xlsx", xlsx_bytes([valid_row(1), valid_row(2)])),
    )
    assert runner.process_upload(upload.pk) == "preview"
    assert sorted(keys(bucket)) == sorted([upload.file.name, rows_copy.name_of(upload)])
    upload.refresh_from_db()
    confirm_upload(upload, confirmed_late=upload.preview["late_count"])
    with django_capture_on_commit_callbacks(execute=True):
        assert runner.process_upload(upload.pk) == "accepted"
    assert upload.records.count() == 2
    assert keys(bucket) == [upload.file.name]


def test_readiness_answers_503_when_the_bucket_is_missing(s3_endpoint, settings, db):
    use_bucket(settings, s3_endpoint, "no-such-bucket")
    assert health.readiness_problem() == "object storage unavailable"


def test_readiness_answers_503_when_object_storage_is_unreachable(settings, db):
    use_bucket(settings, f"http://127.0.0.1:{free_port()}", "ncr")
    assert health.readiness_problem() == "object storage unavailable"


def test_a_page_that_needs_unreachable_storage_says_so_in_dutch(client, settings, submitter_a):
    use_bucket(settings, f"http://127.0.0.1:{free_port()}", "ncr")
    client.raise_request_exception = False
    photo = SimpleUploadedFile("foto.png", image_bytes("PNG"), "image/png")
    response = client.post(reverse("register_new"), {**form_data(), "photos": [photo]})
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()
