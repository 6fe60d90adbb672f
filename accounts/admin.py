"""Organisations (reference data for OVAM-beheerders) and people (read-only: ACM/IDM owns them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from accounts.models import ApiClient, Organisation, User
from accounts.permissions import GrantPermissionsMixin
from ncregister.admin_site import ReadOnlyAdmin


class AudienceFilter(admin.SimpleListFilter):
    """ACM's target group code; organisations without one get a named choice (an empty link has no name)."""

    title = gettext_lazy("audience")
    parameter_name = "audience"
    NONE = "-"

    def lookups(self, request, model_admin):
        codes = Organisation.objects.order_by("audience").values_list("audience", flat=True).distinct()
        return [(code or self.NONE, code or gettext_lazy("(none)")) for code in codes]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(audience="" if value == self.NONE else value)


class ApiClientInline(GrantPermissionsMixin, admin.TabularInline):
    """The ACM/IDM clients the organisation's software may use; switch one off to stop it at once."""

    model = ApiClient
    fields = ["client_id", "description", "enabled", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # records name the client: switch it off instead

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields


@admin.register(Organisation)
class OrganisationAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    list_display = ["name", "code", "audience", "api_enabled", "updated_at"]
    inlines = [ApiClientInline]
    search_fields = ["name", "code"]
    list_filter = [AudienceFilter, "api_enabled"]
    readonly_fields = ["created_at", "updated_at"]
    show_facets = admin.ShowFacets.NEVER

    def has_delete_permission(self, request, obj=None):
        # Records point to their collector; an organisation is never removed.
        return False

    def get_readonly_fields(self, request, obj=None):
        # The code ties a sign-in (vo_orgcode) to its records: changing it hands them to someone else.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """People appear at their first ACM/IDM sign-in; their rights come from the role claim of each
    sign-in and live in that session only, so nothing here is edited by hand."""

    list_display = ["__str__", "vo_id", "staff_signed_in_at", "last_login"]
    list_filter = [("staff_signed_in_at", admin.EmptyFieldListFilter)]
    search_fields = ["first_name", "last_name", "vo_id"]
    fields = [
        "vo_id",
        "first_name",
        "last_name",
        "staff_signed_in_at",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    readonly_fields = fields
    show_facets = admin.ShowFacets.NEVER
