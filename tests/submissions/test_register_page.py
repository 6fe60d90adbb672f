"""The submitter's register page at any size: counts from the counters, keyset pages, a capped count."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SUBMITTER
from submissions import pagination, services
from submissions.imports.intake import receive_upload
from submissions.models import NonConformity, WasteStream
from submissions.summary import month_of
from tests.submissions.upload_files import csv_bytes, process_and_confirm, valid_row


def direct_counts(organisation):
    """The page's counts straight from the records (withdrawn ones do not count)."""
    return (
        NonConformity.objects.filter(organisation=organisation)
        .exclude(status="withdrawn")
        .aggregate(
            this_month=Count("pk", filter=Q(observed_on__gte=month_of(timezone.localdate()))),
            late=Count("pk", filter=Q(is_late=True)),
            refused=Count("pk", filter=Q(action="refused")),
        )
    )


def test_the_counts_equal_a_direct_count_after_form_upload_correction_and_withdrawal(
    client, submitter_a, make_record, organisation_a, organisation_b, media
):
    today = timezone.localdate()
    first = make_record(organisation_a, observed_on=today, action="refused")
    make_record(organisation_a, observed_on=today - dt.timedelta(days=40))
    make_record(organisation_b, observed_on=today, action="refused")  # another organisation's
    upload = receive_upload(
        organisation=organisation_a,
        user=first.submitted_by,
        uploaded_file=SimpleUploadedFile(
            "l.csv",
            csv_bytes(
                [
                    valid_row(
                        1, datum=today.strftime("%d/%m/%Y"), klant_geinformeerd_op="", actie="geweigerd"
                    ),
                    valid_row(2, datum="02/10/2026", klant_geinformeerd_op=""),
                ]
            ),
        ),
    )
    assert process_and_confirm(upload.pk) == "accepted"
    counts = client.get(reverse("register_home")).context["counts"]
    assert counts == direct_counts(organisation_a)
    assert counts["this_month"] == 2

    services.correct_non_conformity(
        first,
        user=first.submitted_by,
        role=SUBMITTER,
        data={"observed_on": today - dt.timedelta(days=70), "action": "registered"},
        waste_streams=WasteStream.objects.filter(number=3, valid_from__isnull=True),
        expected_version=first.version,
    )
    counts = client.get(reverse("register_home")).context["counts"]
    assert counts == direct_counts(organisation_a)
    assert counts["this_month"] == 1

    withdrawn = NonConformity.objects.get(upload=upload, own_reference="REF-1")
    services.withdraw(
        withdrawn, user=first.submitted_by, role=SUBMITTER, reason="Dubbel.", expected_version=1
    )
    counts = client.get(reverse("register_home")).context["counts"]
    assert counts == direct_counts(organisation_a)
    assert counts == {"this_month": 0, "late": 3, "refused": 0}


def make_many(make_record, organisation, count, **fields):
    start = dt.date(2026, 1, 1)
    # Three records per date, so the id breaks ties inside a day.
    return [
        make_record(organisation, observed_on=start + dt.timedelta(days=i // 3), **fields)
        for i in range(count)
    ]


def walk(client, params, page_key, cursor):
    response = client.get(reverse("register_home"), {**params, page_key: cursor} if page_key else params)
    assert response.status_code == 200
    return response.context["page"]


def ids(page):
    return [record.pk for record in page.object_list]


def test_keyset_pages_first_older_newer_and_last(client, submitter_a, make_record, organisation_a):
    make_many(make_record, organisation_a, 60)
    expected = list(
        NonConformity.objects.filter(organisation=organisation_a)
        .order_by("-observed_on", "-id")
        .values_list("pk", flat=True)
    )
    first = walk(client, {}, None, None)
    assert ids(first) == expected[:25]
    assert (first.is_first, first.is_last) == (True, False)
    second = walk(client, {}, "ouder", first.older_cursor())
    assert ids(second) == expected[25:50]
    third = walk(client, {}, "ouder", second.older_cursor())
    assert ids(third) == expected[50:]
    assert (third.is_first, third.is_last) == (False, True)
    back = walk(client, {}, "nieuwer", third.newer_cursor())
    assert ids(back) == expected[25:50]
    top = walk(client, {}, "nieuwer", back.newer_cursor())
    assert ids(top) == expected[:25]
    assert top.is_first
    last = walk(client, {}, "laatste", "1")
    assert ids(last) == expected[-25:]
    assert (last.is_first, last.is_last) == (False, True)
    html = client.get(reverse("register_home"), {"ouder": first.older_cursor()}).content.decode()
    assert f"ouder={second.older_cursor()}" in html
    assert f"nieuwer={second.newer_cursor()}" in html


def test_keyset_pages_keep_the_search_and_filters(client, submitter_a, make_record, organisation_a):
    make_many(make_record, organisation_a, 30, producer_name="Slagerij Peeters", action="refused")
    make_many(make_record, organisation_a, 30, producer_name="Slagerij Peeters", action="registered")
    make_many(make_record, organisation_a, 30, producer_name="Bakkerij Claes", action="refused")
    params = {"q": "slagerij", "action": "refused"}
    expected = list(
        NonConformity.objects.filter(
            organisation=organisation_a, producer_name__startswith="Slagerij", action="refused"
        )
        .order_by("-observed_on", "-id")
        .values_list("pk", flat=True)
    )
    first = walk(client, params, None, None)
    second = walk(client, params, "ouder", first.older_cursor())
    assert ids(first) + ids(second) == expected
    assert second.is_last
    assert ids(walk(client, params, "nieuwer", second.newer_cursor())) == expected[:25]
    assert ids(walk(client, params, "laatste", "1")) == expected[-25:]
    response = client.get(reverse("register_home"), params)
    assert (response.context["found"], response.context["found_more"]) == (30, False)
    assert "q=slagerij" in response.content.decode()


def test_nonsense_cursors_give_the_first_page(client, submitter_a, make_record, organisation_a):
    make_many(make_record, organisation_a, 3)
    for cursor in ("x", "2026-13-01.4", "2026-01-01.99999999999999999999", "2026-01-01.-1", ""):
        response = client.get(reverse("register_home"), {"ouder": cursor})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 3


def test_the_count_is_capped(client, submitter_a, make_record, organisation_a, monkeypatch):
    make_many(make_record, organisation_a, 4)
    monkeypatch.setattr("submissions.views.capped_count", lambda qs: pagination.capped_count(qs, cap=3))
    monkeypatch.setattr("submissions.views.EXACT_UP_TO", 3)
    response = client.get(reverse("register_home"))
    assert (response.context["found"], response.context["found_more"]) == (3, True)
    assert "meer dan 3" in response.content.decode()


def test_a_row_shows_its_facts_and_the_form_keeps_the_chosen_filters(
    client, submitter_a, make_record, organisation_a
):
    record = make_record(
        organisation_a,
        producer_name="Slagerij Peeters",
        producer_enterprise_number="0353456320",
        own_reference="R-7",
        action="refused",
        streams=(16, 3),
    )
    params = {"q": "peeters", "action": "refused", "waste_stream": "16", "date_from": "2026-01-01"}
    html = client.get(reverse("register_home"), params).content.decode()
    assert f'href="{reverse("register_detail", args=[record.pk])}"' in html
    assert f"{record.observed_on:%d/%m/%Y} · 0353.456.320 · R-7" in html
    assert "Geweigerd · 3° papier-karton, 16° pmd" in html
    assert 'name="q" value="peeters"' in html
    assert 'name="date_from" value="2026-01-01"' in html
    assert '<option value="refused" selected>Geweigerd</option>' in html
    assert '<option value="16" selected>16°</option>' in html
    assert '<option value="" selected>Alle</option>' in html  # status and late: all
    assert '<details class="mb-2" open>' in html


def test_a_search_with_markup_is_shown_as_text(client, submitter_a):
    html = client.get(reverse("register_home"), {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
