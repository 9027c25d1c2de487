"""The blob guards: holders of one blob id take turns, other ids never wait, and a holder
that is cancelled (a client went away) lets the next one in. The PostgreSQL guard does so
across processes: two guards with engines of their own stand for two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import sqlalchemy as sa

from adapters.sqlalchemy.blob_guard import PostgresBlobGuard, advisory_key
from adapters.sqlalchemy.engine import make_engine
from v3core.ports.blobs import BlobGuard
from v3core.services.assets.guard import InProcessBlobGuard


@pytest.fixture(params=["in-process", pytest.param("postgres", marks=pytest.mark.postgres)])
async def two_holders(request: pytest.FixtureRequest) -> AsyncIterator[tuple[BlobGuard, BlobGuard]]:
    """Two guards that must exclude each other (one shared guard in one process)."""
    if request.param == "in-process":
        guard = InProcessBlobGuard()
        yield guard, guard
        assert guard.in_use == 0
        return
    url = request.getfixturevalue("postgres_url")
    first, second = PostgresBlobGuard.for_url(url), PostgresBlobGuard.for_url(url)
    yield first, second
    await first.close()
    await second.close()


async def until(condition: Callable[[], bool]) -> None:
    """Let other tasks run until ``condition`` holds (bounded, so a bug fails, not hangs)."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


async def test_holders_of_one_blob_take_turns(two_holders: tuple[BlobGuard, BlobGuard]) -> None:
    first, second = two_holders
    events: list[str] = []
    release = asyncio.Event()

    async def hold(guard: BlobGuard, name: str) -> None:
        async with guard.hold("b" * 64):
            events.append(f"{name} in")
            if name == "first":
                await release.wait()
            events.append(f"{name} out")

    a = asyncio.create_task(hold(first, "first"))
    await until(lambda: events == ["first in"])
    b = asyncio.create_task(hold(second, "second"))
    await asyncio.sleep(0.2)  # time for the second to (wrongly) get in; it must not
    assert events == ["first in"]
    release.set()
    await asyncio.gather(a, b)
    assert events == ["first in", "first out", "second in", "second out"]


async def test_other_blobs_never_wait(two_holders: tuple[BlobGuard, BlobGuard]) -> None:
    first, second = two_holders
    async with first.hold("c" * 64), second.hold("d" * 64):
        pass


async def test_a_cancelled_holder_lets_the_next_in(two_holders: tuple[BlobGuard, BlobGuard]) -> None:
    first, second = two_holders
    inside = asyncio.Event()

    async def stuck() -> None:
        async with first.hold("e" * 64):
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with second.hold("e" * 64):
        pass


@pytest.mark.postgres
async def test_the_postgres_guard_is_an_advisory_lock_released_with_its_transaction(
    postgres_url: str,
) -> None:
    guard = PostgresBlobGuard.for_url(postgres_url)
    engine = make_engine(postgres_url)
    held = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
    try:
        async with guard.hold("f" * 64), engine.connect() as other:
            assert await other.scalar(held) >= 1
            taken = sa.select(sa.func.pg_try_advisory_lock(advisory_key("f" * 64)))
            assert await other.scalar(taken) is False
        async with engine.connect() as other:
            taken = sa.select(sa.func.pg_try_advisory_xact_lock(advisory_key("f" * 64)))
            assert await other.scalar(taken) is True
    finally:
        await guard.close()
        await engine.dispose()


async def test_a_waiter_cancelled_while_waiting_leaves_nothing_locked(
    two_holders: tuple[BlobGuard, BlobGuard],
) -> None:
    first, second = two_holders
    release = asyncio.Event()
    inside = asyncio.Event()

    async def holding() -> None:
        async with first.hold("9" * 64):
            inside.set()
            await release.wait()

    async def waiting() -> None:
        async with second.hold("9" * 64):
            raise AssertionError("got in while the first held the blob")

    holder = asyncio.create_task(holding())
    await inside.wait()
    waiter = asyncio.create_task(waiting())
    await asyncio.sleep(0.2)  # let the waiter reach the lock wait
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    await holder
    async with first.hold("9" * 64), second.hold("8" * 64):
        pass
    async with second.hold("9" * 64):
        pass
