from django.contrib import admin

from accounts.permissions import GrantPermissionsMixin
from submissions.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"  # a few hundred rows: scanning their dates is free
    search_fields = ["name"]
    show_facets = admin.ShowFacets.NEVER
