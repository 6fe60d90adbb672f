"""Settings of the ACM/IDM stand-in process. Configured by env vars that __main__ sets from its arguments."""

import os
import sys
from pathlib import Path

if os.environ.get("NCR_ENV", "").strip().lower() in ("ti", "prd"):
    sys.exit(
        f"The ACM/IDM stand-in refuses to run with NCR_ENV={os.environ['NCR_ENV']}: "
        "it is a dev/test tool only."
    )

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = BASE_DIR.parents[1] / "var" / "standin.sqlite3"  # /var/ is git-ignored

PORT = int(os.environ.get("STANDIN_PORT", "8001"))
SITE_URL = f"http://127.0.0.1:{PORT}"  # fixed host, so the issuer never depends on the Host header
ISSUER = f"{SITE_URL}/op"
TEST_MODE = os.environ.get("STANDIN_TEST_MODE") == "1"
ROLE_CLAIM = os.environ.get("ACMIDM_ROLE_CLAIM") or "dv_ovam_ncr_rol_3d"

# Dev-only tool; a fixed key keeps sign-ins valid across restarts.
SECRET_KEY = os.environ.get("STANDIN_SECRET_KEY", "standin-dev-only-not-a-secret-3f9a1c")
DEBUG = os.environ.get("STANDIN_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts.standin.apps.OIDCProviderConfig",
    "accounts.standin.apps.StandinConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "accounts.standin.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STANDIN_DB") or str(DEFAULT_DB),
        # Browser and portal backend hit us concurrently: WAL + waiting beats "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Own cookie names and path: cookies ignore ports, so on 127.0.0.1 the portal would otherwise share them.
SESSION_COOKIE_NAME = "standin_sessionid"
CSRF_COOKIE_NAME = "standin_csrftoken"
SESSION_COOKIE_PATH = "/op"
CSRF_COOKIE_PATH = "/op"
SESSION_COOKIE_AGE = 2 * 60 * 60  # ACM's SSO session lasts at most 2 hours

LANGUAGE_CODE = "nl-be"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/op/static/"

LOGIN_URL = "/op/login"
OIDC_LOGIN_URL = LOGIN_URL
OIDC_IDTOKEN_PROCESSING_HOOK = "accounts.standin.claims.idtoken_hook"
OIDC_USERINFO = "accounts.standin.claims.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "accounts.standin.claims.StandinScopeClaims"
OIDC_IDTOKEN_SUB_GENERATOR = "accounts.standin.claims.sub_generator"
OIDC_IDTOKEN_EXPIRE = 60 * 60  # ACM: 1 hour
OIDC_TOKEN_EXPIRE = 60 * 60
OIDC_CODE_EXPIRE = 30  # ACM: redeem the code within about 30 seconds

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
