"""The notice to the customer for one record: the printable page, its PDF, and "mark as sent".
Records come only through submissions.access: another organisation's record is a 404."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import submitter_required
from audit.events import Kind
from audit.events import record as audit
from submissions import notice_mail, notices, services
from submissions.access import for_organisation
from submissions.downloads import attachment


def _own(request, pk):
    return get_object_or_404(notices.with_contents(for_organisation(request)), pk=pk)


@submitter_required
@require_GET
def notice(request, pk):
    record = _own(request, pk)
    return HttpResponse(
        notices.render_html(
            [record],
            request=request,
            emails=record.notice_emails.all()[:10],
            email_enabled=notice_mail.enabled(),
        )
    )


@submitter_required
@require_GET
def notice_pdf(request, pk):
    record = _own(request, pk)
    pdf = notices.render_pdf([record])
    audit(request, Kind.DOWNLOAD, count=1, file="notice", record=record.pk)
    return attachment(HttpResponse(pdf, content_type="application/pdf"), notices.file_name([record]))


@submitter_required
@require_POST
def notice_sent(request, pk):
    record = _own(request, pk)
    records = for_organisation(request).filter(pk=record.pk)
    if services.mark_customer_informed(records, user=request.user, role=request.grant.roles):
        messages.success(request, _("The customer is marked as informed today."))
    else:
        messages.info(
            request,
            _("Nothing changed: the customer was already marked as informed, or the record was withdrawn."),
        )
    return redirect("register_detail", pk=record.pk)
