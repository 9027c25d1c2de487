"""Which addresses and host names an import may reach.

Always refused: unspecified, multicast, link-local (incl. the cloud metadata address
169.254.169.254 and fe80::/10), reserved, IPv4-mapped IPv6 (unless private networks
are allowed, when the embedded IPv4 address is judged instead), and anything not
globally routable. Refused unless ``allow_private``: loopback, RFC 1918 private,
CGNAT 100.64.0.0/10 and IPv6 unique-local fc00::/7. 6to4 and Teredo addresses are
judged by the IPv4 address they embed.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_ULA = ipaddress.ip_network("fc00::/7")


def refusal(ip: IPAddress, allow_private: bool) -> str | None:
    """Why ``ip`` may not be reached (``None`` when it may)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip.ipv4_mapped is not None and not allow_private:
            return "an IPv4-mapped IPv6 address"
        if embedded is not None:
            return refusal(embedded, allow_private)
    always = _always_refused(ip)
    if always:
        return always
    private = _private_kind(ip)
    if private:
        return None if allow_private else private
    return None if ip.is_global else "a non-public address"


def _always_refused(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata range)"
    if ip.is_reserved and not ip.is_loopback:
        return "a reserved address"
    return None


def _private_kind(ip: IPAddress) -> str | None:
    if ip.is_loopback:
        return "a loopback address"
    if ip in _CGNAT:
        return "a shared (CGNAT) address"
    if ip in _ULA:
        return "a unique-local IPv6 address"
    if ip.is_private:
        return "a private address"
    return None


def host_allowed(host: str, allowed: str) -> bool:
    """Whether ``host`` matches ``ALLOWED_ASSET_DOMAINS``: ``*`` (any), or a comma list of
    names (exact) and ``*.example.com`` patterns (any subdomain, not the apex)."""
    host = host.lower().rstrip(".")
    for raw in allowed.split(","):
        pattern = raw.strip().lower().rstrip(".")
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False
