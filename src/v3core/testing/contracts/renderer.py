"""The renderer port's contract (``v3core.ports.renderer.Renderer``) as a pytest base class.

Subclass ``RendererContract`` and supply two fixtures: ``renderer`` and ``renderer_blobs``,
the ``BlobStore`` your renderer reads scene visuals from (the contract stores a PNG there).
Expected values are SPEC §8's "Encoding": an MP4 (H.264, the index before the media) at
1280x720 for 16:9, 720x1280 for 9:16, 1080x1080 for 1:1 and 1080x1350 for 4:5 unless a
resolution of the same ratio is asked for, lasting the storyboard's total to within a frame
(``frame_tolerance`` seconds, 0.1 by default). The file is read with a small ISO-BMFF box
reader (no media library): its ``mvhd`` gives the duration, its ``avc1`` entry the size.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
from pathlib import Path

import attrs
import pytest

from v3core.errors import ValidationFailed
from v3core.ports.blobs import BlobStore
from v3core.ports.renderer import (
    RenderAsset,
    RenderCancelled,
    RenderedVideo,
    Renderer,
    RenderRequest,
    RenderScene,
)
from v3core.testing.media_fakes import solid_png

SPEC_SIZES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (1080, 1080), "4:5": (1080, 1350)}


@attrs.frozen
class Mp4Facts:
    """What the contract reads from an MP4 file's boxes."""

    top_level: tuple[str, ...]
    duration: float | None
    codec: str | None
    width: int | None
    height: int | None


def _boxes(data: bytes, start: int, end: int) -> list[tuple[str, int, int]]:
    """(type, payload start, box end) of the boxes between ``start`` and ``end``."""
    found: list[tuple[str, int, int]] = []
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
            header = 16
        elif size == 0:
            size = end - offset
        if size < header:
            break
        found.append((kind.decode("latin-1"), offset + header, offset + size))
        offset += size
    return found


def mp4_facts(data: bytes) -> Mp4Facts:
    """The top-level boxes, the movie's duration and the first video sample entry of ``data``."""
    top = _boxes(data, 0, len(data))
    duration: float | None = None
    codec: str | None = None
    width = height = None
    moov = next(((s, e) for kind, s, e in top if kind == "moov"), None)
    if moov is not None:
        for kind, start, _end in _boxes(data, *moov):
            if kind == "mvhd":
                version = data[start]
                if version == 1:
                    scale, length = struct.unpack(">IQ", data[start + 20 : start + 32])
                else:
                    scale, length = struct.unpack(">II", data[start + 12 : start + 20])
                duration = length / scale if scale else None
        for entry in (b"avc1", b"avc3", b"hvc1", b"mp4v"):
            at = data.find(entry, moov[0], moov[1])
            if at >= 0:
                codec = entry.decode()
                width, height = struct.unpack(">HH", data[at + 28 : at + 32])
                break
    return Mp4Facts(tuple(kind for kind, _, _ in top), duration, codec, width, height)


def scenes(*durations: float, visual: RenderAsset | None = None) -> tuple[RenderScene, ...]:
    return tuple(
        RenderScene(number, duration, f"Scene {number}", f"Line {number}.", "medium", "dissolve", visual)
        for number, duration in enumerate(durations, start=1)
    )


async def nothing(done: int, total: int, message: str) -> None:
    return None


def never() -> bool:
    return False


async def read_file(path: str) -> bytes:
    return await asyncio.to_thread(Path(path).read_bytes)


class RendererContract:
    """Every renderer test; needs the fixtures ``renderer`` and ``renderer_blobs``."""

    frame_tolerance: float = 0.1

    async def _facts(self, video: RenderedVideo) -> Mp4Facts:
        data = await read_file(video.path)
        assert video.size == len(data), "RenderedVideo.size is not the file's size"
        return mp4_facts(data)

    @pytest.mark.asyncio
    async def test_the_video_is_an_h264_mp4_with_the_index_before_the_media(self, renderer: Renderer) -> None:
        video = await renderer.render(RenderRequest("job-c", scenes(0.5, 0.5)), nothing, never)
        facts = await self._facts(video)
        assert facts.top_level[0] == "ftyp"
        assert facts.top_level.index("moov") < facts.top_level.index("mdat"), "no fast start"
        assert facts.codec in ("avc1", "avc3"), f"video codec {facts.codec}, not H.264"
        assert video.content_type == "video/mp4"

    @pytest.mark.asyncio
    @pytest.mark.parametrize(("aspect", "size"), sorted(SPEC_SIZES.items()))
    async def test_each_format_is_encoded_at_the_spec_size(
        self, renderer: Renderer, aspect: str, size: tuple[int, int]
    ) -> None:
        video = await renderer.render(RenderRequest("job-c", scenes(0.3), format=aspect), nothing, never)
        facts = await self._facts(video)
        assert (facts.width, facts.height) == size == (video.width, video.height)

    @pytest.mark.asyncio
    async def test_a_resolution_of_the_same_ratio_is_honoured_and_another_ignored(
        self, renderer: Renderer
    ) -> None:
        matching = RenderRequest("job-c", scenes(0.2), format="16:9", resolution="640x360")
        other_ratio = RenderRequest("job-c", scenes(0.2), format="16:9", resolution="1000x1000")
        small = await renderer.render(matching, nothing, never)
        default = await renderer.render(other_ratio, nothing, never)
        assert ((await self._facts(small)).width, small.width, small.height) == (640, 640, 360)
        assert ((await self._facts(default)).width, default.width, default.height) == (1280, 1280, 720)

    @pytest.mark.asyncio
    @pytest.mark.parametrize("durations", [(1.37,), (0.93, 1.71, 0.55), (2.04, 0.26)])
    async def test_the_video_lasts_the_storyboard_to_within_a_frame(
        self, renderer: Renderer, durations: tuple[float, ...]
    ) -> None:
        video = await renderer.render(RenderRequest("job-c", scenes(*durations)), nothing, never)
        facts = await self._facts(video)
        total = sum(durations)
        assert facts.duration is not None, "the MP4 states no duration"
        assert abs(facts.duration - total) <= self.frame_tolerance
        assert abs(video.duration - total) <= self.frame_tolerance

    @pytest.mark.asyncio
    async def test_a_scene_shows_its_image_from_the_blob_store(
        self, renderer: Renderer, renderer_blobs: BlobStore, tmp_path: Path
    ) -> None:
        data = solid_png(64, 36, (200, 40, 40))
        blob_id = hashlib.sha256(data).hexdigest()
        path = tmp_path / "visual.png"
        await asyncio.to_thread(path.write_bytes, data)
        await renderer_blobs.put_file(blob_id, str(path), len(data))
        visual = RenderAsset("asset-1", blob_id, "image", "image/png", 64, 36)
        video = await renderer.render(RenderRequest("job-c", scenes(0.5, 0.5, visual=visual)), nothing, never)
        facts = await self._facts(video)
        assert facts.duration is not None
        assert abs(facts.duration - 1.0) <= self.frame_tolerance

    @pytest.mark.asyncio
    async def test_progress_counts_up_to_every_scene(self, renderer: Renderer) -> None:
        reports: list[tuple[int, int]] = []

        async def progress(done: int, total: int, message: str) -> None:
            reports.append((done, total))

        await renderer.render(RenderRequest("job-c", scenes(0.3, 0.3, 0.3, 0.3)), progress, never)
        assert reports, "no progress was reported"
        assert {total for _, total in reports} == {4}
        done = [d for d, _ in reports]
        assert done == sorted(done) and done[0] >= 0, f"progress went backwards: {done}"
        assert reports[-1] == (4, 4)

    @pytest.mark.asyncio
    async def test_a_cancelled_job_stops_with_render_cancelled(self, renderer: Renderer) -> None:
        with pytest.raises(RenderCancelled):
            await renderer.render(RenderRequest("job-c", scenes(1.0, 1.0, 1.0)), nothing, lambda: True)

    @pytest.mark.asyncio
    async def test_an_unknown_aspect_ratio_is_refused(self, renderer: Renderer) -> None:
        with pytest.raises(ValidationFailed):
            await renderer.render(RenderRequest("job-c", scenes(0.5), format="21:9"), nothing, never)

    @pytest.mark.asyncio
    async def test_renders_started_together_all_finish_in_files_of_their_own(
        self, renderer: Renderer
    ) -> None:
        request = RenderRequest("job-c", scenes(0.4, 0.4))
        videos = await asyncio.gather(*(renderer.render(request, nothing, never) for _ in range(3)))
        assert len({video.path for video in videos}) == 3
        for video in videos:
            assert (await self._facts(video)).duration is not None
