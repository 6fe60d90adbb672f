"""The client's address as our own proxies saw it (offices share one address; proxies forward it)."""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted_networks(spec):
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.NCR_TRUSTED_PROXIES)))


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(request):
    """REMOTE_ADDR, unless that is a trusted proxy: then X-Forwarded-For read from the right, skipping our
    own proxies. Entries left of the first untrusted one are the client's to forge, so never used."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    while _is_trusted(address) and hops:
        hop = _valid(hops.pop())
        if hop is None:
            break  # a proxy passed on nonsense: the last address we could trust is the answer
        address = hop
    return _valid(address)
