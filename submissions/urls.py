from django.urls import path

from submissions import views

urlpatterns = [
    path("register/", views.home, name="register_home"),
]
