"""Pages a submitter reads on a phone (375 px): reachable by keyboard, axe without serious problems."""

from playwright.sync_api import expect

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
