"""Pages a submitter reads on a phone (375 px): reachable by keyboard, axe without serious problems."""

from playwright.sync_api import expect

from submissions.imports.columns import COLUMNS
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_register import sign_in_on_phone


def test_the_upload_columns_scroll_by_keyboard_on_a_phone(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    page.goto(f"{portal}/register/uploads/")
    columns = page.get_by_role("region", name="Tabel van de kolommen")
    assert columns.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll at 375 px
    columns.focus()
    expect(columns).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=columns.element_handle())
    assert_accessible(page)


def test_the_help_page_reads_well_on_a_phone(phone_page, portal, login):
    page = phone_page
    sign_in_on_phone(page, login, "indiener-a")
    page.get_by_role("link", name="Hulp", exact=True).click()
    expect(page.get_by_role("heading", name="Hulp voor indieners", level=1)).to_be_visible()
    expect(page.locator("dl.help-columns dt")).to_have_count(len(COLUMNS))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways
    assert_accessible(page)
