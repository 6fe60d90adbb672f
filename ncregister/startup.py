"""Start-up of the T&I/PRD processes: settings, logging for gunicorn, and the configuration checks as JSON."""

import copy
import logging
import sys

from ncregister.environment import load_settings_or_exit, select_settings

logger = logging.getLogger("ncregister.startup")


def load_settings():
    """Settings for a container process (NCR_ENV, default prd); a missing variable ends it with one line."""
    select_settings(default_env="prd")
    load_settings_or_exit()
    from django.conf import settings

    return settings


def gunicorn_logging():
    """Django's LOGGING, plus gunicorn's error and access loggers on the same handler (JSON in T&I/PRD)."""
    config = copy.deepcopy(load_settings().LOGGING)
    config.setdefault("filters", {})["gunicorn_access"] = {"()": "ncregister.logging.GunicornAccessFilter"}
    config["loggers"]["gunicorn.error"] = {"handlers": ["stdout"], "level": "INFO", "propagate": False}
    config["loggers"]["gunicorn.access"] = {
        "handlers": ["stdout"],
        "level": "INFO",
        "propagate": False,
        "filters": ["gunicorn_access"],
    }
    return config


def check_or_exit():
    """Django's system checks with the deployment checks, each finding one log line; any warning stops."""
    import django
    from django.core import checks

    django.setup()
    failed = False
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced():
            continue
        serious = message.level >= checks.WARNING
        failed = failed or serious
        logger.log(logging.ERROR if serious else logging.INFO, "system check %s: %s", message.id, message.msg)
    if failed:
        logger.error("configuration checks failed; not starting")
        sys.exit(1)
    logger.info("configuration checks passed")
