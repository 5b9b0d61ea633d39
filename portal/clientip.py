"""What is the client's address? One answer for every rate limit and consent record.

Behind the README's TLS proxy every connection comes from the proxy (REMOTE_ADDR), and the
visitor's address is in X-Forwarded-For, which each proxy extends with the peer it saw. Only
the entries our own proxies wrote can be trusted: anything to their left was sent by the
visitor and may be invented. ``TRUSTED_PROXY_COUNT`` (default 0: no proxy, REMOTE_ADDR is the
visitor) says how many proxies stand in front; the client is the entry that many places from
the right. allauth reads the same value (``ALLAUTH_TRUSTED_PROXY_COUNT``) and its adapter asks
this function, so login limits, signup limits and the newsletter count the same address.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings


def _clean(value: str) -> str | None:
    """A textual IP address without port or brackets, or None if ``value`` is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The visitor's address: from X-Forwarded-For through TRUSTED_PROXY_COUNT proxies, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        chain = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if chain:
            # Fewer hops than proxies: the request skipped the outer ones; the first hop is the nearest truth.
            address = _clean(chain[-count] if len(chain) >= count else chain[0])
            if address:
                return address
    return _clean(remote) or remote
