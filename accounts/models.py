from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """An organisation as ACM/IDM names it at sign-in (vo_orgcode / vo_orgnaam / vo_doelgroepcode)."""

    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("KBO number or OVO code"))
    name = models.CharField(_("name"), max_length=255)
    audience = models.CharField(_("audience"), max_length=8, blank=True, help_text=_("ACM target group code"))
    # How a collector's customers reach it: printed on the notices to customers (OVAM-beheerders keep it).
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    address = models.TextField(
        _("address"), blank=True, help_text=_("Street and number, postcode and municipality.")
    )
    api_enabled = models.BooleanField(
        _("API access"),
        default=False,
        help_text=_("Switched on by OVAM: the organisation's own software may file through the API."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A person; ACM/IDM users are keyed on vo_id (stored as username too), never on email."""

    vo_id = models.CharField(_("VO id"), max_length=128, unique=True, null=True, blank=True)
    # Who the person is, never what they may do: rights live in each session's grant. This mark only
    # lets the admin offer OVAM staff as reviewers to assign.
    staff_signed_in_at = models.DateTimeField(_("last signed in as OVAM staff"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class ApiClient(models.Model):
    """An ACM/IDM client the organisation's software may call the API with (client-credentials grant).

    OVAM registers it here, so a misbehaving client can be stopped without ACM. Its user row grants
    nothing (no password, no session): it only names the client on the records and history it files."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("organisation")
    )
    client_id = models.CharField(
        _("client id"), max_length=255, unique=True, help_text=_("As registered in ACM.")
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client", editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["client_id"]

    def __str__(self):
        return self.client_id

    def save(self, *args, **kwargs):
        if self.user_id is None:
            user, _created = User.objects.get_or_create(
                username=f"api:{self.client_id}"[:150],
                defaults={"first_name": "API-client", "last_name": self.client_id[:150]},
            )
            if _created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self.user = user
        super().save(*args, **kwargs)
