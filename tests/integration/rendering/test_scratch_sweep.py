"""Scratch left by a render whose process was killed is swept; live renders' files are kept."""

from __future__ import annotations

import os
import time
from pathlib import Path

from adapters.rendering.files import sweep_stale


def test_stale_scratch_and_unpublished_videos_are_removed_but_fresh_ones_stay(tmp_path: Path) -> None:
    old = time.time() - 7200
    dead_scratch = tmp_path / ".render-dead"
    dead_scratch.mkdir()
    (dead_scratch / "animatic.mp4").write_bytes(b"partial")
    dead_video = tmp_path / "job-1-abcd.mp4"
    dead_video.write_bytes(b"unpublished")
    for path in (dead_scratch, dead_video):
        os.utime(path, (old, old))
    live_scratch = tmp_path / ".render-live"
    live_scratch.mkdir()
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("keep")
    os.utime(unrelated, (old, old))

    removed = sweep_stale(tmp_path, older_than_seconds=3600, now=time.time())

    assert removed == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".render-live", "notes.txt"]
