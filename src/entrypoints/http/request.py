"""The app's request class and request guards.

A JSON body that cannot be decoded is the client's fault (400).

Litestar turns ``msgspec.DecodeError`` into a 400 but lets two other decoding failures
through as 500s: invalid UTF-8 inside a string (``UnicodeDecodeError``) and nesting
deeper than the interpreter's recursion limit (``RecursionError``).

``check_request`` (the app's ``before_request``) refuses what Litestar would quietly
accept: a query parameter given twice (422) and a non-JSON body sent to a JSON handler (415).
NUL characters, in a JSON string, the path or the query, answer 422: PostgreSQL cannot
store them in text (it was a 500 there).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

from v3core.errors import UnsupportedMediaType, ValidationFailed

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""``\\u0000`` in JSON text, not preceded by an escaped backslash."""


class V3Request(Request[Any, Any, Any]):
    """``Request`` whose ``json()`` answers 400 for every undecodable body."""

    async def json(self) -> Any:
        """The decoded JSON body; ``ClientException`` (400) when it cannot be decoded,
        ``ValidationFailed`` (422) when a string holds a NUL character."""
        reject_nul_characters(await self.body())
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise ClientException("the request body is not valid UTF-8") from None
        except RecursionError:
            raise ClientException("the JSON body nests too deeply") from None


def reject_nul_characters(body: bytes) -> None:
    """A NUL character in a JSON string cannot be stored (PostgreSQL text refuses it): 422."""
    if b"\\u0000" in body and _NUL_ESCAPE.search(body):
        raise ValidationFailed.at(("body",), "text may not contain NUL characters (\\u0000)")


async def check_request(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook of the app: the checks below, before any parameter is parsed."""
    if "\x00" in request.scope["path"]:
        raise ValidationFailed.at(("path",), "the path may not contain NUL characters")
    if request.scope.get("query_string"):
        if b"%00" in request.scope["query_string"]:
            raise ValidationFailed.at(("query",), "the query may not contain NUL characters")
        reject_repeated_query_parameters(request)
    if request.method in _BODY_METHODS:
        reject_non_json_bodies(request)


def reject_repeated_query_parameters(request: Request[Any, Any, Any]) -> None:
    """A query parameter sent twice is ambiguous: 422 naming it.

    Litestar would silently keep the last value; no operation takes a list in the query.
    """
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name in seen:
            raise ValidationFailed.at(("query", name), "given more than once")
        seen.add(name)


def reject_non_json_bodies(request: Request[Any, Any, Any]) -> None:
    """A body declared as something other than JSON, sent to a handler that reads JSON: 415.

    A body without a ``Content-Type`` is read as JSON; handlers that read their own body
    (the upload) take no ``data`` parameter and are not concerned.
    """
    if "data" not in request.route_handler.parsed_fn_signature.parameters:
        return
    if request.headers.get("content-length") == "0":
        return
    media_type, _ = request.content_type
    if media_type and media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json, not {media_type}")
