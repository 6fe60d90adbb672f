"""Photos kept between sending and saving a form: a photo the person already sent survives a validation
error (or was sent ahead by static/js/photos.js while they typed). Each is bound to the person, the
organisation and the form's token (a hidden field made when the form page opens), stored through
Django's storage as the already re-encoded JPEG and thumbnail, and attached when the form is saved.
No request is needed here: the REST API can keep and attach photos the same way."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from submissions.models import KeptPhoto
from submissions.photos import PreparedPhoto, check_photo_count

TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token():
    return secrets.token_hex(16)


def valid_token(value):
    """The posted token when it is one of ours in form, else a fresh one (nothing kept under it)."""
    value = str(value or "")
    return value if TOKEN.fullmatch(value) else new_token()


def of_person(user, organisation):
    """The photos kept for this person in this organisation, not yet expired; the only way to reach them."""
    if user is None or user.pk is None or organisation is None:
        return KeptPhoto.objects.none()
    return KeptPhoto.objects.filter(
        user_id=user.pk,
        organisation_id=organisation.pk,
        created_at__gte=timezone.now() - timedelta(hours=settings.NCR_KEPT_PHOTO_HOURS),
    )


def for_form(user, organisation, token):
    """The photos kept for this person, organisation and form."""
    if not TOKEN.fullmatch(str(token or "")):
        return KeptPhoto.objects.none()
    return of_person(user, organisation).filter(token=token)


def keep(user, organisation, token, prepared_photos):
    """Keep prepared photos (submissions.photos.prepare_photo) for this form; refuses beyond MAX_PHOTOS."""
    check_photo_count(for_form(user, organisation, token).count(), len(prepared_photos))
    kept = []
    for prepared in prepared_photos:
        photo = KeptPhoto(
            user=user, organisation=organisation, token=token, content_type=prepared.content_type
        )
        photo.image.save(prepared.name, ContentFile(prepared.content), save=False)
        photo.thumbnail.save(f"klein-{prepared.name}", ContentFile(prepared.thumbnail), save=False)
        photo.save()
        kept.append(photo)
    return kept


def prepared(kept_photos):
    """The kept photos as PreparedPhoto, ready for services.add_photos (they were checked when kept)."""
    result = []
    for photo in kept_photos:
        with photo.image.open("rb") as image, photo.thumbnail.open("rb") as thumbnail:
            name = photo.image.name.rsplit("/", 1)[-1]
            result.append(PreparedPhoto(name, image.read(), photo.content_type, thumbnail.read()))
    return result


def discard(kept_photos):
    """Remove kept photos: the rows now, their files once the transaction has committed."""
    photos = list(kept_photos)
    KeptPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    names = [name for photo in photos for name in (photo.image.name, photo.thumbnail.name) if name]

    def delete_files():
        storage = KeptPhoto._meta.get_field("image").storage
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(photos)


def purge_expired():
    """Housekeeping: kept photos older than NCR_KEPT_PHOTO_HOURS, files included."""
    cutoff = timezone.now() - timedelta(hours=settings.NCR_KEPT_PHOTO_HOURS)
    return discard(KeptPhoto.objects.filter(created_at__lt=cutoff))
