"""A webhook receiver on 127.0.0.1 (asyncio, HTTP/1.1 keep-alive) that records every request.

Each request is answered by ``respond`` (status and extra headers; 204 by default) and kept in
``received`` with its arrival time; ``await receiver.wait_for(n)`` returns once ``n`` requests
have arrived (no polling). Used by the webhook tests and ``benchmarks/bench_webhooks.py``.
"""

from __future__ import annotations

import asyncio
import http
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from standardwebhooks import Webhook


@dataclass(frozen=True)
class Received:
    """One request: path, lower-cased headers, body text, and ``time.time()`` on arrival."""

    path: str
    headers: dict[str, str]
    body: str
    at: float

    @property
    def message_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def verified(self, secret: str) -> object:
        """The JSON payload if the signature verifies with ``secret``; raises otherwise."""
        return Webhook(secret).verify(self.body, self.headers)


Responder = Callable[[Received, int], "tuple[int, dict[str, str]]"]
"""``(request, how many requests with this webhook-id arrived before it)`` → status, headers."""


def always(status: int, headers: dict[str, str] | None = None) -> Responder:
    """Answer every request with ``status``."""
    return lambda request, earlier: (status, headers or {})


class Receiver:
    """Records requests; ``respond`` decides the answers (change it any time)."""

    def __init__(self, respond: Responder = always(204)) -> None:
        self.respond = respond
        self.received: list[Received] = []
        self._arrived = asyncio.Condition()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def of(self, message_id: str) -> list[Received]:
        return [r for r in self.received if r.message_id == message_id]

    async def wait_for(self, count: int, within: float = 30.0) -> list[Received]:
        """Every request so far, once at least ``count`` arrived."""
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)
        return list(self.received)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await self._read(reader):
                earlier = len(self.of(request.message_id))
                status, headers = self.respond(request, earlier)
                extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                phrase = http.HTTPStatus(status).phrase
                writer.write(f"HTTP/1.1 {status} {phrase}\r\ncontent-length: 0\r\n{extra}\r\n".encode())
                await writer.drain()
                async with self._arrived:
                    self.received.append(request)
                    self._arrived.notify_all()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client left, or the receiver is shutting down
        finally:
            writer.close()

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Received | None:
        line = await reader.readline()
        if not line.strip():
            return None
        _, path, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return Received(path, headers, body.decode(), time.time())


@asynccontextmanager
async def running_receiver(respond: Responder = always(204)) -> AsyncIterator[Receiver]:
    """A receiver listening on a free port of 127.0.0.1 until the block ends."""
    receiver = Receiver(respond)
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.close()
        await server.wait_closed()
