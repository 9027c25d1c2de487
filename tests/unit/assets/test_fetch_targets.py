"""Which addresses and hosts URL imports may reach."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fetch.network import GuardedNetworkBackend
from adapters.fetch.targets import host_allowed, offline_refusal, refusal
from v3core.errors import ForbiddenTarget


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "100.64.0.1", "::1", "fd00::1", "fc00::5"],
)
def test_refuses_private_and_loopback_unless_allowed(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert refusal(ip, allow_private=False)
    assert refusal(ip, allow_private=True) is None


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "fe80::1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "::ffff:169.254.169.254",
        "2002:a9fe:a9fe::1",
        "64:ff9b::a9fe:a9fe",
    ],
)
def test_always_refuses_metadata_multicast_reserved_and_unspecified(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert refusal(ip, allow_private=False)
    assert refusal(ip, allow_private=True)


def test_refuses_ipv4_mapped_ipv6_even_of_a_public_address() -> None:
    assert "IPv4-mapped" in (refusal(ipaddress.ip_address("::ffff:8.8.8.8"), allow_private=False) or "")


def test_judges_6to4_by_the_embedded_ipv4_address() -> None:
    assert refusal(ipaddress.ip_address("2002:7f00:1::1"), allow_private=False) == "a loopback address"


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_allows_public_addresses(address: str) -> None:
    assert refusal(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize(
    ("host", "allowed", "ok"),
    [
        ("cdn.example.com", "*", True),
        ("cdn.example.com", "cdn.example.com", True),
        ("CDN.Example.com.", "cdn.example.com", True),
        ("img.cdn.example.com", "*.example.com", True),
        ("example.com", "*.example.com", False),
        ("evil-example.com", "*.example.com", False),
        ("example.com.evil.net", "example.com", False),
        ("other.org", "a.com, *.b.com ,other.org", True),
        ("x.org", "", False),
    ],
)
def test_matches_the_domain_allow_list(host: str, allowed: str, ok: bool) -> None:
    assert host_allowed(host, allowed) is ok


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://169.254.169.254/latest/meta-data", "the address 169.254.169.254 is not allowed"),
        ("http://[fe80::1%25eth0]/x", "the address fe80::1%25eth0 is not allowed"),
        ("http://2852039166/", "the address 2852039166 is not allowed"),  # decimal 169.254.169.254
        ("http://0xa9.0xfe.0xa9.0xfe/", "the address 0xa9.0xfe.0xa9.0xfe is not allowed"),
        ("http://127.1/", "the address 127.1 is not allowed"),
        ("https://10.0.0.8/a.png", "the address 10.0.0.8 is not allowed"),
        ("http://LOCALHOST./a.png", "the host localhost. is not allowed"),
        ("http://cdn.localhost/a.png", "the host cdn.localhost is not allowed"),
    ],
)
def test_offline_refusal_refuses_literal_blocked_addresses_and_local_names(url: str, said: str) -> None:
    reason = offline_refusal(url, allowed_domains="*", allow_private=False)
    assert reason is not None
    assert reason.startswith(said)


@pytest.mark.parametrize(
    "url", ["https://example.com/a.png", "https://no-such-host.invalid/a.png", "http://93.184.216.34/a"]
)
def test_offline_refusal_passes_names_and_public_addresses_without_resolving(url: str) -> None:
    assert offline_refusal(url, allowed_domains="*", allow_private=False) is None


def test_offline_refusal_lets_private_hosts_through_only_when_allowed_never_metadata() -> None:
    for url in ("http://127.0.0.1:9000/a", "http://localhost/a", "http://192.168.1.4/a"):
        assert offline_refusal(url, allowed_domains="*", allow_private=True) is None
    assert offline_refusal("http://169.254.169.254/", allowed_domains="*", allow_private=True)


def test_offline_refusal_applies_the_domain_allow_list() -> None:
    allowed = "cdn.example.com,*.assets.example"
    assert (
        offline_refusal("https://cdn.example.com/a.png", allowed_domains=allowed, allow_private=False) is None
    )
    assert offline_refusal("https://x.assets.example/a", allowed_domains=allowed, allow_private=False) is None
    reason = offline_refusal("https://evil.example.net/a.png", allowed_domains=allowed, allow_private=False)
    assert reason == "host 'evil.example.net' is not in ALLOWED_ASSET_DOMAINS"


@given(address=st.ip_addresses(), allow_private=st.booleans())
@settings(max_examples=300)
async def test_offline_refusal_of_a_literal_address_agrees_with_the_connection_gate(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool
) -> None:
    """The same rule at job creation as at import: for a literal address, the check without
    the network refuses exactly what the fetcher's connection gate refuses."""
    host = f"[{address}]" if address.version == 6 else str(address)

    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("a literal address is never resolved")

    gate = GuardedNetworkBackend(allow_private, never)
    try:
        await gate.checked_addresses(host, 80)
        gate_refuses = False
    except ForbiddenTarget:
        gate_refuses = True
    offline = offline_refusal(f"http://{host}/a", allowed_domains="*", allow_private=allow_private)
    assert (offline is not None) is gate_refuses
