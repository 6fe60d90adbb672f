"""Forms of the register. The rules live in submissions.validation (shared with the upload);
these forms only collect the raw input, call validate_record and tie each message to its field."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ncregister.identifiers import is_digits, search_digits
from submissions import deadlines, services, workflow
from submissions.models import NonConformity, WasteStream
from submissions.photos import MAX_PHOTOS, check_photo_count, prepare_photo
from submissions.validation import REQUIRED_FIELDS, StreamCatalogue, parse_date, validate_record


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos; each is checked by its content and returned as a PreparedPhoto."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        check_photo_count(0, len(files))  # refuse before decoding anything: decoding is the costly part
        prepared, errors = [], []
        for uploaded in files:
            try:
                prepared.append(prepare_photo(uploaded))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


class RawListField(forms.Field):
    """The checked values as a list of strings; validate_record decides what they mean."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        return [str(v) for v in value or []]


def _text(label, help_text="", **attrs):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def _date(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


CRISPY = "submissions/crispy/"


def include(name):
    return HTML(f'{{% include "{CRISPY}{name}.html" %}}')


def section(legend, *fields):
    return Fieldset(legend, *fields, template=f"{CRISPY}fieldset.html")


def register_helper(*layout):
    """Crispy renders the fields inside the page's own <form> (its CSRF token, ids and data attributes),
    each through our field template: label, "(required)" from validation.REQUIRED_FIELDS, help and error
    tied to the input. The error summary above the form lists the errors, so crispy's own box stays off."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.form_show_errors = False
    helper.field_template = f"{CRISPY}field.html"
    helper.layout = Layout(*layout)
    return helper


class AccessibleFormMixin:
    """Ties help and errors to their fields (aria-describedby, aria-invalid) and lists the errors
    for the summary at the top of the page, each with a link to its field."""

    # Fields drawn as a group (fieldset): the summary links to the fieldset.
    group_fields = ()

    def describe_fields(self):
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"id_{name}_help")
            if name in self.errors:
                ids.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " is-invalid").strip()
            if ids and name not in self.group_fields:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        self.describe_fields()

    def mark_required(self):
        for name in REQUIRED_FIELDS & set(self.fields):
            self.fields[name].ncr_required = True

    def error_summary(self):
        items = [(None, "", message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                items.append((f"id_{name}", field.label, message))
        return items


class NonConformityForm(AccessibleFormMixin, forms.Form):
    group_fields = ("waste_streams", "action")

    observed_on = _date(_("Date of the non-conformity"))
    producer_name = _text(_("Producer name"), list="producer-names", autocomplete="off")
    producer_enterprise_number = _text(
        _("Enterprise number"),
        _("With or without dots, spaces or BE, e.g. 0405.546.706."),
        list="producer-numbers",
        autocomplete="off",
        spellcheck="false",
    )
    establishment_number = _text(
        _("Establishment unit number"),
        _("E.g. 2.147.812.701. Without it, give the complete pickup address."),
        autocomplete="off",
        spellcheck="false",
    )
    street = _text(_("Street"), autocomplete="off")
    house_number = _text(_("Number"), autocomplete="off")
    postcode = _text(_("Postcode"), inputmode="numeric", autocomplete="off", maxlength="4")
    municipality = _text(_("Municipality"), autocomplete="off")
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("Name at least the observed waste that must be sorted separately."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    waste_streams = RawListField(label=_("Observed waste streams"), required=False)
    action = forms.CharField(
        label=_("Action taken"),
        required=False,
        widget=forms.RadioSelect(choices=NonConformity.Action.choices),
    )
    customer_informed_on = _date(_("Customer informed on"), _("Optional."))
    container_reference = _text(_("Container reference"), _("Optional."))
    own_reference = _text(_("Own reference"), _("Optional; unique within your organisation."))
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=format_lazy(_("Optional; at most {n} photos (JPEG, PNG or WebP)."), n=MAX_PHOTOS),
    )
    confirm_late = forms.BooleanField(
        label=_("Save anyway: I know this non-conformity is registered late."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    # Binds the photos kept for this form (submissions.kept_photos) to it.
    photo_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, record=None, kept_photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.record = record
        self.kept_photos = list(kept_photos)
        # A correction keeps the moment the record first reached the register.
        self.received_at = record.received_at if record else timezone.now()
        self.today = timezone.localdate()
        self.fields["photos"].widget.attrs["class"] = "form-control"
        self.streams = []
        self.record_data = {}
        self.mark_required()
        self.helper = register_helper(
            "version",
            "photo_token",
            section(_("When"), "observed_on", include("deadline")),
            section(
                _("Producer"),
                "producer_name",
                "producer_enterprise_number",
                "establishment_number",
                include("address_hint"),
                Div(
                    Div("street", css_class="col-8"),
                    Div("house_number", css_class="col-4"),
                    Div("postcode", css_class="col-5"),
                    Div("municipality", css_class="col-7"),
                    css_class="row g-2",
                ),
                include("producer_lists"),
            ),
            section(
                _("What"),
                "description",
                Field("waste_streams", template=f"{CRISPY}streams.html"),
                Field("action", template=f"{CRISPY}action.html"),
            ),
            section(
                _("Optional"),
                "customer_informed_on",
                "container_reference",
                "own_reference",
                include("photos_added"),
                include("kept_photos"),
                "photos",
                include("camera"),
                include("photo_progress"),
            ),
        )
        if not self.is_bound:
            self.describe_fields()

    # --- what the template shows -------------------------------------------------
    def current_date(self):
        """The observation date the page is about: the submitted one, else the initial one."""
        value = self.data.get("observed_on") if self.is_bound else self.initial.get("observed_on")
        try:
            return parse_date(value)
        except ValidationError:
            return None

    def deadline(self):
        day = self.current_date()
        return deadlines.registration_deadline(day) if day else None

    def is_late(self):
        day = self.current_date()
        return bool(day and deadlines.is_late(day, self.received_at))

    def earliest_on_time(self):
        """For the page's script: any earlier observation date is late (see deadlines.earliest_on_time)."""
        return deadlines.earliest_on_time(self.received_at)

    def checked_streams(self):
        if self.is_bound:
            return set(self.data.getlist("waste_streams")) if hasattr(self.data, "getlist") else set()
        return {str(n) for n in self.initial.get("waste_streams", [])}

    def stream_choices(self):
        """Every stream, with whether it applies on the current date (others are hidden, not offered)."""
        day = self.current_date() or self.today
        checked = self.checked_streams()
        applying = set(WasteStream.objects.valid_on(day).values_list("pk", flat=True))
        return [
            {"stream": stream, "checked": str(stream.number) in checked, "applies": stream.pk in applying}
            for stream in WasteStream.objects.all()
        ]

    # --- validation -----------------------------------------------------------------
    def clean(self):
        raw = {name: self.cleaned_data.get(name) for name in services.SUBMITTED_FIELDS}
        raw["waste_streams"] = self.cleaned_data.get("waste_streams", [])
        cleaned, errors = validate_record(raw, StreamCatalogue(), today=self.today)
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        own_reference = cleaned.get("own_reference")
        if "own_reference" not in errors and services.taken_own_references(
            self.organisation.pk if self.organisation else None,
            [own_reference],
            exclude_pk=self.record.pk if self.record else None,
        ):
            self.add_error("own_reference", services.DUPLICATE_OWN_REFERENCE)
        photos = self.cleaned_data.get("photos") or []
        try:
            existing = (self.record.photos.count() if self.record else 0) + len(self.kept_photos)
            check_photo_count(existing, len(photos))
        except ValidationError as exc:
            self.add_error("photos", exc)
        if not self.errors and self.is_late() and not self.cleaned_data.get("confirm_late"):
            self.add_error(
                "confirm_late",
                _("This non-conformity is late (deadline %(deadline)s). Tick the box to save it anyway.")
                % {"deadline": timezone.localtime(self.deadline()).strftime("%d/%m/%Y %H:%M")},
            )
        self.record_data = {field: cleaned[field] for field in services.SUBMITTED_FIELDS if field in cleaned}
        self.streams = cleaned.get("waste_streams", [])
        return self.cleaned_data

    def add_service_error(self, error):
        """Show a ValidationError raised by a service (e.g. a race on the own reference) on its field."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)
        self.describe_fields()


def expected_version(form):
    """The version the person loaded; a missing or garbled one never matches (the save is refused)."""
    value = str(form.cleaned_data.get("version") or "").strip()
    return int(value) if is_digits(value) and len(value) < 10 else -1


def initial_from_record(record, producer_only=False):
    """Form values from a stored record; `producer_only` for "Another non-conformity" (same producer)."""
    producer = {field: getattr(record, field) for field in services.PRODUCER_FIELDS}
    if producer_only:
        return producer
    return {
        **producer,
        "observed_on": record.observed_on.isoformat(),
        "description": record.description,
        "waste_streams": [s.number for s in record.waste_streams.all()],
        "action": record.action,
        "customer_informed_on": record.customer_informed_on.isoformat()
        if record.customer_informed_on
        else "",
        "container_reference": record.container_reference,
        "own_reference": record.own_reference,
        "version": record.version,
    }


class WithdrawForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=2000,
        help_text=_("Required. OVAM sees this reason."),
        error_messages={"required": _("Give the reason for the withdrawal.")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].ncr_required = True
        self.helper = register_helper("version", "reason")
        if not self.is_bound:
            self.describe_fields()


class UploadForm(AccessibleFormMixin, forms.Form):
    announce_errors = True  # the page has no error summary: the field's message is read out at once

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.FileInput(
            attrs={
                "class": "form-control",
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (separated by ; or ,) or Excel .xlsx, at most %(max_mb)s MB and %(max_rows)s rows."
        ) % {"max_mb": settings.NCR_UPLOAD_MAX_MB, "max_rows": settings.NCR_UPLOAD_MAX_ROWS}
        self.helper = register_helper("file")
        if not self.is_bound:
            self.describe_fields()


LATE_CHOICES = [("", _("All")), ("yes", _("Late")), ("no", _("On time"))]


class FilterForm(forms.Form):
    """Search and filters of the list and its exports; invalid filters are ignored, never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Producer name, enterprise or establishment number, or own reference."),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    waste_stream = forms.TypedChoiceField(
        label=_("Waste stream"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = forms.ChoiceField(
        label=_("Action taken"),
        required=False,
        choices=[("", _("All"))] + list(NonConformity.Action.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *workflow.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    late = forms.ChoiceField(
        label=_("Late"),
        required=False,
        choices=LATE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream_ids = {}  # number -> the ids of its versions (one query for choices and filter)
        for number, pk in WasteStream.objects.values_list("number", "pk"):
            self.stream_ids.setdefault(number, []).append(pk)
        self.fields["waste_stream"].choices = [("", _("All"))] + [
            (n, f"{n}°") for n in sorted(self.stream_ids)
        ]

    def drop_downs(self):
        """The drop-downs as the register page draws them: [{name, label, options}], the options as one
        piece of HTML (some 50 of them; a template or widget per option cost more than the list itself)."""
        drop_downs = []
        for name in ("waste_stream", "action", "status", "late"):
            chosen = str(self.data.get(name, ""))
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, " selected" if str(value) == chosen else "", text)
                    for value, text in self.fields[name].choices
                ),
            )
            drop_downs.append({"name": name, "label": self.fields[name].label, "options": options})
        return drop_downs

    def is_filtered(self):
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)

    def apply(self, records):
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        q = (data.get("q") or "").strip()
        if q:
            digits = search_digits(q)
            if len(digits) == 10:
                # A whole enterprise or establishment number: equality, which their indexes answer.
                match = Q(producer_enterprise_number=digits) | Q(establishment_number=digits)
                match |= Q(own_reference__icontains=q)
            else:
                match = Q(producer_name__icontains=q) | Q(own_reference__icontains=q)
                if digits:
                    match |= Q(producer_enterprise_number__contains=digits) | Q(
                        establishment_number__contains=digits
                    )
            records = records.filter(match)
        if data.get("date_from"):
            records = records.filter(observed_on__gte=data["date_from"])
        if data.get("date_until"):
            records = records.filter(observed_on__lte=data["date_until"])
        if data.get("waste_stream"):
            # EXISTS, not a join (no duplicate rows for records with several streams), with the stream's
            # ids as values: the planner can probe each record's links while paging.
            records = records.filter(
                Exists(
                    NonConformity.waste_streams.through.objects.filter(
                        nonconformity_id=OuterRef("pk"),
                        wastestream_id__in=self.stream_ids.get(data["waste_stream"], []),
                    )
                )
            )
        if data.get("action"):
            records = records.filter(action=data["action"])
        if data.get("status"):
            records = records.filter(status=data["status"])
        if data.get("late"):
            records = records.filter(is_late=data["late"] == "yes")
        return records
