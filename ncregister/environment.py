"""Pick the settings module from NCR_ENV before Django loads settings."""

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("dev", "ti", "prd")


class ConfigurationError(ImproperlyConfigured):
    """An environment variable is missing or unreadable; start-up prints it as one line."""


def select_settings(default_env):
    """Point DJANGO_SETTINGS_MODULE at ncregister.settings.<NCR_ENV>; an explicit value still wins."""
    env = os.environ.get("NCR_ENV") or default_env
    if env not in ENVIRONMENTS:
        sys.exit(f"NCR_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"ncregister.settings.{env}")


def load_settings_or_exit():
    """Import the settings now, so a missing variable stops start-up with one line instead of a traceback."""
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigurationError as exc:
        sys.exit(f"Configuration error: {exc}")
