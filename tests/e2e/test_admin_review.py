"""A reviewer's day in the admin, in Chromium, signed in through the local ACM/IDM stand-in."""

import datetime as dt
import re

from playwright.sync_api import expect

from accounts.models import Organisation
from accounts.roles import REVIEWER
from submissions import services, workflow
from submissions.models import NonConformity, WasteStream


def _record(organisation, author, producer_name, enterprise_number):
    return services.create_non_conformity(
        organisation=organisation,
        user=author,
        data={
            "observed_on": dt.date(2026, 11, 2),
            "producer_name": producer_name,
            "producer_enterprise_number": enterprise_number,
            "establishment_number": "2147812701",
            "description": "PMD-zakken en karton in het restafval.",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number=16, valid_from__isnull=True),
    )


def test_a_reviewer_filters_moves_a_record_to_under_review_then_closed_and_sees_the_history(
    page, portal, login, django_user_model
):
    collector, _ = Organisation.objects.get_or_create(
        code="0405546706", defaults={"name": "Afvalinzameling Alfa NV"}
    )
    author = django_user_model.objects.create(username="e2e-author", vo_id="e2e-author", first_name="An")
    record = _record(collector, author, "Bakkerij De Korenaar", "0405546706")
    done = _record(collector, author, "Garage Vermeulen", "0353456320")
    done = services.transition(done, workflow.Status.UNDER_REVIEW, user=author, role=REVIEWER)

    login(page, "behandelaar", start="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.locator("tr.model-nonconformity th a").click()

    # Filter on status "submitted": only the bakery is left.
    page.locator("#changelist-filter").get_by_role("link", name="Ingediend", exact=True).click()
    results = page.locator("#result_list")
    expect(results).to_contain_text("Bakkerij De Korenaar")
    expect(results).not_to_contain_text("Garage Vermeulen")
    expect(results).to_contain_text("0405.546.706")

    results.locator("tbody th a").first.click()
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    page.get_by_label("Status").select_option(label="In behandeling")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    page.get_by_label("Status").select_option(label="Afgesloten")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    expect(page.get_by_label("Status")).to_be_disabled()  # closed is final

    page.get_by_role("link", name="Geschiedenis").click()
    history = page.locator("#change-history")
    expect(history).to_contain_text("Status gewijzigd naar „In behandeling”")
    expect(history).to_contain_text("Status gewijzigd naar „Afgesloten”")
    expect(history).to_contain_text("Femke Janssens")
    expect(history).to_contain_text("Ingediend (Formulier)")

    record.refresh_from_db()
    assert record.status == workflow.Status.CLOSED
    assert record.history.count() == 3
    assert NonConformity.objects.get(pk=done.pk).status == workflow.Status.UNDER_REVIEW
