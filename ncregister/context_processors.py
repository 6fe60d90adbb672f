from django.conf import settings
from django.utils.translation import gettext_lazy as _

BANNERS = {
    "dev": _("Development – local ACM/IDM"),
    "ti": _("Test & Integration"),
}


def environment(request):
    return {
        "ncr_env": settings.NCR_ENV,
        "ncr_env_banner": BANNERS.get(settings.NCR_ENV),
        # Rights are granted separately in T&I and PRD; help and no-access pages name the right one.
        "idm_environment": "PRD" if settings.NCR_ENV == "prd" else "T&I",
        "idm_url": settings.NCR_IDM_URL,
    }
