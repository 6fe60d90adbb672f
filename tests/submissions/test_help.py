"""The help page for submitters (/hulp/): public, generated from the rules it explains."""

import pytest
from django.utils import timezone

from submissions import deadlines
from submissions.imports.columns import COLUMNS

pytestmark = pytest.mark.django_db


def test_anyone_may_read_it(client):
    response = client.get("/hulp/")
    assert response.status_code == 200
    assert "<h1>Hulp voor indieners</h1>" in response.content.decode()


def test_a_person_without_the_right_may_read_it_too(client, no_right):
    assert client.get("/hulp/").status_code == 200


def test_the_header_links_to_it(client, submitter_a):
    assert 'href="/hulp/">Hulp</a>' in client.get("/register/").content.decode()


def test_it_lists_every_upload_column_with_whether_it_is_required(client):
    html = client.get("/hulp/").content.decode()
    for column in COLUMNS:
        required = "verplicht" if column.required else "optioneel"
        assert f"<dt><code>{column.header}</code> – {required}</dt>" in html


def test_it_gives_the_deadline_of_something_found_today(client):
    response = client.get("/hulp/")
    assert response.context["deadline"] == deadlines.registration_deadline(timezone.localdate())
    assert "23:59 (Belgische tijd) op de volgende werkdag" in response.content.decode()


def test_it_explains_the_notice_for_the_customer(client):
    html = client.get("/hulp/").content.decode()
    assert "VLAREMA art. 6.1.1.4" in html
    assert "<code>klant_geinformeerd_op</code>" in html


def test_it_says_how_long_drafts_and_their_photos_are_kept(client, settings):
    settings.NCR_DRAFT_DAYS, settings.NCR_KEPT_PHOTO_HOURS = 3, 5
    html = client.get("/hulp/").content.decode()
    assert "Een concept blijft 3 dagen bewaard, de foto's erbij 5 uur." in html


def test_it_links_to_the_user_management_of_this_environment(client, settings):
    settings.NCR_IDM_URL = "https://gebruikersbeheer.example/"
    html = client.get("/hulp/").content.decode()
    assert (
        '<a class="btn btn-outline-primary" href="https://gebruikersbeheer.example/">'
        "Gebruikersbeheer T&amp;I</a>" in html
    )
