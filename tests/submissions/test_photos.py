import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from submissions.models import NonConformity, Photo
from submissions.photos import MAX_PHOTOS, prepare_photo
from tests.submissions.conftest import image_bytes
from tests.submissions.test_views import form_data


def test_a_jpeg_is_turned_upright_and_stripped_of_exif():
    # Orientation 6: the camera held sideways; the stored photo must be rotated to portrait.
    upload = SimpleUploadedFile("IMG_1.JPG", image_bytes("JPEG", (40, 20), exif_orientation=6), "image/jpeg")
    prepared = prepare_photo(upload)
    image = Image.open(io.BytesIO(prepared.content))
    assert image.size == (20, 40)
    assert dict(image.getexif()) == {}
    assert prepared.content_type == "image/jpeg"
    assert prepared.name.endswith(".jpg")
    assert "IMG_1" not in prepared.name


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(fmt, content_type):
    prepared = prepare_photo(SimpleUploadedFile("p", image_bytes(fmt), "application/octet-stream"))
    assert prepared.content_type == content_type


def test_the_content_counts_not_the_name():
    with pytest.raises(ValidationError):
        prepare_photo(SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg"))


def test_a_gif_is_refused():
    with pytest.raises(ValidationError):
        prepare_photo(SimpleUploadedFile("a.png", image_bytes("GIF"), "image/png"))


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError):
        prepare_photo(SimpleUploadedFile("a.jpg", image_bytes("JPEG", (400, 400))[:300], "image/jpeg"))


def test_a_photo_over_the_size_limit_is_refused(settings):
    settings.NCR_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationError) as caught:
        prepare_photo(SimpleUploadedFile("a.jpg", image_bytes("JPEG"), "image/jpeg"))
    assert caught.value.code == "photo_too_large"


def test_photos_filed_with_the_form_are_stored_and_served_to_the_organisation_only(
    client, submitter_a, organisation_b, media
):
    photo = SimpleUploadedFile("foto.jpg", image_bytes("JPEG", exif_orientation=3), "image/jpeg")
    response = client.post(reverse("register_new"), {**form_data(), "photos": [photo]})
    assert response.status_code == 302
    stored = Photo.objects.get()
    assert stored.image.name.startswith(f"photos/{stored.non_conformity.organisation_id}/")
    served = client.get(reverse("register_photo", args=[stored.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    # Another organisation's submitter: the photo does not exist.
    from tests.conftest import sign_in

    sign_in(client, vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    assert client.get(reverse("register_photo", args=[stored.pk])).status_code == 404


def test_a_bad_photo_is_a_field_error_and_nothing_is_stored(client, submitter_a, media):
    bad = SimpleUploadedFile("foto.jpg", b"not an image", "image/jpeg")
    html = client.post(reverse("register_new"), {**form_data(), "photos": [bad]}).content.decode()
    assert 'href="#id_photos"' in html
    assert NonConformity.objects.count() == 0


def test_at_most_five_photos(client, submitter_a, media):
    photos = [SimpleUploadedFile(f"f{i}.png", image_bytes("PNG"), "image/png") for i in range(6)]
    html = client.post(reverse("register_new"), {**form_data(), "photos": photos}).content.decode()
    assert 'href="#id_photos"' in html
    assert Photo.objects.count() == 0
    assert MAX_PHOTOS == 5


def test_a_photo_missing_from_storage_answers_404(client, submitter_a, make_record, organisation_a, media):
    record = make_record(organisation_a)
    photo = Photo.objects.create(non_conformity=record, image="photos/weg.jpg", content_type="image/jpeg")
    assert client.get(reverse("register_photo", args=[photo.pk])).status_code == 404
