from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Non-conformities")

    def ready(self):
        from submissions import checks  # noqa: F401  (registers the holiday table check)
        from submissions.reference import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="ncr_reference_data")
