"""OpenAI's Images API (``POST /v1/images/generations`` and ``/v1/images/edits``, whose
multipart form carries the input images), played on 127.0.0.1.

Checks ``Authorization: Bearer <key>`` (401 otherwise, in OpenAI's error shape); a test
scripts replies in order (the last repeats), by default one PNG as ``b64_json`` — or, with
``drawn`` set, a picture chosen from the request's prompt.
"""

from __future__ import annotations

import base64
import threading
from collections import deque
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default

from tests.integration.media.fake_http import Reply, Request
from tests.integration.media.media_files import png

KEY = "sk-test-IMAGES-0123456789abcdef"
PATH = "/v1/images/generations"
EDITS = "/v1/images/edits"


def image_reply(data: bytes | None = None) -> Reply:
    """A 200 generation answer holding ``data`` (a PNG by default) as base64."""
    encoded = base64.b64encode(png() if data is None else data).decode()
    return Reply(
        200,
        {
            "created": 1_764_640_000,
            "data": [{"b64_json": encoded}],
            "usage": {"input_tokens": 50, "output_tokens": 4160, "total_tokens": 4210},
        },
    )


def openai_error(
    status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """An error in OpenAI's shape."""
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    return Reply(status, {"error": error}, headers or {})


def form_fields(request: Request) -> dict[str, list[bytes]]:
    """The parts of a ``multipart/form-data`` body by field name (how ``/images/edits`` is sent)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=default).parsebytes(head + request.body)
    fields: dict[str, list[bytes]] = {}
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        fields.setdefault(str(part.get_param("name", header="content-disposition")), []).append(
            payload if isinstance(payload, bytes) else b""
        )
    return fields


class FakeOpenAIImages:
    """Scripted answers for the generations endpoint."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.replies: deque[Reply] = deque()
        self.drawn: Callable[[str], bytes] | None = None
        """When set (and nothing is scripted), the picture answered for a prompt."""

    def reset(self) -> None:
        with self._lock:
            self.replies = deque()
            self.drawn = None

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = deque(replies)

    def handle(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return openai_error(401, "Incorrect API key provided: sk-wr***", "invalid_api_key")
        path = request.path.split("?")[0]
        if request.method != "POST" or path not in (PATH, EDITS):
            return openai_error(404, f"Unknown request URL: {request.method} {request.path}")
        if path == EDITS:
            fields = form_fields(request)
            if not fields.get("image[]") and not fields.get("image"):
                return openai_error(400, "Missing required parameter: 'image'.")
            prompt = fields["prompt"][0].decode()
        else:
            prompt = str((request.json() or {})["prompt"])
        with self._lock:
            if not self.replies:
                drawn = self.drawn
                return image_reply(None if drawn is None else drawn(prompt))
            return self.replies.popleft() if len(self.replies) > 1 else self.replies[0]
