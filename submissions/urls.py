from django.urls import path

from submissions import upload_views, views

urlpatterns = [
    path("register/", views.home, name="register_home"),
    path("register/uploads/", upload_views.upload_index, name="upload_index"),
    path("register/uploads/sjabloon.<str:kind>", upload_views.upload_template, name="upload_template"),
    path("register/uploads/<int:pk>/", upload_views.upload_detail, name="upload_detail"),
    path("register/uploads/<int:pk>/status/", upload_views.upload_status, name="upload_status"),
    path("register/uploads/<int:pk>/fouten.csv", upload_views.upload_errors, name="upload_errors"),
]
