"""The register for submitters: list, new, detail, correct, withdraw, export and photos.

Every view reads records through submissions.access (the session's organisation only) and writes
them through submissions.services; rules live in validation.py and services.py, not here.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import sign_in_url, submitter_required
from accounts.middleware import ENDED_FOR, SIGNED_IN_AT
from ncregister.identifiers import format_enterprise_number as kbo
from ncregister.identifiers import is_digits
from submissions import drafts, export_jobs, kept_photos, services, summary, workflow
from submissions.access import for_organisation, kept_photos_for, photos_for_organisation
from submissions.deadlines import registration_deadline
from submissions.forms import (
    FilterForm,
    NonConformityForm,
    WithdrawForm,
    expected_version,
    initial_from_record,
)
from submissions.models import Export, NonConformity, WasteStream
from submissions.pagination import EXACT_UP_TO, KeysetPage, capped_count
from submissions.photos import MAX_SIDE, audit_photo, photo_response, prepare_photo
from submissions.summary import WasteStreamLink
from submissions.timeline import public_history
from submissions.validation import parse_date

PAGE_SIZE = 25
DRAFT_FLAG = "ncr_draft"  # posted by static/js/draft.js: keep the form as the draft, do not save it


# --- drafts of the new-record form (submissions.drafts) --------------------------------------------


def keep_draft_when_signed_out(view):
    """The new-record or correction form posted (saved or its draft) after the session ran out becomes the
    draft of the person whose session it was, for that organisation (and record, which must be that
    organisation's), offered back at their next sign-in. Any other anonymous post is just sent to sign in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            ended_for = request.session.get(ENDED_FOR)
            record_id = kwargs.get("pk")
            kept = (
                ended_for
                and (
                    record_id is None
                    or NonConformity.objects.filter(pk=record_id, organisation=ended_for[1]).exists()
                )
                and drafts.save(*ended_for, drafts.from_post(request.POST), record_id=record_id)
            )
            if kept and not request.POST.get(DRAFT_FLAG):
                messages.info(
                    request,
                    _("Sign in again to save the correction: your input is kept.")
                    if record_id
                    else _("Sign in again to save the non-conformity: your input is kept."),
                )
            return redirect(sign_in_url(request))
        return view(request, *args, **kwargs)

    return wrapper


def _draft_offer(request):
    return drafts.offered(request.user, request.organisation, request.session.get(SIGNED_IN_AT, 0))


# --- photos kept between sending and saving (submissions.kept_photos) ---------------------------


def _restore_draft(request, initial, record=None):
    """On ?concept=herstellen: lay the person's draft (of a new record, or of the correction of `record`)
    over the form's `initial` and return the photos kept with it; None when there is none to restore.
    A correction's draft keeps the version the person had opened: a record changed since is refused as
    stale when it is saved."""
    if request.GET.get("concept") != "herstellen":
        return None
    draft = drafts.of(request.user, request.organisation, record)
    if draft is None:
        return None
    initial.update(drafts.initial(draft))
    initial["photo_token"] = kept_photos.valid_token(initial.get("photo_token"))
    messages.info(request, _("Your input was kept. Check it and save."))
    return kept_photos_for(request, initial["photo_token"])


def _posted_form_data(request):
    """The posted form with its photo token (a fresh one when missing or garbled) and the photos kept
    under it; the ones the person ticked to remove are removed first."""
    data = request.POST.copy()
    data["photo_token"] = kept_photos.valid_token(data.get("photo_token"))
    kept = kept_photos_for(request, data["photo_token"])
    removed = [value for value in data.getlist("remove_photo")[:20] if is_digits(value) and len(value) < 12]
    if removed:
        kept_photos.discard(kept.filter(pk__in=removed))
    return data, list(kept.exclude(pk__in=removed))


def _keep_sent_photos(request, form):
    """The photos sent with a form that was not saved stay for the next try (shown, removable)."""
    sent = form.cleaned_data.get("photos") if hasattr(form, "cleaned_data") else None
    if sent and "photos" not in form.errors:
        try:
            form.kept_photos += kept_photos.keep(
                request.user, request.organisation, form.data["photo_token"], sent
            )
        except ValidationError as exc:  # more than allowed, sent ahead meanwhile from another tab
            form.add_error("photos", exc)


def _all_photos(form):
    return kept_photos.prepared(form.kept_photos) + (form.cleaned_data.get("photos") or [])


# --- pages --------------------------------------------------------------------------------------


@submitter_required
@require_GET
def home(request):
    """The organisation's non-conformities, newest first, with search, filters and counts; a constant
    number of queries whatever the register's size (counters, a capped count, keyset pages)."""
    filters = FilterForm(request.GET or None)
    filtered = filters.apply(for_organisation(request))
    page = KeysetPage(filtered.only(*LIST_FIELDS), request.GET, PAGE_SIZE)
    found, more = capped_count(filtered)
    query = request.GET.copy()
    for name in (KeysetPage.OLDER, KeysetPage.NEWER, KeysetPage.LAST):
        query.pop(name, None)
    return render(
        request,
        "submissions/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": list_rows(page.object_list),
            "counts": summary.register_counts(request.organisation.pk, timezone.localdate()),
            "found": found,
            "found_more": more,
            "found_cap": number_format(EXACT_UP_TO, force_grouping=True),
            "query": query.urlencode(),
            "draft_offer": _draft_offer(request),
        },
    )


LIST_FIELDS = (
    "observed_on", "producer_name", "producer_enterprise_number", "own_reference", "action", "status",
    "is_late",
)  # fmt: skip


PK_MARK = 987654321


def list_rows(records):
    """What each list row shows, as text made once per request: the labels translated once, the
    streams of the page's records in one query, no template include or filter per row (the page's time
    was Django's per-row template work, not its SQL)."""
    actions = {value: str(label) for value, label in NonConformity.Action.choices}
    statuses = {value: str(label) for value, label in workflow.Status.choices}
    streams = {}
    links = WasteStreamLink.objects.filter(nonconformity_id__in=[r.pk for r in records]).order_by(
        "wastestream__number"
    )
    for pk, number, short_name, name in links.values_list(
        "nonconformity_id", "wastestream__number", "wastestream__short_name", "wastestream__name"
    ):
        streams.setdefault(pk, []).append(f"{number}° {short_name or name}")  # WasteStream.short_label
    # One reverse() per page instead of one per row (each costs as much as building the row).
    detail_url = reverse("register_detail", args=[PK_MARK]).replace(str(PK_MARK), "{}")
    return [
        {
            "url": detail_url.format(r.pk),
            "title": r.producer_name,
            "facts": " · ".join(
                filter(
                    None, [f"{r.observed_on:%d/%m/%Y}", kbo(r.producer_enterprise_number), r.own_reference]
                )
            ),
            "action": f"{actions.get(r.action, r.action)} · {', '.join(streams.get(r.pk, []))}",
            "status": r.status,
            "status_label": statuses.get(r.status, r.status),
            "is_late": r.is_late,
        }
        for r in records
    ]


def _form_context(request, form, record=None):
    """What the form page needs beyond the form: the producer suggestions."""
    producers = (
        for_organisation(request)
        .values(*services.PRODUCER_FIELDS)
        .annotate(last=Max("id"))
        .order_by("-last")[:100]
    )
    return {"form": form, "record": record, "producers": producers, "max_side": MAX_SIDE}


@submitter_required
@require_GET
def date_facts(request):
    """For the form's script when the date changes: the deadline in words and the waste streams that
    apply on that date (WasteStream.objects.valid_on); lateness it reads from the form's own attribute."""
    try:
        day = parse_date(request.GET.get("datum", ""))
    except ValidationError:
        day = None
    if day is None:
        return JsonResponse({"deadline": "", "streams": []})
    deadline = timezone.localtime(registration_deadline(day))
    return JsonResponse(
        {
            "deadline": date_format(deadline, "l j F Y, H:i"),
            "streams": list(WasteStream.objects.valid_on(day).values_list("pk", flat=True)),
        }
    )


@keep_draft_when_signed_out
@submitter_required
@require_http_methods(["GET", "POST"])
def new(request):
    organisation = request.organisation
    draft_offer = None
    if request.method == "POST" and request.POST.get(DRAFT_FLAG):
        drafts.save(request.user.pk, organisation.pk, drafts.from_post(request.POST))
        return HttpResponse(status=204)
    if request.method == "POST":
        data, kept = _posted_form_data(request)
        form = NonConformityForm(data, request.FILES, organisation=organisation, kept_photos=kept)
        if form.is_valid():
            try:
                with transaction.atomic():
                    record = services.create_non_conformity(
                        organisation=organisation,
                        user=request.user,
                        data=form.record_data,
                        waste_streams=form.streams,
                        photos=_all_photos(form),
                    )
                    kept_photos.discard(form.kept_photos)
                    drafts.discard(request.user, organisation)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The non-conformity was registered."))
                return redirect("register_detail", pk=record.pk)
        _keep_sent_photos(request, form)
    else:
        initial = {"observed_on": timezone.localdate().isoformat(), "photo_token": kept_photos.new_token()}
        kept = _restore_draft(request, initial)
        if kept is None:
            kept, draft_offer = (), _draft_offer(request)
            if is_digits(request.GET.get("van", "")):
                # "Another non-conformity": the same producer, the rest fresh.
                source = for_organisation(request).filter(pk=request.GET["van"]).first()
                if source:
                    initial.update(initial_from_record(source, producer_only=True))
        form = NonConformityForm(initial=initial, organisation=organisation, kept_photos=kept)
    return render(
        request,
        "submissions/form.html",
        {**_form_context(request, form), "draft_offer": draft_offer},
    )


@submitter_required
@require_GET
def detail(request, pk):
    record = get_object_or_404(
        for_organisation(request).select_related("submitted_by").prefetch_related("waste_streams", "photos"),
        pk=pk,
    )
    return render(
        request,
        "submissions/detail.html",
        {
            "record": record,
            "history": public_history(record),
            "can_correct": workflow.may_correct(record.status, request.grant.roles),
            "can_withdraw": workflow.may_withdraw(record.status, request.grant.roles),
        },
    )


@keep_draft_when_signed_out
@submitter_required
@require_http_methods(["GET", "POST"])
def correct(request, pk):
    record = get_object_or_404(for_organisation(request).prefetch_related("waste_streams", "photos"), pk=pk)
    if not workflow.may_correct(record.status, request.grant.roles):
        if request.POST.get(DRAFT_FLAG):
            return HttpResponse(status=204)  # typed on in a tab opened before OVAM took it up: none kept
        messages.error(
            request, _("This non-conformity is already being handled by OVAM and can no longer be corrected.")
        )
        return redirect("register_detail", pk=record.pk)
    draft_offer = None
    if request.method == "POST" and request.POST.get(DRAFT_FLAG):
        drafts.save(
            request.user.pk, request.organisation.pk, drafts.from_post(request.POST), record_id=record.pk
        )
        return HttpResponse(status=204)
    if request.method == "POST":
        data, kept = _posted_form_data(request)
        form = NonConformityForm(
            data, request.FILES, organisation=request.organisation, record=record, kept_photos=kept
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.correct_non_conformity(
                        record,
                        user=request.user,
                        role=request.grant.roles,
                        data=form.record_data,
                        waste_streams=form.streams,
                        expected_version=expected_version(form),
                        photos=_all_photos(form),
                    )
                    kept_photos.discard(form.kept_photos)
                    drafts.discard(request.user, request.organisation, record)
            except services.StaleRecord:
                form.add_error(None, services.StaleRecord.message)
                form.describe_fields()
            except ValidationError as exc:  # IllegalTransition included: OVAM took it up meanwhile
                form.add_service_error(exc)
            else:
                messages.success(request, _("The correction was saved."))
                return redirect("register_detail", pk=record.pk)
        _keep_sent_photos(request, form)
    else:
        initial = {**initial_from_record(record), "photo_token": kept_photos.new_token()}
        kept = _restore_draft(request, initial, record)
        if kept is None:
            kept, draft_offer = (), _draft_offer(request)
        form = NonConformityForm(
            initial=initial, organisation=request.organisation, record=record, kept_photos=kept
        )
    return render(
        request, "submissions/form.html", {**_form_context(request, form, record), "draft_offer": draft_offer}
    )


@submitter_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    record = get_object_or_404(for_organisation(request), pk=pk)
    if not workflow.may_withdraw(record.status, request.grant.roles):
        messages.error(request, _("This non-conformity can no longer be withdrawn."))
        return redirect("register_detail", pk=record.pk)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw(
                    record,
                    user=request.user,
                    role=request.grant.roles,
                    reason=form.cleaned_data["reason"],
                    expected_version=expected_version(form),
                )
            except services.StaleRecord:
                messages.error(request, services.StaleRecord.message)
                return redirect("register_detail", pk=record.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("reason" if hasattr(exc, "error_dict") else None, message)
                form.describe_fields()
            else:
                messages.success(request, _("The non-conformity was withdrawn."))
                return redirect("register_detail", pk=record.pk)
    else:
        form = WithdrawForm(initial={"version": record.version})
    return render(request, "submissions/withdraw.html", {"form": form, "record": record})


def _export_records(request):
    return FilterForm(request.GET or None).apply(for_organisation(request))


def _export_name(extension):
    return f"non-conformiteiten-{timezone.localdate():%Y%m%d}.{extension}"


def _export(request, fmt):
    query = request.GET.urlencode()
    return export_jobs.respond(
        request,
        _export_records(request),
        fmt,
        staff=False,
        file_name=_export_name(fmt),
        exports_url=reverse("register_exports"),
        back_url=reverse("register_home") + (f"?{query}" if query else ""),
    )


@submitter_required
@require_GET
def export_csv(request):
    return _export(request, Export.Format.CSV)


@submitter_required
@require_GET
def export_xlsx(request):
    return _export(request, Export.Format.XLSX)


def _own_exports(request):
    return export_jobs.visible_to(request.user, organisation=request.organisation)


@submitter_required
@require_GET
def export_list(request):
    """The person's exports for this organisation: progress, download until expiry, start again."""
    return render(
        request,
        "submissions/exports.html",
        {"exports": _own_exports(request)[:50], "now": timezone.now()},
    )


@submitter_required
@require_GET
def export_download(request, export_pk):
    return export_jobs.download(request, get_object_or_404(_own_exports(request), pk=export_pk))


@submitter_required
@require_POST
def export_restart(request, export_pk):
    export_jobs.restart(get_object_or_404(_own_exports(request), pk=export_pk))
    messages.success(request, _("The export was started again."))
    return redirect("register_exports")


@submitter_required
@require_GET
def photo(request, photo_pk):
    photo = get_object_or_404(photos_for_organisation(request), pk=photo_pk)
    audit_photo(request, photo)
    return photo_response(request, photo)


@submitter_required
@require_GET
def photo_thumbnail(request, photo_pk):
    """What pages show; the full photo (a download in the audit trail) opens on tap."""
    return photo_response(
        request, get_object_or_404(photos_for_organisation(request), pk=photo_pk), thumbnail=True
    )


@submitter_required
@require_POST
def discard_draft(request):
    record_id = request.POST.get("record")
    if record_id is not None:  # a correction's draft (only ever the person's own); a garbled id throws none
        if is_digits(record_id) and len(record_id) < 12:
            drafts.discard(request.user, request.organisation, NonConformity(pk=int(record_id)))
            messages.success(request, _("The unfinished correction was thrown away."))
        return redirect("register_home")
    drafts.discard(request.user, request.organisation)
    messages.success(request, _("The unfinished non-conformity was thrown away."))
    return redirect("register_new")


@submitter_required
@require_POST
def keep_photo(request):
    """static/js/photos.js sends each photo ahead while the person fills in the form, already shrunk; it is
    checked and re-encoded like any other and kept for that form until it is saved."""
    token = request.POST.get("photo_token", "")
    uploaded = request.FILES.get("photo")
    if not kept_photos.TOKEN.fullmatch(token) or uploaded is None:
        return JsonResponse({"error": _("Choose the photo again.")}, status=400)
    try:
        kept = kept_photos.keep(request.user, request.organisation, token, [prepare_photo(uploaded)])[0]
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {"id": kept.pk, "thumbnail": reverse("register_kept_photo", args=[kept.pk])}, status=201
    )


@submitter_required
@require_GET
def kept_photo(request, kept_pk):
    """The thumbnail of a kept photo, for the person who sent it only."""
    return photo_response(request, get_object_or_404(kept_photos_for(request), pk=kept_pk), thumbnail=True)
