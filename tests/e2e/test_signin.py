import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible


def test_a_submitter_signs_in_and_sees_name_and_organisation(page, portal, login):
    login(page, "indiener-a")
    expect(page).to_have_url(re.compile(r"/register/$"))
    menu = page.locator(".user-menu")
    expect(menu).to_contain_text("An Peeters")
    expect(menu).to_contain_text("Afvalinzameling Alfa NV")
    expect(menu).to_contain_text("Indiener")  # this session's role
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")


def test_logout_goes_through_the_provider_back_to_the_landing_page(page, portal, login, standin):
    login(page, "indiener-a")
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(f"{portal}/")
    assert any(url.startswith(f"{standin.issuer}/v1/logout?") for url in seen)
    expect(page.get_by_role("status")).to_have_text("U bent afgemeld.")
    expect(page.get_by_role("link", name="Aanmelden").first).to_be_visible()
    page.goto(f"{portal}/register/")
    expect(page.get_by_role("heading", name="Aanmelden met een demopersona")).to_be_visible()


def test_switching_organisation_changes_the_active_organisation(page, portal, login):
    login(page, "indiener-ab")
    expect(page.locator(".user-menu")).to_contain_text("Afvalinzameling Alfa NV")
    page.get_by_role("link", name="Wissel van organisatie").click()
    expect(page.get_by_role("heading", name="Wissel van organisatie", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Afmelden en wisselen").click()
    expect(page.get_by_role("heading", name="Aanmelden met een demopersona")).to_be_visible()
    page.locator("#persona-indiener-ab-b").check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(f"{portal}/register/")
    expect(page.get_by_role("status")).to_have_text("U bent nu aangemeld voor Containerdienst Beta BV.")
    expect(page.locator(".user-menu")).to_contain_text("Containerdienst Beta BV")
    expect(page.locator(".user-menu")).not_to_contain_text("Afvalinzameling Alfa NV")


def test_a_replayed_callback_shows_the_sign_in_again_page(page, portal, login):
    callbacks = []
    page.on(
        "request", lambda request: callbacks.append(request.url) if "/oidc/callback/" in request.url else None
    )
    login(page, "indiener-a")
    page.goto(callbacks[0])
    expect(page.get_by_role("heading", name="Opnieuw aanmelden")).to_be_visible()
    expect(page.get_by_role("link", name="Opnieuw aanmelden")).to_be_visible()


def test_a_person_without_the_right_sees_how_to_get_it(page, portal, login):
    login(page, "geen-recht")
    expect(page.get_by_role("heading", name="Geen toegang", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("OVAM Gebruiker")
    expect(main).to_contain_text("Non-conformiteiten indiener")
    expect(main).to_contain_text("lokale beheerder")
    expect(main).to_contain_text("Gebruikersbeheer van de Vlaamse overheid T&I")
    expect(main).to_contain_text("Transport Gamma BVBA (0566988259)")
    assert_accessible(page)
    page.get_by_role("link", name="Hulp voor lokale beheerders").click()
    expect(page.get_by_role("heading", name="Hulp voor lokale beheerders", level=1)).to_be_visible()
    expect(page.locator("ol.steps li")).to_have_count(6)
    expect(page.locator("main")).to_contain_text("Non-conformiteiten indiener")
    expect(page.locator("main")).not_to_contain_text("MATIS")
    assert_accessible(page)
    page.goto(f"{portal}/register/")
    expect(page).to_have_url(f"{portal}/geen-toegang/")


def test_a_right_for_another_organisation_gives_no_access(page, portal, login):
    login(page, "ander-org")
    expect(page.get_by_role("heading", name="Geen toegang", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("OVAMGebruiker-NonConformiteitenIndiener:0405546706")
    # The organisation the right is for, named from the signed claims.
    expect(page.locator("ul.rights-elsewhere")).to_contain_text("0405.546.706")


def test_a_reviewer_from_another_organisation_is_not_staff(page, portal, login):
    login(page, "behandelaar-extern")
    expect(page.get_by_role("heading", name="Geen toegang", level=1)).to_be_visible()
    assert get_user_model().objects.get(first_name="Hanne").staff_signed_in_at is None
    page.goto(f"{portal}/admin/")
    expect(page.get_by_role("heading", name="Geen toegang", level=1)).to_be_visible()


def test_an_ovam_reviewer_lands_in_the_admin(page, portal, login):
    login(page, "behandelaar")
    expect(page).to_have_url(f"{portal}/admin/")
    assert get_user_model().objects.get(first_name="Femke").staff_signed_in_at is not None


def test_the_landing_page_invites_to_sign_in(page, portal):
    page.goto(f"{portal}/")
    expect(page.get_by_role("heading", name="Centraal non-conformiteitenregister", level=1)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Aanmelden")).to_be_visible()
    assert_accessible(page)
