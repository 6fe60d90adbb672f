"""Photos already sent survive a validation error: kept for that person, organisation and form, shown,
removable, attached when the form is saved, purged by housekeeping after NCR_KEPT_PHOTO_HOURS."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from submissions import kept_photos
from submissions.models import KeptPhoto, NonConformity
from tests.conftest import sign_in
from tests.submissions.conftest import image_bytes
from tests.submissions.test_views import form_data


def photo(name="foto.jpg"):
    return SimpleUploadedFile(name, image_bytes(size=(3000, 2000)), "image/jpeg")


def files_in(media):
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


def send_ahead(client, token):
    """What static/js/photos.js does for each photo chosen."""
    return client.post(reverse("register_keep_photo"), {"photo_token": token, "photo": photo()})


def test_photos_sent_with_an_invalid_form_are_kept_and_attached_on_save(
    client, submitter_a, media, django_capture_on_commit_callbacks
):
    token = kept_photos.new_token()
    response = client.post(
        reverse("register_new"),
        form_data(establishment_number="2.123.456.789", photo_token=token, photos=[photo(), photo("b.jpg")]),
    )
    assert response.status_code == 200
    assert NonConformity.objects.count() == 0
    kept = list(KeptPhoto.objects.filter(token=token))
    assert len(kept) == 2
    html = response.content.decode()
    for item in kept:
        assert reverse("register_kept_photo", args=[item.pk]) in html
        thumbnail = client.get(reverse("register_kept_photo", args=[item.pk]))
        assert thumbnail.status_code == 200
        assert thumbnail["Cache-Control"] == "private, no-cache"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register_new"), form_data(photo_token=token))
    assert response.status_code == 302
    record = NonConformity.objects.get()
    assert record.photos.count() == 2
    assert all(p.thumbnail for p in record.photos.all())
    assert KeptPhoto.objects.count() == 0
    assert not any("kept" in path.parts for path in files_in(media))  # the kept files went with them


def test_photos_sent_ahead_by_the_script_are_attached_with_new_ones(client, submitter_a, media):
    token = kept_photos.new_token()
    answer = send_ahead(client, token)
    assert answer.status_code == 201
    assert answer.json()["thumbnail"] == reverse("register_kept_photo", args=[answer.json()["id"]])
    client.post(reverse("register_new"), form_data(photo_token=token, photos=[photo()]))
    assert NonConformity.objects.get().photos.count() == 2


def test_a_kept_photo_can_be_removed(client, submitter_a, media, django_capture_on_commit_callbacks):
    token = kept_photos.new_token()
    first, second = (send_ahead(client, token).json()["id"] for _ in range(2))
    # Removing while the form still has an error: the photo is gone, the other stays.
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(
            reverse("register_new"), form_data(description="", photo_token=token, remove_photo=[first])
        ).content.decode()
    assert reverse("register_kept_photo", args=[first]) not in html
    assert reverse("register_kept_photo", args=[second]) in html
    assert client.get(reverse("register_kept_photo", args=[first])).status_code == 404
    assert len(files_in(media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register_new"), form_data(photo_token=token))
    assert NonConformity.objects.get().photos.count() == 1
    assert len(files_in(media)) == 2  # the record's photo and thumbnail; nothing kept


def test_kept_photos_count_towards_the_five(client, submitter_a, media):
    token = kept_photos.new_token()
    for _ in range(5):
        assert send_ahead(client, token).status_code == 201
    refused = send_ahead(client, token)
    assert refused.status_code == 400
    assert "Hoogstens 5 foto's" in refused.json()["error"]
    html = client.post(
        reverse("register_new"), form_data(photo_token=token, photos=[photo()])
    ).content.decode()
    assert 'href="#id_photos"' in html
    assert NonConformity.objects.count() == 0


def test_a_non_photo_sent_ahead_is_refused_in_dutch(client, submitter_a, media):
    answer = client.post(
        reverse("register_keep_photo"),
        {"photo_token": kept_photos.new_token(), "photo": SimpleUploadedFile("x.jpg", b"no photo")},
    )
    assert answer.status_code == 400
    assert "geen JPEG-, PNG- of WebP-foto" in answer.json()["error"]
    assert KeptPhoto.objects.count() == 0


def test_kept_photos_are_not_visible_to_another_person(client, submitter_a, organisation_a, media):
    token = kept_photos.new_token()
    kept = send_ahead(client, token).json()["id"]
    sign_in(client, vo_id="vo-jan", organisation=organisation_a, roles=["Indieners"], given_name="Jan")
    assert client.get(reverse("register_kept_photo", args=[kept])).status_code == 404
    html = client.post(reverse("register_new"), form_data(photo_token=token)).content.decode()
    assert reverse("register_kept_photo", args=[kept]) not in html
    assert NonConformity.objects.get().photos.count() == 0  # the same token attaches nothing of An's
    assert KeptPhoto.objects.filter(pk=kept).exists()


def test_kept_photos_are_not_visible_to_another_organisation(client, submitter_a, organisation_b, media):
    token = kept_photos.new_token()
    kept = send_ahead(client, token).json()["id"]
    # The same person, now signed in for collector B.
    sign_in(client, vo_id="vo-an", organisation=organisation_b, roles=["Indieners"], given_name="An")
    assert client.get(reverse("register_kept_photo", args=[kept])).status_code == 404
    client.post(reverse("register_new"), form_data(photo_token=token))
    assert NonConformity.objects.get().photos.count() == 0


def test_kept_photos_are_purged_after_the_limit(
    client, submitter_a, media, settings, django_capture_on_commit_callbacks
):
    token = kept_photos.new_token()
    old, fresh = (send_ahead(client, token).json()["id"] for _ in range(2))
    KeptPhoto.objects.filter(pk=old).update(
        created_at=timezone.now() - dt.timedelta(hours=settings.NCR_KEPT_PHOTO_HOURS, minutes=1)
    )
    assert client.get(reverse("register_kept_photo", args=[old])).status_code == 404  # expired: gone at once
    assert len(files_in(media)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        call_command("housekeeping", verbosity=0)
    assert list(KeptPhoto.objects.values_list("pk", flat=True)) == [fresh]
    assert len(files_in(media)) == 2


def test_a_correction_attaches_kept_photos(client, submitter_a, make_record, organisation_a, media):
    record = make_record(organisation_a)
    token = kept_photos.new_token()
    send_ahead(client, token)
    data = form_data(observed_on=record.observed_on.isoformat(), version=record.version, photo_token=token)
    data["confirm_late"] = "on"
    response = client.post(reverse("register_correct", args=[record.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert record.photos.count() == 1
    assert KeptPhoto.objects.count() == 0
