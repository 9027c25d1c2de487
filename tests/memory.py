"""Peak memory of one call, for tests of bounded-memory decoding (Linux ``/proc``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from adapters.ingest.memory_release import give_memory_back

MB = 1 << 20
T = TypeVar("T")


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def peak_rss_growth(call: Callable[[], T]) -> tuple[T, int]:
    """``call()``'s result and how far this process's peak RSS rose above its RSS before it,
    in bytes (freed memory is handed back first, and the peak reset through ``clear_refs``)."""
    give_memory_back()
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current RSS
    before = _status_bytes("VmRSS")
    result = call()
    return result, _status_bytes("VmHWM") - before
