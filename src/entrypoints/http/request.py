"""The app's request class and request guards.

A JSON body that cannot be decoded is the client's fault (400).

Litestar turns ``msgspec.DecodeError`` into a 400 but lets two other decoding failures
through as 500s: invalid UTF-8 inside a string (``UnicodeDecodeError``) and nesting
deeper than the interpreter's recursion limit (``RecursionError``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

from v3core.errors import ValidationFailed


class V3Request(Request[Any, Any, Any]):
    """``Request`` whose ``json()`` answers 400 for every undecodable body."""

    async def json(self) -> Any:
        """The decoded JSON body; ``ClientException`` (400) when it cannot be decoded."""
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise ClientException("the request body is not valid UTF-8") from None
        except RecursionError:
            raise ClientException("the JSON body nests too deeply") from None


async def reject_repeated_query_parameters(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: a query parameter sent twice is ambiguous, answered 422 naming it.

    Litestar would silently keep the last value; no operation takes a list in the query.
    """
    if not request.scope.get("query_string"):
        return
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name in seen:
            raise ValidationFailed.at(("query", name), "given more than once")
        seen.add(name)
