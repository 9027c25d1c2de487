"""The app's request class: a JSON body that cannot be decoded is the client's fault (400).

Litestar turns ``msgspec.DecodeError`` into a 400 but lets two other decoding failures
through as 500s: invalid UTF-8 inside a string (``UnicodeDecodeError``) and nesting
deeper than the interpreter's recursion limit (``RecursionError``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


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
