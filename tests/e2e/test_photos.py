"""Photos on a phone and a mobile network (375 px, real Chromium): what crosses the network, measured by
the browser itself (Chrome DevTools Protocol: bytes received per request, headers included)."""

import datetime as dt
import io
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Organisation
from submissions import services
from submissions.models import KeptPhoto, NonConformity, WasteStream
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


def test_photos_are_shrunk_sent_with_progress_and_kept_through_a_validation_error(
    phone_page, portal, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a", start="/register/nieuw/")
    camera = phone_photo()
    sent = []
    page.on(
        "request",
        lambda request: sent.append(request) if request.url.endswith("/register/fotos/bewaard/") else None,
    )
    # A mobile network's upload (about 1.5 Mbit/s): the progress bar has something to show.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 100, "downloadThroughput": 400_000, "uploadThroughput": 200_000},
    )
    page.get_by_label("Naam producent").fill("Frituur Foto")
    page.locator("#id_photos").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": camera}]
    )
    progress = page.get_by_label("Foto's verzenden")
    expect(progress).to_be_visible()
    # Part sent, part still under way (polled: the page's CSP refuses wait_for_function's eval).
    shown = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        shown.append(page.evaluate("document.getElementById('photo-progress-bar').value"))
        if 0 < shown[-1] < 100:
            break
        page.wait_for_timeout(50)
    assert 0 < shown[-1] < 100, shown
    page.get_by_label("Of neem nu een foto").set_input_files(
        files=[{"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": camera}]
    )
    expect(page.get_by_role("status")).to_have_text("Foto's verzonden.", timeout=60_000)
    expect(progress).to_have_js_property("value", 100)
    expect(page.locator(".kept-photo img")).to_have_count(2)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    # The body's size as it went out (a file body is not readable from the request; its header is).
    sizes = [int(request.all_headers()["content-length"]) for request in sent]
    assert len(sizes) == 2
    assert max(sizes) <= 1 * MB, sizes
    print(f"a 12-megapixel camera photo of {len(camera) / KB:.0f} KB was sent as {max(sizes) / KB:.0f} KB")
    assert_accessible(page)

    # The enterprise number is missing: not saved, yet both photos are still there.
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Nog niet opgeslagen")
    expect(page.locator(".kept-photo img")).to_have_count(2)
    page.locator(".kept-photo").first.scroll_into_view_if_needed()
    expect(page.locator(".kept-photo img").last).to_have_js_property("complete", True)
    assert page.evaluate(THUMBNAILS_SHOWN.replace(".photo-list img", ".kept-photo img"))
    assert_accessible(page)

    page.get_by_label("Ondernemingsnummer").fill("0405.546.706")
    page.get_by_label("Vestigingsnummer").fill("2.147.812.701")
    page.get_by_label("Omschrijving").fill("Glas in het restafval.")
    page.get_by_label("Zoek een afvalstroom").fill("pmd")
    page.get_by_label("16° pmd-afval").check()
    page.get_by_label("Geweigerd").check()
    page.get_by_label("Verwijderen Verzonden foto 2").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("De non-conformiteit werd geregistreerd.")
    expect(page.locator(".photo-list img")).to_have_count(1)
    record = NonConformity.objects.get()
    assert record.photos.count() == 1
    assert not KeptPhoto.objects.exists()
    assert_accessible(page)
