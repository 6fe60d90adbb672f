"""The security audit trail: who signed in, was refused, saw or took which records, changed what.

Append-only: the model refuses updates and deletes, and on PostgreSQL the application's database role
may only SELECT and INSERT (ncregister/dbroles.py); old rows go only through the retention purge.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit events are never changed")

    def delete(self):
        raise AppendOnly("audit events are only removed by the retention purge (audit.retention)")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in refused")
        SIGN_OUT = "sign_out", _("Signed out")
        SESSION_ENDED = "session_ended", _("Session ended by a limit")
        ORGANISATION_SWITCH = "organisation_switch", _("Organisation switch")
        ACCESS_DENIED = "access_denied", _("Access denied")
        EXPORT = "export", _("Export")
        DOWNLOAD = "download", _("File download")
        REFERENCE_DATA = "reference_data", _("Reference data changed")
        RATE_LIMITED = "rate_limited", _("Refused by a fair-use limit")
        API_CALL = "api_call", _("API call")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("name"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("records"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.person_name}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events are only removed by the retention purge (audit.retention)")
