"""Drafts of the new-record form on the server: saved while typing, bound to the person and the
organisation, offered back at their next sign-in, gone once saved, thrown away or NCR_DRAFT_DAYS old."""

import datetime as dt
import time

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWER
from submissions import services, workflow
from submissions.models import Draft, NonConformity
from tests.conftest import sign_in
from tests.submissions.test_views import form_data

OFFER = "Uw onafgewerkte melding van"


def type_draft(client, **fields):
    """What static/js/draft.js sends every few seconds of typing."""
    return client.post(reverse("register_new"), {**form_data(**fields), "ncr_draft": "1"})


def sign_in_again(client, organisation, vo_id="vo-an"):
    return sign_in(client, vo_id=vo_id, organisation=organisation, roles=["Indieners"], given_name="An")


def test_typing_keeps_a_draft_and_saves_nothing(client, submitter_a, organisation_a):
    response = type_draft(client, producer_name="Frituur Concept")
    assert response.status_code == 204
    draft = Draft.objects.get()
    assert (draft.user, draft.organisation) == (submitter_a, organisation_a)
    assert draft.data["producer_name"] == "Frituur Concept"
    assert draft.data["waste_streams"] == ["16", "3"]
    assert NonConformity.objects.count() == 0
    # Not offered while it is being typed: only at the next sign-in.
    assert OFFER not in client.get(reverse("register_new")).content.decode()


def test_a_form_with_nothing_typed_keeps_no_draft(client, submitter_a):
    client.post(reverse("register_new"), {"observed_on": "2026-12-01", "ncr_draft": "1"})
    assert not Draft.objects.exists()


def test_the_draft_is_offered_and_restored_at_the_next_sign_in(client, submitter_a, organisation_a):
    type_draft(client, producer_name="Frituur Concept", description="Blikjes in het restafval.")
    time.sleep(0.01)
    sign_in_again(client, organisation_a)
    for page in ("register_home", "register_new"):
        assert OFFER in client.get(reverse(page)).content.decode(), page
    html = client.get(reverse("register_new"), {"concept": "herstellen"}).content.decode()
    assert 'value="Frituur Concept"' in html
    assert "Blikjes in het restafval." in html
    assert OFFER not in html


def test_another_person_or_organisation_is_never_offered_the_draft(
    client, submitter_a, organisation_a, organisation_b
):
    type_draft(client, producer_name="Frituur Concept")
    time.sleep(0.01)
    others = (("vo-jan", organisation_a), ("vo-bram", organisation_b), ("vo-an", organisation_b))
    for vo_id, organisation in others:
        sign_in_again(client, organisation, vo_id=vo_id)
        assert OFFER not in client.get(reverse("register_home")).content.decode()
        html = client.get(reverse("register_new"), {"concept": "herstellen"}).content.decode()
        assert "Frituur Concept" not in html, (vo_id, organisation)
    assert Draft.objects.count() == 1


def test_saving_the_record_removes_the_draft(client, submitter_a):
    type_draft(client, producer_name="Frituur Concept")
    assert client.post(reverse("register_new"), form_data()).status_code == 302
    assert not Draft.objects.exists()


def test_the_draft_can_be_thrown_away(client, submitter_a, organisation_a):
    type_draft(client, producer_name="Frituur Concept")
    sign_in_again(client, organisation_a)
    response = client.post(reverse("register_draft_discard"))
    assert response["Location"] == reverse("register_new")
    assert not Draft.objects.exists()


def expire_session(monkeypatch):
    """Move the session clock two hours and a minute on: the next request ends the session."""
    real_time = time.time
    monkeypatch.setattr("accounts.middleware.time.time", lambda: real_time() + 121 * 60)


def test_a_form_posted_when_the_session_ran_out_becomes_the_draft(
    client, submitter_a, organisation_a, monkeypatch, settings
):
    expire_session(monkeypatch)
    response = client.post(reverse("register_new"), form_data(producer_name="Bewaard Bedrijf"))
    assert response.status_code == 302  # through ACM/IDM's logout to the "session ended" page
    assert response["Location"].startswith(settings.OIDC_OP_LOGOUT_ENDPOINT)
    monkeypatch.undo()
    # Typed on after that, still signed out: kept for the same person too.
    client.post(reverse("register_new"), {**form_data(producer_name="Bewaard Bedrijf NV"), "ncr_draft": "1"})
    ended = client.get(reverse("session_ended")).content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fregister%2Fnieuw%2F"' in ended
    assert Draft.objects.get(user=submitter_a, organisation=organisation_a).data["producer_name"] == (
        "Bewaard Bedrijf NV"
    )
    sign_in_again(client, organisation_a)
    assert OFFER in client.get(reverse("register_new")).content.decode()
    html = client.get(reverse("register_new"), {"concept": "herstellen"}).content.decode()
    assert 'value="Bewaard Bedrijf NV"' in html
    assert NonConformity.objects.count() == 0


def test_an_anonymous_post_keeps_nothing(client, db):
    response = client.post(reverse("register_new"), {"producer_name": "x" * 5000, "ncr_draft": "1"})
    assert response["Location"].startswith(reverse("oidc_authentication_init"))
    assert not Draft.objects.exists()


def test_drafts_expire_after_ncr_draft_days(client, submitter_a, organisation_a, settings):
    type_draft(client, producer_name="Frituur Concept")
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(days=settings.NCR_DRAFT_DAYS, minutes=1))
    sign_in_again(client, organisation_a)
    assert OFFER not in client.get(reverse("register_home")).content.decode()
    call_command("housekeeping", verbosity=0)
    assert not Draft.objects.exists()


# --- a correction's draft ------------------------------------------------------------------------

CORRECTION_OFFER = "Uw onafgewerkte verbetering van"


def correction(record, **fields):
    return {**form_data(version=record.version, confirm_late="on"), **fields}


def test_typing_a_correction_keeps_its_own_draft_and_changes_nothing(
    client, submitter_a, organisation_a, make_record
):
    record = make_record(organisation_a)
    type_draft(client, producer_name="Frituur Concept")
    url = reverse("register_correct", args=[record.pk])
    assert f'data-draft="{url}"' in client.get(url).content.decode()
    response = client.post(url, {**correction(record, producer_name="Bakkerij Verbeterd"), "ncr_draft": "1"})
    assert response.status_code == 204
    assert Draft.objects.get(non_conformity=record).data["producer_name"] == "Bakkerij Verbeterd"
    assert Draft.objects.get(non_conformity=None).data["producer_name"] == "Frituur Concept"
    record.refresh_from_db()
    assert (record.producer_name, record.version) == ("Bakkerij De Korenaar", 1)


def test_a_correction_posted_when_the_session_ran_out_is_offered_and_saved_after_sign_in(
    client, submitter_a, organisation_a, make_record, monkeypatch
):
    record = make_record(organisation_a)
    url = reverse("register_correct", args=[record.pk])
    expire_session(monkeypatch)
    response = client.post(url, correction(record, producer_name="Bakkerij Verbeterd"))
    assert response.status_code == 302
    monkeypatch.undo()
    sign_in_again(client, organisation_a)
    home = client.get(reverse("register_home")).content.decode()
    assert CORRECTION_OFFER in home
    assert f'href="{url}?concept=herstellen"' in home
    html = client.get(url, {"concept": "herstellen"}).content.decode()
    assert 'value="Bakkerij Verbeterd"' in html
    assert CORRECTION_OFFER not in html
    assert client.post(url, correction(record, producer_name="Bakkerij Verbeterd")).status_code == 302
    record.refresh_from_db()
    assert record.producer_name == "Bakkerij Verbeterd"
    assert not Draft.objects.exists()


def test_a_restored_correction_of_a_record_changed_since_is_refused_as_stale(
    client, submitter_a, organisation_a, make_record
):
    record = make_record(organisation_a)
    url = reverse("register_correct", args=[record.pk])
    client.post(url, {**correction(record, producer_name="Mijn versie"), "ncr_draft": "1"})
    services.update_review(  # OVAM changed the record meanwhile
        record, user=submitter_a, expected_version=1, assigned_reviewer=None, internal_note="Gezien"
    )
    html = client.get(url, {"concept": "herstellen"}).content.decode()
    assert 'value="Mijn versie"' in html
    assert 'name="version" value="1"' in html  # the version the draft was typed on
    html = client.post(url, correction(record, producer_name="Mijn versie", version=1)).content.decode()
    assert "intussen door iemand anders gewijzigd" in html
    assert NonConformity.objects.get(pk=record.pk).producer_name == "Bakkerij De Korenaar"


def test_a_signed_out_post_for_another_organisations_record_keeps_nothing(
    client, submitter_a, organisation_b, make_record, monkeypatch
):
    other = make_record(organisation_b)
    expire_session(monkeypatch)
    client.post(reverse("register_correct", args=[other.pk]), correction(other, producer_name="Overname"))
    assert not Draft.objects.exists()


def test_a_correction_draft_can_be_thrown_away(client, submitter_a, organisation_a, make_record):
    record = make_record(organisation_a)
    type_draft(client, producer_name="Frituur Concept")
    url = reverse("register_correct", args=[record.pk])
    client.post(url, {**correction(record, producer_name="Bakkerij Verbeterd"), "ncr_draft": "1"})
    response = client.post(reverse("register_draft_discard"), {"record": record.pk})
    assert response["Location"] == reverse("register_home")
    assert list(Draft.objects.values_list("non_conformity", flat=True)) == [None]


def test_a_garbled_record_throws_no_draft_away(client, submitter_a, organisation_a):
    type_draft(client, producer_name="Frituur Concept")
    for garbled in ("abc", "-1", "1.5", "9" * 12):
        response = client.post(reverse("register_draft_discard"), {"record": garbled})
        assert response["Location"] == reverse("register_home")
    assert Draft.objects.get().data["producer_name"] == "Frituur Concept"


def test_a_correction_ovam_took_up_meanwhile_is_no_longer_offered_nor_kept(
    client, submitter_a, organisation_a, make_record
):
    record = make_record(organisation_a)
    type_draft(client, producer_name="Frituur Concept")
    url = reverse("register_correct", args=[record.pk])
    client.post(url, {**correction(record, producer_name="Bakkerij Verbeterd"), "ncr_draft": "1"})
    services.transition(record, workflow.Status.UNDER_REVIEW, user=submitter_a, role=REVIEWER)
    # The tab still open types on: nothing kept, no error piled up for the next page.
    response = client.post(url, {**correction(record, producer_name="Verbeterd 2"), "ncr_draft": "1"})
    assert response.status_code == 204
    assert Draft.objects.get(non_conformity=record).data["producer_name"] == "Bakkerij Verbeterd"
    sign_in_again(client, organisation_a)
    home = client.get(reverse("register_home")).content.decode()
    assert CORRECTION_OFFER not in home
    assert OFFER in home  # the older draft of a new record is offered instead
    assert "al door OVAM behandeld" not in home
