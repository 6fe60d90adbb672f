"""The repeat-offender overview: ranking, details per producer, trend, chart, export, access."""

import csv
import datetime as dt
import io
import random
import re

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWER, SUBMITTER
from submissions import overview, services
from submissions.admin.chart import chart
from submissions.models import NonConformity, ProducerMonth, WasteStream

URL = reverse("admin:submissions_nonconformity_overview")
GARAGE = {
    "producer_name": "Garage Vermeulen",
    "producer_enterprise_number": "0353456320",
    "establishment_number": "",
    "street": "Kerkstraat",
    "house_number": "1",
    "postcode": "9000",
    "municipality": "Gent",
}


@pytest.fixture
def history(committed, make_record, organisation_a, organisation_b):
    """The bakery: 3 in March 2026 (one refused), 1 in 2025. The garage: 2 in 2026, 4 in 2025.
    The worker has refreshed the summary the overview reads."""
    with committed():
        make_record(organisation_a, observed_on=dt.date(2026, 3, 2), streams=(16,), action="refused")
        make_record(organisation_a, observed_on=dt.date(2026, 3, 9), streams=(16, 3))
        make_record(organisation_b, observed_on=dt.date(2026, 3, 20), streams=(16, 3))
        make_record(organisation_a, observed_on=dt.date(2025, 5, 1))
        for day in (dt.date(2026, 1, 5), dt.date(2026, 6, 5)):
            make_record(organisation_a, observed_on=day, streams=(2,), **GARAGE)
        for month in (2, 4, 6, 8):
            make_record(organisation_a, observed_on=dt.date(2025, month, 1), **GARAGE)


def test_producers_are_ranked_with_their_details(history):
    bakery, garage = overview.ranking(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert (bakery.enterprise_number, bakery.count, bakery.refused) == ("0405546706", 3, 1)
    assert bakery.name == "Bakkerij De Korenaar"
    assert bakery.streams[:2] == ["16° pmd-afval", "3° papier- en kartonafval"]
    assert bakery.collectors == ["Afvalinzameling Alfa NV", "Containerdienst Beta BV"]
    assert (bakery.previous, bakery.trend) == (1, 2)
    assert (garage.count, garage.municipality, garage.previous, garage.trend) == (2, "Gent", 4, -2)
    assert garage.formatted_number == "0353.456.320"


def test_the_chart_has_every_month_of_the_period(history):
    months = overview.monthly_counts(dt.date(2026, 1, 1), dt.date(2026, 7, 1))
    assert months == [
        (dt.date(2026, 1, 1), 1),
        (dt.date(2026, 2, 1), 0),
        (dt.date(2026, 3, 1), 3),
        (dt.date(2026, 4, 1), 0),
        (dt.date(2026, 5, 1), 0),
        (dt.date(2026, 6, 1), 1),
    ]
    bars = chart(months)["bars"]
    assert bars[2]["height"] > bars[0]["height"] > bars[1]["height"] == 0


@pytest.mark.parametrize(
    ("peak", "values"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (1234, [0, 500, 1000, 1500])],
)
def test_the_value_axis_has_round_ticks_up_to_the_highest_month(peak, values):
    drawn = chart([(dt.date(2026, 1, 1), peak // 2), (dt.date(2026, 2, 1), peak)])
    assert [tick["value"] for tick in drawn["ticks"]] == values
    top, bottom = drawn["ticks"][-1], drawn["ticks"][0]
    assert (bottom["y"], top["y"]) == (drawn["height"], drawn["axis_top"])
    bar = drawn["bars"][1]  # a bar reaches the height of its value on the axis
    assert bar["y"] == round(bottom["y"] - (bottom["y"] - top["y"]) * peak / values[-1], 1)


def test_the_chart_shows_its_axis_values_and_describes_itself(client, reviewer, history):
    response = client.get(URL, {"van": "2026-01", "tot": "2026-06"})
    content = response.content.decode()
    start = content.index('<svg viewBox="0 0 720')
    svg = content[start : content.index("</svg>", start)]
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert "Hoogste maand: maart 2026 met 3." in svg
    assert [int(v) for v in re.findall(r'text-anchor="end"[^>]*>(\d+)</text>', svg)] == [0, 1, 2, 3]
    assert "style=" not in content  # the strict CSP allows no inline style


def withdraw(record):
    services.withdraw(
        record, user=record.submitted_by, role=SUBMITTER, reason="Vergissing.", expected_version=None
    )


def test_the_figures_equal_a_plain_count_over_the_records(history):
    counted = NonConformity.objects.exclude(status="withdrawn")
    bakery_2026 = list(
        NonConformity.objects.filter(producer_name="Bakkerij De Korenaar", observed_on__year=2026)
    )
    withdraw(bakery_2026[0])
    services.correct_non_conformity(  # another producer, month and stream
        bakery_2026[1],
        user=bakery_2026[1].submitted_by,
        role=SUBMITTER,
        data={**GARAGE, "observed_on": dt.date(2025, 11, 3)},
        waste_streams=WasteStream.objects.filter(number=3, valid_from__isnull=True),
        expected_version=None,
    )
    record = services.transition(
        bakery_2026[2], "under_review", user=bakery_2026[2].submitted_by, role=REVIEWER
    )
    services.transition(record, "closed", user=record.submitted_by, role=REVIEWER)
    start, end = dt.date(2025, 2, 1), dt.date(2026, 7, 1)
    ranked = overview.ranking(start, end)
    assert len(ranked) == counted.values("producer_enterprise_number").distinct().count() == 2
    for row in ranked:
        records = counted.filter(
            producer_enterprise_number=row.enterprise_number, observed_on__gte=start, observed_on__lt=end
        )
        assert row.count == records.count()
        assert row.refused == records.filter(action="refused").count()
        streams = records.values("waste_streams").annotate(n=Count("*")).order_by("-n", "waste_streams")
        assert row.streams == [str(WasteStream.objects.get(pk=s["waste_streams"])) for s in streams[:3]]
    months = overview.monthly_counts(start, end)
    assert (
        sum(n for _month, n in months)
        == counted.filter(observed_on__gte=start, observed_on__lt=end).count()
        == 9
    )
    assert dict(months)[dt.date(2025, 11, 1)] == 1


def test_a_withdrawn_record_disappears_from_every_figure(
    client, reviewer, history, committed, make_record, organisation_b
):
    query = {"van": "2026-01", "tot": "2026-12"}
    export = reverse("admin:submissions_nonconformity_overview_export")
    # Four records under another name and municipality: counted, they would make the bakery's name and place.
    [
        make_record(
            organisation_b,
            observed_on=dt.date(2026, 8, 3),
            streams=(11,),
            action="refused",
            producer_name="Verkeerde naam",
            municipality="Brugge",
        )
        for _ in range(4)
    ]
    assert client.get(URL, query).context["rows"][0].name == "Verkeerde naam"  # the figures are cached now
    with committed():
        for record in NonConformity.objects.filter(organisation=organisation_b):  # the four and one more
            withdraw(record)
        withdraw(
            NonConformity.objects.get(producer_name="Bakkerij De Korenaar", observed_on=dt.date(2026, 3, 9))
        )
        withdraw(
            NonConformity.objects.get(producer_name="Bakkerij De Korenaar", observed_on=dt.date(2025, 5, 1))
        )

    response = client.get(URL, query)
    garage, bakery = response.context["rows"]
    assert (bakery.enterprise_number, bakery.count, bakery.refused, bakery.previous) == (
        "0405546706",
        1,
        1,
        0,
    )
    assert (bakery.name, bakery.municipality) == ("Bakkerij De Korenaar", "")
    assert bakery.streams == ["16° pmd-afval"]
    assert bakery.collectors == ["Afvalinzameling Alfa NV"]
    assert garage.count == 2
    bars = {bar["month"]: bar["count"] for bar in response.context["chart"]["bars"]}
    assert (bars[dt.date(2026, 3, 1)], bars[dt.date(2026, 8, 1)]) == (1, 0)
    content = response.content.decode()
    assert "Verkeerde naam" not in content
    assert "Brugge" not in content
    assert "Containerdienst Beta BV" not in content

    rows = list(csv.reader(io.StringIO(client.get(export, query).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [
        [
            "0353.456.320",
            "Garage Vermeulen",
            "Gent",
            "2",
            "0",
            "2° glasafval",
            "Afvalinzameling Alfa NV",
            "4",
            "-2",
        ],
        [
            "0405.546.706",
            "Bakkerij De Korenaar",
            "",
            "1",
            "1",
            "16° pmd-afval",
            "Afvalinzameling Alfa NV",
            "0",
            "1",
        ],
    ]


def test_the_page_links_each_producer_to_the_filtered_list(client, reviewer, history):
    response = client.get(URL, {"van": "2026-01", "tot": "2026-12"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bakkerij De Korenaar" in content
    assert "<svg" in content
    link = response.context["rows"][1].url
    assert "observed_on__gte=2026-01-01" in link
    assert "observed_on__lt=2027-01-01" in link
    listed = client.get(link).context["cl"].result_list
    assert {r.producer_name for r in listed} == {"Garage Vermeulen"}
    assert len(listed) == 2


def test_the_period_is_whole_months(client, reviewer, history):
    response = client.get(URL, {"van": "2026-03", "tot": "2026-03"})
    assert response.status_code == 200
    assert [(r.enterprise_number, r.count, r.previous) for r in response.context["rows"]] == [
        ("0405546706", 3, 0)  # the previous period is February 2026
    ]
    assert len(response.context["chart"]["bars"]) == 1
    assert 'type="month"' in response.content.decode()


def test_the_default_period_is_the_last_twelve_months(client, reviewer, history):
    response = client.get(URL)
    today = timezone.localdate()  # Brussels, as the page: UTC differs near midnight at month end
    assert response.context["last"] == today.replace(day=1)
    assert len(response.context["chart"]["bars"]) == 12


def test_reversed_months_get_a_message_and_the_default_period(client, reviewer, history):
    response = client.get(URL, {"van": "2026-12", "tot": "2026-01"})
    assert response.status_code == 200
    assert "De laatste maand ligt vóór de eerste maand." in response.content.decode()
    assert len(response.context["chart"]["bars"]) == 12


def test_more_than_ten_years_is_refused(client, reviewer, history):
    response = client.get(URL, {"van": "2010-01", "tot": "2026-12"})
    assert response.status_code == 200
    assert "Kies een periode van hoogstens tien jaar." in response.content.decode()
    assert client.get(URL, {"van": "2017-01", "tot": "2026-12"}).context["form"].is_valid()


@pytest.mark.parametrize(
    "query", [{"van": "gisteren", "tot": ""}, {"van": "2026-13"}, {"tot": "0000-00"}, {"van": "2026-01-01"}]
)
def test_garbage_months_never_give_a_500(client, reviewer, history, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(response.context["chart"]["bars"]) == 12


def test_the_overview_exports_as_csv(client, reviewer, history):
    response = client.get(
        reverse("admin:submissions_nonconformity_overview_export"), {"van": "2026-01", "tot": "2026-12"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:5] == ["0405.546.706", "Bakkerij De Korenaar", "", "3", "1"]
    assert len(rows) == 3


def test_a_submitter_has_no_overview(client, submitter_a, history):
    response = client.get(URL, follow=True)
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("skewed", [False, True])
def test_the_pruned_ranking_equals_adding_up_every_producer(seed, skewed):
    rng = random.Random(seed)
    producers = [f"0{n:09d}" for n in range(rng.randint(5, 60) + (30 if skewed else 0))]
    ProducerMonth.objects.bulk_create(
        ProducerMonth(
            producer_enterprise_number=number,
            month=dt.date(2025 + m // 12, m % 12 + 1, 1),
            records=(records := 40 if skewed and index < 12 else rng.choice([1, 1, 2, 3, 5, 8, 13])),
            refused=rng.randint(0, records),
        )
        for index, number in enumerate(producers)
        # With skew, twelve large producers every month (as in a real register); else any spread.
        for m in (range(24) if skewed and index < 12 else rng.sample(range(24), rng.randint(1, 12)))
    )
    start, end = dt.date(2025, 4, 1), dt.date(2026, 4, 1)
    totals = {}
    for row in ProducerMonth.objects.filter(month__gte=start, month__lt=end):
        n, refused = totals.get(row.producer_enterprise_number, (0, 0))
        totals[row.producer_enterprise_number] = (n + row.records, refused + row.refused)
    expected = sorted(((-n, -r, p) for p, (n, r) in totals.items()))
    for limit in (1, 3, 10):
        ranked = overview.top_producers(start, end, limit)
        assert [(-t["n"], -t["refused"], t["producer_enterprise_number"]) for t in ranked] == expected[:limit]
