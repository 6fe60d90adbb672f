"""Browser journeys: real Chromium, the portal on a live server, signed in through the real stand-in."""

import os
import re

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop in this thread; the ORM calls in the tests themselves are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def page(browser, portal):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, portal):
    context = browser.new_context(viewport=PHONE, locale="nl-BE", has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(portal):
    """login(page, persona): sign in through the stand-in's persona page, as a person would."""

    def sign_in(page, persona, start="/oidc/authenticate/"):
        page.goto(f"{portal}{start}")
        expect(page.get_by_role("heading", name="Aanmelden met een demopersona")).to_be_visible()
        page.locator(f"#persona-{persona}").check()
        page.get_by_role("button", name="Verder").click()
        page.wait_for_url(re.compile(re.escape(portal)))
        return page

    return sign_in
