"""OVAM's admin: reached by signing in through ACM/IDM; password login only as break-glass for superusers."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.permissions import GrantPermissionsMixin


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(
                _("Password sign-in is only for emergency administrators."), code="invalid_login"
            )


def may_change_password(request):
    user = request.user
    return settings.NCR_ALLOW_PASSWORD_LOGIN and user.is_superuser and user.has_usable_password()


class NcrAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Non-conformity register – OVAM")
    site_title = gettext_lazy("Non-conformity register")
    index_title = gettext_lazy("Review and reference data")
    login_form = SuperuserAuthenticationForm

    enable_nav_sidebar = False  # the list needs the width (it fits 1280 px); the home page lists all

    def each_context(self, request):
        return {**super().each_context(request), "may_change_password": may_change_password(request)}

    def password_change(self, request, extra_context=None):
        # People who sign in through ACM/IDM have no password here: only the break-glass superuser.
        if not may_change_password(request):
            raise PermissionDenied
        return super().password_change(request, extra_context)

    def password_change_done(self, request, extra_context=None):
        if not may_change_password(request):
            raise PermissionDenied
        return super().password_change_done(request, extra_context)

    def has_permission(self, request):
        # The session's grant decides (never the user row), so a session signed in for a collector
        # never sees the admin, whatever another session of the same person holds.
        return permissions.may_use_admin(request)

    def logout(self, request, extra_context=None):
        # End the ACM/IDM session too, or the next person at this PC is signed in as this staff member.
        from mozilla_django_oidc.views import OIDCLogoutView

        return OIDCLogoutView.as_view()(request)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            from ncregister.views import permission_denied

            return permission_denied(request)
        if settings.NCR_ALLOW_PASSWORD_LOGIN and (request.GET.get("wachtwoord") or request.method == "POST"):
            return super().login(request, extra_context)
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('oidc_authentication_init')}?{urlencode({'next': next_url})}")


class ReadOnlyAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    """Shown to OVAM, written only elsewhere (sign-in, the upload worker)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
