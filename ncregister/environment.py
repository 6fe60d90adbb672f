"""Pick the settings module from NCR_ENV before Django loads settings."""

import importlib
import json
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
        line = f"Configuration error: {exc}"
        if json_logs():
            line = json.dumps({"level": "CRITICAL", "logger": "ncregister.startup", "message": line})
        sys.exit(line)


def json_logs():
    """Whether this process logs JSON: T&I and PRD unless NCR_LOG_FORMAT says otherwise (settings agree)."""
    default = "text" if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith((".dev", ".test")) else "json"
    return (os.environ.get("NCR_LOG_FORMAT") or default) == "json"
