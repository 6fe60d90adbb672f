from django.apps import AppConfig


class StandinConfig(AppConfig):
    name = "accounts.standin"
    label = "standin"
    default_auto_field = "django.db.models.AutoField"


class OIDCProviderConfig(AppConfig):
    # oidc_provider ships no default_auto_field; its migrations use AutoField.
    name = "oidc_provider"
    default_auto_field = "django.db.models.AutoField"
