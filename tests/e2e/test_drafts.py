"""Input is never lost (375 px, real Chromium): the new-record form is kept on the server while typing, and
after a lost session it comes back for the same person in the same organisation only."""

import time

from playwright.sync_api import expect

from submissions.models import Draft, NonConformity
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_register import PHONE, sign_in_on_phone

OFFER = "Uw onafgewerkte melding van"


def wait_for_draft(producer_name, timeout=30):
    """Until static/js/draft.js has saved what was typed (a few seconds after typing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        draft = Draft.objects.filter(data__producer_name=producer_name).first()
        if draft:
            return draft
        time.sleep(0.2)
    raise AssertionError(f"no draft with {producer_name!r}")


def lose_the_session(page):
    """The phone's browser closed, the battery ran out: nothing of the session (or of ACM/IDM's) is left."""
    page.context.clear_cookies()


def test_a_lost_session_gives_the_input_back_to_the_same_person_only(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-ab", start="/register/nieuw/")  # Chris, for collector A
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    page.get_by_label("Naam producent").fill("Frituur Concept")
    page.get_by_label("Omschrijving").fill("Blikjes en karton in het restafval.")
    page.get_by_label("Zoek een afvalstroom").fill("pmd")
    page.get_by_label("16° pmd-afval").check()
    draft = wait_for_draft("Frituur Concept")
    assert draft.data["description"] == "Blikjes en karton in het restafval."
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0  # nothing in the browser
    lose_the_session(page)

    # Someone else at the same phone, the same person for another collector: no offer, no input.
    for persona in ("indiener-a", "indiener-b", "indiener-ab-b"):
        sign_in_on_phone(page, login, persona, start="/register/nieuw/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
        expect(page.locator("main")).not_to_contain_text(OFFER)
        expect(page.get_by_label("Naam producent")).to_have_value("")
        lose_the_session(page)

    sign_in_on_phone(page, login, "indiener-ab")
    offer = page.get_by_role("region", name=OFFER)
    expect(offer).to_be_visible()
    assert_accessible(page)
    offer.get_by_role("link", name="Herstellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    expect(page.get_by_label("Naam producent")).to_have_value("Frituur Concept")
    expect(page.get_by_label("Omschrijving")).to_have_value("Blikjes en karton in het restafval.")
    expect(page.get_by_label("16° pmd-afval")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    page.get_by_label("Ondernemingsnummer").fill("0405.546.706")
    page.get_by_label("Vestigingsnummer").fill("2.147.812.701")
    page.get_by_label("Geweigerd").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("De non-conformiteit werd geregistreerd.")
    assert NonConformity.objects.get().producer_name == "Frituur Concept"
    assert not Draft.objects.exists()


def test_a_correction_typed_before_a_lost_session_comes_back(phone_page, portal, login):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Organisation
    from submissions import services
    from submissions.models import WasteStream

    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    record = services.create_non_conformity(
        organisation=Organisation.objects.get(code="0405546706"),
        user=get_user_model().objects.get(first_name="An"),
        data={
            "observed_on": timezone.localdate(),
            "producer_name": "Slagerij Van Damme",
            "producer_enterprise_number": "0353456320",
            "establishment_number": "2147812897",
            "description": "Karton.",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number=3),
    )
    page.goto(f"{portal}/register/{record.pk}/corrigeren/")
    page.get_by_label("Naam producent").fill("Slagerij Van Damme-Verbeterd")
    draft = wait_for_draft("Slagerij Van Damme-Verbeterd")
    assert draft.non_conformity_id == record.pk
    lose_the_session(page)

    sign_in_on_phone(page, login, "indiener-a")
    offer = page.get_by_role("region", name="Uw onafgewerkte verbetering van Slagerij Van Damme")
    expect(offer).to_be_visible()
    assert_accessible(page)
    offer.get_by_role("link", name="Herstellen").click()
    expect(page.get_by_label("Naam producent")).to_have_value("Slagerij Van Damme-Verbeterd")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("De verbetering werd opgeslagen.")
    record.refresh_from_db()
    assert (record.producer_name, record.version) == ("Slagerij Van Damme-Verbeterd", 2)
    assert not Draft.objects.exists()
