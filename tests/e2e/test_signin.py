import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect


def test_a_submitter_signs_in_and_sees_name_and_organisation(page, portal, login):
    login(page, "indiener-a")
    expect(page).to_have_url(re.compile(r"/register/$"))
    menu = page.locator(".user-menu")
    expect(menu).to_contain_text("An Peeters")
    expect(menu).to_contain_text("Afvalinzameling Alfa NV")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    assert get_user_model().objects.get(first_name="An").groups.filter(name="Indieners").exists()
