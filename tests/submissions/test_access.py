"""Which records, photos and uploads a request may see (submissions/access.py)."""

from django.test import RequestFactory

from submissions.access import for_organisation, photos_for_organisation, uploads_for_organisation
from submissions.models import Photo, Upload


def request_for(organisation):
    request = RequestFactory().get("/register/")
    request.organisation = organisation
    return request


def stock(record):
    Photo.objects.create(non_conformity=record, image="photos/x.jpg", content_type="image/jpeg")
    Upload.objects.create(
        organisation=record.organisation,
        uploaded_by=record.submitted_by,
        file_name="lijst.csv",
        sha256="0" * 64,
    )


def test_a_request_without_an_organisation_sees_no_records_photos_or_uploads(
    make_record, organisation_a, organisation_b
):
    stock(make_record(organisation_a))
    stock(make_record(organisation_b))
    request = request_for(None)
    assert not for_organisation(request).exists()
    assert not photos_for_organisation(request).exists()
    assert not uploads_for_organisation(request).exists()


def test_a_request_sees_only_its_own_organisation(make_record, organisation_a, organisation_b):
    own = make_record(organisation_a)
    stock(own)
    stock(make_record(organisation_b))
    request = request_for(organisation_a)
    assert list(for_organisation(request)) == [own]
    assert [photo.non_conformity for photo in photos_for_organisation(request)] == [own]
    assert [upload.organisation for upload in uploads_for_organisation(request)] == [organisation_a]
