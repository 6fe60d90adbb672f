"""The customer notice on a phone (375 px): readable, accessible, its print button allowed by the CSP,
and "mark as sent" fills the date."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from submissions import services
from submissions.models import WasteStream
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_register import assert_fits_the_phone, sign_in_on_phone


def test_a_collector_opens_prints_and_marks_a_notice_sent_on_a_phone(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    organisation = Organisation.objects.get(code="0405546706")
    record = services.create_non_conformity(
        organisation=organisation,
        user=get_user_model().objects.order_by("-last_login").first(),
        data={
            "observed_on": timezone.localdate(),
            "producer_name": "Bakkerij De Korenaar",
            "producer_enterprise_number": "0405546706",
            "establishment_number": "2147812701",
            "description": "PMD-zakken in het restafval.",
            "action": "refused",
        },
        waste_streams=WasteStream.objects.filter(number=16, valid_from__isnull=True),
    )
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{portal}/register/{record.pk}/")
    page.get_by_role("link", name="Melding aan de klant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Melding aan de klant: sorteerfouten in uw bedrijfsrestafval"
    )
    expect(page.locator("main")).to_contain_text("pmd-afval")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Afdrukken").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    assert [line for line in console if "Content Security Policy" in line] == []

    page.get_by_role("button", name="Markeer als verzonden").click()
    expect(page.locator("main")).to_contain_text("De klant is vandaag als geïnformeerd gemarkeerd.")
    record.refresh_from_db()
    assert record.customer_informed_on is not None


def test_the_batch_and_overview_pages_and_the_email_form_fit_a_phone(phone_page, portal, login, settings):
    settings.EMAIL_HOST = "127.0.0.1"
    settings.DEFAULT_FROM_EMAIL = "register@ovam.example"
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    organisation = Organisation.objects.get(code="0405546706")
    organisation.email = "klanten@alfa.example"
    organisation.save()
    record = services.create_non_conformity(
        organisation=organisation,
        user=get_user_model().objects.order_by("-last_login").first(),
        data={
            "observed_on": timezone.localdate(),
            "producer_name": "Bakkerij De Korenaar",
            "producer_enterprise_number": "0405546706",
            "establishment_number": "2147812701",
            "description": "PMD-zakken in het restafval.",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number__in=[3, 16], valid_from__isnull=True),
    )

    page.goto(f"{portal}/register/{record.pk}/melding/")
    expect(page.get_by_label("E-mailadres van de klant")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.goto(f"{portal}/register/")
    page.get_by_role("link", name="Meldingen aan klanten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen aan klanten")
    expect(page.get_by_label("Bakkerij De Korenaar", exact=False)).to_be_checked()
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.goto(f"{portal}/register/")
    page.get_by_role("link", name="Overzicht per klant").click()
    page.get_by_label("Ondernemingsnummer van de producent").fill("0405.546.706")
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator("main")).to_contain_text("pmd-afval")
    assert_fits_the_phone(page)
    assert_accessible(page)
