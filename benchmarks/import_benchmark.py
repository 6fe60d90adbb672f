"""Upload import benchmark (not part of `make test`).

    .venv/bin/python benchmarks/import_benchmark.py [--rows 100000] [--iie-rows 10000]

Creates a scratch PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ncr_bench),
migrates it, generates a valid file of --rows rows as CSV and XLSX, and measures in one run, each in a
fresh child process (so the peak memory is that of the import alone):

  ours-csv / ours-xlsx  the worker's own code path (runner.process_upload) on the file
  copy                  PostgreSQL COPY of the same validated rows into the same four tables (records,
                        waste-stream links, history, waste-stream history) with the same indexes and
                        constraints; rows pre-rendered, only the COPY statements and COMMIT are timed
  django-import-export  a ModelResource for the same model on --iie-rows rows, scaled to --rows

Tables are emptied between measurements. Prints the figures and the ratios against the targets.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ncr_bench")
TABLES = [
    "submissions_historicalnonconformity_waste_streams",
    "submissions_historicalnonconformity",
    "submissions_nonconformity_waste_streams",
    "submissions_nonconformity",
    "submissions_upload",
]
HEADERS = [
    "datum",
    "ondernemingsnummer",
    "naam_producent",
    "vestigingsnummer",
    "straat",
    "huisnummer",
    "postcode",
    "gemeente",
    "omschrijving",
    "afvalstromen",
    "actie",
    "klant_geinformeerd_op",
    "containernummer",
    "eigen_referentie",
]
COMPANIES = ["0405546706", "0353456320", "0566988259", "0403170701", "0417497106"]
ESTABLISHMENTS = ["2147812701", "2147812897"]
ACTIONS = ["geweigerd", "geregistreerd", "nagesorteerd"]
WORDS = ["karton", "pmd", "folie", "glas", "hout", "metaal", "piepschuim", "textiel", "frituurvet", "matras"]


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "ncregister.settings.test"
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("NCR_LOG_LEVEL", "WARNING")
    os.environ["NCR_UPLOAD_MAX_ROWS"] = "1000000"
    os.environ["NCR_UPLOAD_MAX_MB"] = "200"
    import django

    django.setup()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the file ---------------------------------------------------------------


def generate_rows(count, seed=7):
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    for n in range(1, count + 1):
        day = start + dt.timedelta(days=rng.randrange(600))
        with_address = n % 3 == 0
        yield {
            "datum": day,
            "ondernemingsnummer": rng.choice(COMPANIES),
            "naam_producent": f"Producent {rng.randrange(5000)} BV",
            "vestigingsnummer": "" if with_address else rng.choice(ESTABLISHMENTS),
            "straat": "Kerkstraat" if with_address else "",
            "huisnummer": str(rng.randrange(1, 300)) if with_address else "",
            "postcode": "2000" if with_address else "",
            "gemeente": "Antwerpen" if with_address else "",
            "omschrijving": " en ".join(rng.sample(WORDS, 3)) + " in het restafval",
            "afvalstromen": ";".join(str(s) for s in sorted(rng.sample(range(1, 25), rng.randrange(1, 4)))),
            "actie": rng.choice(ACTIONS),
            "klant_geinformeerd_op": day + dt.timedelta(days=rng.randrange(2)),
            "containernummer": f"C-{rng.randrange(100000)}",
            "eigen_referentie": f"BENCH-{n:07d}",
        }


def write_csv(path, count):
    import csv

    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in generate_rows(count):
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row.values()])


def write_xlsx(path, count):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in generate_rows(count):
        sheet.append(list(row.values()))
    workbook.save(path)


# --- phases (each runs in its own child process) ------------------------------


def organisation_and_user():
    from accounts.models import Organisation, User

    organisation = Organisation.objects.get_or_create(code="0405546706", defaults={"name": "Bench NV"})[0]
    user = User.objects.get_or_create(username="bench", defaults={"vo_id": "vo-bench"})[0]
    return organisation, user


def phase_ours(path):
    from django.core.files import File

    from submissions.imports import runner
    from submissions.imports.intake import sha256_of
    from submissions.models import NonConformity, Upload

    organisation, user = organisation_and_user()
    with open(path, "rb") as fh:
        upload = Upload(organisation=organisation, uploaded_by=user, file_name=Path(path).name)
        upload.sha256 = sha256_of(File(fh))
        upload.file.save(Path(path).name, File(fh), save=True)
    started = time.perf_counter()
    status = runner.process_upload(upload.pk)
    seconds = time.perf_counter() - started
    upload.refresh_from_db()
    assert status == "accepted", upload.errors[:5]
    return {"seconds": seconds, "rows": NonConformity.objects.filter(upload=upload).count()}


def _copy_text(rows):
    def fmt(value):
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        text = str(value)
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    return "".join("\t".join(fmt(v) for v in row) + "\n" for row in rows)


def phase_copy(path):
    """COPY of the same validated rows: validation and rendering untimed, only COPY + COMMIT timed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from submissions.deadlines import load_holidays, registration_deadline
    from submissions.imports.columns import match_headers
    from submissions.imports.readers import open_table
    from submissions.imports.rows import RowChecker
    from submissions.models import NonConformity, Upload
    from submissions.services import SUBMITTED_FIELDS, _history_models, _row_tuples
    from submissions.validation import StreamCatalogue

    organisation, user = organisation_and_user()
    upload = Upload.objects.create(organisation=organisation, uploaded_by=user, file_name="copy", sha256="c")
    history_model = NonConformity.history.model
    through, m2m_history = _history_models()
    holidays = load_holidays(dt.date.min, dt.date.max)
    now = timezone.now()

    with connection.cursor() as cursor:

        def reserve(table, column, count):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return iter([r[0] for r in cursor.fetchall()])

        with open(path, "rb") as fh:
            table = open_table(fh, os.path.getsize(path))
            _number, header = next(table.rows)
            positions, _problems = match_headers(header)
            checker = RowChecker(positions, len(header), StreamCatalogue(), timezone.localdate())
            cleaned_rows = [checker.check(n, cells)[0] for n, cells in table.rows]
        count = len(cleaned_rows)
        links = sum(len(c["waste_streams"]) for c in cleaned_rows)
        ids = reserve(NonConformity._meta.db_table, "id", count)
        hids = reserve(history_model._meta.db_table, "history_id", count)
        lids = reserve(through._meta.db_table, "id", links)
        mids = reserve(m2m_history._meta.db_table, "m2m_history_id", links)
        nc, hist, link, mhist = [], [], [], []
        for data in cleaned_rows:
            deadline = registration_deadline(data["observed_on"], holidays)
            values = {f: data[f] for f in SUBMITTED_FIELDS}
            values.update(
                id=next(ids),
                organisation_id=organisation.pk,
                submitted_by_id=user.pk,
                source="upload",
                upload_id=upload.pk,
                received_at=upload.received_at,
                deadline=deadline,
                is_late=upload.received_at > deadline,
                created_at=now,
                updated_at=now,
            )
            nc.append(values)
            hid = next(hids)
            hist.append(
                {
                    **values,
                    "history_id": hid,
                    "history_date": now,
                    "history_type": "+",
                    "history_user_id": user.pk,
                }
            )
            for stream in data["waste_streams"]:
                item = {"id": next(lids), "nonconformity_id": values["id"], "wastestream_id": stream.pk}
                link.append(item)
                mhist.append({**item, "m2m_history_id": next(mids), "history_id": hid})
        payloads = []
        for model, rows in (
            (NonConformity, nc),
            (through, link),
            (history_model, hist),
            (m2m_history, mhist),
        ):
            columns, tuples = _row_tuples(model, rows)
            payloads.append((model._meta.db_table, columns, _copy_text(tuples)))
        del nc, hist, link, mhist, cleaned_rows

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table_name, columns, text in payloads:
            with cursor.cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(text)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": NonConformity.objects.count()}


def phase_iie(path, rows):
    """django-import-export: a ModelResource for NonConformity, standard per-row import."""
    import tablib
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from submissions.deadlines import load_holidays
    from submissions.models import NonConformity, WasteStream
    from submissions.services import apply_deadline

    organisation, user = organisation_and_user()
    holidays = load_holidays(dt.date.min, dt.date.max)
    now = timezone.now()
    date = widgets.DateWidget("%d/%m/%Y")

    class NonConformityResource(resources.ModelResource):
        datum = fields.Field("observed_on", "datum", widget=date)
        ondernemingsnummer = fields.Field("producer_enterprise_number", "ondernemingsnummer")
        naam_producent = fields.Field("producer_name", "naam_producent")
        vestigingsnummer = fields.Field("establishment_number", "vestigingsnummer")
        straat = fields.Field("street", "straat")
        huisnummer = fields.Field("house_number", "huisnummer")
        postcode = fields.Field("postcode", "postcode")
        gemeente = fields.Field("municipality", "gemeente")
        omschrijving = fields.Field("description", "omschrijving")
        afvalstromen = fields.Field(
            "waste_streams",
            "afvalstromen",
            widget=widgets.ManyToManyWidget(WasteStream, separator=";", field="number"),
        )
        actie = fields.Field("action", "actie")
        klant_geinformeerd_op = fields.Field("customer_informed_on", "klant_geinformeerd_op", widget=date)
        containernummer = fields.Field("container_reference", "containernummer")
        eigen_referentie = fields.Field("own_reference", "eigen_referentie")

        class Meta:
            model = NonConformity
            fields = HEADERS
            import_id_fields = ["eigen_referentie"]
            skip_diff = True
            use_transactions = True

        def init_instance(self, row=None):
            return NonConformity(
                organisation=organisation, submitted_by=user, source="upload", received_at=now
            )

        def before_save_instance(self, instance, row, **kwargs):
            apply_deadline(instance, holidays)

    with open(path, encoding="utf-8-sig") as fh:
        lines = [next(fh) for _ in range(rows + 1)]
    dataset = tablib.Dataset().load("".join(lines), format="csv", delimiter=";")
    started = time.perf_counter()
    result = NonConformityResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return {"seconds": seconds, "rows": NonConformity.objects.count()}


def run_phase(argv):
    setup_django()
    phase, path = argv[0], argv[1]
    if phase == "ours":
        result = phase_ours(path)
    elif phase == "copy":
        result = phase_copy(path)
    else:
        result = phase_iie(path, int(argv[2]))
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


# --- orchestration --------------------------------------------------------------


def create_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ncregister.settings.test", "DATABASE_URL": DATABASE_URL}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def empty_tables():
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        conn.execute("VACUUM ANALYZE")


def child(*args, media):
    env = {**os.environ, "NCR_MEDIA_ROOT": str(media)}
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--iie-rows", type=int, default=10_000)
    args = parser.parse_args()

    print(f"scratch database: {DATABASE_URL}")
    create_database()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path, xlsx_path = tmp / "bench.csv", tmp / "bench.xlsx"
        started = time.perf_counter()
        write_csv(csv_path, args.rows)
        write_xlsx(xlsx_path, args.rows)
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f}s: "
            f"CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB"
        )

        results = {}
        for name, phase_args in (
            ("copy", ("copy", csv_path)),
            ("ours-csv", ("ours", csv_path)),
            ("ours-xlsx", ("ours", xlsx_path)),
            ("django-import-export", ("iie", csv_path, args.iie_rows)),
        ):
            empty_tables()
            results[name] = child(*phase_args, media=tmp / "media")
            print(
                f"  {name:22} {results[name]['seconds']:7.2f}s  {results[name]['rows']:>7,} rows  "
                f"peak {results[name]['peak_mb']:.0f} MB"
            )
        empty_tables()

    copy = results["copy"]["seconds"]
    iie = results["django-import-export"]["seconds"] * args.rows / args.iie_rows
    csv_s, xlsx_s = results["ours-csv"]["seconds"], results["ours-xlsx"]["seconds"]
    peak = max(results["ours-csv"]["peak_mb"], results["ours-xlsx"]["peak_mb"])
    print()
    print(
        f"Rows: {args.rows:,}. Peak memory (max RSS of the importing process): {peak:.0f} MB (target < 200)"
    )
    print(f"COPY (physical limit, 4 tables):        {copy:7.2f}s")
    print(f"Our import, CSV:                       {csv_s:7.2f}s  = {csv_s / copy:4.1f}x COPY (target <= 3x)")
    print(
        f"Our import, XLSX:                      {xlsx_s:7.2f}s  = {xlsx_s / copy:4.1f}x COPY (target <= 5x)"
    )
    print(
        f"django-import-export ({args.iie_rows:,} rows x {args.rows // args.iie_rows}, scaled): {iie:7.2f}s"
        f"  = {iie / csv_s:4.1f}x slower than ours (target >= 20x)"
    )
    print(
        "  configuration: ModelResource on NonConformity, fields by Dutch header, DateWidget('%d/%m/%Y'),"
        " ManyToManyWidget(WasteStream, field='number', separator=';'),"
        " import_id_fields=['eigen_referentie'],"
        " skip_diff=True, use_transactions=True, use_bulk=False (m2m and simple-history need per-row saves),"
        " no model validation; deadline set in before_save_instance"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        run_phase(sys.argv[2:])
    else:
        main()
