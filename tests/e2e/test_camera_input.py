"""The Permissions-Policy denies the camera API, yet a photo taken through the file input still arrives."""

import io

from PIL import Image
from playwright.sync_api import expect

from submissions.models import NonConformity
from tests.e2e.test_register import sign_in_on_phone


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_photo_from_the_camera_input_is_stored_while_the_camera_api_is_denied(
    phone_page, portal, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a", start="/register/nieuw/")
    # The page itself may not open the camera (getUserMedia) ...
    assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
    # ... but the file input with `capture` hands over what the phone's camera app took.
    page.get_by_label("Naam producent").fill("Frituur Foto")
    page.get_by_label("Ondernemingsnummer").fill("0405.546.706")
    page.get_by_label("Vestigingsnummer").fill("2.147.812.701")
    page.get_by_label("Omschrijving").fill("Glas in het restafval.")
    page.get_by_label("Zoek een afvalstroom").fill("pmd")
    page.get_by_label("16° pmd-afval").check()
    page.get_by_label("Geweigerd").check()
    page.get_by_label("Of neem nu een foto").set_input_files(
        files=[{"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("De non-conformiteit werd geregistreerd.")
    assert NonConformity.objects.get().photos.count() == 1
    assert len(list(tmp_path.rglob("*.jpg"))) == 2  # the photo and its thumbnail
