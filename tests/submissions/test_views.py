import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, workflow
from submissions.models import NonConformity


def form_data(**overrides):
    data = {
        "observed_on": timezone.localdate().isoformat(),
        "producer_name": "Bakkerij De Korenaar",
        "producer_enterprise_number": "BE 0405 546 706",
        "establishment_number": "2.147.812.701",
        "description": "PMD-zakken in het restafval.",
        "waste_streams": ["16", "3"],
        "action": "refused",
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------------------


def test_the_list_shows_only_the_organisations_records(
    client, submitter_a, make_record, organisation_a, organisation_b
):
    make_record(organisation_a, producer_name="Slagerij Alfa")
    make_record(organisation_b, producer_name="Frituur Beta")
    html = client.get(reverse("register_home")).content.decode()
    assert "Slagerij Alfa" in html
    assert "Frituur Beta" not in html


def test_search_finds_an_enterprise_number_with_or_without_dots(
    client, submitter_a, make_record, organisation_a
):
    make_record(organisation_a, producer_name="Slagerij Alfa", producer_enterprise_number="0353456320")
    make_record(organisation_a, producer_name="Bakkerij Beta")
    for term in ("0353.456.320", "0353456320", "slagerij"):
        html = client.get(reverse("register_home"), {"q": term}).content.decode()
        assert "Slagerij Alfa" in html, term
        assert "Bakkerij Beta" not in html, term


def test_filters_narrow_the_list(client, submitter_a, make_record, organisation_a):
    make_record(organisation_a, producer_name="Slagerij Een", action="refused", streams=(3,))
    make_record(organisation_a, producer_name="Bakkerij Twee", action="post_sorted", streams=(16,))
    html = client.get(reverse("register_home"), {"action": "refused"}).content.decode()
    assert "Slagerij Een" in html
    assert "Bakkerij Twee" not in html
    html = client.get(reverse("register_home"), {"waste_stream": "16"}).content.decode()
    assert "Bakkerij Twee" in html
    assert "Slagerij Een" not in html


def test_bad_filter_values_are_ignored_not_an_error(client, submitter_a, make_record, organisation_a):
    make_record(organisation_a, producer_name="Slagerij Alfa")
    response = client.get(
        reverse("register_home"), {"date_from": "gisteren", "waste_stream": "x", "page": "abc"}
    )
    assert response.status_code == 200
    assert "Slagerij Alfa" in response.content.decode()


def test_the_counts_show_late_and_refused(client, submitter_a, make_record, organisation_a):
    make_record(organisation_a, action="refused")
    make_record(organisation_a, action="registered")
    response = client.get(reverse("register_home"))
    assert response.context["counts"]["refused"] == 1
    assert response.context["counts"]["late"] == 2  # observed 2 Nov 2026, received now


def test_the_list_query_count_is_the_same_for_2_and_25_rows(
    client, submitter_a, make_record, organisation_a, django_assert_num_queries
):
    for _ in range(2):
        make_record(organisation_a, streams=(3, 16))
    client.get(reverse("register_home"))  # warm up the session
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("register_home"))
    for _ in range(23):
        make_record(organisation_a, streams=(3, 16))
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(reverse("register_home"))
    assert len(response.context["page"].object_list) == 25


# --- new ----------------------------------------------------------------------------------------


def test_the_new_form_defaults_to_today_and_shows_the_deadline(client, submitter_a):
    html = client.get(reverse("register_new")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert 'id="deadline-text"' in html
    assert "Registreer uiterlijk" in html


def test_filing_a_record_stores_it_for_the_session_organisation(client, submitter_a, organisation_a):
    response = client.post(reverse("register_new"), form_data(organisation=999))
    record = NonConformity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register_detail", args=[record.pk])
    assert record.organisation == organisation_a
    assert record.submitted_by == submitter_a
    assert record.producer_enterprise_number == "0405546706"
    assert record.source == "form"
    assert sorted(s.number for s in record.waste_streams.all()) == [3, 16]


def test_errors_are_in_dutch_tied_to_their_fields_and_input_is_kept(client, submitter_a):
    response = client.post(
        reverse("register_new"),
        form_data(establishment_number="2.123.456.789", description="", producer_name="Bakkerij X"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NonConformity.objects.count() == 0
    assert 'role="alert"' in html
    assert 'href="#id_establishment_number"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_establishment_number_help id_establishment_number_error"' in html
    assert "controlecijfers" in html  # the Dutch message about the check digits
    assert 'value="Bakkerij X"' in html


def test_an_own_reference_used_before_is_a_clear_field_error(
    client, submitter_a, make_record, organisation_a
):
    make_record(organisation_a, own_reference="R-1")
    html = client.post(reverse("register_new"), form_data(own_reference="R-1")).content.decode()
    assert 'href="#id_own_reference"' in html
    assert NonConformity.objects.count() == 1


def test_a_late_record_needs_confirmation_before_saving(client, submitter_a):
    data = form_data(observed_on=(timezone.localdate() - dt.timedelta(days=10)).isoformat())
    html = client.post(reverse("register_new"), data).content.decode()
    assert NonConformity.objects.count() == 0
    assert 'href="#id_confirm_late"' in html
    response = client.post(reverse("register_new"), {**data, "confirm_late": "on"})
    assert response.status_code == 302
    assert NonConformity.objects.get().is_late is True


def test_another_record_keeps_the_producer(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a, producer_name="Slagerij Alfa", description="Glas bij restafval")
    html = client.get(reverse("register_new"), {"van": record.pk}).content.decode()
    assert 'value="Slagerij Alfa"' in html
    assert 'value="0405546706"' in html
    assert "Glas bij restafval" not in html


def test_another_record_never_copies_another_organisations_producer(
    client, submitter_a, make_record, organisation_b
):
    record = make_record(organisation_b, producer_name="Frituur Beta")
    html = client.get(reverse("register_new"), {"van": record.pk}).content.decode()
    assert "Frituur Beta" not in html


def test_earlier_producers_are_suggested(client, submitter_a, make_record, organisation_a, organisation_b):
    make_record(organisation_a, producer_name="Slagerij Alfa")
    make_record(organisation_b, producer_name="Frituur Beta")
    html = client.get(reverse("register_new")).content.decode()
    assert '<option value="Slagerij Alfa" data-kbo="0405.546.706"' in html
    assert "Frituur Beta" not in html


# --- detail, correct, withdraw --------------------------------------------------------------------


def test_the_detail_shows_the_record_and_its_history(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a, own_reference="R-9")
    html = client.get(reverse("register_detail", args=[record.pk])).content.decode()
    assert "0405.546.706" in html
    assert "2.147.812.701" in html
    assert "R-9" in html
    assert "Ingediend (Formulier)" in html


def test_the_history_shows_ovam_never_a_reviewer_or_internal_note(
    client, submitter_a, make_record, organisation_a, django_user_model
):
    record = make_record(organisation_a)
    femke = django_user_model.objects.create(
        username="femke", first_name="Femke", last_name="Janssens", is_staff=True
    )
    services.update_review(
        record, user=femke, expected_version=1, assigned_reviewer=femke, internal_note="Geheime notitie"
    )
    services.transition(record, workflow.Status.UNDER_REVIEW, user=femke, role=REVIEWER)
    html = client.get(reverse("register_detail", args=[record.pk])).content.decode()
    assert "OVAM" in html
    assert "Femke" not in html
    assert "Geheime notitie" not in html


def test_the_history_names_ovam_by_the_role_of_each_change_not_by_the_person(
    client, submitter_a, make_record, organisation_a
):
    # An Peeters also works for OVAM (she signed in as staff once): her own correction still shows her
    # name, and her review step shows "OVAM".
    submitter_a.staff_signed_in_at = submitter_a.date_joined
    submitter_a.is_staff = True  # as an older sign-in left the row; it must not count
    submitter_a.save()
    record = make_record(organisation_a)
    record = services.correct_non_conformity(
        record,
        user=submitter_a,
        role=SUBMITTER,
        data={"description": "pmd en glas"},
        waste_streams=record.waste_streams.all(),
        expected_version=record.version,
    )
    services.transition(record, workflow.Status.UNDER_REVIEW, user=submitter_a, role=REVIEWER)
    html = client.get(reverse("register_detail", args=[record.pk])).content.decode()
    assert re.search(r"<strong>Verbeterd door de indiener</strong> · [^<]* · An Peeters</p>", html)
    assert re.search(r"<strong>Status gewijzigd naar „In behandeling”</strong> · [^<]* · OVAM</p>", html)


@pytest.mark.parametrize("name", ["register_detail", "register_correct", "register_withdraw"])
def test_another_organisations_record_answers_404(client, submitter_b, make_record, organisation_a, name):
    record = make_record(organisation_a)
    assert client.get(reverse(name, args=[record.pk])).status_code == 404


def test_a_post_to_another_organisations_record_changes_nothing(
    client, submitter_b, make_record, organisation_a
):
    record = make_record(organisation_a)
    response = client.post(reverse("register_withdraw", args=[record.pk]), {"reason": "weg", "version": 1})
    assert response.status_code == 404
    assert NonConformity.objects.get(pk=record.pk).status == workflow.Status.SUBMITTED


def test_a_correction_is_saved_with_history(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    data = form_data(
        observed_on="2026-11-02", producer_name="Bakkerij Verbeterd", version=1, confirm_late="on"
    )
    response = client.post(reverse("register_correct", args=[record.pk]), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.producer_name == "Bakkerij Verbeterd"
    assert record.version == 2
    assert record.history.count() == 2


def test_a_correction_after_ovams_change_is_refused_with_a_message(
    client, submitter_a, make_record, organisation_a
):
    record = make_record(organisation_a)
    services.update_review(
        record, user=submitter_a, expected_version=1, assigned_reviewer=None, internal_note=""
    )
    data = form_data(observed_on="2026-11-02", producer_name="Te laat", version=1, confirm_late="on")
    html = client.post(reverse("register_correct", args=[record.pk]), data).content.decode()
    assert "intussen door iemand anders gewijzigd" in html
    assert NonConformity.objects.get(pk=record.pk).producer_name != "Te laat"


def test_a_record_under_review_cannot_be_corrected(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    services.transition(record, workflow.Status.UNDER_REVIEW, user=submitter_a, role=REVIEWER)
    response = client.get(reverse("register_correct", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("register_detail", args=[record.pk])


def test_withdrawal_needs_a_reason(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    html = client.post(
        reverse("register_withdraw", args=[record.pk]), {"reason": "", "version": 1}
    ).content.decode()
    assert 'href="#id_reason"' in html
    response = client.post(reverse("register_withdraw", args=[record.pk]), {"reason": "Dubbel", "version": 1})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == workflow.Status.WITHDRAWN
    assert record.withdrawal_reason == "Dubbel"


def test_garbage_input_gets_dutch_messages_never_a_500(client, submitter_a):
    garbage = form_data(
        observed_on="2026-13-45",
        customer_informed_on="gisteren",
        producer_enterprise_number="x" * 500,
        postcode="12a4",
        waste_streams=["abc", "999"],
        action="burned",
        description="d" * 6000,
        version="drop table",
        confirm_late="maybe",
    )
    response = client.post(reverse("register_new"), garbage)
    assert response.status_code == 200
    assert NonConformity.objects.count() == 0
    html = response.content.decode()
    for field in (
        "observed_on",
        "customer_informed_on",
        "producer_enterprise_number",
        "waste_streams",
        "action",
    ):
        assert f'href="#id_{field}"' in html, field


def test_a_garbled_version_refuses_the_correction(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a)
    data = form_data(observed_on="2026-11-02", producer_name="Geknoeid", version="abc", confirm_late="on")
    html = client.post(reverse("register_correct", args=[record.pk]), data).content.decode()
    assert "intussen door iemand anders gewijzigd" in html
    assert NonConformity.objects.get(pk=record.pk).producer_name != "Geknoeid"


# --- labels and links ---------------------------------------------------------------------------


def test_the_list_names_each_waste_stream_next_to_its_number(
    client, submitter_a, make_record, organisation_a
):
    make_record(organisation_a, streams=(3, 16))
    html = client.get(reverse("register_home")).content.decode()
    assert "3° papier-karton, 16° pmd" in html


def test_the_detail_names_a_refusal_once(client, submitter_a, make_record, organisation_a):
    record = make_record(organisation_a, action="refused")
    html = client.get(reverse("register_detail", args=[record.pk])).content.decode()
    assert "<dd>Geweigerd</dd>" in html
    assert "(geweigerd)" not in html


def test_the_detail_links_the_producer_number_to_the_kbo_public_search(
    client, submitter_a, make_record, organisation_a
):
    record = make_record(organisation_a, producer_enterprise_number="0353456320")
    html = client.get(reverse("register_detail", args=[record.pk])).content.decode()
    assert (
        '0353.456.320 · <a href="https://kbopub.economie.fgov.be/kbopub/zoeknummerform.html?nummer=0353456320"'
        ' rel="noopener">Opzoeken in de KBO</a>'
    ) in html
