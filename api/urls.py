from django.urls import path, re_path
from django.views.decorators.cache import never_cache
from drf_spectacular.views import SpectacularSwaggerSplitView, SpectacularYAMLAPIView

from api import views


def route(pattern, view, name):
    # Records and batches are an organisation's own data: no cache keeps any answer (no-store).
    return path(f"api/v1/{pattern}", never_cache(view), name=name)


urlpatterns = [
    route("openapi.yaml", SpectacularYAMLAPIView.as_view(), "api_schema"),
    # The split view serves its start-up script as a file of its own (?script): no inline script (CSP).
    route("docs", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), "api_docs"),
    route("afvalstromen", views.waste_streams, "api_waste_streams"),
    route("non-conformiteiten", views.non_conformities, "api_non_conformities"),
    route("non-conformiteiten/<int:pk>", views.non_conformity, "api_non_conformity"),
    route("non-conformiteiten/<int:pk>/intrekking", views.withdrawal, "api_withdrawal"),
    route("non-conformiteiten/<int:pk>/fotos", views.photos, "api_photos"),
    route("batches", views.batch_create, "api_batches"),
    route("batches/<int:upload_pk>", views.batch_detail, "api_batch"),
    # Anything else under /api/: a problem document, not the portal's HTML 404.
    re_path(r"^api/(?P<rest>.*)$", never_cache(views.not_found)),
]
