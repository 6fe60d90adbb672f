"""Configuration validated at start-up, so a wrong deployment fails loudly before serving anyone."""

import re

from django.conf import settings
from django.core.checks import Error, Info, Tags, register


@register(Tags.security, deploy=False)
def check_environment(app_configs, **kwargs):
    errors = []
    if settings.NCR_ENV not in {"dev", "ti", "prd"}:
        errors.append(
            Error(f"NCR_ENV is {settings.NCR_ENV!r}; expected dev, ti or prd.", id="ncregister.E001")
        )
    if settings.NCR_ENV in {"ti", "prd"}:
        if not settings.ACMIDM_ISSUER.startswith("https://"):
            errors.append(Error("ACMIDM_ISSUER must use https in T&I and PRD.", id="ncregister.E002"))
        if not settings.NCR_STAFF_ORGCODES:
            errors.append(
                Error("NCR_STAFF_ORGCODES must name OVAM's organisation code.", id="ncregister.E003")
            )
        if settings.DEBUG:
            errors.append(Error("DJANGO_DEBUG must be off in T&I and PRD.", id="ncregister.E004"))
        if "OVO000000" in settings.NCR_STAFF_ORGCODES:
            errors.append(Error("NCR_STAFF_ORGCODES holds the demo code OVO000000.", id="ncregister.E005"))
        if not settings.SESSION_COOKIE_SECURE:
            errors.append(Error("NCR_SECURE_COOKIES must be on in T&I and PRD.", id="ncregister.E006"))
    return errors


# Secret keys that are known to the world: the dev default, the image build's and the example file's.
PLACEHOLDER_SECRET_KEYS = {
    "dev-only-insecure-key-never-used-outside-a-laptop",
    "build-only",
    "change-me-to-a-long-random-string",
}
OVO_CODE = re.compile(r"^OVO\d{6}$")
ONE_DAY_MINUTES = 24 * 60


def unsafe_settings():
    """(id number, message) for each setting that must never reach PRD."""
    found = []
    if settings.NCR_ALLOW_PASSWORD_LOGIN:
        found.append((101, "NCR_ALLOW_PASSWORD_LOGIN is on: password sign-in to the admin bypasses ACM/IDM."))
    if "*" in settings.ALLOWED_HOSTS:
        found.append((102, "DJANGO_ALLOWED_HOSTS contains '*': any Host header is accepted."))
    key = settings.SECRET_KEY
    if key in PLACEHOLDER_SECRET_KEYS or "change-me" in key.lower() or "changeme" in key.lower():
        found.append((103, "DJANGO_SECRET_KEY is a placeholder value; generate a random one."))
    if (
        settings.NCR_SESSION_MAX_MINUTES > ONE_DAY_MINUTES
        or settings.NCR_SESSION_IDLE_MINUTES > ONE_DAY_MINUTES
        or settings.SESSION_COOKIE_AGE > ONE_DAY_MINUTES * 60
    ):
        found.append(
            (104, "Sessions may last longer than a day (NCR_SESSION_MAX_MINUTES, NCR_SESSION_IDLE_MINUTES).")
        )
    wrong = [code for code in settings.NCR_STAFF_ORGCODES if not OVO_CODE.match(code)]
    if wrong:
        found.append(
            (
                105,
                f"NCR_STAFF_ORGCODES holds {', '.join(wrong)}: OVAM's code is an OVO code (OVO + 6 digits).",
            )
        )
    return found


@register(Tags.security, deploy=True)
def check_unsafe_settings(app_configs, **kwargs):
    """`check --deploy`: an error in PRD; in T&I reported (Info, so the container still starts)."""
    if settings.NCR_ENV == "prd":
        return [Error(message, id=f"ncregister.E{number}") for number, message in unsafe_settings()]
    if settings.NCR_ENV == "ti":
        return [
            Info(f"{message} (an error in PRD)", id=f"ncregister.I{number}")
            for number, message in unsafe_settings()
        ]
    return []
