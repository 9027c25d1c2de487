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


def sweep_stale(work_dir: Path, older_than_seconds: float, now: float) -> int:
    """Remove scratch folders and unpublished videos left by renders that died (a killed process).

    Only entries untouched for ``older_than_seconds`` go, so renders of other live processes
    sharing ``work_dir`` are safe. Returns how many entries were removed.
    """
    if not work_dir.is_dir():
        return 0
    removed = 0
    for entry in work_dir.iterdir():
        is_ours = entry.name.startswith(".render-") or entry.suffix == ".mp4"
        try:
            stale = now - entry.stat().st_mtime > older_than_seconds
        except FileNotFoundError:
            continue
        if not (is_ours and stale):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed
