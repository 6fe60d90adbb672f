import datetime as dt

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from submissions.forms import FilterForm, NonConformityForm
from submissions.models import NonConformity


def bound(organisation, **overrides):
    data = QueryDict(mutable=True)
    values = {
        "observed_on": timezone.localdate().isoformat(),
        "producer_name": "Bakkerij De Korenaar",
        "producer_enterprise_number": "0405.546.706",
        "establishment_number": "2.147.812.701",
        "description": "PMD in het restafval.",
        "action": "refused",
    }
    values.update(overrides)
    for key, value in values.items():
        data[key] = value
    data.setlist("waste_streams", overrides.get("streams", ["16"]))
    return NonConformityForm(data, organisation=organisation)


def test_0405_546_706_is_valid_and_stored_as_ten_digits(organisation_a):
    form = bound(organisation_a)
    assert form.is_valid(), form.errors
    assert form.record_data["producer_enterprise_number"] == "0405546706"
    assert [s.number for s in form.streams] == [16]


def test_be_0405_546_706_is_accepted(organisation_a):
    form = bound(organisation_a, producer_enterprise_number="BE 0405 546 706")
    assert form.is_valid(), form.errors


def test_2_123_456_789_is_refused_at_its_field_with_aria(organisation_a):
    form = bound(organisation_a, establishment_number="2.123.456.789")
    assert not form.is_valid()
    assert list(form.errors) == ["establishment_number"]
    attrs = form.fields["establishment_number"].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "id_establishment_number_help id_establishment_number_error"
    assert form.error_summary()[0][0] == "id_establishment_number"


def test_the_form_offers_only_streams_valid_on_the_date(organisation_a):
    form = bound(organisation_a, observed_on="2024-06-30")
    offered = {c["stream"].number for c in form.stream_choices() if c["applies"]}
    assert offered == set(range(1, 25))
    form = bound(organisation_a, observed_on="2024-07-01")
    assert {c["stream"].number for c in form.stream_choices() if c["applies"]} == set(range(1, 30))


def test_a_late_date_shows_the_deadline_and_asks_for_confirmation(organisation_a):
    form = bound(organisation_a, observed_on=(timezone.localdate() - dt.timedelta(days=10)).isoformat())
    assert form.is_late()
    assert not form.is_valid()
    assert list(form.errors) == ["confirm_late"]
    assert bound(organisation_a, observed_on="2026-11-02", confirm_late="on").is_valid()


def test_today_is_never_late(organisation_a):
    form = bound(organisation_a)
    assert form.deadline().date() > timezone.localdate()
    assert not form.is_late()


def test_search_accepts_an_enterprise_number_with_dots(make_record, organisation_a):
    make_record(organisation_a, producer_enterprise_number="0353456320")
    make_record(organisation_a)
    form = FilterForm({"q": "0353.456.320"})
    assert form.apply(NonConformity.objects.all()).count() == 1


def test_the_form_is_laid_out_by_crispy_with_every_field_and_the_required_marks_from_validation(
    client, submitter_a
):
    from submissions.validation import REQUIRED_FIELDS

    form = NonConformityForm(organisation=None)
    laid_out = {pointer.name for pointer in form.helper.layout.get_field_names()}
    assert laid_out == set(form.fields) - {"confirm_late"}  # that one sits in the late warning
    html = client.get(reverse("register_new")).content.decode()
    assert html.count('<span class="required-mark">(verplicht)</span>') == len(REQUIRED_FIELDS)
