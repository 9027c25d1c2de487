"""Replicate's predictions API, played on 127.0.0.1 (the parts the official client uses).

- ``POST /v1/models/{owner}/{name}/predictions`` and ``POST /v1/predictions`` (``version``)
  create a prediction (``starting``); ``GET /v1/predictions/{id}`` reports it;
  ``POST /v1/predictions/{id}/cancel`` cancels it. ``Authorization: Bearer <token>`` is
  checked (401 otherwise, in Replicate's problem-details shape).
- A test scripts ``create_errors`` (answers given before a create succeeds), how many polls
  a prediction takes (``None``: it never finishes), how it ends and what its output is.
- Outputs are served at ``/media/<name>``: ``clip.mp4``, ``frame.png``, ``page.html``,
  ``solid-RRGGBB.mp4`` (a clip of one colour); anything else is a 404. ``output`` may be a
  function of the prediction's input, so each prediction can answer its own clip.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.integration.media.fake_http import Reply, Request
from tests.integration.media.media_files import HTML, m4a_audio_only, mp4, png, solid_mp4, wav

TOKEN = "r8_test_SECRET_token_0123456789"
MEDIA = {
    "clip.mp4": (mp4, "video/mp4"),
    "frame.png": (png, "image/png"),
    "page.html": (lambda: HTML, "text/html"),
    "sound.m4a": (m4a_audio_only, "video/mp4"),
    "music.wav": (wav, "audio/wav"),
}


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Reply:
    """An error in Replicate's shape (RFC 7807 problem details)."""
    body = {"type": "about:blank", "title": "error", "status": status, "detail": detail}
    return Reply(status, body, headers or {}, "application/problem+json")


@dataclass
class Script:
    """How the next predictions behave."""

    create_errors: deque[Reply] = field(default_factory=deque)
    polls: int | None = 2
    seconds: float | None = None  # when set: finished this long after creation, however often polled
    final_status: str = "succeeded"
    error: str | None = None
    output: Any = "/media/clip.mp4"
    poll_errors: deque[Reply] = field(default_factory=deque)


class FakeReplicate:
    """State of the fake API: predictions by id, and the script for new ones."""

    def __init__(self) -> None:
        self.base_url = ""
        self.script = Script()
        self.predictions: dict[str, dict[str, Any]] = {}
        self.polls_left: dict[str, int | None] = {}
        self.created: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.script = Script()
            self.predictions.clear()
            self.polls_left.clear()
            self.created.clear()

    def handle(self, request: Request) -> Reply:
        path = request.path.split("?", 1)[0]
        if path.startswith("/media/"):
            return self._media(path.removeprefix("/media/"))
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return problem(401, "You did not pass a valid authentication token")
        with self._lock:
            if request.method == "POST" and path.endswith("/cancel"):
                return self._cancel(path.split("/")[-2])
            if request.method == "POST" and path.endswith("/predictions"):
                return self._create(path, request.json())
            if request.method == "GET" and path.startswith("/v1/predictions/"):
                return self._get(path.rsplit("/", 1)[-1])
        return problem(404, f"no route {request.method} {path}")

    def _create(self, path: str, body: dict[str, Any]) -> Reply:
        if self.script.create_errors:
            return self.script.create_errors.popleft()
        ident = f"p{next(self._ids)}"
        model = path.removeprefix("/v1/models/").removesuffix("/predictions") if "models" in path else "x/y"
        prediction = {
            "id": ident,
            "model": model,
            "version": body.get("version", "hidden"),
            "status": "starting",
            "input": body.get("input"),
            "output": None,
            "logs": "",
            "error": None,
            "metrics": {},
            "created_at": "2026-12-02T02:00:00Z",
            "started_at": None,
            "completed_at": None,
            "urls": {
                "get": f"{self.base_url}/v1/predictions/{ident}",
                "cancel": f"{self.base_url}/v1/predictions/{ident}/cancel",
            },
        }
        self.predictions[ident] = prediction
        self.polls_left[ident] = self.script.polls
        self.created[ident] = time.monotonic()
        return Reply(201, prediction)

    def _get(self, ident: str) -> Reply:
        prediction = self.predictions.get(ident)
        if prediction is None:
            return problem(404, "Not found")
        if self.script.poll_errors:
            return self.script.poll_errors.popleft()
        left = self.polls_left.get(ident)
        if self.script.seconds is not None:
            due = time.monotonic() - self.created[ident] >= self.script.seconds
            left = 0 if due else 1
        if prediction["status"] in ("starting", "processing") and left is not None:
            if left <= 0:
                self._finish(prediction)
            else:
                self.polls_left[ident] = left - 1
                prediction["status"] = "processing"
        return Reply(200, prediction)

    def _finish(self, prediction: dict[str, Any]) -> None:
        prediction["status"] = self.script.final_status
        prediction["error"] = self.script.error
        if self.script.final_status == "succeeded":
            output = self.script.output
            if callable(output):  # an output chosen from the prediction's own input
                output = output(prediction["input"] or {})
            prediction["output"] = _absolute(self.base_url, output)

    def _cancel(self, ident: str) -> Reply:
        prediction = self.predictions.get(ident)
        if prediction is None:
            return problem(404, "Not found")
        if prediction["status"] in ("starting", "processing"):
            prediction["status"] = "canceled"
        return Reply(200, prediction)

    def _media(self, name: str) -> Reply:
        if name.startswith("solid-") and name.endswith(".mp4"):  # solid-RRGGBB.mp4
            rgb = tuple(int(name[6 + i : 8 + i], 16) for i in (0, 2, 4))
            return Reply(200, solid_mp4(rgb), content_type="video/mp4")
        if name not in MEDIA:
            return Reply(404, b"no such file", content_type="text/plain")
        make, content_type = MEDIA[name]
        return Reply(200, make(), content_type=content_type)

    def cancelled_ids(self, requests: list[Request]) -> list[str]:
        return [r.path.split("/")[-2] for r in requests if r.path.endswith("/cancel")]


def _absolute(base: str, output: Any) -> Any:
    if isinstance(output, str) and output.startswith("/"):
        return base + output
    if isinstance(output, list):
        return [_absolute(base, item) for item in output]
    return output


def sent_input(request: Request) -> dict[str, Any]:
    """The ``input`` of a create request."""
    return dict(json.loads(request.body)["input"])
