from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts.oidc import SignOutView

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Before the library's own: the same URL and name, with the "signed out" message.
    path("oidc/logout/", SignOutView.as_view(), name="oidc_logout"),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("", include("api.urls")),
    path("", include("accounts.urls")),
    path("", include("submissions.urls")),
]

handler403 = "ncregister.views.permission_denied"
handler404 = "ncregister.views.page_not_found"
handler500 = "ncregister.views.server_error"
