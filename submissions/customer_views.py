"""Informing customers beyond one notice: a day's notices (or a selection) as one PDF made by the worker,
the notice by e-mail, and the overview per customer. Records only through submissions.access."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import submitter_required
from ncregister.identifiers import is_digits
from submissions import customer_overview, export_jobs, exports, notice_mail, services, workflow
from submissions.access import for_organisation
from submissions.downloads import attachment, csv_download
from submissions.models import Export
from submissions.validation import parse_date

MAX_BATCH = 500  # notices in one PDF


def _day(request):
    try:
        return parse_date(request.POST.get("datum") or request.GET.get("datum")) or timezone.localdate()
    except ValidationError:
        return timezone.localdate()


@submitter_required
@require_http_methods(["GET", "POST"])
def notice_batch(request):
    """The notices of one day: all or a selection as one PDF (on the exports queue), or marked as sent."""
    day = _day(request)
    day_records = (
        for_organisation(request)
        .filter(observed_on=day)
        .exclude(status=workflow.Status.WITHDRAWN)
        .order_by("producer_name", "id")
    )
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("records") if is_digits(value)][:MAX_BATCH]
        chosen = day_records.filter(pk__in=ids)
        back = f"{reverse('register_notice_batch')}?datum={day:%Y-%m-%d}"
        if not chosen.exists():
            messages.error(request, _("Select at least one non-conformity."))
            return redirect(back)
        if request.POST.get("do") == "sent":
            marked = services.mark_customer_informed(chosen, user=request.user, role=request.grant.roles)
            messages.success(request, _("Customers marked as informed today: %(n)d.") % {"n": marked})
            return redirect(back)
        export_jobs.start(
            user=request.user,
            organisation=request.organisation,
            staff=False,
            selection=chosen,
            fmt=Export.Format.PDF,
            file_name=f"meldingen-klant-{day:%Y%m%d}.pdf",
        )
        messages.success(request, _("The PDF with the notices is being made: it appears here when ready."))
        return redirect("register_exports")
    return render(
        request,
        "submissions/notice_batch.html",
        {"day": day, "records": day_records[:MAX_BATCH]},
    )


@submitter_required
@require_POST
def notice_email(request, pk):
    record = get_object_or_404(for_organisation(request).select_related("organisation"), pk=pk)
    try:
        email = notice_mail.request(
            record, address=request.POST.get("address", ""), user=request.user, role=request.grant.roles
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The notice is being sent to %(address)s; the result shows on this page.")
            % {"address": email.address},
        )
    return redirect("register_notice", pk=record.pk)


def _overview(request):
    form = customer_overview.OverviewForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return form, None
    data = form.cleaned_data
    return form, customer_overview.build(
        for_organisation(request), data["producer"], data["start"], data["end"]
    )


@submitter_required
@require_GET
def customer_overview_page(request):
    form, overview = _overview(request)
    return render(
        request,
        "submissions/customer_overview.html",
        {"form": form, "overview": overview, "query": request.GET.urlencode()},
    )


def _back_to_form(request):
    return redirect(f"{reverse('register_customer_overview')}?{request.GET.urlencode()}")


@submitter_required
@require_GET
def customer_overview_csv(request):
    _form, overview = _overview(request)
    if overview is None:
        return _back_to_form(request)
    exports.audit_export(request, "csv", overview.total)
    return csv_download(customer_overview.csv_rows(overview), customer_overview.file_name(overview, "csv"))


@submitter_required
@require_GET
def customer_overview_pdf(request):
    _form, overview = _overview(request)
    if overview is None:
        return _back_to_form(request)
    exports.audit_export(request, "pdf", overview.total)
    content = customer_overview.render_pdf(overview, request.organisation)
    return attachment(
        HttpResponse(content, content_type="application/pdf"), customer_overview.file_name(overview, "pdf")
    )
