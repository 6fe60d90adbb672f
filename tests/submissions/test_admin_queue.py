"""The reviewer's work queue in the admin: the default view, its filters, the sorts, bulk assignment,
the record page (review first) and previous/next within the list the reviewer came from."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, workflow
from tests.conftest import sign_in

LIST = reverse("admin:submissions_nonconformity_changelist")


def listed(response):
    assert response.status_code == 200
    return [row.pk for row in response.context["cl"].result_list]


@pytest.fixture
def colleague(db, ovam, django_user_model):
    from django.test import Client

    return sign_in(Client(), vo_id="vo-jan", organisation=ovam, roles=["OVAM-behandelaars"], given_name="Jan")


@pytest.fixture
def queue(make_record, organisation_a, organisation_b, reviewer, colleague):
    """Records in every situation a reviewer meets; names say which."""
    days = iter(range(1, 28))

    def record(organisation=organisation_a, received_days_ago=1, **fields):
        day = dt.date(2026, 10, next(days))
        received = timezone.now() - dt.timedelta(days=received_days_ago)
        return make_record(organisation, observed_on=day, received_at=received, **fields)

    def moved(record, *statuses):
        for status in statuses:
            record = services.transition(record, status, user=reviewer, role=REVIEWER)
        return record

    def assigned(record, person):
        return services.assign(record, user=reviewer, assigned_reviewer=person)

    records = {
        "new": record(producer_name="Atelier Zuid"),
        "new_b": record(organisation_b, producer_name="Bakkerij Noord"),
        "mine": assigned(record(producer_name="Cafe Oost"), reviewer),
        "mine_in_review": assigned(moved(record(producer_name="Drukkerij West"), "under_review"), reviewer),
        "colleagues": assigned(record(producer_name="Garage Midden"), colleague),
        "waiting": record(producer_name="Hotel Oud", received_days_ago=20),
        "closed": moved(record(producer_name="IJzerhandel"), "under_review", "closed"),
        "withdrawn": record(producer_name="Kapper"),
    }
    records["withdrawn"] = services.withdraw(
        records["withdrawn"],
        user=records["withdrawn"].submitted_by,
        role=SUBMITTER,
        reason="Dubbel",
        expected_version=1,
    )
    return records


def names(queue, pks):
    by_pk = {record.pk: name for name, record in queue.items()}
    return [by_pk[pk] for pk in pks]


def test_the_default_view_is_open_work_assigned_to_me_or_nobody(client, reviewer, queue):
    shown = names(queue, listed(client.get(LIST)))
    assert sorted(shown) == ["mine", "mine_in_review", "new", "new_b", "waiting"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("toegewezen=mij", ["mine", "mine_in_review"]),
        ("toegewezen=niemand", ["new", "new_b", "waiting"]),
        ("toegewezen=alle", ["colleagues", "mine", "mine_in_review", "new", "new_b", "waiting"]),
        ("ouderdom=14", ["waiting"]),
        ("status__exact=under_review", ["mine_in_review"]),
        ("status__exact=closed&toegewezen=alle", ["closed"]),
        (
            "status__exact=alle&toegewezen=alle",
            ["closed", "colleagues", "mine", "mine_in_review", "new", "new_b", "waiting", "withdrawn"],
        ),
    ],
)
def test_the_queue_filters(client, reviewer, queue, query, expected):
    assert sorted(names(queue, listed(client.get(f"{LIST}?{query}")))) == expected


def test_a_nonsense_queue_value_is_not_an_error(client, reviewer, queue):
    for query in ("toegewezen=iedereen", "ouderdom=3", "status__exact=weg"):
        assert client.get(f"{LIST}?{query}", follow=True).status_code == 200


@pytest.mark.parametrize(
    ("column", "key"),
    [
        ("date", lambda r: (r.observed_on, r.pk)),
        ("status_column", lambda r: (r.status, r.observed_on, r.pk)),
        ("producer", lambda r: (r.producer_name, r.observed_on, r.pk)),
        ("collector", lambda r: (r.organisation.name, r.observed_on, r.pk)),
        ("age", lambda r: (-r.received_at.timestamp(), r.observed_on, r.pk)),
    ],
)
def test_each_key_column_sorts_both_ways(client, reviewer, queue, column, key):
    from submissions.admin.non_conformity import NonConformityAdmin

    index = NonConformityAdmin.list_display.index(column) + 1
    everything = "status__exact=alle&toegewezen=alle"
    expected = [r.pk for r in sorted(queue.values(), key=key)]
    for order, wanted in ((f"{index}", expected), (f"-{index}", expected[::-1])):
        assert listed(client.get(f"{LIST}?{everything}&o={order}")) == wanted, order


def test_the_collector_sort_pages_through_every_record_once(client, reviewer, queue, monkeypatch):
    from submissions.admin.non_conformity import NonConformityAdmin

    monkeypatch.setattr(NonConformityAdmin, "list_per_page", 3)  # 8 records: pages of 3, 3 and 2
    index = NonConformityAdmin.list_display.index("collector") + 1
    expected = [
        r.pk for r in sorted(queue.values(), key=lambda r: (r.organisation.name, r.observed_on, r.pk))
    ]
    for order, wanted in ((f"{index}", expected), (f"-{index}", expected[::-1])):
        pages = [
            listed(client.get(f"{LIST}?status__exact=alle&toegewezen=alle&o={order}&p={page}"))
            for page in (1, 2, 3)
        ]
        assert [len(p) for p in pages] == [3, 3, 2]
        assert pages[0] + pages[1] + pages[2] == wanted, order


def test_a_reviewer_assigns_records_to_herself_in_bulk(client, reviewer, queue):
    picked = [queue["new"].pk, queue["waiting"].pk]
    response = client.post(LIST, {"action": "assign_to_me", "_selected_action": picked}, follow=True)
    assert "2 toegewezen aan Femke Janssens." in [str(m) for m in get_messages(response.wsgi_request)]
    assert sorted(names(queue, listed(client.get(f"{LIST}?toegewezen=mij")))) == [
        "mine",
        "mine_in_review",
        "new",
        "waiting",
    ]
    queue["new"].refresh_from_db()
    assert queue["new"].history.first().history_user == reviewer
    assert queue["new"].status == workflow.Status.SUBMITTED  # assigning decides nothing


def test_a_reviewer_assigns_records_to_a_colleague(client, reviewer, colleague, queue, django_user_model):
    outsider = django_user_model.objects.create(username="indiener", vo_id="vo-indiener")
    form = client.get(LIST).context["action_form"]
    offered = set(form.fields["reviewer"].queryset)
    assert {reviewer, colleague} <= offered
    assert outsider not in offered  # never signed in as OVAM staff
    picked = [queue["new"].pk, queue["new_b"].pk]
    client.post(LIST, {"action": "assign_to", "reviewer": colleague.pk, "_selected_action": picked})
    for name in ("new", "new_b"):
        queue[name].refresh_from_db()
        assert queue[name].assigned_reviewer == colleague
    response = client.post(
        LIST, {"action": "assign_to", "reviewer": outsider.pk, "_selected_action": [queue["waiting"].pk]}
    )
    queue["waiting"].refresh_from_db()
    assert queue["waiting"].assigned_reviewer is None
    assert response.status_code in (200, 302)


def test_the_record_page_shows_the_review_first(client, reviewer, queue):
    content = client.get(reverse("admin:submissions_nonconformity_change", args=[queue["new"].pk])).content
    content = content.decode()
    assert content.index("Behandeling door OVAM") < content.index("Ingediende gegevens")


def test_previous_and_next_follow_the_list_the_reviewer_came_from(client, reviewer, queue):
    filters = "toegewezen=mij&o=3"  # assigned to me, by producer
    order = listed(client.get(f"{LIST}?{filters}"))
    assert names(queue, order) == ["mine", "mine_in_review"]
    kept = urlencode({"_changelist_filters": filters})

    def page(pk):
        response = client.get(f"{reverse('admin:submissions_nonconformity_change', args=[pk])}?{kept}")
        return response.context["previous_url"], response.context["next_url"]

    first, second = order
    assert page(first) == (None, f"{reverse('admin:submissions_nonconformity_change', args=[second])}?{kept}")
    assert page(second) == (f"{reverse('admin:submissions_nonconformity_change', args=[first])}?{kept}", None)
    # Closed, the record leaves the list; its neighbours are still where they were.
    services.transition(queue["mine_in_review"], workflow.Status.CLOSED, user=reviewer, role=REVIEWER)
    assert page(second)[0] is not None
