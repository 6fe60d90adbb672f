"""Upload pages: the form with the column specification and history, templates, progress and result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import submitter_required
from audit.events import Kind, record
from submissions import services, workflow
from submissions.access import uploads_for_organisation
from submissions.forms import UploadForm, WithdrawForm
from submissions.imports import report
from submissions.imports.columns import COLUMNS
from submissions.imports.intake import (
    DuplicateUpload,
    FileRefused,
    NotConfirmed,
    UploadLimitReached,
    cancel_upload,
    confirm_upload,
    late_count,
    receive_upload,
)
from submissions.models import Upload

HISTORY_SIZE = 50
ERRORS_SHOWN = 1000
RECORDS_SHOWN = 100


@submitter_required
def upload_index(request):
    form = UploadForm()
    duplicate = None
    retry_after = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = receive_upload(
                    organisation=request.organisation,
                    user=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    language=get_language(),
                )
            except FileRefused as exc:
                form.add_error("file", exc.message)
            except UploadLimitReached as exc:
                form.add_error("file", exc.message)
                retry_after = exc.retry_after
                record(request, Kind.RATE_LIMITED, reason="uploads", retry_after=retry_after)
            except DuplicateUpload as exc:
                duplicate = exc.previous
                form.add_error("file", _("You already uploaded this exact file and it was accepted."))
            else:
                return redirect("upload_detail", upload_pk=upload.pk)
    uploads = uploads_for_organisation(request).select_related("uploaded_by")[:HISTORY_SIZE]
    status = 400 if form.errors else 200
    context = {"form": form, "duplicate": duplicate, "columns": COLUMNS, "uploads": uploads}
    if retry_after is None:
        return render(request, "submissions/upload_index.html", context, status=status)
    response = render(request, "submissions/upload_index.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_GET
@submitter_required
def upload_template(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    return report.template_xlsx() if kind == "xlsx" else report.template_csv()


@require_GET
@submitter_required
def upload_detail(request, upload_pk):
    upload = get_object_or_404(uploads_for_organisation(request).select_related("uploaded_by"), pk=upload_pk)
    return _detail(request, upload)


def _detail(request, upload, confirm_error=None):
    records = []
    if upload.status == Upload.Status.ACCEPTED:
        records = upload.records.prefetch_related("waste_streams").order_by("id")[:RECORDS_SHOWN]
    context = {
        "upload": upload,
        "finished": workflow.upload_finished(upload.status),
        "errors": upload.errors[:ERRORS_SHOWN],
        "errors_hidden": max(upload.error_count - ERRORS_SHOWN, 0),
        "records": records,
        "records_hidden": max(upload.row_count - RECORDS_SHOWN, 0) if records else 0,
        "preview": upload.preview if upload.status == Upload.Status.PREVIEW else None,
        "stored_count": upload.preview.get("new_count", upload.row_count),
        "corrected_count": upload.preview.get("corrected_count", 0),
        "confirm_error": confirm_error,
    }
    return render(request, "submissions/upload_detail.html", context, status=400 if confirm_error else 200)


@submitter_required
@require_POST
def upload_confirm(request, upload_pk):
    """Store a previewed upload; the late rows' checkbox carries their number (0 without late rows)."""
    upload = get_object_or_404(uploads_for_organisation(request).select_related("uploaded_by"), pk=upload_pk)
    late = upload.preview.get("late_count", 0)
    posted = request.POST.get("late_confirmed", "0" if not late else "")
    try:
        confirmed = late_count(posted)
        if confirmed is None:
            raise NotConfirmed(
                _("Tick the box to confirm that %(late)d rows are late, or cancel the upload.")
                % {"late": late}
            )
        confirm_upload(upload, confirmed_late=confirmed, language=get_language())
    except NotConfirmed as exc:
        return _detail(request, upload, confirm_error=exc.message)
    return redirect("upload_detail", upload_pk=upload.pk)


@submitter_required
@require_POST
def upload_cancel(request, upload_pk):
    upload = get_object_or_404(uploads_for_organisation(request), pk=upload_pk)
    cancel_upload(upload)
    return redirect("upload_detail", upload_pk=upload.pk)


@require_GET
@submitter_required
def upload_status(request, upload_pk):
    """Progress for static/js/upload.js."""
    upload = get_object_or_404(uploads_for_organisation(request), pk=upload_pk)
    finished = workflow.upload_finished(upload.status)
    percent = 100 if finished else 0
    if upload.status == Upload.Status.PROCESSING and upload.row_count:
        percent = min(99, int(100 * upload.rows_done / upload.row_count))
    return JsonResponse(
        {
            "status": upload.status,
            "finished": finished,
            "rows_done": upload.rows_done,
            "row_count": upload.row_count,
            "percent": percent,
        }
    )


@require_GET
@submitter_required
def upload_errors(request, upload_pk):
    upload = get_object_or_404(uploads_for_organisation(request), pk=upload_pk)
    record(request, Kind.DOWNLOAD, count=upload.error_count, file="error report", upload=upload.pk)
    return report.error_csv(upload)


@submitter_required
@require_http_methods(["GET", "POST"])
def upload_withdraw(request, upload_pk):
    """Withdraw every record of an accepted upload in one step, with one reason."""
    upload = get_object_or_404(
        uploads_for_organisation(request).filter(status=Upload.Status.ACCEPTED), pk=upload_pk
    )
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.withdraw_upload(
                upload, user=request.user, role=request.grant.roles, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("reason" if hasattr(exc, "error_dict") else None, message)
        else:
            messages.success(request, _("Non-conformities of this upload withdrawn: %(n)d.") % {"n": count})
            return redirect("upload_detail", upload_pk=upload.pk)
    if form.errors:
        form.describe_fields()
    status = 400 if form.errors else 200
    return render(
        request, "submissions/upload_withdraw.html", {"form": form, "upload": upload}, status=status
    )
