"""An httpcore network backend that connects only to checked addresses.

The host name is resolved *here*, every resolved address is checked, and the TCP
connection goes to the checked address itself. httpcore keeps using the host name
for the ``Host`` header and for TLS (SNI and certificate checks), so there is no
window between checking and connecting for DNS rebinding to exploit, and every
connection — the first one and each redirect — passes the same gate.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore

from adapters.fetch.targets import IPAddress, local_name_refusal, refusal
from v3core.errors import ForbiddenTarget, UpstreamError

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Resolves a host name and port to IP address strings."""

Policy = Callable[[IPAddress, bool], "str | None"]
"""Why an address may not be reached (``None`` when it may); ``targets.refusal`` by default."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (``getaddrinfo``)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UpstreamError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Wraps httpcore's default backend; refuses forbidden addresses before connecting."""

    def __init__(
        self, allow_private: bool, resolver: Resolver = system_resolver, policy: Policy = refusal
    ) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._resolve = resolver
        self._policy = policy

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``; ``ForbiddenTarget`` if any of them is refused."""
        host = host.strip("[]")
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            local = local_name_refusal(host, self._allow_private, self._policy)
            if local:
                raise ForbiddenTarget(f"refusing to fetch from {host!r}: it is {local}") from None
            addresses = await self._resolve(host, port)
        for address in addresses:
            reason = self._policy(ipaddress.ip_address(address.split("%")[0]), self._allow_private)
            if reason:
                raise ForbiddenTarget(f"refusing to fetch from {host!r}: it resolves to {reason}")
        if not addresses:
            raise UpstreamError(f"cannot resolve host {host!r}")
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last: Exception | None = None
        for address in await self.checked_addresses(host, port):
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise ForbiddenTarget("unix sockets are not a valid import target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
