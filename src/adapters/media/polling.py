"""Long-running provider work: deadlines, polling backoff, upstream cancel, rate-limit retries.

``Deadline.run`` bounds a whole generation (submit, poll, download) by
``MEDIA_TIMEOUT_SECONDS``. The provider's work is tracked in an ``UpstreamWork``; if the
call does not finish — the deadline passes, the awaiting task is cancelled, or polling
fails — the work is cancelled upstream (best effort, bounded in time) before the
``UpstreamTimeout`` / cancellation / error propagates, so nobody pays for an orphan.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import attrs

from v3core.errors import RateLimited, UpstreamError, UpstreamTimeout

T = TypeVar("T")
log = logging.getLogger(__name__)

CANCEL_TIMEOUT_SECONDS = 10.0
MAX_RETRY_AFTER_SECONDS = 60.0


class TransientUpstreamError(UpstreamError):
    """A failure worth one more try (HTTP 5xx before anything was created upstream)."""


@attrs.frozen
class Backoff:
    """Delays between polls: ``initial``, growing by ``factor``, never above ``cap`` (seconds).

    The default notices a finished prediction at most 2 s late (Replicate's own client polls
    every 0.5 s) at about 30 requests a minute per running prediction.
    """

    initial: float = 0.5
    factor: float = 1.25
    cap: float = 2.0

    def delays(self) -> Iterator[float]:
        """An endless sequence of waits."""
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * self.factor, self.cap)


@attrs.define
class UpstreamWork:
    """The provider-side job of one call (a prediction id, an operation name) while it runs."""

    cancel: Callable[[str], Awaitable[None]] | None
    ident: str | None = None
    finished: bool = False

    async def abandon(self) -> None:
        """Cancel the work upstream unless it finished; never raises (a failed cancel is logged)."""
        if self.cancel is None or self.ident is None or self.finished:
            return
        self.finished = True
        try:
            async with asyncio.timeout(CANCEL_TIMEOUT_SECONDS):
                await asyncio.shield(self.cancel(self.ident))
        except Exception as exc:  # best effort: the original failure matters more
            log.warning("cancelling upstream work %s failed: %s", self.ident, exc)


@attrs.frozen
class Deadline:
    """``seconds`` for one whole generation by ``provider``."""

    provider: str
    seconds: float

    async def run(self, work: UpstreamWork, call: Callable[[], Awaitable[T]]) -> T:
        """Await ``call()``; cancel ``work`` upstream unless it completes in time."""
        try:
            async with asyncio.timeout(self.seconds):
                result = await call()
        except TimeoutError:
            await work.abandon()
            raise UpstreamTimeout(
                f"{self.provider} did not finish within {self.seconds:g} s; its work was cancelled"
            ) from None
        except BaseException:
            await work.abandon()
            raise
        work.finished = True
        return result


async def with_retries(call: Callable[[], Awaitable[T]], retries: int, backoff: Backoff) -> T:
    """``call()``, retried up to ``retries`` times on ``RateLimited`` (waiting ``retry_after``
    when the provider said, capped at a minute) and on ``TransientUpstreamError``."""
    waits = backoff.delays()
    for attempt in range(retries + 1):
        try:
            return await call()
        except RateLimited as exc:
            if attempt == retries:
                raise
            delay = exc.retry_after if exc.retry_after is not None else next(waits)
            await asyncio.sleep(min(delay, MAX_RETRY_AFTER_SECONDS))
        except TransientUpstreamError:
            if attempt == retries:
                raise
            await asyncio.sleep(next(waits))
    raise AssertionError("unreachable")  # pragma: no cover


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); ``None`` if absent."""
    if not value or not value.strip():
        return None
    text = value.strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(text))
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(text)
        return max(0.0, when.timestamp() - time.time())
    return None
