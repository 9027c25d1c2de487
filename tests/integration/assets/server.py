"""A tiny threaded HTTP server on 127.0.0.1 playing the remote side of URL imports."""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class SourceServer(ThreadingHTTPServer):
    """Serves ``files`` at ``/files/<name>`` plus misbehaving routes; records Host headers."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = {}
        self.hosts: list[str] = []
        self.paths: list[str] = []
        self.abandoned: list[str] = []
        """Paths of ``/hang`` requests whose client closed the connection while waiting."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: SourceServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hosts.append(self.headers.get("Host", ""))
        self.server.paths.append(self.path)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        route = url.path.split("/")[1]
        getattr(self, f"_{route.replace('-', '_')}", self._missing)(url.path, query)

    def _files(self, path: str, query: dict[str, str]) -> None:
        data = self.server.files.get(path.removeprefix("/files/"))
        if data is None:
            return self._missing(path, query)
        self._send(200, data, query.get("type", "application/octet-stream"))

    def _missing(self, path: str, query: dict[str, str]) -> None:
        self._send(404, b"no such thing", "text/plain")

    def _fail(self, path: str, query: dict[str, str]) -> None:
        self._send(503, b"down", "text/plain")

    def _redirect(self, path: str, query: dict[str, str]) -> None:
        self.send_response(int(query.get("code", "302")))
        self.send_header("Location", query["to"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _loop(self, path: str, query: dict[str, str]) -> None:
        n = int(path.split("/")[-1] or 0) if path.count("/") > 1 else 0
        self._redirect(path, {"to": f"/loop/{n + 1}"})

    def _declared_huge(self, path: str, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        self.wfile.write(b"\0" * 1024)

    def _endless(self, path: str, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"\x89PNG" + b"\0" * 65532
        try:
            for _ in range(100_000):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            return

    def _stall(self, path: str, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"x")
        self.wfile.flush()
        time.sleep(float(query.get("for", "3")))

    def _hang(self, path: str, query: dict[str, str]) -> None:
        """Headers and one byte, then nothing until the client gives up (or ``for`` seconds)."""
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"x")
        self.wfile.flush()
        readable, _, _ = select.select([self.connection], [], [], float(query.get("for", "30")))
        if readable and not self.connection.recv(1):
            self.server.abandoned.append(path)
        self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            return


@contextmanager
def running_source_server() -> Iterator[SourceServer]:
    """Start a ``SourceServer`` in a thread and stop it afterwards."""
    server = SourceServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
