"""The admin in Dutch: every page a reviewer or manager opens is scanned for English words (a list,
like the translation test) and for raw status codes, in its text and in what screen readers read."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import REVIEWER, SUBMITTER
from submissions import services, workflow
from submissions.models import Holiday, Photo, Upload, WasteStream
from tests.submissions.conftest import image_bytes

# English words that have no business on a Dutch page (words that are Dutch too, such as "status",
# "filter", "upload" or "is", are not listed).
ENGLISH = {
    "the", "and", "by", "at", "to", "are", "this", "that", "with", "for", "from", "or",
    "view", "history", "change", "changed", "changes", "deleted", "delete", "add", "save", "search",
    "yes", "no", "none", "unknown", "all", "any", "select", "selected", "home", "log", "password",
    "welcome", "documentation", "sidebar", "navigation", "toggle", "skip", "show", "hide", "close",
    "previous", "next", "organisation", "uploaded", "finished", "created", "updated", "received",
    "submitted", "review", "closed", "referred", "withdrawn", "queued", "processing", "accepted",
    "rejected", "user", "users", "photo", "photos", "record", "records", "rows", "errors",
    "collector", "producer", "stream", "streams", "date", "month", "year", "today", "assigned",
    "reviewer", "note", "late", "age", "action", "actions", "go", "clear",
}  # fmt: skip
RAW_CODES = {
    *workflow.Status.values,
    *workflow.UploadStatus.values,
    "post_sorted",
    "registered",
    "refused",
}
READ_ALOUD = ("aria-label", "title", "alt", "placeholder", "value")


class Text(HTMLParser):
    """What a person reads or hears: text outside script/style, and the attributes read aloud."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        attrs = dict(attrs)
        for name in READ_ALOUD:
            if attrs.get(name) and not (name == "value" and tag not in ("input", "button")):
                if name == "value" and attrs.get("type") in ("hidden", "checkbox", "text", "search"):
                    continue
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def read(content):
    parser = Text()
    parser.feed(content)
    return " ".join(parser.parts)


def offending(content):
    words = re.findall(r"[A-Za-z_]+", read(content))
    english = sorted({w for w in words if w.lower() in ENGLISH and not w.isupper()})
    codes = sorted({w for w in words if w in RAW_CODES})
    return english, codes


@pytest.fixture
def pages(make_record, organisation_a, media, django_user_model):
    """One of every admin page, with a record that went through the whole review."""
    record = make_record(organisation_a)
    Photo.objects.create(non_conformity=record, content_type="image/jpeg").image.save(
        "foto.jpg", ContentFile(image_bytes()), save=True
    )
    gone = django_user_model.objects.create(username="weg", vo_id="vo-weg")
    record = services.update_review(
        record, user=gone, expected_version=record.version, assigned_reviewer=gone, internal_note="Nota"
    )
    record = services.transition(record, workflow.Status.UNDER_REVIEW, user=gone, role=REVIEWER)
    record = services.transition(record, workflow.Status.CLOSED, user=gone, role=REVIEWER)
    withdrawn = make_record(organisation_a, own_reference="W-1")
    services.withdraw(
        withdrawn, user=withdrawn.submitted_by, role=SUBMITTER, reason="Dubbel", expected_version=1
    )
    upload = Upload.objects.create(
        organisation=organisation_a, uploaded_by=record.submitted_by, file_name="lijst.csv", sha256="0" * 64
    )
    record_url = reverse("admin:submissions_nonconformity_change", args=[record.pk])
    changelist = reverse("admin:submissions_nonconformity_changelist")
    return [
        reverse("admin:index"),
        reverse("admin:submissions_nonconformity_changelist"),
        reverse("admin:submissions_nonconformity_changelist") + "?status__exact=closed",
        record_url,
        reverse("admin:submissions_nonconformity_history", args=[record.pk]),
        reverse("admin:submissions_nonconformity_overview"),
        reverse("admin:submissions_upload_changelist"),
        reverse("admin:submissions_upload_change", args=[upload.pk]),
        reverse("admin:accounts_organisation_changelist"),
        reverse("admin:accounts_organisation_change", args=[organisation_a.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:submissions_wastestream_changelist"),
        reverse("admin:submissions_wastestream_change", args=[WasteStream.objects.first().pk]),
        reverse("admin:submissions_holiday_changelist"),
        reverse("admin:submissions_holiday_change", args=[Holiday.objects.first().pk]),
        # The work queue's filters, a search, an empty result, an empty overview, the other histories.
        changelist + "?toegewezen=mij&ouderdom=14",
        changelist + "?toegewezen=niemand&status__exact=alle&q=Korenaar",
        changelist + "?toegewezen=alle&status__exact=alle&q=niets-gevonden",
        reverse("admin:submissions_nonconformity_overview") + "?van=2020-01&tot=2020-02",
        reverse("admin:submissions_nonconformity_exports"),
        reverse("admin:submissions_upload_history", args=[upload.pk]),
        reverse("admin:accounts_organisation_history", args=[organisation_a.pk]),
        reverse("admin:accounts_user_change", args=[gone.pk]),
    ]


def test_a_manager_reads_every_admin_page_in_dutch(client, manager, pages):
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        english, codes = offending(response.content.decode())
        if english or codes:
            found[url] = (english, codes)
    assert found == {}


def test_the_overview_csv_speaks_dutch(client, manager, pages):
    response = client.get(reverse("admin:submissions_nonconformity_overview_export"))
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert offending(header) == ([], [])
    assert header.startswith("Ondernemingsnummer;")


def test_the_scan_finds_english_and_raw_codes():
    english, codes = offending('<p title="View history">Status: under_review</p><script>var the;</script>')
    assert english == ["View", "history"]
    assert codes == ["under_review"]


def test_no_storage_path_above_a_photo(client, reviewer, pages):
    photo = Photo.objects.get()
    response = client.get(pages[3])
    assert photo.image.name not in response.content.decode()


def test_the_history_names_a_deleted_user_and_nobody_plainly(
    client, manager, make_record, organisation_a, django_user_model
):
    record = make_record(organisation_a)
    gone = django_user_model.objects.create(username="weg", vo_id="vo-weg", first_name="Wim")
    record = services.assign(record, user=manager, assigned_reviewer=gone)
    record = services.assign(record, user=manager, assigned_reviewer=manager)
    gone.delete()  # nothing refers to Wim any more but the history
    response = client.get(reverse("admin:submissions_nonconformity_history", args=[record.pk]))
    text = read(response.content.decode())
    assert "– → verwijderde gebruiker" in text
    assert "verwijderde gebruiker → Geert Willems" in text
    assert "pk=" not in text
