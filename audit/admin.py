"""The audit trail in OVAM's admin: read-only, for OVAM managers only, filterable, exportable as CSV."""

import itertools
import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone

from audit.events import Kind, filters_of, record
from audit.models import AuditEvent
from ncregister.admin_site import ReadOnlyAdmin
from submissions.downloads import csv_download

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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
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

    def get_actions(self, request):
        return {}

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="audit_auditevent_export"), *super().get_urls()]

    def export_view(self, request):
        """The events the list shows with its current filters, as CSV (the portal's CSV: `;`, formulas
        neutralised, so a name starting with = stays text)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_changelist_instance(request).get_queryset(request)
        record(request, Kind.EXPORT, count=events.count(), filters=filters_of(request), of="audit trail")
        header = [AuditEvent._meta.get_field(name).verbose_name for name in CSV_FIELDS]
        rows = (
            [
                timezone.localtime(event.at).isoformat(),
                event.kind,
                event.person_name,
                event.organisation.code if event.organisation else "",
                event.client_address,
                event.path,
                event.reason,
                event.count,
                json.dumps(event.details, ensure_ascii=False),
            ]
            for event in events.iterator(chunk_size=2000)
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return csv_download(itertools.chain([header], rows), f"audit-{stamp}.csv", streaming=True)
