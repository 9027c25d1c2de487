"""Disk housekeeping of a render: a private scratch folder and the published result.

These are blocking calls; the renderer runs them in a thread.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def make_scratch(work_dir: Path) -> Path:
    """A new empty folder inside ``work_dir`` (created when missing) for one render."""
    work_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".render-", dir=work_dir))


def remove(scratch: Path) -> None:
    """Delete the scratch folder and all it holds."""
    shutil.rmtree(scratch, ignore_errors=True)


def publish(output: Path, work_dir: Path, job_id: str) -> tuple[Path, int]:
    """Move the finished video to a fresh name in ``work_dir``; returns its path and size."""
    prefix = f"{_UNSAFE.sub('-', job_id)[:64] or 'render'}-"
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".mp4", dir=work_dir)
    os.close(handle)
    try:
        os.replace(output, name)
        return Path(name), Path(name).stat().st_size
    except OSError:
        Path(name).unlink(missing_ok=True)
        raise


def open_for_writing(target: Path) -> BinaryIO:
    """``target`` opened for binary writing (truncated)."""
    return target.open("wb")
