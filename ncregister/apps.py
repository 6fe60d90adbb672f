from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NcregisterConfig(AppConfig):
    name = "ncregister"
    verbose_name = "Non-conformiteitenregister"

    def ready(self):
        from ncregister import checks  # noqa: F401  (registers the configuration checks)


class NcrAdminConfig(AdminConfig):
    default_site = "ncregister.admin_site.NcrAdminSite"
