from django.urls import path, re_path
from django.views.decorators.cache import never_cache

from api import views


def route(pattern, view, name):
    # Records are an organisation's own data: no cache keeps any answer (no-store).
    return path(f"api/v1/{pattern}", never_cache(view), name=name)


urlpatterns = [
    route("afvalstromen", views.waste_streams, "api_waste_streams"),
    route("non-conformiteiten", views.non_conformities, "api_non_conformities"),
    route("non-conformiteiten/<int:pk>", views.non_conformity, "api_non_conformity"),
    route("non-conformiteiten/<int:pk>/intrekking", views.withdrawal, "api_withdrawal"),
    route("non-conformiteiten/<int:pk>/fotos", views.photos, "api_photos"),
    # Anything else under /api/: a problem document, not the portal's HTML 404.
    re_path(r"^api/(?P<rest>.*)$", never_cache(views.not_found)),
]
