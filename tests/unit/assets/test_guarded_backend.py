"""The connection gate refuses a host if any address it resolves to is forbidden."""

from __future__ import annotations

import pytest

from adapters.fetch.network import GuardedNetworkBackend, Resolver
from v3core.errors import ForbiddenTarget


def resolving_to(*addresses: str) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


async def test_refuses_a_name_with_one_private_address_among_public_ones() -> None:
    gate = GuardedNetworkBackend(False, resolving_to("93.184.216.34", "10.0.0.5"))
    with pytest.raises(ForbiddenTarget, match="private"):
        await gate.checked_addresses("mixed.example", 80)


async def test_passes_a_name_with_only_public_addresses() -> None:
    gate = GuardedNetworkBackend(False, resolving_to("93.184.216.34", "2606:2800:220:1::1"))
    assert await gate.checked_addresses("ok.example", 443) == ["93.184.216.34", "2606:2800:220:1::1"]


async def test_judges_ip_literals_without_resolving() -> None:
    gate = GuardedNetworkBackend(False, resolving_to("93.184.216.34"))
    with pytest.raises(ForbiddenTarget):
        await gate.checked_addresses("[::1]", 80)
    with pytest.raises(ForbiddenTarget):
        await gate.checked_addresses("fe80::1%eth0", 80)


async def test_allows_loopback_only_when_private_networks_are_allowed() -> None:
    assert await GuardedNetworkBackend(True, resolving_to("127.0.0.1")).checked_addresses("localhost", 80)
    with pytest.raises(ForbiddenTarget, match="loopback"):
        await GuardedNetworkBackend(False, resolving_to("127.0.0.1")).checked_addresses("localhost", 80)


async def test_refuses_unix_sockets() -> None:
    with pytest.raises(ForbiddenTarget):
        await GuardedNetworkBackend(True).connect_unix_socket("/var/run/docker.sock")


async def test_refuses_localhost_names_before_resolving_them() -> None:
    """``localhost`` and its subdomains are loopback (RFC 6761), whatever a resolver answers."""
    gate = GuardedNetworkBackend(False, resolving_to("93.184.216.34"))
    for name in ("localhost", "api.localhost", "LOCALHOST."):
        with pytest.raises(ForbiddenTarget, match="loopback"):
            await gate.checked_addresses(name, 80)
    assert await GuardedNetworkBackend(True, resolving_to("127.0.0.1")).checked_addresses("api.localhost", 80)
