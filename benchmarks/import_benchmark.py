"""Upload import benchmark on the generated register (not part of `make test`).

    .venv/bin/python benchmarks/import_benchmark.py [--rows 100000] [--rounds 1] [--indexes]

Uses the generated register (benchmarks/generate.py, 1 M records; kept between runs). Writes a file of
--rows rows for the largest collector in the generator's shape (its Zipf-like producers with their
names, numbers and addresses, dates over the last year, one to three waste streams, own references)
as CSV and XLSX, and measures, each in a fresh child process (so the peak memory is the import's own):

  copy        PostgreSQL COPY of the same validated rows into the same four tables (records, waste-stream
              links, history, waste-stream history) with the same indexes and constraints; rows
              pre-rendered, only the COPY statements and COMMIT are timed
  csv / xlsx  the worker's own path (runner.process_upload) end to end, until the upload is accepted:
              its records are counted in the counters (overview, register page) in the same
              transaction, so accepted means counted everywhere. With a preview step (check, the
              person's confirmation, store) check and store are timed together.

--rounds N runs COPY, CSV and XLSX N times in turn, with one more COPY at the end, and sets each upload
against the mean of the COPY just before and just after it: on a shared machine the same COPY took from
12 to 24 s within an hour, so one round's ratio says little. The median of the rounds is the figure.

After each, the imported rows are deleted again and the counters put back: the register stays as
generated. --indexes (instead): for each trigram index, the searches it serves (admin and register page)
with and without it and the CSV upload without it, the index rebuilt after (use fewer --rows).
"""

import argparse
import datetime as dt
import itertools
import json
import logging
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

TRIGRAM_INDEXES = ["nc_name_trgm", "nc_enterprise_trgm", "nc_own_reference_trgm", "nc_search_trgm"]
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
ACTIONS = ["geweigerd", "geregistreerd", "geregistreerd", "nagesorteerd"]
WORDS = ["karton", "pmd", "folie", "glas", "hout", "metaal", "piepschuim", "textiel", "frituurvet", "matras"]


def setup_django(url):
    os.environ.setdefault("NCR_LOG_LEVEL", "WARNING")
    os.environ["NCR_UPLOAD_MAX_MB"] = "200"  # the file's size is printed; the row limit is the portal's
    generate.configure(url)


def peak_mb():
    """This process's own peak: VmHWM belongs to the address space made at exec. getrusage's ru_maxrss also
    counts the parent's size at the fork (Linux keeps the old address space's peak across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the file ---------------------------------------------------------------


def with_check(first8):
    return first8 + f"{97 - int(first8) % 97:02d}"


def producer(k):
    """Producer k of the generated register (generate.py's names, numbers and addresses)."""
    trades, names = generate.TRADES, generate.NAMES
    name = f"{trades[k % len(trades)]} {names[(k // len(trades)) % len(names)]}"
    with_establishment = k % 2 == 0
    return {
        "ondernemingsnummer": with_check("0" + f"{2000000 + k * 13:07d}"),
        "naam_producent": name + (f" {k}" if k > 200 else ""),
        "vestigingsnummer": with_check("2" + f"{3000000 + k * 17:07d}") if with_establishment else "",
        "straat": "" if with_establishment else "Stationsstraat",
        "huisnummer": "" if with_establishment else str(1 + k % 200),
        "postcode": "" if with_establishment else str(1000 + k % 9000),
        "gemeente": generate.MUNICIPALITIES[k % len(generate.MUNICIPALITIES)],
    }


def generate_rows(count, seed=7):
    """A collector's year: producers Zipf-like as in the register (P(k) ~ 1/k), the last 365 days."""
    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    for n in range(1, count + 1):
        day = today - dt.timedelta(days=rng.randrange(365))
        k = min(generate.PRODUCERS, int(math.exp(rng.random() * math.log(generate.PRODUCERS + 1))))
        streams = {rng.choice(generate.STREAM_MIX)}
        if rng.random() < 0.4:
            streams.add(rng.randrange(1, 25))
        if rng.random() < 0.1:
            streams.add(rng.randrange(1, 25))
        yield {
            "datum": day,
            **producer(k),
            "omschrijving": " en ".join(rng.sample(WORDS, 3)) + " in het restafval",
            "afvalstromen": ";".join(str(s) for s in sorted(streams)),
            "actie": rng.choice(ACTIONS),
            "klant_geinformeerd_op": day,
            "containernummer": f"C-{rng.randrange(100000)}",
            "eigen_referentie": f"IMPORT-{n:07d}",
        }


def write_csv(path, count):
    import csv

    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in generate_rows(count):
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row.values()])


def write_xlsx(path, count):
    """The rows as Excel saves them: every distinct text once in xl/sharedStrings.xml (the part a
    streaming reader must hold in memory), dates as day serials in a date format. openpyxl writes
    inline strings instead, which spares a reader that memory."""
    import zipfile
    from xml.sax.saxutils import escape

    strings = {}

    def cell(column, number, value):
        if isinstance(value, dt.date):
            return f'<c r="{column}{number}" s="1"><v>{(value - dt.date(1899, 12, 30)).days}</v></c>'
        if value == "":
            return ""
        index = strings.setdefault(value, len(strings))
        return f'<c r="{column}{number}" t="s"><v>{index}</v></c>'

    columns = [chr(65 + n) for n in range(len(HEADERS))]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'.encode()
            )
            rows = itertools.chain([HEADERS], (list(row.values()) for row in generate_rows(count)))
            for number, values in enumerate(rows, start=1):
                cells = "".join(cell(c, number, v) for c, v in zip(columns, values, strict=True))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        )
        package = "http://schemas.openxmlformats.org/package/2006"
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        )
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
            "</cellXfs></styleSheet>",
        )


# --- phases (each runs in its own child process) ------------------------------


def organisation_and_user():
    """The largest collector of the generated register and its submitter."""
    from django.db import connection

    from accounts.models import Organisation, User

    with connection.cursor() as cursor:
        cursor.execute("SELECT largest FROM bench_shape")
        organisation = Organisation.objects.get(pk=cursor.fetchone()[0])
    return organisation, User.objects.get(vo_id=f"bench-{organisation.pk}")


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
    if status == "preview":  # a preview step: the person confirms the late rows, then the store
        from submissions.imports.intake import confirm_upload

        upload.refresh_from_db()
        confirm_upload(upload, confirmed_late=upload.preview["late_count"])
        status = runner.process_upload(upload.pk)
    seconds = time.perf_counter() - started
    upload.refresh_from_db()
    assert status == "accepted", upload.errors[:5]
    return {
        "seconds": seconds,
        "upload": upload.pk,
        "rows": NonConformity.objects.filter(upload=upload).count(),
    }


def _row_tuples(model, rows):
    """Tuples in the column order of `model`, with each field's default where `rows` says nothing."""
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.attname for f in fields]
    columns = [f.column for f in fields]
    return columns, (tuple(row.get(name, defaults[name]) for name in names) for row in rows)


def _copy_text(rows):
    from submissions.services import copy_text

    return "".join("\t".join(copy_text(v) for v in row) + "\n" for row in rows)


def phase_copy(path):
    """COPY of the same validated rows: validation and rendering untimed, only COPY + COMMIT timed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from submissions.deadlines import load_holidays, registration_deadline
    from submissions.imports.columns import match_headers
    from submissions.imports.readers import open_table
    from submissions.imports.rows import RowChecker
    from submissions.models import NonConformity, Upload
    from submissions.services import SUBMITTED_FIELDS, _history_models
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
    return {
        "seconds": seconds,
        "upload": upload.pk,
        "rows": NonConformity.objects.filter(upload=upload).count(),
    }


def run_phase(argv):
    phase, url, path = argv
    setup_django(url)
    result = phase_ours(path) if phase == "ours" else phase_copy(path)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


# --- orchestration (this process: Django on the generated register) -------------------------------


def child(phase, url, path, media):
    env = {**os.environ, "NCR_MEDIA_ROOT": str(media)}
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, url, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def remove_upload(upload_id, counted=True):
    """Take an imported upload out again: its counts, history, links, records and the upload itself."""
    from django.db import connection, transaction

    from submissions import summary
    from submissions.models import NonConformity

    with transaction.atomic(), connection.cursor() as cursor:
        if counted:
            summary.count_records(NonConformity.objects.filter(upload_id=upload_id), -1)
        cursor.execute(
            "DELETE FROM submissions_historicalnonconformity_waste_streams WHERE history_id IN "
            "(SELECT history_id FROM submissions_historicalnonconformity WHERE upload_id = %s)",
            [upload_id],
        )
        cursor.execute("DELETE FROM submissions_historicalnonconformity WHERE upload_id = %s", [upload_id])
        cursor.execute(
            "DELETE FROM submissions_nonconformity_waste_streams WHERE nonconformity_id IN "
            "(SELECT id FROM submissions_nonconformity WHERE upload_id = %s)",
            [upload_id],
        )
        cursor.execute("DELETE FROM submissions_nonconformity WHERE upload_id = %s", [upload_id])
        cursor.execute("DELETE FROM submissions_upload WHERE id = %s", [upload_id])
    with connection.cursor() as cursor:  # as autovacuum would before the next import
        # The counters too: an import and its removal leave one dead row per key, and with autovacuum
        # off (as on some development machines) every later import and overview read past all of them.
        cursor.execute(
            "VACUUM ANALYZE submissions_nonconformity, submissions_nonconformity_waste_streams, "
            "submissions_historicalnonconformity, submissions_historicalnonconformity_waste_streams, "
            "submissions_organisationmonth, submissions_producermonth, submissions_producermonthstream"
        )


def measure(name, phase, url, path, media):
    from django.db import connection

    # Each phase starts from a checkpoint: a phase writes about a gigabyte of WAL (printed), so without
    # it a phase pays for the checkpoints its predecessor's writes set off, or not, by chance.
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_current_wal_lsn()")
        start = cursor.fetchone()[0]
    result = child(phase, url, path, media)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [start])
        wal_mb = float(cursor.fetchone()[0]) / 1e6
    remove_upload(result["upload"], counted=phase == "ours")
    print(
        f"  {name:<34} {result['seconds']:7.2f} s  {result['rows']:>7,} rows  "
        f"peak {result['peak_mb']:4.0f} MB  WAL {wal_mb:5.0f} MB"
    )
    return result


def searches(facts):
    """The searches the trigram indexes serve: admin (OVAM reviewer) and register page (largest collector)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Organisation
    from tests.conftest import sign_in

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ovam, _created = Organisation.objects.get_or_create(code="OVO000000", defaults={"name": "OVAM"})
    reviewer, submitter = Client(), Client()
    sign_in(reviewer, vo_id="bench-reviewer", organisation=ovam, roles=["OVAM-behandelaars"])
    collector = Organisation.objects.get(pk=facts["largest"])
    sign_in(submitter, vo_id=f"bench-{collector.pk}", organisation=collector, roles=["Indieners"])
    admin, register = reverse("admin:submissions_nonconformity_changelist"), reverse("register_home")
    return [
        ("admin 'bakkerij janssens'", reviewer, f"{admin}?q=bakkerij+janssens"),
        ("admin 'mechelen'", reviewer, f"{admin}?q=mechelen"),
        ("admin 'R-424242'", reviewer, f"{admin}?q=R-424242"),
        ("admin '0200.001' (part of a number)", reviewer, f"{admin}?q=0200.001"),
        ("register 'janssens'", submitter, f"{register}?q=janssens"),
        ("register 'R-4242'", submitter, f"{register}?q=R-4242"),
        ("register '0200.00' (part of a number)", submitter, f"{register}?q=0200.00"),
    ]


def time_searches(cases, runs=3):
    timings = {}
    for label, client, url in cases:
        assert client.get(url).status_code == 200, url  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        timings[label] = statistics.median(samples)
    return timings


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1, help="COPY, CSV and XLSX in turn, this many times")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    parser.add_argument(
        "--indexes",
        action="store_true",
        help="only: what each trigram index costs the upload and buys the searches",
    )
    args = parser.parse_args()
    os.environ["NCR_UPLOAD_MAX_MB"] = "200"
    facts = generate.prepare(args.database_url, args.records)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("ncregister.request").setLevel(logging.WARNING)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp, media = Path(tmp), Path(tmp) / "media"
        csv_path, xlsx_path = tmp / "import.csv", tmp / "import.xlsx"
        write_csv(csv_path, args.rows)
        print(
            f"{args.rows:,} rows for collector {facts['largest']}: CSV {csv_path.stat().st_size / 1e6:.1f} MB"
        )
        if args.indexes:
            return trigram_indexes(args.database_url, facts, csv_path, media)
        write_xlsx(xlsx_path, args.rows)
        print(f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB")
        # The baseline before and after each round: on a shared machine the load drifts between measurements.
        copies = [measure("COPY (baseline)", "copy", args.database_url, csv_path, media)["seconds"]]
        ratios = {"CSV": [], "XLSX": []}
        peak = 0
        for _round in range(args.rounds):
            csv_run = measure("upload CSV, until counted", "ours", args.database_url, csv_path, media)
            xlsx_run = measure("upload XLSX, until counted", "ours", args.database_url, xlsx_path, media)
            copies.append(
                measure("COPY (baseline again)", "copy", args.database_url, csv_path, media)["seconds"]
            )
            base = (copies[-2] + copies[-1]) / 2
            ratios["CSV"].append(csv_run["seconds"] / base)
            ratios["XLSX"].append(xlsx_run["seconds"] / base)
            peak = max(peak, xlsx_run["peak_mb"])
            csv_ratio, xlsx_ratio = ratios["CSV"][-1], ratios["XLSX"][-1]
            print(f"  round: COPY {base:.1f} s on average; CSV {csv_ratio:.2f}×, XLSX {xlsx_ratio:.2f}×")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average now {load}; COPY {min(copies):.1f}-{max(copies):.1f} s over {len(copies)} runs")
        for kind, target in (("CSV", 1.5), ("XLSX", 2)):
            shown = ", ".join(f"{r:.2f}" for r in ratios[kind])
            median = statistics.median(ratios[kind])
            print(f"{kind + ':':<5} {median:4.2f}× COPY, median of the rounds {shown} (target <= {target}×)")
        print(f"XLSX peak {peak:.0f} MB (target <= 150)")


def trigram_indexes(url, facts, csv_path, media):
    """Per trigram index: the CSV upload and the searches it serves without it, against all kept."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [TRIGRAM_INDEXES]
        )
        definitions = dict(cursor.fetchall())
    cases = searches(facts)
    kept = time_searches(cases)
    imports = {None: measure("upload CSV, all indexes", "ours", url, csv_path, media)}
    without = {}
    for name in TRIGRAM_INDEXES:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {name}")
        try:
            imports[name] = measure(f"upload CSV without {name}", "ours", url, csv_path, media)
            without[name] = time_searches(cases)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(definitions[name])
    print(
        f"\n  {'search (median of 3)':<40} {'all kept':>9}  "
        + "  ".join(f"{'no ' + n[3:-5]:>13}" for n in TRIGRAM_INDEXES)
    )
    for label, _client, _url in cases:
        print(
            f"  {label:<40} {kept[label]:6.0f} ms  "
            + "  ".join(f"{without[n][label]:10.0f} ms" for n in TRIGRAM_INDEXES)
        )
    print(
        f"  {'CSV upload':<40} {imports[None]['seconds']:7.1f} s  "
        + "  ".join(f"{imports[n]['seconds']:11.1f} s" for n in TRIGRAM_INDEXES)
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        run_phase(sys.argv[2:])
    else:
        main()
