"""The audit trail in OVAM's admin: read-only, for OVAM managers only, filterable, exportable as CSV."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from accounts.permissions import GrantPermissionsMixin
from audit.events import Kind, filters_of, record
from audit.models import AuditEvent

CSV_FIELDS = [
    "at",
    "kind",
    "person_name",
    "organisation",
    "client_address",
    "path",
    "reason",
    "count",
    "details",
]


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEvent)
class AuditEventAdmin(GrantPermissionsMixin, admin.ModelAdmin):
    """Only a role granting audit.view_auditevent (OVAM-beheerders, accounts.permissions) sees it; nobody
    adds, changes or deletes."""

    list_display = ["at", "kind", "person_name", "organisation", "reason", "count", "client_address"]
    list_filter = [
        "kind",
        "at",
        ("person", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["person_name", "person__vo_id", "organisation__code", "organisation__name", "path"]
    date_hierarchy = "at"
    list_select_related = ["organisation"]
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    change_list_template = "audit/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="audit_auditevent_export"), *super().get_urls()]

    def export_view(self, request):
        """The events the list shows with its current filters, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_changelist_instance(request).get_queryset(request)
        record(request, Kind.EXPORT, count=events.count(), filters=filters_of(request), of="audit trail")
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow([AuditEvent._meta.get_field(name).verbose_name for name in CSV_FIELDS])
            for event in events.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        timezone.localtime(event.at).isoformat(),
                        event.kind,
                        event.person_name,
                        event.organisation.code if event.organisation else "",
                        event.client_address or "",
                        event.path,
                        event.reason,
                        "" if event.count is None else event.count,
                        event.details,
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
        return response
