from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.landing, name="landing"),
]
