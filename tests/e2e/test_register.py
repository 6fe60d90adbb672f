"""The register on a phone (375 px): file, list, correct, withdraw, and the form's error state.
Each page first shows its heading and content, then axe-core finds no serious or critical problem."""

import re

from playwright.sync_api import expect

from submissions.models import NonConformity
from tests.e2e.a11y import assert_accessible

PHONE = {"width": 375, "height": 812}


def assert_fits_the_phone(page):
    # No sideways scrolling at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def sign_in_on_phone(page, login, persona, start="/oidc/authenticate/"):
    # The stand-in's persona page (not the portal) overlaps its button at 375 px: sign in wider, then narrow.
    page.set_viewport_size({"width": 1024, "height": 812})
    login(page, persona, start=start)
    page.set_viewport_size(PHONE)


def assert_touch_target(locator):
    box = locator.bounding_box()
    assert box is not None
    assert box["height"] >= 44, box


def test_a_driver_files_corrects_and_withdraws_a_non_conformity_on_a_phone(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    expect(page.locator("main")).to_contain_text("Nog geen non-conformiteiten geregistreerd.")
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Nieuwe non-conformiteit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    expect(page.locator("#deadline-text")).to_contain_text("Registreer uiterlijk")
    expect(page.locator("#late-warning")).to_be_hidden()
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_label("Naam producent").fill("Bakkerij De Korenaar")
    page.get_by_label("Ondernemingsnummer").fill("BE 0405 546 706")
    page.get_by_label("Vestigingsnummer").fill("2.147.812.701")
    page.get_by_label("Omschrijving").fill("PMD-zakken in het restafval.")
    page.get_by_label("Zoek een afvalstroom").fill("pmd")
    expect(page.get_by_label("3° papier- en kartonafval")).to_be_hidden()
    stream = page.get_by_label("16° pmd-afval")
    stream.check()
    refused = page.get_by_label("Geweigerd")
    assert_touch_target(page.locator(".touch-check", has=refused))
    refused.check()
    save = page.get_by_role("button", name="Opslaan")
    assert_touch_target(save)
    save.click()

    record = NonConformity.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Non-conformiteit {record.pk}")
    main = page.locator("main")
    expect(main).to_contain_text("De non-conformiteit werd geregistreerd.")
    expect(main).to_contain_text("0405.546.706")
    expect(main).to_contain_text("2.147.812.701")
    expect(main).to_contain_text("16° pmd-afval")
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Terug naar het register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    expect(page.locator(".register-list")).to_contain_text("Bakkerij De Korenaar")
    page.get_by_role("link", name=re.compile("Bakkerij De Korenaar")).click()

    page.get_by_role("link", name="Verbeteren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een non-conformiteit verbeteren")
    expect(page.get_by_label("Naam producent")).to_have_value("Bakkerij De Korenaar")
    assert_accessible(page)
    page.get_by_label("Omschrijving").fill("PMD-zakken en blikjes in het restafval.")
    page.get_by_role("button", name="Verbetering opslaan").click()
    expect(page.locator("main")).to_contain_text("De verbetering werd opgeslagen.")
    expect(page.locator(".history")).to_contain_text("Verbeterd")
    expect(page.locator(".history")).to_contain_text("An Peeters")

    page.get_by_role("link", name="Intrekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een non-conformiteit intrekken")
    assert_accessible(page)
    page.get_by_label("Reden van de intrekking").fill("Dubbel ingevoerd.")
    page.get_by_role("button", name="Intrekken").click()
    expect(page.locator("main")).to_contain_text("De non-conformiteit werd ingetrokken.")
    expect(page.locator(".status-badge")).to_have_text("Ingetrokken")
    assert NonConformity.objects.get().status == "withdrawn"

    page.get_by_role("link", name="Nog een melding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    expect(page.get_by_label("Naam producent")).to_have_value("Bakkerij De Korenaar")
    expect(page.get_by_label("Omschrijving")).to_have_value("")


def test_the_form_in_its_error_state_names_each_problem_at_its_field(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a", start="/register/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    page.get_by_label("Naam producent").fill("Bakkerij De Korenaar")
    page.get_by_label("Ondernemingsnummer").fill("0405.546.707")
    page.get_by_label("Vestigingsnummer").fill("2.123.456.789")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nog niet opgeslagen")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Vestigingsnummer"))).to_be_visible()
    establishment = page.get_by_label("Vestigingsnummer")
    expect(establishment).to_have_attribute("aria-invalid", "true")
    expect(establishment).to_have_value("2.123.456.789")
    expect(page.locator("#id_establishment_number_error")).to_contain_text("controlecijfers")
    expect(page.get_by_label("Naam producent")).to_have_value("Bakkerij De Korenaar")
    assert_fits_the_phone(page)
    assert_accessible(page)

    summary.get_by_role("link", name=re.compile("^Omschrijving")).click()
    expect(page.get_by_label("Omschrijving")).to_be_focused()
    assert NonConformity.objects.count() == 0


def test_an_old_date_shows_the_late_warning_before_saving(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a", start="/register/nieuw/")
    page.get_by_label("Datum van de non-conformiteit").fill("2026-01-05")
    expect(page.locator("#late-warning")).to_be_visible()
    expect(page.locator("#deadline-text")).to_contain_text("6 januari 2026")
    assert_accessible(page)


def test_a_driver_whose_session_expired_gets_the_form_back_after_signing_in(phone_page, portal, login):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.middleware import LAST_SEEN

    page = phone_page
    sign_in_on_phone(page, login, "indiener-a", start="/register/nieuw/")
    page.get_by_label("Naam producent").fill("Frituur Bewaard")
    page.get_by_label("Omschrijving").fill("Blikjes en karton.")
    # The driver was away too long: the session's idle clock ran out.
    cookie = next(c for c in page.context.cookies() if c["name"] == "ncr_sessionid")
    session = SessionStore(cookie["value"])
    session[LAST_SEEN] = 0
    session.save()
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.get_by_role("button", name="Opslaan").click()
    # The session ends at ACM/IDM too (a shared PC), so the driver confirms who they are again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw sessie is beëindigd")
    expect(page.locator("main")).to_contain_text("Uw sessie is verlopen.")
    assert any("/v1/logout" in url for url in seen)
    page.set_viewport_size({"width": 1024, "height": 812})
    page.get_by_role("link", name="Opnieuw aanmelden").click()
    expect(page.get_by_role("heading", name="Aanmelden met een demopersona")).to_be_visible()
    page.locator("#persona-indiener-a").check()
    page.get_by_role("button", name="Verder").click()
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe non-conformiteit")
    offer = page.get_by_role("region", name="Uw onafgewerkte melding van")
    offer.get_by_role("link", name="Herstellen").click()
    expect(page.locator("main")).to_contain_text("Uw invoer werd bewaard.")
    expect(page.get_by_label("Naam producent")).to_have_value("Frituur Bewaard")
    expect(page.get_by_label("Omschrijving")).to_have_value("Blikjes en karton.")
    assert NonConformity.objects.count() == 0
    assert any("/v1/auth" in url and "max_age=0" in url for url in seen)
    assert any("/oidc/callback/" in url for url in seen)


def test_an_earlier_producer_is_suggested_and_fills_its_numbers(phone_page, portal, login):
    import datetime as dt

    from django.contrib.auth import get_user_model

    from accounts.models import Organisation
    from submissions import services
    from submissions.models import WasteStream

    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    organisation = Organisation.objects.get(code="0405546706")
    services.create_non_conformity(
        organisation=organisation,
        user=get_user_model().objects.get(first_name="An"),
        data={
            "observed_on": dt.date(2026, 11, 2),
            "producer_name": "Slagerij Van Damme",
            "producer_enterprise_number": "0353456320",
            "establishment_number": "2147812897",
            "description": "Karton.",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number=3),
    )
    page.goto(f"{portal}/register/nieuw/")
    expect(page.locator("#producer-names option[value='Slagerij Van Damme']")).to_have_count(1)
    page.get_by_label("Naam producent").fill("Slagerij Van Damme")
    page.get_by_label("Naam producent").dispatch_event("change")
    expect(page.get_by_label("Ondernemingsnummer")).to_have_value("0353.456.320")
    expect(page.get_by_label("Vestigingsnummer")).to_have_value("2.147.812.897")
