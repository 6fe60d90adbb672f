"""Organisations (reference data for OVAM-beheerders) and people (read-only: ACM/IDM owns them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from ncregister.admin_site import ReadOnlyAdmin


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "audience", "updated_at"]
    search_fields = ["name", "code"]
    list_filter = ["audience"]
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
    """People appear at their first ACM/IDM sign-in; rights come from their role claim at each sign-in,
    so nothing here is edited by hand."""

    list_display = ["__str__", "vo_id", "is_staff", "roles", "last_login"]
    list_filter = ["is_staff", "groups"]
    search_fields = ["first_name", "last_name", "vo_id"]
    fields = [
        "vo_id",
        "first_name",
        "last_name",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    ]
    readonly_fields = fields
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("roles at the last sign-in"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())
