from django.urls import path, re_path

from api import views

urlpatterns = [
    path("api/v1/afvalstromen", views.waste_streams, name="api_waste_streams"),
    path("api/v1/non-conformiteiten", views.non_conformities, name="api_non_conformities"),
    path("api/v1/non-conformiteiten/<int:pk>", views.non_conformity, name="api_non_conformity"),
    path("api/v1/non-conformiteiten/<int:pk>/intrekking", views.withdrawal, name="api_withdrawal"),
    path("api/v1/non-conformiteiten/<int:pk>/fotos", views.photos, name="api_photos"),
    # Anything else under /api/: a problem document, not the portal's HTML 404.
    re_path(r"^api/(?P<rest>.*)$", views.not_found),
]
