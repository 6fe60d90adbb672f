"""Fixtures for the register's tests: records made through the real service."""

import contextlib
import datetime as dt
import io

import pytest
from django.core.management import call_command
from PIL import Image

from submissions import services
from submissions.models import WasteStream

VALID_DATA = {
    "observed_on": dt.date(2026, 11, 2),
    "producer_name": "Bakkerij De Korenaar",
    "producer_enterprise_number": "0405546706",
    "establishment_number": "2147812701",
    "description": "PMD-zakken en karton in het restafval.",
    "action": "registered",
}


@pytest.fixture
def make_record(db, django_user_model):
    """make_record(organisation, user=None, streams=(16,), **fields): a record stored by the service."""

    def make(organisation, user=None, streams=(16,), received_at=None, **fields):
        user = user or django_user_model.objects.get_or_create(username="maker", vo_id="vo-maker")[0]
        return services.create_non_conformity(
            organisation=organisation,
            user=user,
            data={**VALID_DATA, **fields},
            waste_streams=WasteStream.objects.filter(number__in=streams, valid_from__isnull=True),
            received_at=received_at,
        )

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks, monkeypatch):
    """`with committed():` the writes inside commit as far as their on-commit work goes (the overview's
    refresh task is enqueued), then the real worker runs the queue, as in production."""
    from worker import runner

    # The worker drops connections that are not in autocommit; the test's transaction never is.
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    @contextlib.contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        call_command("worker", batch=True, verbosity=0)

    return run


@pytest.fixture
def media(settings, tmp_path):
    """Photos go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt="JPEG", size=(40, 20), exif_orientation=None, color=(200, 30, 30)):
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation  # Orientation
        exif[0x010F] = "TestCam"  # Make
        kwargs["exif"] = exif.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()
