"""``SingleFlight``: concurrent identical requests share one computation."""

from __future__ import annotations

import asyncio

import pytest

from v3core.single_flight import SingleFlight


class Work:
    """Counts its runs and finishes when released."""

    def __init__(self, result: int = 7, error: Exception | None = None) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.result = result
        self.error = error

    async def __call__(self) -> int:
        self.runs += 1
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return self.result


async def _until_waiting(flights: SingleFlight[int], key: str, count: int) -> None:
    for _ in range(10_000):
        if flights.waiting(key) >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{count} callers never waited for {key!r}")


async def test_concurrent_callers_of_one_key_share_one_run() -> None:
    flights: SingleFlight[int] = SingleFlight()
    work = Work()
    callers = [asyncio.create_task(flights.run("k", work)) for _ in range(5)]
    await _until_waiting(flights, "k", 5)
    work.release.set()
    assert await asyncio.gather(*callers) == [7] * 5
    assert work.runs == 1


async def test_different_keys_run_separately_and_a_finished_key_runs_again() -> None:
    flights: SingleFlight[int] = SingleFlight()
    work = Work()
    work.release.set()
    assert await asyncio.gather(flights.run("a", work), flights.run("b", work)) == [7, 7]
    assert await flights.run("a", work) == 7
    assert work.runs == 3


async def test_every_waiting_caller_gets_the_error() -> None:
    flights: SingleFlight[int] = SingleFlight()
    work = Work(error=ValueError("undecodable"))
    callers = [asyncio.create_task(flights.run("k", work)) for _ in range(3)]
    await _until_waiting(flights, "k", 3)
    work.release.set()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert [type(o) for o in outcomes] == [ValueError] * 3
    assert work.runs == 1


async def test_a_caller_that_leaves_does_not_cancel_the_work_for_the_others() -> None:
    flights: SingleFlight[int] = SingleFlight()
    work = Work()
    first = asyncio.create_task(flights.run("k", work))
    second = asyncio.create_task(flights.run("k", work))
    await _until_waiting(flights, "k", 2)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    work.release.set()
    assert await second == 7
    assert flights.waiting("k") == 0
