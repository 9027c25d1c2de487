"""A threaded HTTP server on 127.0.0.1 whose answers come from a provider fake's ``handle``.

Every request is recorded (method, path, headers, body, arrival time) so tests can check what the real
SDKs sent. Replies may be delayed; a pending delay is released when the server is reset.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    """One request a fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)
    """When it arrived (``time.monotonic()``), to measure the waits between calls."""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Reply:
    """One answer: a status, a JSON value or raw bytes, headers, and an optional delay (s)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else json.dumps(self.body).encode()


Handler = Callable[[Request], Reply]


class FakeHttpServer(ThreadingHTTPServer):
    """Serves ``handler``; ``requests`` lists what arrived."""

    daemon_threads = True

    def __init__(self, handler: Handler) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.handler = handler
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.release = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        with self.lock:
            self.release.set()
            self.release = threading.Event()
            self.requests.clear()

    def seen(self, method: str, path_part: str = "") -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == method and path_part in r.path]


class _RequestHandler(BaseHTTPRequestHandler):
    server: FakeHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0") or 0))
        request = Request(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        with self.server.lock:
            self.server.requests.append(request)
            release = self.server.release
        reply = self.server.handler(request)
        if reply.delay:
            release.wait(reply.delay)
        data = reply.payload()
        try:
            self.send_response(reply.status)
            self.send_header("content-type", reply.content_type)
            self.send_header("content-length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


@contextmanager
def running(handler: Handler) -> Iterator[FakeHttpServer]:
    """A started server, shut down on exit."""
    server = FakeHttpServer(handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
