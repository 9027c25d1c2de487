"""Giving freed memory back to the operating system after a large decode.

A decode of a big image or video frame allocates tens of megabytes in a worker thread's
malloc arena. glibc keeps freed arena memory for reuse, so without a trim the process's RSS
stays at its peak for good (the "148 -> 991 MB over an hour" of issue 9). ``malloc_trim(0)``
returns the free pages of every arena; on a C library without it (musl, macOS) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def give_memory_back() -> bool:
    """Return freed heap memory to the OS; whether the C library could (glibc)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
