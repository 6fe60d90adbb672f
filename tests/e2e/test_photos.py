"""Photos on a phone and a mobile network (375 px, real Chromium): what crosses the network, measured by
the browser itself (Chrome DevTools Protocol: bytes received per request, headers included)."""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Organisation
from submissions import services
from submissions.models import WasteStream
from submissions.photos import prepare_photo
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_register import sign_in_on_phone

KB, MB = 1024, 1024 * 1024


def phone_photo(size=(4000, 3000)):
    """A 12-megapixel JPEG that compresses like a camera's: smooth shapes with sensor grain (~3.4 MB)."""
    shapes = Image.effect_noise((size[0] // 8, size[1] // 8), 60).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 12)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (
            Image.blend(gradient, shapes, 0.5),
            Image.blend(shapes, grain, 0.3),
            Image.blend(gradient, grain, 0.2),
        ),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def bytes_received(page, load):
    """Run `load` (a navigation) and add up what every request of it brought in over the network."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = {}
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    load()
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return sum(received.values()), len(received)


THUMBNAILS_SHOWN = "Array.from(document.querySelectorAll('.photo-list img')).every(i => i.naturalWidth > 0)"


def all_thumbnails_shown(page):
    return page.evaluate(THUMBNAILS_SHOWN)


def test_a_detail_page_with_five_phone_photos_is_light_the_first_time_and_almost_free_the_second(
    phone_page, portal, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    camera = phone_photo()
    assert len(camera) > 3 * MB
    record = services.create_non_conformity(
        organisation=Organisation.objects.get(code="0405546706"),
        user=get_user_model().objects.get(first_name="An"),
        data={
            "observed_on": dt.date(2026, 11, 30),
            "producer_name": "Frituur Vijf Foto's",
            "producer_enterprise_number": "0405546706",
            "establishment_number": "2147812701",
            "description": "Glas in het restafval.",
            "action": "refused",
        },
        waste_streams=WasteStream.objects.filter(number=16),
        photos=[prepare_photo(SimpleUploadedFile(f"IMG_{i}.jpg", camera, "image/jpeg")) for i in range(5)],
    )
    url = f"{portal}/register/{record.pk}/"

    def visit():
        page.goto(url)
        page.locator(".photo-list").scroll_into_view_if_needed()
        expect(page.locator(".photo-list img")).to_have_count(5)
        page.wait_for_function(THUMBNAILS_SHOWN)

    first, requests = bytes_received(page, visit)
    assert all_thumbnails_shown(page)
    assert first <= 1.5 * MB, first
    second, _ = bytes_received(page, visit)
    assert all_thumbnails_shown(page)
    assert second <= 150 * KB, second
    print(
        f"detail page with five phone photos: first visit {first / KB:.0f} KB ({requests} requests), "
        f"second visit {second / KB:.0f} KB; one camera photo {len(camera) / KB:.0f} KB"
    )
    assert_accessible(page)

    # The full photo opens on tap, capped at 2048 px.
    with page.expect_response(lambda response: "/register/foto/" in response.url) as opened:
        page.locator(".photo-list a").first.click()
    full = opened.value
    assert full.headers["cache-control"] == "private, no-cache"
    assert max(Image.open(io.BytesIO(full.body())).size) == 2048
