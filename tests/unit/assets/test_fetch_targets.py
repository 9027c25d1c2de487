"""Which addresses and hosts URL imports may reach."""

from __future__ import annotations

import ipaddress

import pytest

from adapters.fetch.targets import host_allowed, refusal


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
