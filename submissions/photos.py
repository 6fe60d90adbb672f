"""Photos of a non-conformity: checked by their content, turned upright, stripped of EXIF, capped at
MAX_SIDE and stored as JPEG with a THUMB_SIDE thumbnail made once, through Django's storage, and served
only by a permission-checked view (never a public media URL). The browser shrinks photos before sending
(static/js/photos.js); this is the check for a client that did not."""

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What is accepted, by content (Pillow's format): the browser's name and type are never trusted.
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # well above any phone camera; stops decompression bombs
MAX_PHOTOS = 5  # per non-conformity
MAX_SIDE = 2048  # long side of a stored photo: sharp on any screen, about 0.5 MB as JPEG
THUMB_SIDE = 400  # long side of a thumbnail (lists, detail pages, the form)
JPEG = "image/jpeg"


def check_photo_count(existing, adding):
    """Refuse more than MAX_PHOTOS photos on one record (form, correction and service alike)."""
    if existing + adding > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(n)d photos per non-conformity."), code="too_many_photos", params={"n": MAX_PHOTOS}
        )


def max_bytes():
    return getattr(settings, "NCR_PHOTO_MAX_MB", 10) * 1024 * 1024


@dataclass(frozen=True)
class PreparedPhoto:
    name: str
    content: bytes
    content_type: str
    thumbnail: bytes


def _jpeg(image, side, quality):
    """`image` shrunk to at most `side` pixels on its long side, as JPEG bytes without metadata."""
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    if copy.mode != "RGB":
        # Transparent parts on white, as they would print.
        background = Image.new("RGB", copy.size, (255, 255, 255))
        rgba = copy.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        copy = background
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def make_thumbnail(content):
    """The thumbnail of stored photo bytes (for photos stored before thumbnails existed)."""
    with Image.open(io.BytesIO(content)) as image:
        return _jpeg(ImageOps.exif_transpose(image), THUMB_SIDE, 75)


def prepare_photo(uploaded):
    """Check one uploaded file and return a clean PreparedPhoto, or raise ValidationError in Dutch."""
    if uploaded.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB."),
            code="photo_too_large",
            params={"name": uploaded.name[:80], "mb": max_bytes() // (1024 * 1024)},
        )
    not_a_photo = ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP photo."),
        code="photo_type",
        params={"name": uploaded.name[:80]},
    )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise not_a_photo
            probe.verify()  # a truncated or corrupt file fails here
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            upright = ImageOps.exif_transpose(image)
            upright.load()
            # A fresh info dict: EXIF (GPS, camera, time), XMP and comments are not written out.
            upright.info = {}
            photo, thumbnail = _jpeg(upright, MAX_SIDE, 85), _jpeg(upright, THUMB_SIDE, 75)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_a_photo from exc
    return PreparedPhoto(f"{uuid.uuid4().hex}.jpg", photo, JPEG, thumbnail)


def ensure_thumbnail(photo):
    """The photo's thumbnail file, made once: at storing time, or here for a photo stored before."""
    if not photo.thumbnail:
        with photo.image.open("rb") as stored:
            content = make_thumbnail(stored.read())
        photo.thumbnail.save(f"{uuid.uuid4().hex}.jpg", ContentFile(content), save=False)
        # Two first looks at once: the first one's name stays, the other's file is removed.
        if not type(photo).objects.filter(pk=photo.pk, thumbnail="").update(thumbnail=photo.thumbnail.name):
            photo.thumbnail.delete(save=False)
            photo.refresh_from_db(fields=["thumbnail"])
    return photo.thumbnail


def photo_response(request, photo, *, thumbnail=False):
    """Stream a stored photo or its thumbnail; the caller has already checked the photo belongs to the
    organisation.

    The one exception to no-store: `private, no-cache` with an ETag, so a second look costs a 304, still
    only after the caller's permission check. A stored photo never changes (a new one gets a new name).
    """
    kind = "thumbnail" if thumbnail else "photo"
    etag = quote_etag(hashlib.sha256(f"{photo.pk}:{photo.image.name}:{kind}".encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            stored = ensure_thumbnail(photo).open("rb") if thumbnail else photo.image.open("rb")
        except (OSError, UnidentifiedImageError) as exc:  # the file is gone from storage: say so, never a 500
            raise Http404 from exc
        response = FileResponse(stored, content_type=JPEG if thumbnail else photo.content_type)
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def audit_photo(request, photo):
    """A full-size look at a photo is a download in the audit trail; the thumbnails a page shows are not
    (the browser fetches those as images: Sec-Fetch-Dest "image")."""
    from audit.events import Kind, record

    if request.headers.get("Sec-Fetch-Dest") != "image":
        record(request, Kind.DOWNLOAD, count=1, file="photo", photo=photo.pk, record=photo.non_conformity_id)
