"""Photos of a non-conformity: checked by their content, turned upright, stripped of EXIF, stored
through Django's storage and served only by a permission-checked view (never a public media URL)."""

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format -> (content type, file extension). The browser's name and type are never trusted.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
MAX_PIXELS = 40_000_000  # well above any phone camera; stops decompression bombs
MAX_PHOTOS = 5  # per non-conformity


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
            kind = probe.format
            if kind not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise not_a_photo
            probe.verify()  # a truncated or corrupt file fails here
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_a_photo from exc
    content_type, extension = FORMATS[kind]
    # A fresh info dict: EXIF (GPS, camera, time), XMP and comments are not written out.
    upright.info = {}
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    buffer = io.BytesIO()
    options = {"quality": 88} if kind in ("JPEG", "WEBP") else {}
    upright.save(buffer, format=kind, **options)
    return PreparedPhoto(f"{uuid.uuid4().hex}.{extension}", buffer.getvalue(), content_type)


def photo_response(request, photo):
    """Stream a stored photo; the caller has already checked the photo belongs to the organisation.

    The one exception to no-store: `private, no-cache` with an ETag, so a second look costs a 304, still
    only after the caller's permission check. A stored photo never changes (a new one gets a new name).
    """
    etag = quote_etag(hashlib.sha256(f"{photo.pk}:{photo.image.name}".encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            stored = photo.image.open("rb")
        except OSError as exc:  # the file is gone from storage: say so, never a 500
            raise Http404 from exc
        response = FileResponse(stored, content_type=photo.content_type)
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
