"""Response headers every answer carries, including the errors raised before the view (a bad Host).

Sits outside Django's SecurityMiddleware: an exception there (DisallowedHost) becomes a response that
the inner middleware never sees, so the defaults they would add are set here too.
"""

from django.conf import settings

# The portal uses none of these browser features. Taking photos still works: a file input with
# `capture` opens the phone's camera app, which is not the camera API this policy governs.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        headers = response.headers
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
        headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        # Pages for a signed-in person show records, uploads or personal data: a shared PC's browser
        # must not keep them (the back button after sign-out). A view may choose otherwise (photos).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
        return response
