"""Generous limits per client address (sign-in attempts, organisation switches), counted in the shared
database cache so they hold across every web container. Offices share one address: limits are high."""

import math
import time

from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from ncregister.client_address import client_address


def over_limit(scope, key, limit, window_seconds):
    """Count one hit for `key` in the current window; the seconds to wait when over `limit`, else 0."""
    now = time.time()
    window = int(now // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    count = 1
    if not cache.add(cache_key, 1, window_seconds + 5):
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(cache_key, 1, window_seconds + 5)
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * window_seconds - now))


def over_address_limit(request, scope, limit, window_seconds=60):
    return over_limit(scope, client_address(request) or "unknown", limit, window_seconds)


def too_many_requests(request, message, retry_after):
    """The Dutch "try again later" page, HTTP 429 with Retry-After."""
    response = render(
        request, "error.html", {"title": _("Please wait a moment"), "message": message}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response
