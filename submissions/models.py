from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from submissions import workflow


class WasteStreamQuerySet(models.QuerySet):
    def valid_on(self, day):  # the same rule as WasteStream.is_valid_on
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class WasteStream(models.Model):
    """A stream that must be kept separate (VLAREMA art. 4.3.2); data with validity dates, not code."""

    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("Shown in the admin's list; the full name on hover."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = WasteStreamQuerySet.as_manager()

    class Meta:
        verbose_name = _("waste stream")
        verbose_name_plural = _("waste streams")
        ordering = ["number", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="wastestream_unique_number_from"),
        ]

    def __str__(self):
        return f"{self.number}° {self.name}"

    def is_valid_on(self, day):  # the same rule as WasteStream.objects.valid_on
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )

    @property
    def short_label(self):
        return f"{self.number}° {self.short_name or self.name}"


class Holiday(models.Model):
    """A Belgian public holiday; not a working day for the registration deadline."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class Upload(models.Model):
    """A CSV or XLSX file with non-conformities, checked and stored by the worker."""

    Status = workflow.UploadStatus

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="uploads", verbose_name=_("collector")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="uploads",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The checks' findings shown before anything is stored: late rows and possible duplicates
    # (submissions.imports.preview); the preview waits for the person until expires_at.
    preview = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(_("preview expires at"), null=True, blank=True)
    # Set when the person (or an API client, skipping the preview) confirms: the worker then stores the
    # file, refusing it unless exactly this many rows are late.
    confirmed_late = models.PositiveIntegerField(_("late rows confirmed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-received_at"]

    def __str__(self):
        return self.file_name


class HistoryActor(models.Model):
    """The role a change was made in ("submitter" or "staff"), stored with each history row: the
    person's user row says nothing about rights, and one person may hold both."""

    history_actor = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        abstract = True


# Kept at module level so the services can write exactly one history row per change
# (create + m2m would otherwise give two); see services.record_history.
non_conformity_history = HistoricalRecords(
    m2m_fields=["waste_streams"], excluded_fields=["updated_at"], bases=[HistoryActor]
)


@receiver(pre_create_historical_record)
def _store_history_actor(sender, instance, history_instance, **kwargs):
    if hasattr(instance, "_history_actor"):
        history_instance.history_actor = instance._history_actor


class NonConformity(models.Model):
    """A sorting error a collector found in a customer's residual waste (the legal record)."""

    class Action(models.TextChoices):
        REFUSED = "refused", _("Refused")
        REGISTERED = "registered", _("Emptied and registered")
        POST_SORTED = "post_sorted", _("Emptied and post-sorted")

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        UPLOAD = "upload", _("Upload")
        API = "api", _("API")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="non_conformities",
        verbose_name=_("collector"),
        db_index=False,  # nc_org_id and nc_org_observed start with it
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    observed_on = models.DateField(_("date of the non-conformity"))
    producer_name = models.CharField(_("producer name"), max_length=255)
    producer_enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    establishment_number = models.CharField(_("establishment unit number"), max_length=10, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    description = models.TextField(_("description"))
    waste_streams = models.ManyToManyField(WasteStream, verbose_name=_("waste streams"), related_name="+")
    action = models.CharField(_("action taken"), max_length=16, choices=Action.choices)
    customer_informed_on = models.DateField(_("customer informed on"), null=True, blank=True)
    # Where the notice to the customer was last e-mailed (submissions/notice_mail.py).
    customer_email = models.EmailField(_("customer e-mail address"), blank=True)
    container_reference = models.CharField(_("container reference"), max_length=100, blank=True)
    own_reference = models.CharField(_("own reference"), max_length=100, blank=True)

    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    upload = models.ForeignKey(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    received_at = models.DateTimeField(_("received at"), help_text=_("When the record reached the register."))
    deadline = models.DateTimeField(_("registration deadline"))
    is_late = models.BooleanField(_("late"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=workflow.Status.choices, default=workflow.Status.SUBMITTED
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned reviewer"),
    )
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("Never shown to submitters.")
    )

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = non_conformity_history

    class Meta:
        verbose_name = _("non-conformity")
        verbose_name_plural = _("non-conformities")
        ordering = ["-observed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(establishment_number="")
                | (~Q(street="") & ~Q(house_number="") & ~Q(postcode="") & ~Q(municipality="")),
                name="nonconformity_establishment_or_address",
            ),
            models.UniqueConstraint(
                fields=["organisation", "own_reference"],
                condition=~Q(own_reference=""),
                name="nonconformity_unique_own_reference",
            ),
            models.CheckConstraint(
                condition=Q(customer_informed_on__isnull=True)
                | Q(customer_informed_on__gte=models.F("observed_on")),
                name="nonconformity_informed_after_observed",
            ),
        ]
        indexes = [
            # The register page: its list, and the capped count of a name search or a filter on action or
            # status, read only this index (the columns they show or test are included), never the table.
            models.Index(
                fields=["organisation", "-observed_on", "-id"],
                include=[
                    "producer_name",
                    "own_reference",
                    "producer_enterprise_number",
                    "action",
                    "status",
                    "is_late",
                ],
                name="nc_org_observed",
            ),
            # The stream filter's capped count: the organisation's ids in order, merged with the stream's
            # (nc_link_stream, migration 0023) instead of a probe of the links per record.
            models.Index(fields=["organisation", "id"], name="nc_org_id"),
            # The register page's status filter and KBO search: its list and its capped count are one
            # index range within the organisation (not a scan of its newest records, or of the producer's
            # records in every organisation).
            models.Index(
                fields=["organisation", "status", "-observed_on", "-id"], name="nc_org_status_observed"
            ),
            models.Index(fields=["organisation", "producer_enterprise_number"], name="nc_org_enterprise"),
            # The admin's work queue and sorts (ties go by date and id in the sort's direction).
            models.Index(
                fields=["-observed_on", "-id"],
                condition=Q(status__in=workflow.OPEN),
                name="nc_open_observed",
            ),
            models.Index(fields=["assigned_reviewer", "-observed_on", "-id"], name="nc_assigned_observed"),
            models.Index(fields=["status", "observed_on", "id"], name="nc_sort_status"),
            models.Index(fields=["producer_name", "observed_on", "id"], name="nc_sort_producer"),
            models.Index(fields=["received_at", "observed_on", "id"], name="nc_sort_received"),
        ]

    def __str__(self):
        return f"{self.producer_name} – {self.observed_on:%d/%m/%Y}"

    @property
    def refused(self):
        return self.action == self.Action.REFUSED

    Status = workflow.Status

    def transition_to(self, new_status, role):
        """Move to `new_status` if the workflow allows `role` to; the caller saves."""
        workflow.check_transition(self.status, new_status, role)
        self.status = new_status


def photo_path(instance, filename):
    return f"photos/{instance.non_conformity.organisation_id}/{instance.non_conformity_id}/{filename}"


class Photo(models.Model):
    non_conformity = models.ForeignKey(NonConformity, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path)
    # Made once (submissions.photos): the one lists, pages and the admin show; the photo opens on tap.
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, blank=True)
    content_type = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        # Never the storage path: it shows above each photo in the admin.
        return _("Photo %(number)s") % {"number": self.pk}


def kept_photo_path(instance, filename):
    return f"kept/{instance.organisation_id}/{instance.token}/{filename}"


class KeptPhoto(models.Model):
    """A photo already sent with a form that was not saved yet (a validation error, or sent ahead by the
    page's script): kept for that person, organisation and form (its token) until the form is saved,
    the person removes it, or housekeeping purges it after NCR_KEPT_PHOTO_HOURS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    image = models.FileField(upload_to=kept_photo_path)
    thumbnail = models.FileField(upload_to=kept_photo_path)
    content_type = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "organisation", "token"], name="keptphoto_owner_form")]

    def __str__(self):
        return f"{self.token[:8]} {self.pk}"


class Draft(models.Model):
    """A person's unfinished new-record form for one organisation, or their unfinished correction of one
    record (submissions.drafts)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    non_conformity = models.ForeignKey(
        NonConformity, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # the record being corrected; empty for a new record
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], condition=Q(non_conformity=None), name="draft_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["user", "non_conformity"],
                condition=Q(non_conformity__isnull=False),
                name="draft_one_per_correction",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}/{self.organisation_id} {self.updated_at:%Y-%m-%d %H:%M}"


# --- The repeat-offender overview's summary (see submissions/summary.py) ----------------------------
# Internal tables the worker keeps up to date, so the overview adds up thousands of monthly rows
# instead of reading a year of records. Every record counts, whatever its status. On PostgreSQL
# covering indexes serve the overview's reads (migrations 0005-0007; SQLite has no INCLUDE).


class ProducerMonth(models.Model):
    producer_enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    records = models.PositiveIntegerField(_("non-conformities"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)

    class Meta:
        verbose_name = _("producer month")
        verbose_name_plural = _("producer months")
        constraints = [
            models.UniqueConstraint(
                fields=["producer_enterprise_number", "month"], name="producermonth_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.producer_enterprise_number} {self.month:%m/%Y}: {self.records}"


class ProducerMonthStream(models.Model):
    producer_enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # No index of its own: nothing reads these rows by stream alone, and every counted record paid for
    # it (a fifth of the upsert); deleting a waste stream, which PROTECT checks here, is rare.
    waste_stream = models.ForeignKey(
        WasteStream,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("waste stream"),
        db_index=False,
    )
    records = models.PositiveIntegerField(_("non-conformities"), default=0)

    class Meta:
        verbose_name = _("producer month per waste stream")
        verbose_name_plural = _("producer months per waste stream")
        constraints = [
            models.UniqueConstraint(
                fields=["producer_enterprise_number", "month", "waste_stream"],
                name="producermonthstream_unique_key",
            ),
        ]

    def __str__(self):
        return f"{self.producer_enterprise_number} {self.month:%m/%Y} {self.waste_stream_id}: {self.records}"


class OrganisationMonth(models.Model):
    """The register page's counts per organisation × month of observation, kept by the services in the
    same transaction as the records they write; withdrawn records do not count."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    records = models.PositiveIntegerField(_("non-conformities"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)

    class Meta:
        verbose_name = _("organisation month")
        verbose_name_plural = _("organisation months")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="organisationmonth_unique_key"),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month:%m/%Y}: {self.records}"


class Export(models.Model):
    """An export too large for one request, built by the worker (queue "exports") into a file stored
    through Django's storage; served only once complete, until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"  # customer notices (submissions/notices.py)

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The portal's exports belong to the organisation signed in for; OVAM's (staff) to none.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.BooleanField(default=False)
    format = models.CharField(max_length=4, choices=Format.choices)
    # The ids to export as SQL, fixed (scope and filters included) when the person asked.
    selection = models.TextField()
    language = models.CharField(max_length=8)
    filters = models.JSONField(default=dict, blank=True)  # as asked, for the audit trail
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester")]

    def __str__(self):
        return self.file_name


class NoticeEmail(models.Model):
    """One sending of a record's customer notice by e-mail, by the worker; what the notice page lists."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    non_conformity = models.ForeignKey(NonConformity, on_delete=models.PROTECT, related_name="notice_emails")
    address = models.EmailField(_("e-mail address"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice e-mail")
        verbose_name_plural = _("notice e-mails")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.address
