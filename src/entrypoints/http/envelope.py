"""The response envelope ``{"data", "error", "meta"}`` carried by every JSON response.

Handlers return ``ok(request, data)`` (or ``ok_page`` for lists); failures are built
by the exception handlers in ``errors.py`` with ``failure(...)``. The request id comes
from the incoming ``X-Request-ID`` (when sane) or is made fresh, is cached in the ASGI
scope, and is echoed as a response header by ``echo_request_id`` (a ``before_send`` hook).
"""

from __future__ import annotations

import os
import re
import time
from typing import Any, Generic, TypeVar

import msgspec
from litestar import Request, Response
from litestar.types import Message, Scope

from v3core.ports.storage import PageRequest

T = TypeVar("T")

REQUEST_ID_HEADER = "x-request-id"
_SCOPE_KEY = "v3.request_id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class ErrorDetail(msgspec.Struct):
    """One field-level problem: where (path), what, and a short type tag."""

    loc: list[str | int]
    msg: str
    type: str


class Meta(msgspec.Struct, rename="camel", omit_defaults=True):
    """``timestamp`` and ``requestId`` always; list and failure fields when they apply."""

    timestamp: str
    request_id: str
    total: int | None = None
    page: int | None = None
    limit: int | None = None
    offset: int | None = None
    code: str | None = None
    details: list[ErrorDetail] | None = None


class Envelope(msgspec.Struct, Generic[T]):
    """Success: ``data`` set, ``error`` null. Failure: ``data`` null, ``error`` a message."""

    data: T | None
    meta: Meta
    error: str | None = None


class Deleted(msgspec.Struct):
    """What a successful DELETE answers: the id that is gone."""

    id: str
    deleted: bool = True


def request_id(scope: Scope) -> str:
    """This request's id: the caller's ``X-Request-ID`` if it looks sane, else a new one."""
    found: str | None = scope.get(_SCOPE_KEY)  # type: ignore[assignment]
    if found is None:
        found = _incoming_request_id(scope) or os.urandom(16).hex()
        scope[_SCOPE_KEY] = found  # type: ignore[literal-required]
    return found


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE_REQUEST_ID.match(text) else None
    return None


async def echo_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: every HTTP response carries ``X-Request-ID``."""
    if message["type"] == "http.response.start":
        headers = list(message.get("headers", ()))
        headers.append((b"x-request-id", request_id(scope).encode("latin-1")))
        message["headers"] = headers


_last_stamp: tuple[int, str] = (-1, "")


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds and a ``Z`` (formatted once per ms)."""
    global _last_stamp
    millis = time.time_ns() // 1_000_000
    stamp = _last_stamp
    if millis != stamp[0]:
        seconds, ms = divmod(millis, 1000)
        stamp = (millis, f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{ms:03d}Z")
        _last_stamp = stamp
    return stamp[1]


def meta_for(request: Request[Any, Any, Any], **fields: Any) -> Meta:
    """Meta of ``request`` with extra fields (``total``, ``code``...)."""
    return Meta(timestamp=now_iso(), request_id=request_id(request.scope), **fields)


def ok(request: Request[Any, Any, Any], data: T, status_code: int = 200) -> Response[Envelope[T]]:
    """A success envelope around ``data``."""
    return Response(Envelope(data=data, meta=meta_for(request)), status_code=status_code)


def ok_page(
    request: Request[Any, Any, Any], items: list[T], total: int, page: PageRequest
) -> Response[Envelope[list[T]]]:
    """A success envelope around one page of a list, with total/page/limit/offset in meta."""
    meta = meta_for(
        request, total=total, page=page.offset // page.limit + 1, limit=page.limit, offset=page.offset
    )
    return Response(Envelope(data=items, meta=meta))


def failure(
    request: Request[Any, Any, Any],
    status_code: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Envelope[None]]:
    """A failure envelope: ``data`` null, ``error`` the message, ``meta.code`` the machine code."""
    meta = meta_for(request, code=code, details=details)
    return Response(Envelope(data=None, meta=meta, error=message), status_code=status_code, headers=headers)
