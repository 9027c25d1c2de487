"""argon2 runs off the event loop with a bounded number of hashes at once."""

from __future__ import annotations

import asyncio
import threading
import time

from argon2 import PasswordHasher as Argon2

from adapters.security import Argon2PasswordHasher


class OverlapRecordingArgon2(Argon2):
    """The real argon2 hasher (cheap parameters) that records how many verifies overlap."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.02)  # hold the slot long enough for the others to pile up
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


async def test_at_most_the_configured_number_of_hashes_run_at_once() -> None:
    argon2 = OverlapRecordingArgon2()
    hasher = Argon2PasswordHasher(concurrency=2, argon2=argon2)
    try:
        stored = await hasher.hash("correct horse")
        results = await asyncio.gather(
            *(hasher.verify(stored, "correct horse" if i % 2 else "wrong") for i in range(12))
        )
    finally:
        hasher.close()
    assert results == [bool(i % 2) for i in range(12)]
    assert argon2.most == 2


async def test_a_waiting_caller_that_leaves_costs_no_hash() -> None:
    argon2 = OverlapRecordingArgon2()
    hasher = Argon2PasswordHasher(concurrency=1, argon2=argon2)
    try:
        stored = await hasher.hash("pw")
        first = asyncio.create_task(hasher.verify(stored, "pw"))
        waiting = asyncio.create_task(hasher.verify(stored, "pw"))
        await asyncio.sleep(0)
        waiting.cancel()
        assert await first is True
        assert waiting.cancelled()
    finally:
        hasher.close()
