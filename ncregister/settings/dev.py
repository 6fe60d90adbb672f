"""A developer's machine: SQLite, the local ACM/IDM stand-in, no TLS."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-outside-a-laptop")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
os.environ.setdefault("DATABASE_URL", "sqlite:///" + os.path.join(os.getcwd(), "var", "db.sqlite3"))
os.environ.setdefault("ACMIDM_ISSUER", "http://127.0.0.1:8001/op")
os.environ.setdefault("NCR_IDM_URL", "https://vo-gebruikersbeheer-ti.vlaanderen.be/")
os.environ.setdefault("OIDC_RP_CLIENT_ID", "ncregister-dev")
os.environ.setdefault("OIDC_RP_CLIENT_SECRET", "ncregister-dev-secret")
os.environ.setdefault("NCR_STAFF_ORGCODES", "OVO000000")
os.environ.setdefault("NCR_SECURE_COOKIES", "false")
os.environ.setdefault("NCR_SSL_REDIRECT", "false")
os.environ.setdefault("NCR_HSTS_SECONDS", "0")
os.environ.setdefault("NCR_ALLOW_PASSWORD_LOGIN", "true")

from .base import *  # noqa: F403

NCR_ENV = "dev"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# SQLite keeps nc_org_observed without its included columns (they only save PostgreSQL a read of the table).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
