"""Decoding limits of the media adapters: one decode at a time, a size cap on video."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.thumbnails import PillowThumbnailer
from tests.unit.assets import samples
from v3core.errors import ValidationFailed
from v3core.model import AssetType
from v3core.ports.blobs import StagedFile


class OverlapRecordingThumbnailer(PillowThumbnailer):
    """The real thumbnailer, recording how many decodes overlap."""

    def __init__(self, directory: str, max_concurrent: int) -> None:
        super().__init__(directory, max_concurrent=max_concurrent)
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def render(self, path: str, kind: AssetType) -> StagedFile | None:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.02)  # hold the decode long enough for the others to pile up
            return super().render(path, kind)
        finally:
            with self._lock:
                self.running -= 1


def staged(tmp_path: Path, name: str, data: bytes) -> StagedFile:
    path = tmp_path / name
    path.write_bytes(data)
    return StagedFile(path=str(path), size=len(data), sha256=name)


@pytest.mark.parametrize("bound", [1, 2])
async def test_at_most_the_configured_number_of_decodes_run_at_once(tmp_path: Path, bound: int) -> None:
    thumbnailer = OverlapRecordingThumbnailer(str(tmp_path), max_concurrent=bound)
    sources = [staged(tmp_path, f"{i}.png", samples.image("PNG", (200 + i, 100))) for i in range(6)]
    thumbs = await asyncio.gather(*(thumbnailer.thumbnail(s, AssetType.IMAGE) for s in sources))
    assert all(t is not None for t in thumbs)
    assert thumbnailer.most == bound


async def test_a_video_frame_is_reduced_to_the_preview_box(tmp_path: Path) -> None:
    source = staged(tmp_path, "clip.mp4", samples.video(size=(640, 480)))
    thumb = await PillowThumbnailer(str(tmp_path)).thumbnail(source, AssetType.VIDEO)
    assert thumb is not None
    with Image.open(thumb.path) as img:
        assert (img.format, img.size) == ("JPEG", (320, 240))


async def test_no_preview_of_a_video_over_the_size_cap(tmp_path: Path) -> None:
    source = staged(tmp_path, "clip.mp4", samples.video(size=(64, 48)))
    capped = PillowThumbnailer(str(tmp_path), max_video_side=48)
    assert await capped.thumbnail(source, AssetType.VIDEO) is None


@pytest.mark.parametrize(
    ("pixels", "side"), [(64 * 48 - 1, 8192), (8192 * 4320, 63)], ids=["too-many-pixels", "side-too-long"]
)
async def test_the_inspector_refuses_a_video_over_the_size_cap(
    tmp_path: Path, pixels: int, side: int
) -> None:
    source = staged(tmp_path, "clip.mp4", samples.video(size=(64, 48)))
    inspector = MediaContentInspector(max_video_pixels=pixels, max_video_side=side)
    with pytest.raises(ValidationFailed) as refused:
        await inspector.inspect(source)
    (detail,) = refused.value.details
    assert (detail.loc, detail.type) == (("file",), "video_too_large")
    assert "64x48" in refused.value.message


async def test_the_inspector_accepts_audio_and_a_video_at_the_cap(tmp_path: Path) -> None:
    inspector = MediaContentInspector(max_video_pixels=64 * 48, max_video_side=64)
    video = await inspector.inspect(staged(tmp_path, "clip.mp4", samples.video(size=(64, 48))))
    assert (video.width, video.height) == (64, 48)
    audio = await inspector.inspect(staged(tmp_path, "a.mp3", samples.audio("mp3", "mp3")))
    assert audio.width is None
