"""Configuration validated at start-up, so a wrong deployment fails loudly before serving anyone."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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
