"""The Gemini API's Veo operations, played on 127.0.0.1.

- ``POST /v1beta/models/{model}:predictLongRunning`` starts an operation and answers its
  ``name`` (``models/{model}/operations/{id}``); ``GET /v1beta/{name}`` reports it, ``done``
  after the scripted number of polls (``None``: never), with a ``generateVideoResponse``
  whose sample's ``video.uri`` points at ``/v1beta/files/{id}:download?alt=media``.
- The clip served is the script's ``file``: a name of ``FILES``, ``solidRRGGBB`` (a clip of one
  colour), or a function of the operation's instance (``{"prompt", "image"?}``) naming one, so
  each scene's clip can be told apart in a rendered video (as the Replicate fake's outputs).
- ``x-goog-api-key`` is checked (400 "API key not valid", as the real API answers).
- Errors use Google's shape: ``{"error": {"code", "message", "status"}}``.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.integration.media.fake_http import Reply, Request
from tests.integration.media.media_files import HTML, mp4, solid_mp4

KEY = "AIza-test-SECRET-0123456789abcdef"
FILES = {"clip1": (mp4, "video/mp4"), "page1": (lambda: HTML, "text/html")}


def google_error(status: int, message: str, state: str, details: list[Any] | None = None) -> Reply:
    """An error in Google's JSON shape."""
    error: dict[str, Any] = {"code": status, "message": message, "status": state}
    if details:
        error["details"] = details
    return Reply(status, {"error": error})


@dataclass
class Script:
    """How the next operations behave."""

    create_errors: deque[Reply] = field(default_factory=deque)
    polls: int | None = 2
    outcome: str = "video"  # video | error | filtered
    error_message: str = "Internal error while generating the video"
    file: str | Callable[[dict[str, Any]], str] = "clip1"


class FakeGemini:
    """Operations by name, and the script for new ones."""

    def __init__(self) -> None:
        self.script = Script()
        self.operations: dict[str, dict[str, Any]] = {}
        self.polls_left: dict[str, int | None] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.script = Script()
            self.operations.clear()
            self.polls_left.clear()
            self.instances.clear()

    def handle(self, request: Request) -> Reply:
        path = request.path.split("?", 1)[0]
        if request.headers.get("x-goog-api-key") != KEY:
            return google_error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
        with self._lock:
            if request.method == "POST" and path.endswith(":predictLongRunning"):
                model = path.removeprefix("/v1beta/").removesuffix(":predictLongRunning")
                return self._create(model, request.json() or {})
            if request.method == "GET" and path.startswith("/v1beta/files/"):
                return self._file(path.removeprefix("/v1beta/files/").removesuffix(":download"))
            if request.method == "GET" and "/operations/" in path:
                return self._get(path.removeprefix("/v1beta/"))
        return google_error(404, f"no route {request.method} {path}", "NOT_FOUND")

    def _create(self, model: str, body: dict[str, Any]) -> Reply:
        if self.script.create_errors:
            return self.script.create_errors.popleft()
        name = f"{model}/operations/op{next(self._ids)}"
        self.operations[name] = {"name": name}
        self.instances[name] = (body.get("instances") or [{}])[0]
        self.polls_left[name] = self.script.polls
        return Reply(200, self.operations[name])

    def _get(self, name: str) -> Reply:
        operation = self.operations.get(name)
        if operation is None:
            return google_error(404, "Operation not found", "NOT_FOUND")
        left = self.polls_left.get(name)
        if not operation.get("done") and left is not None:
            if left <= 0:
                self._finish(operation)
            else:
                self.polls_left[name] = left - 1
        return Reply(200, operation)

    def _finish(self, operation: dict[str, Any]) -> None:
        operation["done"] = True
        if self.script.outcome == "error":
            operation["error"] = {"code": 13, "message": self.script.error_message}
            return
        response: dict[str, Any] = {}
        if self.script.outcome == "filtered":
            response = {
                "raiMediaFilteredCount": 1,
                "raiMediaFilteredReasons": ["The prompt was blocked by our safety filters."],
            }
        else:
            file = self.script.file
            if callable(file):
                file = file(self.instances.get(operation["name"], {}))
            uri = f"https://generativelanguage.googleapis.com/v1beta/files/{file}:download?alt=media"
            response = {"generatedSamples": [{"video": {"uri": uri}}]}
        operation["response"] = {
            "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
            "generateVideoResponse": response,
        }

    def _file(self, name: str) -> Reply:
        if name.startswith("solid") and len(name) == len("solidRRGGBB"):  # file ids are [a-z0-9]
            rgb = tuple(bytes.fromhex(name.removeprefix("solid")))
            return Reply(200, solid_mp4(rgb), content_type="video/mp4")
        if name not in FILES:
            return google_error(404, "File not found", "NOT_FOUND")
        make, content_type = FILES[name]
        return Reply(200, make(), content_type=content_type)
