"""A scripted stand-in for the OpenAI and Anthropic HTTP APIs on 127.0.0.1.

Each path (``/v1/chat/completions``, ``/v1/messages``) has a queue of scripted
replies; the last one repeats forever, so ``[500]`` means "always 500" and
``[429, 200]`` means "one 429, then success". Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPENAI_PATH = "/v1/chat/completions"
ANTHROPIC_PATH = "/v1/messages"


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer: a JSON body (or raw text or bytes), headers and an optional delay."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    """One request the fake saw."""

    path: str
    headers: dict[str, str]
    body: Any


class FakeProvider:
    """The fake server: script replies per path, read back what the SDKs sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Reply]] = {}
        self._release = threading.Event()
        self.received: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[path] = deque(replies)

    def reset(self) -> None:
        with self._lock:
            self._release.set()
            self._release = threading.Event()
            self._scripts.clear()
            self.received.clear()

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def _next(self, received: Received) -> tuple[Reply, threading.Event]:
        with self._lock:
            self.received.append(received)
            queue = self._scripts.get(received.path)
            if not queue:
                return Reply(
                    404, {"error": {"message": f"nothing scripted for {received.path}"}}
                ), self._release
            reply = queue.popleft() if len(queue) > 1 else queue[0]
            return reply, self._release


def _handler_for(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply, release = fake._next(Received(self.path, headers, body))
            if reply.delay:
                release.wait(reply.delay)
            if isinstance(reply.body, bytes):
                data, kind = reply.body, "application/octet-stream"
            else:
                data = (reply.body if isinstance(reply.body, str) else json.dumps(reply.body)).encode()
                kind = "application/json"
            try:
                self.send_response(reply.status)
                self.send_header("content-type", reply.headers.get("content-type", kind))
                self.send_header("content-length", str(len(data)))
                for name, value in reply.headers.items():
                    if name != "content-type":
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def openai_completion(content: str | None, prompt_tokens: int = 321, completion_tokens: int = 123) -> Reply:
    """A 200 chat completion whose message content is ``content``."""
    return Reply(
        body={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "gpt-test-2026",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content, "refusal": None},
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def anthropic_message(
    blocks: list[dict[str, Any]], input_tokens: int = 456, output_tokens: int = 78
) -> Reply:
    """A 200 Messages API reply with these content blocks."""
    return Reply(
        body={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-test-5",
            "content": blocks,
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        }
    )


def error_reply(status: int, message: str, retry_after_ms: int | None = 10) -> Reply:
    """An error status with both providers' error-body shape and a short retry-after."""
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return Reply(status, {"type": "error", "error": {"type": "api_error", "message": message}}, headers)
