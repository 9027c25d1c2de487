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
import socket
import urllib.parse
from collections.abc import Callable

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


LOCAL_NAMES = ("localhost",)
"""Names that are local whatever the resolver says (RFC 6761: ``localhost`` and its subdomains)."""
_LOOPBACK = ipaddress.ip_address("127.0.0.1")


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells without DNS: an IP literal (brackets and zone id dropped)
    or one of the legacy IPv4 forms the system resolver reads numerically (``2852039166``,
    ``0xa9.0xfe.0xa9.0xfe``); ``None`` for a name."""
    bare = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if bare and all(c in "0123456789abcdefxABCDEFX." for c in bare) and bare[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def offline_refusal(
    url: str,
    *,
    allowed_domains: str,
    allow_private: bool,
    policy: Callable[[IPAddress, bool], str | None] = refusal,
) -> str | None:
    """Why the fetcher will refuse ``url``, judged without the network (no DNS): a host outside
    ``ALLOWED_ASSET_DOMAINS`` (``host_allowed``), a literal address ``policy`` refuses, or a
    local name (``localhost``, judged as 127.0.0.1). ``None`` when the fetcher may try it; it
    then judges every address the name resolves to (``network.GuardedNetworkBackend``)."""
    try:
        host = urllib.parse.urlsplit(url.strip()).hostname
    except ValueError:
        return None  # the scheme and syntax rules (v3core.brief) speak about malformed URLs
    if not host:
        return None
    if not host_allowed(host, allowed_domains):
        return f"host {host!r} is not in ALLOWED_ASSET_DOMAINS"
    address = literal_address(host)
    if address is None:
        reason = local_name_refusal(host, allow_private, policy)
        return None if reason is None else f"the host {host} is not allowed: it is {reason}"
    reason = policy(address, allow_private)
    return None if reason is None else f"the address {host} is not allowed: it is {reason}"


def local_name_refusal(
    host: str, allow_private: bool, policy: Callable[[IPAddress, bool], str | None] = refusal
) -> str | None:
    """Why the name ``host`` may not be reached before any lookup: ``localhost`` and its
    subdomains are loopback (RFC 6761), whatever the resolver answers. ``None`` otherwise."""
    name = host.strip("[]").rstrip(".").lower()
    if any(name == n or name.endswith("." + n) for n in LOCAL_NAMES):
        return policy(_LOOPBACK, allow_private)
    return None
