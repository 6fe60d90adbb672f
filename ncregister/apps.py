from django.apps import AppConfig


class NcregisterConfig(AppConfig):
    name = "ncregister"
    verbose_name = "Non-conformiteitenregister"

    def ready(self):
        from ncregister import checks  # noqa: F401  (registers the configuration checks)
