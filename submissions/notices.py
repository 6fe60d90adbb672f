"""The notice to the customer ("Melding aan de klant"): one A4 page per record telling the producer which
sorting errors its collector found and what the collector did, as VLAREMA art. 6.1.1.4 asks ("at least
point out the sorting errors to the producer"). The same template is the printable page and, through
WeasyPrint, the PDF.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from submissions.models import NonConformity

TEMPLATE = "submissions/notice.html"
CHUNK = 10  # notices per rendering step of a batch


def with_contents(records):
    """What a notice shows, in a constant number of queries."""
    return records.select_related("organisation").prefetch_related("waste_streams", "photos")


def what_was_done(record):
    """The action taken, in words for the customer."""
    return {
        NonConformity.Action.REFUSED: _(
            "Your container was refused: it was not emptied because of the sorting errors."
        ),
        NonConformity.Action.POST_SORTED: _(
            "Your container was emptied; because of the sorting errors its load was sorted afterwards."
        ),
        NonConformity.Action.REGISTERED: _(
            "Your container was emptied and the sorting errors were registered in OVAM's central register."
        ),
    }.get(record.action, record.get_action_display())


def file_name(records):
    if len(records) == 1:
        return f"melding-klant-{records[0].pk}.pdf"
    return f"meldingen-klant-{len(records)}.pdf"


def render_html(records, *, request=None, pdf=False, **context):
    """The notices of `records` (each on its own A4 page) as HTML; with `pdf` without the screen's buttons."""
    notices = [{"record": record, "done": what_was_done(record)} for record in records]
    return render_to_string(TEMPLATE, {"notices": notices, "pdf": pdf, **context}, request=request)


def render_batch_pdf(records, *, progress=None):
    """One PDF of many notices, rendered CHUNK at a time so `progress(notices done)` moves."""
    from submissions import pdf

    records = list(records)
    photos = {photo.pk: photo for record in records for photo in record.photos.all()}
    chunks = [records[i : i + CHUNK] for i in range(0, len(records), CHUNK)]

    def done(documents):
        if progress:
            progress(min(documents * CHUNK, len(records)))

    return pdf.render_documents(
        (render_html(chunk, pdf=True) for chunk in chunks), photos=photos, progress=done
    )


def render_pdf(records):
    """One PDF holding the notices of `records` (a list or queryset prepared by with_contents)."""
    from submissions import pdf  # WeasyPrint takes seconds to import: only in the processes making PDFs

    records = list(records)
    photos = {photo.pk: photo for record in records for photo in record.photos.all()}
    return pdf.render(render_html(records, pdf=True), photos=photos)
