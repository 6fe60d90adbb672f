import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
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


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(fmt):
    prepared = prepare_photo(SimpleUploadedFile("p", image_bytes(fmt), "application/octet-stream"))
    assert prepared.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.content)).format == "JPEG"


def test_a_large_photo_is_capped_at_2048_pixels_with_a_400_pixel_thumbnail():
    # A client without the shrinking script sends the camera's 4000 x 3000.
    prepared = prepare_photo(SimpleUploadedFile("big.jpg", image_bytes("JPEG", (4000, 3000)), "image/jpeg"))
    assert Image.open(io.BytesIO(prepared.content)).size == (2048, 1536)
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 300)


def test_a_transparent_png_becomes_a_jpeg_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, format="PNG")
    prepared = prepare_photo(SimpleUploadedFile("t.png", buffer.getvalue(), "image/png"))
    assert Image.open(io.BytesIO(prepared.content)).getpixel((5, 5)) == (255, 255, 255)


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


def test_the_thumbnail_is_stored_with_the_photo_and_served_to_the_organisation_only(
    client, submitter_a, organisation_b, media
):
    photo = SimpleUploadedFile("foto.jpg", image_bytes("JPEG", (3000, 2000)), "image/jpeg")
    client.post(reverse("register_new"), {**form_data(), "photos": [photo]})
    stored = Photo.objects.get()
    assert stored.thumbnail.name
    served = client.get(reverse("register_photo_thumbnail", args=[stored.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (400, 267)
    detail = client.get(reverse("register_detail", args=[stored.non_conformity_id])).content.decode()
    assert f'src="{reverse("register_photo_thumbnail", args=[stored.pk])}"' in detail
    assert f'href="{reverse("register_photo", args=[stored.pk])}"' in detail
    from tests.conftest import sign_in

    sign_in(client, vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    assert client.get(reverse("register_photo_thumbnail", args=[stored.pk])).status_code == 404


def test_a_photo_stored_before_thumbnails_gets_one_made_once(
    client, submitter_a, make_record, organisation_a, media
):
    record = make_record(organisation_a)
    photo = Photo(non_conformity=record, content_type="image/png")
    photo.image.save("oud.png", ContentFile(image_bytes("PNG", (1200, 900))), save=True)
    url = reverse("register_photo_thumbnail", args=[photo.pk])
    first = b"".join(client.get(url).streaming_content)
    assert Image.open(io.BytesIO(first)).size == (400, 300)
    made = Photo.objects.get().thumbnail.name
    assert made
    assert b"".join(client.get(url).streaming_content) == first
    assert Photo.objects.get().thumbnail.name == made
    assert len(list(media.rglob("*.jpg"))) == 1


def test_a_photo_missing_from_storage_answers_404(client, submitter_a, make_record, organisation_a, media):
    record = make_record(organisation_a)
    photo = Photo.objects.create(non_conformity=record, image="photos/weg.jpg", content_type="image/jpeg")
    assert client.get(reverse("register_photo", args=[photo.pk])).status_code == 404
    assert client.get(reverse("register_photo_thumbnail", args=[photo.pk])).status_code == 404
