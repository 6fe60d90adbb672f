"""A reviewer's day in the admin, in Chromium at 1280 × 900, signed in through the local ACM/IDM
stand-in: the list fits the screen, the work queue, bulk assignment, previous/next, closing with a
note; axe-core finds no serious or critical problem on any admin page a reviewer opens."""

import datetime as dt
import re

from playwright.sync_api import expect

from accounts.models import Organisation
from accounts.roles import REVIEWER
from submissions import services, workflow
from submissions.models import NonConformity, Upload, WasteStream
from tests.e2e.a11y import assert_accessible

KEY_COLUMNS = ["date", "collector", "producer", "streams", "action_column", "late", "status_column", "age"]


def _record(organisation, author, producer_name, enterprise_number, day=2, streams=(16,)):
    return services.create_non_conformity(
        organisation=organisation,
        user=author,
        data={
            "observed_on": dt.date(2026, 11, day),
            "producer_name": producer_name,
            "producer_enterprise_number": enterprise_number,
            "establishment_number": "2147812701",
            "description": "PMD-zakken en karton in het restafval.",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number__in=streams, valid_from__isnull=True),
    )


def choose_filter(page, title, choice):
    """Open a filter's drop-down above the list and pick a choice."""
    filters = page.locator("#changelist-filter")
    filters.locator("summary", has_text=title).click()
    filters.get_by_role("link", name=choice, exact=True).click()


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
    choose_filter(page, "Status", "Ingediend")
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


def test_a_reviewer_works_through_her_queue_on_a_1280_screen(page, portal, login, django_user_model):
    alfa, _ = Organisation.objects.get_or_create(
        code="0405546706", defaults={"name": "Afvalinzameling Alfa NV"}
    )
    beta, _ = Organisation.objects.get_or_create(
        code="0353456320", defaults={"name": "Containerdienst Beta BV"}
    )
    author = django_user_model.objects.create(username="e2e-author", vo_id="e2e-author", first_name="An")
    colleague = django_user_model.objects.create(username="e2e-jan", vo_id="e2e-jan", first_name="Jan")
    long_name = "Schrijnwerkerij en Interieurbouw Van den Broeck-Vandenberghe BV"
    new = _record(alfa, author, "Bakkerij De Korenaar", "0405546706", day=2, streams=(13, 16, 21))
    first = _record(beta, author, long_name, "0353456320", day=3, streams=(3, 26, 27))
    second = _record(alfa, author, "Garage Vermeulen", "0353456320", day=4)
    for record in (first, second):
        services.transition(record, workflow.Status.UNDER_REVIEW, user=author, role=REVIEWER)
    theirs = services.assign(
        _record(alfa, author, "Frituur Jan", "0405546706", day=5), user=author, assigned_reviewer=colleague
    )
    Upload.objects.create(organisation=alfa, uploaded_by=author, file_name="lijst.csv", sha256="0" * 64)

    # What the strict CSP blocks (an inline style or script) on any page. axe-core, evaluated without a
    # source file, sets styles of its own and is left out.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => e.sourceFile && "
        "console.log(`CSP violation: ${e.sourceFile} ${e.violatedDirective}`))"
    )
    refused = []
    page.on("console", lambda m: refused.append(m.text) if m.text.startswith("CSP violation") else None)
    login(page, "behandelaar", start="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert_accessible(page)
    page.locator("tr.model-nonconformity th a").click()

    # The default view: open work assigned to me or to nobody, every key column on the screen.
    results = page.locator("#result_list")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results).not_to_contain_text("Frituur Jan")  # a colleague's
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate(
        "document.querySelector('.results').scrollWidth <= document.querySelector('.results').clientWidth"
    )
    for column in KEY_COLUMNS:
        box = page.locator(f"#result_list thead th.column-{column}").bounding_box()
        assert box is not None, column
        assert box["x"] >= 0, column
        assert box["x"] + box["width"] <= 1280, (column, box)
    stream = results.locator("abbr", has_text="21° EPS")
    expect(stream).to_have_attribute("title", re.compile("geëxpandeerd polystyreen"))
    assert_accessible(page)

    # Sort by status (the codes' order: closed, referred, submitted, under review, withdrawn).
    page.locator("#result_list thead th.column-status_column a", has_text="Status").click()
    expect(page).to_have_url(re.compile(r"o=\d"))
    statuses = results.locator("tbody td.field-status_column")
    expect(statuses).to_have_text(["Ingediend", "In behandeling", "In behandeling"])

    # Assign the two under review to myself in bulk.
    for record in (first, second):
        results.locator(f"input.action-select[value='{record.pk}']").check()
    page.locator("select[name=action]").select_option(label="Aan mij toewijzen")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.locator(".messagelist")).to_contain_text("2 toegewezen aan Femke Janssens.")

    choose_filter(page, "Toegewezen aan", "Aan mij toegewezen")
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results).not_to_contain_text("Bakkerij De Korenaar")
    assert_accessible(page)

    # Open the first, move to the next with "volgende", close it with a note.
    results.locator("tbody th a").first.click()
    expect(page.locator("fieldset").first).to_contain_text("Behandeling door OVAM")
    assert_accessible(page)
    opened = int(re.search(r"/(\d+)/change/", page.url).group(1))
    page.get_by_role("link", name="volgende").click()
    expect(page).to_have_url(re.compile(r"_changelist_filters="))
    following = int(re.search(r"/(\d+)/change/", page.url).group(1))
    assert {opened, following} == {first.pk, second.pk}
    expect(page.get_by_role("link", name="vorige")).to_be_visible()
    page.get_by_label("Status").select_option(label="Afgesloten")
    page.get_by_label("Interne notitie").fill("Klant gecontacteerd; afgehandeld.")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    closed = NonConformity.objects.get(pk=following)
    assert closed.status == workflow.Status.CLOSED
    assert closed.internal_note == "Klant gecontacteerd; afgehandeld."
    assert closed.assigned_reviewer.first_name == "Femke"

    page.get_by_role("link", name="Geschiedenis").click()
    expect(page.locator("#change-history")).to_contain_text("Afgesloten")
    expect(page.locator("#change-history")).not_to_contain_text("under_review")
    assert_accessible(page)

    # The other admin pages a reviewer opens.
    for start, heading in (
        ("/admin/submissions/upload/", "lijst.csv"),
        ("/admin/accounts/organisation/", "Containerdienst Beta BV"),
        ("/admin/submissions/nonconformity/overzicht/", "Herhaalde overtreders"),
    ):
        page.goto(f"{portal}{start}")
        expect(page.locator("#content")).to_contain_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, start
        assert_accessible(page)
        if "overzicht" not in start:
            page.locator("#result_list tbody th a").first.click()
            expect(page.locator("#content h2, #content fieldset").first).to_be_visible()
            assert_accessible(page)
    # The chart's value axis: round numbers from 0, readable (on screen, not shrunk below 11 px).
    chart = page.get_by_role("img", name="Non-conformiteiten per maand")
    axis = chart.locator("text[text-anchor=end]")
    expect(axis.first).to_have_text("0")
    expect(axis.last).to_be_visible()
    assert [int(value) for value in axis.all_text_contents()] == [0, 1, 2, 3, 4]  # four records in November
    assert axis.last.bounding_box()["height"] >= 11
    assert refused == [], "\n".join(map(str, refused))
    assert NonConformity.objects.get(pk=new.pk).assigned_reviewer is None
    assert NonConformity.objects.get(pk=theirs.pk).assigned_reviewer == colleague
