"""Stale rights cannot linger: sessions end after the idle and absolute limits (time moved, not slept)."""

import time

import pytest
from django.test import Client

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Move the middleware's clock forward by `clock.minutes`."""

    class Clock:
        minutes = 0

    real_time = time.time
    monkeypatch.setattr("accounts.middleware.time.time", lambda: real_time() + Clock.minutes * 60)
    return Clock


def test_an_active_session_stays_signed_in(client, submitter_a, clock):
    for minutes in (10, 20, 29):
        clock.minutes = minutes
        assert client.get("/register/").status_code == 200


def test_a_session_ends_after_30_idle_minutes_here_and_at_acmidm(client, submitter_a, clock, settings):
    clock.minutes = 31
    response = client.get("/register/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?")
    assert "_auth_user_id" not in client.session


def test_a_session_ends_two_hours_after_sign_in_however_active(client, submitter_a, clock):
    for minutes in range(0, 120, 20):
        clock.minutes = minutes
        assert client.get("/register/").status_code == 200
    clock.minutes = 121
    assert client.get("/register/").status_code == 302


def test_the_limits_are_settings(client, submitter_a, clock, settings):
    settings.NCR_SESSION_IDLE_MINUTES = 5
    clock.minutes = 6
    assert client.get("/register/").status_code == 302


def test_an_expired_session_says_so_in_dutch_and_offers_to_return(client, submitter_a, clock):
    clock.minutes = 31
    client.get("/register/?status=submitted")  # to ACM/IDM's logout, which sends the browser back to /
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/sessie-verlopen/", 302)]
    assert "Uw sessie is verlopen" in page
    assert 'href="/oidc/authenticate/?next=%2Fregister%2F%3Fstatus%3Dsubmitted"' in page


def test_the_next_sign_in_after_a_limit_asks_for_a_fresh_authentication(client, submitter_a, clock):
    assert "max_age" not in client.get("/oidc/authenticate/")["Location"]
    clock.minutes = 121
    client.get("/register/")
    assert "max_age=0" in client.get("/oidc/authenticate/")["Location"]


def test_two_browsers_signed_in_for_two_organisations_stay_apart(organisation_a, organisation_b):
    browser_a, browser_b = Client(), Client()
    roles = ["Indieners"]
    sign_in(browser_a, vo_id="vo-chris", organisation=organisation_a, roles=roles)
    sign_in(browser_b, vo_id="vo-chris", organisation=organisation_b, roles=roles)
    assert "Afvalinzameling Alfa NV" in browser_a.get("/register/").content.decode()
    assert "Containerdienst Beta BV" in browser_b.get("/register/").content.decode()
    assert "Containerdienst Beta BV" not in browser_a.get("/register/").content.decode()


def test_a_staff_session_and_a_submitter_session_of_one_person_stay_apart(organisation_a, ovam):
    staff_browser, submitter_browser = Client(), Client()
    sign_in(staff_browser, vo_id="vo-x", organisation=ovam, roles=["OVAM-behandelaars"])
    sign_in(submitter_browser, vo_id="vo-x", organisation=organisation_a, roles=["Indieners"])
    # The last sign-in was staff, but this session's grant is not.
    response = submitter_browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_people_without_a_right_only_reach_the_open_pages(client, no_right):
    assert client.get("/register/")["Location"] == "/geen-toegang/"
    assert client.get("/geen-toegang/").status_code == 200
    assert client.get("/hulp/lokale-beheerder/").status_code == 200
    assert client.get("/health/").status_code == 200
