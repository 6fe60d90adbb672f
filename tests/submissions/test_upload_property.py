"""Property: whatever the file, the import never crashes and stores all of its rows or none."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from submissions.imports.intake import DuplicateUpload, FileRefused, receive_upload
from submissions.models import NonConformity, Upload
from tests.submissions.upload_files import HEADERS, csv_bytes, process_and_confirm, valid_row, xlsx_bytes

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
sheet_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30)


REFERENCES = itertools.count(1)  # valid own references never repeat across examples


@st.composite
def rows(draw, text):
    """Up to 6 rows, each valid except for a few columns replaced by random text."""
    made = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        row = valid_row(next(REFERENCES))
        for header in draw(st.sets(st.sampled_from(HEADERS), max_size=3)):
            row[header] = draw(text)
        made.append(row)
    return made


def import_and_check(user, organisation, content, name):
    """Run the whole import; return (upload or None, records added)."""
    before = NonConformity.objects.count()
    try:
        upload = receive_upload(
            organisation=organisation, user=user, uploaded_file=SimpleUploadedFile(name, content)
        )
    except (FileRefused, DuplicateUpload):
        assert NonConformity.objects.count() == before
        return None, 0
    process_and_confirm(upload.pk)
    upload.refresh_from_db()
    event(upload.status)
    added = NonConformity.objects.count() - before
    assert upload.status in ("accepted", "rejected")
    if upload.status == "accepted":
        assert added == upload.row_count == NonConformity.objects.filter(upload=upload).count()
    else:
        assert added == 0
        assert upload.errors
    return upload, added


def non_blank(made):
    return sum(1 for row in made if any(str(v).strip() for v in row.values()))


@pytest.fixture
def person(db, organisation_a, django_user_model, media):
    return django_user_model.objects.get_or_create(username="fuzz", vo_id="vo-fuzz")[0], organisation_a


@FUZZ
@given(made=rows(any_text), sep=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_random_csv_rows_are_stored_entirely_or_not_at_all(person, made, sep, encoding):
    content = csv_bytes(made, sep=sep, encoding="utf-8").decode().encode(encoding, errors="replace")
    upload, added = import_and_check(*person, content, "fuzz.csv")
    if upload is not None and upload.status == "accepted":
        assert added == non_blank(made)


@FUZZ
@given(made=rows(sheet_text))
def test_random_xlsx_rows_are_stored_entirely_or_not_at_all(person, made):
    upload, added = import_and_check(*person, xlsx_bytes(made), "fuzz.xlsx")
    if upload is not None and upload.status == "accepted":
        assert added == non_blank(made)


@FUZZ
@given(content=st.binary(max_size=4096), name=st.sampled_from(["fuzz.csv", "fuzz.xlsx", "fuzz"]))
def test_random_bytes_never_crash_and_store_nothing_unless_valid(person, content, name):
    upload, added = import_and_check(*person, content, name)
    assert upload is None or upload.status == "rejected" or added == upload.row_count


@FUZZ
@given(prefix=st.binary(max_size=64), made=rows(sheet_text))
def test_damaged_workbooks_never_crash(person, prefix, made):
    content = xlsx_bytes(made)
    cut = len(content) * len(prefix) // 70
    import_and_check(*person, content[:cut] + prefix + content[cut + len(prefix) :], "fuzz.xlsx")
    assert Upload.objects.filter(status="processing").count() == 0
