import logging

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.apps import AdminConfig


class NcregisterConfig(AppConfig):
    name = "ncregister"
    verbose_name = "Non-conformiteitenregister"

    def ready(self):
        from django.db.models.signals import post_migrate

        from ncregister import checks  # noqa: F401  (registers the configuration checks)
        from ncregister.dbroles import after_migrate
        from ncregister.logging import log_uncaught_exceptions

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="ncregister.grant_app_role")
        if settings.NCR_LOG_FORMAT == "json":  # every line a JSON line: tracebacks and warnings too
            log_uncaught_exceptions()
            logging.captureWarnings(True)


class NcrAdminConfig(AdminConfig):
    default_site = "ncregister.admin_site.NcrAdminSite"
