from django.contrib import admin

from accounts.permissions import GrantPermissionsMixin
from submissions.models import WasteStream


@admin.register(WasteStream)
class WasteStreamAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    list_display = ["number", "name", "valid_from", "valid_until"]
    list_display_links = ["number", "name"]
    search_fields = ["name"]
    show_facets = admin.ShowFacets.NEVER

    def has_delete_permission(self, request, obj=None):
        # Records refer to streams; an outdated stream gets a "valid until" date instead.
        return False
