"""The test suite: PostgreSQL (DATABASE_URL or the local server), otherwise like dev."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ncregister")

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; test users only
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Serve static files from the source folders; no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests upload many files as one person; tests/security/test_fair_use.py sets the limits it checks.
NCR_UPLOADS_WAITING_PER_ORGANISATION = 1000
NCR_UPLOADS_PER_PERSON_PER_HOUR = 1000
