"""Settings shared by every environment.

This is the only module that reads the environment. The per-environment modules
(dev, ti, prd, test) set defaults with ``os.environ.setdefault`` before importing
this one, or override a few values after it.
"""

import os
from pathlib import Path

import dj_database_url

from ncregister.environment import ConfigurationError
from ncregister.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent


_MISSING = object()


def config(name, default=_MISSING):
    """The variable `name`; `<name>_FILE` may name a file that holds it instead (a container secret)."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if path:
        if value:
            raise ConfigurationError(f"Set {name} or {name}_FILE, not both.")
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE: cannot read {path} ({exc.strerror}).") from None
    if value is None or value == "":
        if default is _MISSING:
            raise ConfigurationError(f"Environment variable {name} is required but not set.")
        return default
    return value


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def config_bool(name, default):
    """Strict: a typo such as `ture` stops start-up instead of quietly meaning "off"."""
    value = config(name, str(default)).strip().lower()
    if value not in TRUE | FALSE:
        raise ConfigurationError(f"Environment variable {name} must be true or false, not {value!r}.")
    return value in TRUE


def config_int(name, default):
    value = config(name, str(default)).strip()
    if not (value.isascii() and value.isdigit()):
        raise ConfigurationError(f"Environment variable {name} must be a whole number, not {value!r}.")
    return int(value)


def config_list(name, default=_MISSING):
    return [item.strip() for item in config(name, default).split(",") if item.strip()]


# Set by each environment module: "dev", "ti" or "prd".
NCR_ENV = None

SECRET_KEY = config("DJANGO_SECRET_KEY")
DEBUG = config_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = config_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = config_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "ncregister.apps.NcrAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mozilla_django_oidc",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "worker",
    "ncregister.apps.NcregisterConfig",
    "accounts",
    "submissions",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "ncregister.middleware.RequestLogMiddleware",
    # Outside everything that can refuse a request (a bad Host): error answers get the same headers.
    "ncregister.headers.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ncregister.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ncregister.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.GrantMiddleware",
    "api.middleware.ApiMiddleware",
]

ROOT_URLCONF = "ncregister.urls"
WSGI_APPLICATION = "ncregister.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ncregister.context_processors.environment",
            ],
        },
    },
]

# Database: DATABASE_URL, or (dev only, see dev.py) a local SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL"),
        conn_max_age=config_int("NCR_DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", config_int("NCR_DB_CONNECT_TIMEOUT", "5"))
    # The portal reads every row of a server-side cursor (exports, .iterator()): plan for all of them,
    # not for the first tenth as PostgreSQL does by default (for the largest collector's export that plan
    # walked every organisation's date index: 12.6 s instead of 3.4 s).
    options.setdefault("options", "-c cursor_tuple_fraction=1")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ncr_cache"}}

# Sessions live in the database so any web container can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
# Strict would drop the session on the redirect back from ACM/IDM.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = config_bool("NCR_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# __Host-: the browser accepts these cookies only over HTTPS, for this exact host and path / (T&I, PRD).
_COOKIE_PREFIX = "__Host-" if SESSION_COOKIE_SECURE else ""
SESSION_COOKIE_NAME = f"{_COOKIE_PREFIX}ncr_sessionid"
CSRF_COOKIE_NAME = f"{_COOKIE_PREFIX}ncr_csrftoken"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_NAME = "ncr_language"

SECURE_SSL_REDIRECT = config_bool("NCR_SSL_REDIRECT", True)
# The health endpoints must answer a container check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# No SECURE_PROXY_SSL_HEADER: gunicorn sets the scheme from X-Forwarded-Proto only for requests from
# NCR_TRUSTED_PROXIES (gunicorn.conf.py), so a client cannot claim HTTPS by sending the header itself.
SECURE_HSTS_SECONDS = config_int("NCR_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Chrome applies form-action to redirects too: logout and switching post here, then go to ACM/IDM.
        "form-action": ["'self'"],  # plus the ACM/IDM origin, set below
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch (Belgium) by default, English on request; no language prefix in URLs.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(config("NCR_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # NCR_MEDIA_ROOT, or S3 below
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Photos and uploaded files in S3-compatible object storage (several hosts, no shared filesystem).
NCR_S3_BUCKET = config("NCR_S3_BUCKET", "")
if NCR_S3_BUCKET:
    STORAGES["default"] = s3_storage(
        bucket=NCR_S3_BUCKET,
        endpoint_url=config("NCR_S3_ENDPOINT_URL", ""),
        region=config("NCR_S3_REGION", ""),
        access_key=config("NCR_S3_ACCESS_KEY_ID"),
        secret_key=config("NCR_S3_SECRET_ACCESS_KEY"),
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- ACM/IDM (OpenID Connect) -------------------------------------------------
ACMIDM_ISSUER = config("ACMIDM_ISSUER").rstrip("/")
ACMIDM_ORIGIN = "/".join(ACMIDM_ISSUER.split("/")[:3])
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = ["'self'", ACMIDM_ORIGIN]
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ACMIDM_ISSUER}/v1/auth"
# IDM's "Gebruikersbeheer", where an organisation's local administrator grants rights; T&I and PRD differ.
NCR_IDM_URL = config("NCR_IDM_URL")
OIDC_OP_TOKEN_ENDPOINT = f"{ACMIDM_ISSUER}/v1/token"
OIDC_OP_JWKS_ENDPOINT = f"{ACMIDM_ISSUER}/v1/keys"
OIDC_OP_USER_ENDPOINT = f"{ACMIDM_ISSUER}/v1/userinfo"
OIDC_OP_LOGOUT_ENDPOINT = f"{ACMIDM_ISSUER}/v1/logout"
OIDC_RP_CLIENT_ID = config("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = config("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = config("ACMIDM_SCOPES", "openid profile vo dv_ovam_ncr")
ACMIDM_ACR_VALUES = config("ACMIDM_ACR_VALUES", "")
ACMIDM_ROLE_CLAIM = config("ACMIDM_ROLE_CLAIM", "dv_ovam_ncr_rol_3d")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.provider_logout_url"
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.AuthenticationRequestView"
OIDC_CALLBACK_CLASS = "accounts.oidc.CallbackView"
ACMIDM_JWKS_CACHE_SECONDS = 3600
# After an unusable JWKS answer, sign-ins are refused this long before the provider is asked again.
ACMIDM_JWKS_BACKOFF_SECONDS = 5
# ACM/IDM documents neither max_age nor auth_time: require auth_time only once verified in T&I.
ACMIDM_REQUIRE_AUTH_TIME = config_bool("ACMIDM_REQUIRE_AUTH_TIME", False)
LOGIN_URL = "oidc_authentication_init"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "landing"

# The machine interface (api/): bearer tokens from the client-credentials grant, checked by introspection.
# The API scope is fixed in the integration file with ACM.
ACMIDM_API_SCOPE = config("ACMIDM_API_SCOPE", "dv_ovam_ncr_api")
# Per API client per minute (429 with Retry-After beyond), the size of one request (413), the items of one
# JSON batch, and how long an Idempotency-Key is remembered.
NCR_API_REQUESTS_PER_MINUTE = config_int("NCR_API_REQUESTS_PER_MINUTE", "600")
NCR_API_MAX_REQUEST_MB = config_int("NCR_API_MAX_REQUEST_MB", "20")
NCR_API_BATCH_MAX_ITEMS = config_int("NCR_API_BATCH_MAX_ITEMS", "1000")
NCR_API_IDEMPOTENCY_HOURS = 24
NCR_API_INTROSPECTION_CACHE_SECONDS = 60  # at most; never past the token's expiry
NCR_API_INTROSPECTION_TIMEOUT = 5
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.IntrospectionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.IsApiClient"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OVAM non-conformiteitenregister API",
    "DESCRIPTION": (
        "Inzamelaars melden non-conformiteiten vanuit hun eigen software. Elke oproep draagt een "
        "toegangstoken van ACM/IDM (client-credentials, scopes `vo_info` en de API-scope)."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.0.3",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from the online validator (an outside image the CSP would block anyway).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "tryItOutEnabled": False},
}

# Break-glass: password login to the admin for superusers made with createsuperuser (off in T&I/PRD).
NCR_ALLOW_PASSWORD_LOGIN = config_bool("NCR_ALLOW_PASSWORD_LOGIN", False)
AUTHENTICATION_BACKENDS = ["accounts.oidc.ACMIDMBackend"] + (
    ["django.contrib.auth.backends.ModelBackend"] if NCR_ALLOW_PASSWORD_LOGIN else []
)

# --- Portal knobs ----------------------------------------------------------
NCR_SESSION_IDLE_MINUTES = config_int("NCR_SESSION_IDLE_MINUTES", "30")
NCR_SESSION_MAX_MINUTES = config_int("NCR_SESSION_MAX_MINUTES", "120")
# The cookie lives no longer than the session may (Django's default is 14 days).
SESSION_COOKIE_AGE = NCR_SESSION_MAX_MINUTES * 60
# Photos sent with a form that was not saved yet (a validation error) are kept this long for that person.
NCR_KEPT_PHOTO_HOURS = config_int("NCR_KEPT_PHOTO_HOURS", "4")
# A draft of the new-record form (kept on the server while typing) is offered back this many days.
NCR_DRAFT_DAYS = config_int("NCR_DRAFT_DAYS", "7")
NCR_UPLOAD_MAX_MB = config_int("NCR_UPLOAD_MAX_MB", "20")
NCR_UPLOAD_MAX_ROWS = config_int("NCR_UPLOAD_MAX_ROWS", "100000")
# A checked upload waits this long for the person to confirm it; then housekeeping purges it and its file.
NCR_PREVIEW_HOURS = config_int("NCR_PREVIEW_HOURS", "24")
# Background work (uploads): django-tasks with its database backend, so the queue lives in the same
# database (SQLite for `make run`, PostgreSQL in T&I/PRD) and any number of `manage.py worker`
# processes or containers can take jobs from it (worker/runner.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}}
# Fair use: uploads waiting or running per organisation, uploads per person per hour (HTTP 429 beyond),
# and per client address per minute: sign-in attempts and organisation switches (offices share an address).
NCR_UPLOADS_WAITING_PER_ORGANISATION = config_int("NCR_UPLOADS_WAITING_PER_ORGANISATION", "3")
NCR_UPLOADS_PER_PERSON_PER_HOUR = config_int("NCR_UPLOADS_PER_PERSON_PER_HOUR", "20")
NCR_SIGN_INS_PER_ADDRESS_PER_MINUTE = config_int("NCR_SIGN_INS_PER_ADDRESS_PER_MINUTE", "120")
NCR_SWITCHES_PER_ADDRESS_PER_MINUTE = config_int("NCR_SWITCHES_PER_ADDRESS_PER_MINUTE", "60")
# The security audit trail (audit/) keeps events this many days; `manage.py housekeeping` purges older ones.
NCR_AUDIT_RETENTION_DAYS = config_int("NCR_AUDIT_RETENTION_DAYS", "730")
# Our own reverse proxies / load balancers (comma-separated addresses or networks): the client address is
# read from X-Forwarded-For only through these (audit trail, limits per address).
NCR_TRUSTED_PROXIES = config_list("NCR_TRUSTED_PROXIES", "")
# A running job's lease; its worker renews it every quarter of this. A job whose lease ran out goes
# back on the queue, and after NCR_WORKER_MAX_ATTEMPTS tries it is given up (an upload ends "failed").
NCR_WORKER_LEASE_SECONDS = config_int("NCR_WORKER_LEASE_SECONDS", 60)
NCR_WORKER_MAX_ATTEMPTS = config_int("NCR_WORKER_MAX_ATTEMPTS", 3)
# On SIGTERM the job in hand may run this long, then it goes back on the queue (keep it below the
# orchestrator's stop grace period: compose's stop_grace_period for the worker is 300 s).
NCR_WORKER_STOP_SECONDS = config_int("NCR_WORKER_STOP_SECONDS", 240)
# `manage.py housekeeping` removes finished job rows after this many days.
NCR_JOB_RESULTS_DAYS = config_int("NCR_JOB_RESULTS_DAYS", 30)
# The role web and worker connect as (PostgreSQL): `migrate` (run as the owner) grants it what it needs and no
# more (ncregister/dbroles.py). Empty: no grants (a single-role database, as in development).
NCR_DB_APP_ROLE = config("NCR_DB_APP_ROLE", "")
# E-mail (the customer notices, sent by the worker) through Django's SMTP backend; without a host and a sender
# the portal offers no e-mail.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = config("NCR_SMTP_HOST", "")
EMAIL_PORT = config_int("NCR_SMTP_PORT", "25")
EMAIL_HOST_USER = config("NCR_SMTP_USER", "")
EMAIL_HOST_PASSWORD = config("NCR_SMTP_PASSWORD", "")
EMAIL_USE_TLS = config_bool("NCR_SMTP_STARTTLS", False)
EMAIL_USE_SSL = config_bool("NCR_SMTP_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigurationError("Set NCR_SMTP_STARTTLS or NCR_SMTP_SSL, not both.")
EMAIL_TIMEOUT = config_int("NCR_SMTP_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = config("NCR_MAIL_FROM", "")
# OVAM's own organisation code(s): staff rights count only when signed in for one of these.
NCR_STAFF_ORGCODES = [code.upper() for code in config_list("NCR_STAFF_ORGCODES")]

NCR_LOG_FORMAT = config("NCR_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ncregister.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ncregister.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": NCR_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": config("NCR_LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request log line replaces Django's own per-request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # a line per rendering step otherwise
        "fontTools": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "ncregister.views.csrf_failure"
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # a record takes at most 5 photos; an upload one file
