from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("sessie-verlopen/", views.session_ended, name="session_ended"),
    path("geen-toegang/", views.no_access, name="no_access"),
    path("hulp/lokale-beheerder/", views.help_local_admin, name="help"),
    path("wissel-organisatie/", views.switch_organisation, name="switch_organisation"),
]
