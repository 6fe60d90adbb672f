from django.urls import path

from submissions import customer_views, help_views, notice_views, upload_views, views

urlpatterns = [
    path("hulp/", help_views.help_page, name="submitter_help"),
    path("register/", views.home, name="register_home"),
    path("register/nieuw/", views.new, name="register_new"),
    path("register/datum/", views.date_facts, name="register_date_facts"),
    path("register/export.csv", views.export_csv, name="register_export_csv"),
    path("register/export.xlsx", views.export_xlsx, name="register_export_xlsx"),
    path("register/exports/", views.export_list, name="register_exports"),
    path(
        "register/exports/<int:export_pk>/download/", views.export_download, name="register_export_download"
    ),
    path("register/exports/<int:export_pk>/opnieuw/", views.export_restart, name="register_export_restart"),
    path("register/<int:pk>/", views.detail, name="register_detail"),
    path("register/<int:pk>/corrigeren/", views.correct, name="register_correct"),
    path("register/<int:pk>/intrekken/", views.withdraw, name="register_withdraw"),
    path("register/<int:pk>/melding/", notice_views.notice, name="register_notice"),
    path("register/<int:pk>/melding.pdf", notice_views.notice_pdf, name="register_notice_pdf"),
    path("register/<int:pk>/melding/verzonden/", notice_views.notice_sent, name="register_notice_sent"),
    path("register/<int:pk>/melding/email/", customer_views.notice_email, name="register_notice_email"),
    path("register/meldingen/", customer_views.notice_batch, name="register_notice_batch"),
    path(
        "register/klanten/overzicht/",
        customer_views.customer_overview_page,
        name="register_customer_overview",
    ),
    path(
        "register/klanten/overzicht.csv",
        customer_views.customer_overview_csv,
        name="register_customer_overview_csv",
    ),
    path(
        "register/klanten/overzicht.pdf",
        customer_views.customer_overview_pdf,
        name="register_customer_overview_pdf",
    ),
    path("register/foto/<int:photo_pk>/", views.photo, name="register_photo"),
    path("register/foto/<int:photo_pk>/klein/", views.photo_thumbnail, name="register_photo_thumbnail"),
    path("register/concept/weg/", views.discard_draft, name="register_draft_discard"),
    path("register/fotos/bewaard/", views.keep_photo, name="register_keep_photo"),
    path("register/fotos/bewaard/<int:kept_pk>/", views.kept_photo, name="register_kept_photo"),
    path("register/uploads/", upload_views.upload_index, name="upload_index"),
    path("register/uploads/sjabloon.<str:kind>", upload_views.upload_template, name="upload_template"),
    path("register/uploads/<int:upload_pk>/", upload_views.upload_detail, name="upload_detail"),
    path("register/uploads/<int:upload_pk>/status/", upload_views.upload_status, name="upload_status"),
    path("register/uploads/<int:upload_pk>/fouten.csv", upload_views.upload_errors, name="upload_errors"),
    path("register/uploads/<int:upload_pk>/bevestigen/", upload_views.upload_confirm, name="upload_confirm"),
    path("register/uploads/<int:upload_pk>/annuleren/", upload_views.upload_cancel, name="upload_cancel"),
    path("register/uploads/<int:upload_pk>/intrekken/", upload_views.upload_withdraw, name="upload_withdraw"),
]
