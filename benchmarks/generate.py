"""The one data generator every benchmark uses: the register of Flanders after five years.

    .venv/bin/python benchmarks/generate.py --records 1000000 [--seed 12] [--database-url URL] [--force]

Shape: 200 collectors with a Zipf-like spread (P(k) ~ 1/k^0.9: the largest holds 13%), 50,000 producers
with a Zipf-like spread (P(k) ~ 1/k; common trade + family names, so "bakkerij janssens" matches many),
observation dates over five years, one to three waste streams per record, a quarter of the records
from uploads (one upload per collector and month), statuses as a reviewed register has them, one "+"
history row per record (with its waste-stream history) and a "~" row per review step, the counters
(summary.rebuild). Filled server-side (INSERT … SELECT from generate_series, seeded with setseed, no
parallel workers, so the same seed gives the same data) with the big indexes dropped and rebuilt after.

A filled database is kept and reused while its records and seed match (table bench_shape); --force
fills it again. Benchmarks call `prepare(url, records, seed)` and get the facts they need back.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ncr_bench12")
COLLECTORS = 200
COLLECTOR_EXPONENT = 0.9
PRODUCERS = 50_000
DAYS = 5 * 365
SLOTS = 20_000  # collector lookup table: each collector gets slots in proportion to its weight
TRADES = ["Bakkerij", "Garage", "Slagerij", "Café", "Bouwbedrijf", "Drukkerij", "Schrijnwerkerij", "Hotel"]
NAMES = [
    "Janssens", "Peeters", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
    "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Hermans", "Michiels", "Vermeulen", "Pauwels",
    "Desmet", "Aerts", "Verhoeven", "Hendrickx", "Segers", "Smets", "Van den Broeck", "Coppens",
]  # fmt: skip
MUNICIPALITIES = [
    "Antwerpen", "Gent", "Brugge", "Leuven", "Mechelen", "Aalst", "Kortrijk", "Hasselt", "Sint-Niklaas",
    "Oostende", "Genk", "Roeselare", "Turnhout", "Dendermonde", "Beveren", "Beringen", "Vilvoorde",
    "Lokeren", "Geel", "Heist-op-den-Berg", "Waregem", "Lier", "Ieper", "Mol", "Tienen", "Zaventem",
]  # fmt: skip
# Common streams first (16 PMD, 3 paper/cardboard, 22 ...), as collectors report them.
STREAM_MIX = [16, 16, 16, 3, 3, 22, 2, 17, 18, 20, 23, 7]


def configure(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncregister.settings.test")
    import django

    django.setup()


def _admin_connection(url):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _exists(url):
    name = url.rsplit("/", 1)[1]
    with _admin_connection(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _shape(url):
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT records, seed FROM bench_shape").fetchone()
    except psycopg.Error:
        return None


def sql_list(values):
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def collector_slots(first_id):
    weights = [k**-COLLECTOR_EXPONENT for k in range(1, COLLECTORS + 1)]
    total = sum(weights)
    slots = []
    for index, weight in enumerate(weights):
        slots += [first_id + index] * max(1, round(SLOTS * weight / total))
    return slots


def _big_indexes(cursor, tables):
    """{name: definition} of the non-constraint indexes of `tables` (dropped while filling)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    )
    return dict(cursor.fetchall())


def fill(records, seed):
    from django.db import connection

    from accounts.models import Organisation, User
    from submissions import summary
    from submissions.models import NonConformity, Upload, non_conformity_history

    started = time.perf_counter()
    nc = NonConformity._meta.db_table
    history = NonConformity.history.model._meta.db_table
    link = NonConformity.waste_streams.through._meta.db_table
    field = NonConformity._meta.get_field("waste_streams")
    link_history = non_conformity_history.m2m_models[field]._meta.db_table
    upload = Upload._meta.db_table
    tables = [nc, history, link, link_history]

    Organisation.objects.bulk_create(
        [
            Organisation(code=f"0{400000000 + i * 7:09d}"[:10], name=f"Inzamelaar {i:03d} NV", audience="EA")
            for i in range(1, COLLECTORS + 1)
        ]
    )
    collectors = list(Organisation.objects.filter(name__startswith="Inzamelaar ").order_by("id"))
    users = User.objects.bulk_create(
        [User(username=f"indiener-{o.pk}", vo_id=f"bench-{o.pk}") for o in collectors]
    )
    reviewer = User.objects.create(username="bench-reviewer", vo_id="bench-reviewer")
    first_org, first_user = collectors[0].pk, users[0].pk
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SET max_parallel_workers_per_gather TO 0")  # reproducible random()
        cursor.execute("SET session_replication_role TO replica")  # no per-row FK triggers while filling
        cursor.execute("SET maintenance_work_mem TO '256MB'")
        indexes = _big_indexes(cursor, tables)
        for name in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0) * 2 - 1])
        # One upload per collector and month (ids first_upload + collector index * 61 + month index).
        cursor.execute(
            f"""
            INSERT INTO {upload} (organisation_id, uploaded_by_id, file, file_name, sha256, received_at,
                status, row_count, rows_done, error_count, errors, finished_at, preview)
            SELECT %(first_org)s + c, %(first_user)s + c, 'uploads/bench.csv', 'maand-' || m || '.csv',
                   md5(c || '-' || m), current_date - m * 30 + interval '2 days', 'accepted', 0, 0, 0,
                   '[]', current_date - m * 30 + interval '2 days', '{{}}'
            FROM generate_series(0, {COLLECTORS - 1}) AS c, generate_series(0, 60) AS m
            ORDER BY c, m
            RETURNING id
            """,
            {"first_org": first_org, "first_user": first_user},
        )
        first_upload = min(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""
            INSERT INTO {nc} (
                organisation_id, submitted_by_id, observed_on, producer_name, producer_enterprise_number,
                establishment_number, street, house_number, postcode, municipality, description, action,
                customer_informed_on, container_reference, own_reference, source, upload_id, received_at,
                deadline, is_late, status, withdrawal_reason, internal_note, version, created_at, updated_at,
                assigned_reviewer_id, customer_email)
            SELECT
                o.org, o.org - %(first_org)s + %(first_user)s, d.observed_on,
                ({sql_list(TRADES)})[1 + p.k %% {len(TRADES)}] || ' ' ||
                    ({sql_list(NAMES)})[1 + (p.k / {len(TRADES)}) %% {len(NAMES)}] ||
                    CASE WHEN p.k > 200 THEN ' ' || p.k ELSE '' END,
                p.kbo8 || lpad((97 - (p.kbo8::bigint %% 97))::text, 2, '0'),
                CASE WHEN p.k %% 2 = 0 THEN p.est8 || lpad((97 - (p.est8::bigint %% 97))::text, 2, '0')
                     ELSE '' END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE 'Stationsstraat' END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE (1 + p.k %% 200)::text END,
                CASE WHEN p.k %% 2 = 0 THEN '' ELSE (1000 + p.k %% 9000)::text END,
                ({sql_list(MUNICIPALITIES)})[1 + p.k %% {len(MUNICIPALITIES)}],
                'Sorteerfout in het restafval: PMD en karton.',
                (ARRAY['refused', 'registered', 'registered', 'post_sorted'])[1 + floor(r.a * 4)::int],
                d.observed_on + 1,
                CASE WHEN g %% 2 = 0 THEN 'C-' || (g %% 5000) ELSE '' END,
                CASE WHEN g %% 3 = 0 THEN 'R-' || g ELSE '' END,
                CASE WHEN r.u < 0.25 THEN 'upload' ELSE 'form' END,
                CASE WHEN r.u < 0.25 THEN %(first_upload)s + (o.org - %(first_org)s) * 61
                     + least(60, (current_date - d.observed_on) / 30) END,
                d.observed_on + interval '1 day 10 hours',
                d.observed_on + interval '1 day 23 hours 59 minutes',
                r.l < 0.1,
                s.status,
                CASE WHEN s.status = 'withdrawn' THEN 'Dubbel ingevoerd.' ELSE '' END,
                '', CASE WHEN s.status = 'submitted' THEN 1 ELSE 2 END, now(), now(),
                CASE WHEN s.status IN ('under_review', 'closed', 'referred') THEN %(reviewer)s END, ''
            FROM generate_series(1, %(records)s) AS g
            CROSS JOIN LATERAL (SELECT random() AS a, random() AS u, random() AS l, random() AS s,
                                       random() AS c, random() AS p, random() AS d WHERE g IS NOT NULL) AS r
            CROSS JOIN LATERAL (
                SELECT (%(slots)s::bigint[])[1 + floor(r.c * %(slot_count)s)::int] AS org
            ) AS o
            CROSS JOIN LATERAL (
                SELECT k, '0' || lpad((2000000 + k * 13)::text, 7, '0') AS kbo8,
                       '2' || lpad((3000000 + k * 17)::text, 7, '0') AS est8
                FROM (SELECT least({PRODUCERS}, floor(exp(r.p * ln({PRODUCERS} + 1)))::int) AS k) AS pick
            ) AS p
            CROSS JOIN LATERAL (SELECT current_date - floor(r.d * {DAYS})::int AS observed_on) AS d
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN d.observed_on > current_date - 30 THEN
                        (ARRAY['submitted', 'submitted', 'under_review'])[1 + floor(r.s * 3)::int]
                    ELSE (ARRAY['closed', 'closed', 'closed', 'referred', 'withdrawn', 'under_review',
                                'submitted'])[1 + floor(r.s * 7)::int]
                END AS status
            ) AS s
            """,
            {
                "records": records,
                "first_org": first_org,
                "first_user": first_user,
                "first_upload": first_upload,
                "reviewer": reviewer.pk,
                "slots": collector_slots(first_org),
                "slot_count": len(collector_slots(first_org)),
            },
        )
        # One stream per record (skewed to the common ones), a second one for 40%, a third for 10%.
        cursor.execute(
            f"""
            INSERT INTO {link} (nonconformity_id, wastestream_id)
            SELECT nc.id, ws.id FROM {nc} nc
            JOIN submissions_wastestream ws ON ws.valid_from IS NULL AND ws.number = ANY(
                ARRAY[(ARRAY{STREAM_MIX})[1 + nc.id % {len(STREAM_MIX)}]]
                || CASE WHEN nc.id % 5 < 2 THEN ARRAY[1 + (nc.id * 7) % 24] ELSE ARRAY[]::int[] END
                || CASE WHEN nc.id % 10 = 0 THEN ARRAY[1 + (nc.id * 11) % 24] ELSE ARRAY[]::int[] END)
            ORDER BY nc.id
            """
        )
        history_columns = [f.column for f in NonConformity._meta.concrete_fields if f.column != "updated_at"]
        columns = ", ".join(history_columns)
        # "+" rows take history_id = record id; review steps follow after the largest id.
        cursor.execute(
            f"""
            INSERT INTO {history} ({columns}, history_id, history_date, history_change_reason,
                                   history_type, history_user_id, history_actor)
            SELECT {", ".join("nc." + c for c in history_columns)}, nc.id, nc.received_at, NULL, '+',
                   nc.submitted_by_id, 'submitter'
            FROM {nc} nc
            """
        )
        cursor.execute(f"SELECT max(id) FROM {nc}")
        offset = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO {history} ({columns}, history_id, history_date, history_change_reason,
                                   history_type, history_user_id, history_actor)
            SELECT {", ".join("nc." + c for c in history_columns)}, nc.id + %s,
                   nc.received_at + interval '3 days',
                   CASE WHEN nc.status = 'withdrawn' THEN 'withdrawal' ELSE 'status:' || nc.status END, '~',
                   CASE WHEN nc.status = 'withdrawn' THEN nc.submitted_by_id ELSE %s END,
                   CASE WHEN nc.status = 'withdrawn' THEN 'submitter' ELSE 'staff' END
            FROM {nc} nc WHERE nc.status <> 'submitted'
            """,
            [offset, reviewer.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {link_history} (id, history_id, nonconformity_id, wastestream_id)
            SELECT l.id, l.nonconformity_id, l.nonconformity_id, l.wastestream_id FROM {link} l
            """
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{history}', 'history_id'), "
            f"(SELECT max(history_id) FROM {history}))"
        )
        cursor.execute(
            f"UPDATE {upload} u SET row_count = n, rows_done = n FROM "
            f"(SELECT upload_id, count(*) AS n FROM {nc} WHERE upload_id IS NOT NULL GROUP BY 1) c "
            "WHERE c.upload_id = u.id"
        )
        cursor.execute("SET session_replication_role TO DEFAULT")
        for _name, definition in indexes.items():
            cursor.execute(definition)
    summary.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_shape (records int, seed int, largest bigint)")
        cursor.execute(
            f"INSERT INTO bench_shape SELECT %s, %s, (SELECT organisation_id FROM {nc} "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)",
            [records, seed],
        )
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {records:,} non-conformities in {time.perf_counter() - started:.0f} s", flush=True)


def prepare(url=DEFAULT_URL, records=1_000_000, seed=12, force=False):
    """Make sure `url` holds the generated register of `records` records; returns {"largest": org id}."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if force or _shape(url) is None or tuple(_shape(url)[:2]) != (records, seed):
        with _admin_connection(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        configure(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        fill(records, seed)
    else:
        configure(url)
        print(f"reusing {name}: {records:,} records, seed {seed}", flush=True)
    with psycopg.connect(url) as conn:
        largest = conn.execute("SELECT largest FROM bench_shape").fetchone()[0]
    return {"largest": largest}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--force", action="store_true", help="fill again even when the shape matches")
    args = parser.parse_args()
    facts = prepare(args.database_url, args.records, args.seed, args.force)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(n), (SELECT count(*) FROM submissions_historicalnonconformity), "
            "(SELECT count(*) FROM submissions_nonconformity_waste_streams), "
            "(SELECT count(DISTINCT producer_enterprise_number) FROM submissions_nonconformity) "
            "FROM (SELECT organisation_id, count(*) AS n FROM submissions_nonconformity GROUP BY 1) s"
        )
        collectors, largest, histories, links, producers = cursor.fetchone()
    print(
        f"{collectors} collectors, the largest (organisation {facts['largest']}) holds {largest:,} records; "
        f"{producers:,} producers; {histories:,} history rows; {links:,} stream links"
    )


if __name__ == "__main__":
    main()
