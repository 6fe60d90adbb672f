import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, workflow
from submissions.deadlines import BRUSSELS
from submissions.models import NonConformity, Upload, WasteStream
from submissions.photos import prepare_photo
from submissions.validation import StreamCatalogue, validate_record
from tests.submissions.conftest import VALID_DATA, image_bytes


def received(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


def test_create_writes_one_history_row_with_the_author(make_record, organisation_a):
    record = make_record(organisation_a)
    rows = list(record.history.all())
    assert len(rows) == 1
    assert rows[0].history_type == "+"
    assert rows[0].history_user.username == "maker"


def test_a_record_received_the_next_working_day_is_on_time(make_record, organisation_a):
    record = make_record(
        organisation_a, observed_on=dt.date(2026, 11, 6), received_at=received(dt.date(2026, 11, 9))
    )
    assert record.is_late is False


def test_a_record_received_after_the_weekend_and_holiday_is_late(make_record, organisation_a):
    # Tuesday 10 November: Wednesday 11 is a holiday, so Thursday 12 is still on time, Friday 13 late.
    on_time = make_record(
        organisation_a, observed_on=dt.date(2026, 11, 10), received_at=received(dt.date(2026, 11, 12), 23)
    )
    late = make_record(
        organisation_a, observed_on=dt.date(2026, 11, 10), received_at=received(dt.date(2026, 11, 13), 0)
    )
    assert on_time.is_late is False
    assert late.is_late is True


def test_correcting_the_date_recomputes_the_late_flag_and_history_shows_it(
    make_record, organisation_a, django_user_model
):
    record = make_record(
        organisation_a, observed_on=dt.date(2026, 11, 2), received_at=received(dt.date(2026, 11, 3))
    )
    assert record.is_late is False
    corrected = services.correct_non_conformity(
        record,
        user=record.submitted_by,
        role=SUBMITTER,
        data={**VALID_DATA, "observed_on": dt.date(2026, 10, 26)},
        waste_streams=WasteStream.objects.filter(number=16),
        expected_version=record.version,
    )
    assert corrected.is_late is True
    assert corrected.version == 2
    newest, oldest = list(corrected.history.order_by("-history_id"))[:2]
    changed = newest.diff_against(oldest).changed_fields
    assert {"observed_on", "deadline", "is_late"} <= set(changed)
    assert newest.history_change_reason == "correction"


def test_a_correction_with_an_old_version_is_refused(make_record, organisation_a):
    record = make_record(organisation_a)
    services.update_review(
        record, user=record.submitted_by, expected_version=1, assigned_reviewer=None, internal_note="x"
    )
    with pytest.raises(services.StaleRecord):
        services.correct_non_conformity(
            record,
            user=record.submitted_by,
            role=SUBMITTER,
            data=VALID_DATA,
            waste_streams=[],
            expected_version=1,
        )


def test_a_record_under_review_can_no_longer_be_corrected(make_record, organisation_a):
    record = make_record(organisation_a)
    services.transition(record, workflow.Status.UNDER_REVIEW, user=record.submitted_by, role=REVIEWER)
    with pytest.raises(workflow.IllegalTransition):
        services.correct_non_conformity(
            record,
            user=record.submitted_by,
            role=SUBMITTER,
            data=VALID_DATA,
            waste_streams=[],
            expected_version=None,
        )


def test_withdrawal_needs_a_reason_and_keeps_the_record(make_record, organisation_a):
    record = make_record(organisation_a)
    with pytest.raises(ValidationError):
        services.withdraw(record, user=record.submitted_by, role=SUBMITTER, reason="  ", expected_version=1)
    withdrawn = services.withdraw(
        record, user=record.submitted_by, role=SUBMITTER, reason="Dubbel ingevoerd", expected_version=1
    )
    assert NonConformity.objects.get(pk=record.pk).status == workflow.Status.WITHDRAWN
    assert withdrawn.withdrawal_reason == "Dubbel ingevoerd"
    with pytest.raises(workflow.IllegalTransition):
        services.withdraw(
            withdrawn, user=record.submitted_by, role=SUBMITTER, reason="nogmaals", expected_version=None
        )


def test_only_ovam_moves_a_record_under_review(make_record, organisation_a):
    record = make_record(organisation_a)
    with pytest.raises(workflow.IllegalTransition) as refused:
        services.transition(record, workflow.Status.UNDER_REVIEW, user=record.submitted_by, role=SUBMITTER)
    assert refused.value.code == "illegal_actor"
    assert NonConformity.objects.get(pk=record.pk).status == workflow.Status.SUBMITTED


def test_a_duplicate_own_reference_is_a_field_error(make_record, organisation_a):
    make_record(organisation_a, own_reference="R-7")
    with pytest.raises(services.DuplicateOwnReference) as caught:
        make_record(organisation_a, own_reference="R-7")
    assert "own_reference" in caught.value.message_dict
    assert services.taken_own_references(organisation_a.pk, ["R-7", "R-8"]) == {"R-7"}
    assert services.taken_own_references(organisation_a.pk, [""]) == set()


def test_own_references_are_found_in_a_batch_whatever_their_characters(
    make_record, organisation_a, organisation_b
):
    # An upload asks for a batch of 2,000 at once, as one array: quotes, commas and braces stay themselves.
    odd = ['R "7", {a}', "R\\8", "R'9"]
    mine = {reference: make_record(organisation_a, own_reference=reference).pk for reference in odd}
    make_record(organisation_b, own_reference="B-1")  # another organisation's
    batch = [*odd, "B-1", "", *(f"IMPORT-{n:07d}" for n in range(2000))]
    assert services.own_reference_owners(organisation_a.pk, batch) == mine
    assert services.taken_own_references(organisation_a.pk, batch, exclude_pk=mine["R'9"]) == set(odd[:2])


def test_photos_are_stored_with_the_record_up_to_five(make_record, organisation_a, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = make_record(organisation_a)
    photos = [prepare_photo(SimpleUploadedFile(f"p{i}.png", image_bytes("PNG"))) for i in range(6)]
    services.add_photos(record, photos[:5])
    assert record.photos.count() == 5
    with pytest.raises(ValidationError):
        services.add_photos(record, photos[5:])


def test_an_upload_batch_without_waste_streams_is_stored_without_links(organisation_a, django_user_model):
    # Validation asks for a stream; the bulk write itself must not turn an empty table into an empty row.
    user = django_user_model.objects.create(username="an", vo_id="vo-an")
    upload = Upload.objects.create(organisation=organisation_a, uploaded_by=user, file_name="l", sha256="0")
    raw = {
        "observed_on": "05/01/2026", "producer_name": "Bakkerij", "producer_enterprise_number": "0405546706",
        "establishment_number": "2147812701", "description": "pmd", "action": "refused",
        "waste_streams": "16",
    }  # fmt: skip
    cleaned, errors = validate_record(raw, StreamCatalogue(), today=dt.date(2026, 2, 1))
    assert not errors
    assert services.store_upload_rows(upload, [{**cleaned, "waste_streams": []}], holidays=set()) == 1
    record = NonConformity.objects.get(upload=upload)
    assert (record.waste_streams.count(), record.history.count()) == (0, 1)
