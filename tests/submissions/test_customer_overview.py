"""The overview per customer matches a direct count: the collector's own records of that producer in the
period, per stream per month, withdrawn records left out; as page, CSV and PDF."""

import csv
import datetime as dt
import io

from django.urls import reverse
from pypdf import PdfReader

from submissions import services
from submissions.models import NonConformity

QUERY = {"producer": "0405.546.706", "start": "01/09/2026", "end": "30/11/2026"}


def make_history(make_record, organisation_a, organisation_b, user):
    for day, streams in [
        (dt.date(2026, 9, 3), (16,)),
        (dt.date(2026, 9, 20), (16, 3)),
        (dt.date(2026, 10, 1), (3,)),
        (dt.date(2026, 11, 2), (16, 2)),
        (dt.date(2026, 11, 30), (16,)),
    ]:
        make_record(organisation_a, streams=streams, observed_on=day)
    make_record(organisation_a, streams=(16,), observed_on=dt.date(2026, 8, 31))  # before the period
    make_record(organisation_a, streams=(16,), producer_enterprise_number="0353456320")  # another producer
    make_record(organisation_b, streams=(16,), observed_on=dt.date(2026, 10, 5))  # another collector
    withdrawn = make_record(organisation_a, streams=(16,), observed_on=dt.date(2026, 10, 6))
    services.withdraw(withdrawn, user=user, role="Indieners", reason="fout", expected_version=1)


def direct_count(organisation, number, month):
    return (
        NonConformity.objects.filter(
            organisation=organisation,
            producer_enterprise_number="0405546706",
            observed_on__gte=dt.date(2026, 9, 1),
            observed_on__lte=dt.date(2026, 11, 30),
            observed_on__month=month,
            waste_streams__number=number,
        )
        .exclude(status="withdrawn")
        .count()
    )


def test_the_counts_match_a_direct_count(client, submitter_a, make_record, organisation_a, organisation_b):
    make_history(make_record, organisation_a, organisation_b, submitter_a)

    response = client.get(reverse("register_customer_overview"), QUERY)

    overview = response.context["overview"]
    assert [f"{m:%m}" for m in overview.months] == ["09", "10", "11"]
    counted = {stream.number: per_month for stream, per_month, _total in overview.streams}
    expected = {n: [direct_count(organisation_a, n, m) for m in (9, 10, 11)] for n in (2, 3, 16)}
    assert counted == expected == {2: [0, 0, 1], 3: [1, 1, 0], 16: [2, 0, 2]}
    assert overview.total == len(overview.records) == 5

    rows = list(csv.reader(io.StringIO(client.get(reverse("register_customer_overview_csv"), QUERY)
                                       .content.decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    counts = {(row[0], row[1].split("°")[0]): int(row[2]) for row in rows[1 : rows.index([])]}
    by_month = {n: dict(zip((9, 10, 11), per, strict=True)) for n, per in expected.items()}
    listed = {(f"{m:02d}/2026", str(n)): c for n, per in by_month.items() for m, c in per.items() if c}
    assert counts == listed
    assert len(rows) - rows.index([]) - 2 == 5  # the records after their header

    pdf = client.get(reverse("register_customer_overview_pdf"), QUERY)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "0405.546.706" in text
    assert "pmd-afval" in text


def test_it_rejects_other_organisation(client, submitter_b, make_record, organisation_a, organisation_b):
    make_history(make_record, organisation_a, organisation_b, submitter_b)

    overview = client.get(reverse("register_customer_overview"), QUERY).context["overview"]

    assert overview.total == 1  # only B's own record of this producer
    assert [record.organisation_id for record in overview.records] == [organisation_b.pk]


def test_a_bad_number_or_period_is_a_dutch_message(client, submitter_a):
    response = client.get(
        reverse("register_customer_overview"), {"producer": "0405.546.707", "start": "01/12/2026", "end": "x"}
    )

    assert response.status_code == 200
    assert response.context["overview"] is None
    assert "controlecijfers" in response.content.decode()
    csv_response = client.get(reverse("register_customer_overview_csv"), {"producer": "1"})
    assert csv_response.status_code == 302
