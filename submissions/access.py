"""Which records, photos and uploads a request may see: always the session's organisation, never a
form or URL value.

Every submitter view and export goes through these helpers, so another organisation's record,
photo, upload or export simply does not exist for the request (404).
"""

from submissions import kept_photos
from submissions.models import NonConformity, Photo, Upload


def for_organisation(request):
    """The non-conformities of the session's organisation (none without one)."""
    organisation = request.organisation
    if organisation is None:
        return NonConformity.objects.none()
    return NonConformity.objects.filter(organisation_id=organisation.pk)


def photos_for_organisation(request):
    """The photos of the session's organisation's records."""
    organisation = request.organisation
    if organisation is None:
        return Photo.objects.none()
    return Photo.objects.filter(non_conformity__organisation_id=organisation.pk)


def uploads_for_organisation(request):
    """The uploads of the session's organisation (none without one)."""
    organisation = request.organisation
    if organisation is None:
        return Upload.objects.none()
    return Upload.objects.filter(organisation_id=organisation.pk)


def kept_photos_for(request, token=None):
    """The photos kept for the person in the session's organisation (none for anybody else); with
    `token`, those of that form only."""
    if token is None:
        return kept_photos.of_person(request.user, request.organisation)
    return kept_photos.for_form(request.user, request.organisation, token)
