from django.contrib import admin

from ncregister.admin_site import ReadOnlyAdmin
from submissions.models import Upload


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """What collectors uploaded and how it ended; written only by the upload worker."""

    list_display = [
        "file_name",
        "organisation",
        "uploaded_by",
        "received_at",
        "status",
        "row_count",
        "error_count",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation", "uploaded_by"]
    search_fields = ["file_name", "organisation__name", "sha256"]
    fields = list_display + ["sha256", "finished_at"]
    readonly_fields = fields
    show_facets = admin.ShowFacets.NEVER
