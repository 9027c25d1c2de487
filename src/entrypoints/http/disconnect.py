"""Work that stops when the client leaves: a handler's long await is cancelled on ``http.disconnect``.

After Litestar has read the request body, the next ASGI ``receive()`` only returns once the
client disconnects (or the response is complete), so a watcher waiting on it tells a long
handler (a bulk URL import) that nobody is waiting for its answer any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from litestar import Request
from litestar.exceptions import HTTPException

T = TypeVar("T")
log = logging.getLogger("v3.http")

CLIENT_CLOSED_REQUEST = 499
"""The nginx convention for "the client closed the connection before the answer"."""


class ClientDisconnected(HTTPException):
    """The client left; the answer goes nowhere (nginx's 499)."""

    status_code = CLIENT_CLOSED_REQUEST
    detail = "the client closed the connection; the work was cancelled"


async def _disconnected(request: Request[Any, Any, Any]) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_disconnected(request: Request[Any, Any, Any], work: Awaitable[T]) -> T:
    """``await work``, cancelling it (and waiting for its clean-up) if the client disconnects first."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        log.info("%s %s: client disconnected, work cancelled", request.method, request.url.path)
        raise ClientDisconnected()
    return task.result()
