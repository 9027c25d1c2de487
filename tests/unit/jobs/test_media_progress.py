"""What a render tells its watchers and hands its providers (SPEC §8 "The render"): the stages
in order with a message per scene, each clip starting on its own scene's storyboard frame, at
most ``MEDIA_CONCURRENCY`` calls at once, and the brand's images as the frames' references."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from tests.unit.jobs.media_world import MediaWorld
from v3core.model import JobStatus
from v3core.ports.media import GeneratedMedia, ImageRequest, VideoRequest
from v3core.testing.fakes import FakeImageGenerator, FakeVideoGenerator
from v3core.testing.media_fakes import solid_png

SCENES = 5


def _stages(world: MediaWorld, job_id: str) -> list[tuple[str, int, str]]:
    """(stage, percent, message) of every progress the job reported while rendering, in order."""
    out = []
    for event in world.store.job_events.get(job_id, []):
        data, changed = event.data, event.data.get("changed")
        if data.get("status") != "video_processing" or not isinstance(changed, list):
            continue
        progress = data["progress"]
        if "progress" not in changed or not isinstance(progress, dict):
            continue
        out.append((str(progress["stage"]), int(progress["percent"]), str(progress["message"])))
    return out


async def test_a_render_reports_generating_media_then_composing_then_encoding(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path)
    await world.seed()
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()
    assert (await world.job(job_id)).status == JobStatus.COMPLETED

    reported = _stages(world, job_id)
    order = [stage for i, (stage, _, _) in enumerate(reported) if i == 0 or reported[i - 1][0] != stage]
    # approval queues the render; then SPEC §8's stages, each once, in this order
    assert order == ["queued_for_render", "generating_media", "composing", "encoding"], reported
    percents = [percent for _, percent, _ in reported]
    assert percents == sorted(percents), reported  # never goes backwards
    media_messages = [message for stage, _, message in reported if stage == "generating_media"]
    per_scene = [m for m in media_messages if m.startswith("Generated the footage of scene ")]
    numbers = sorted(int(m.rsplit(" ", 1)[1]) for m in per_scene)
    assert numbers == list(range(1, SCENES + 1)), media_messages  # one report per scene


class FrameReadingVideo(FakeVideoGenerator):
    """Notes the sha256 of the first frame each clip request hands over (it is a temporary copy)."""

    first_frames: dict[str, str]

    async def generate(self, request: VideoRequest) -> GeneratedMedia:
        assert request.first_frame is not None
        data = await asyncio.to_thread(Path(request.first_frame).read_bytes)
        digest = hashlib.sha256(data).hexdigest()
        self.first_frames = {**getattr(self, "first_frames", {}), request.prompt: digest}
        return await super().generate(request)


async def test_each_clip_starts_on_its_own_scenes_storyboard_frame(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, video_class=FrameReadingVideo)
    await world.seed()
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()
    assert (await world.job(job_id)).status == JobStatus.COMPLETED

    video = world.video
    assert isinstance(video, FrameReadingVideo)
    frames = {a.id: a for a in await world.generated(job_id, "frame")}
    scenes = await world.scenes(job_id)
    previews = {frames[s.preview_asset_id or ""].checksum for s in scenes}
    assert len(previews) == SCENES  # the fake draws each scene's frame differently
    for scene in scenes:
        (prompt,) = [p for p in video.first_frames if scene.description.rstrip(".") in p]
        assert video.first_frames[prompt] == frames[scene.preview_asset_id or ""].checksum, scene.number


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_media_concurrency_bounds_the_calls_in_flight(tmp_path: Path, concurrency: int) -> None:
    world = MediaWorld(tmp_path, concurrency=concurrency)
    await world.seed()
    world.image.behaviour.delay = world.video.behaviour.delay = 0.02
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()
    assert (await world.job(job_id)).status == JobStatus.COMPLETED

    assert world.image.behaviour.peak == concurrency  # the storyboard frames, at planning
    assert world.video.behaviour.peak == concurrency  # the clips, after approval


class ReferenceReadingImages(FakeImageGenerator):
    """Notes the bytes of the reference images each frame request hands over (temporary copies)."""

    references: list[list[bytes]]

    async def generate(self, request: ImageRequest) -> GeneratedMedia:
        read = [await asyncio.to_thread(Path(p).read_bytes) for p in request.reference_images]
        self.references = [*getattr(self, "references", []), read]
        return await super().generate(request)


async def test_every_frame_is_drawn_with_the_briefs_product_shot_and_logo_as_references(
    tmp_path: Path,
) -> None:
    """SPEC §8: ``ImageGenerator`` takes reference images; the brief's product shot and logo
    are the brand's look to stay consistent with (a lifestyle picture is not)."""
    world = MediaWorld(tmp_path, image_class=ReferenceReadingImages)
    await world.seed()
    product, logo, lifestyle = solid_png(40, 30, (230, 80, 30)), solid_png(16, 16, (9, 9, 9)), solid_png(8, 8)
    assets = [
        {"assetId": await world.library_asset(product, "shoe.png"), "role": "product_shot"},
        {"assetId": await world.library_asset(lifestyle, "park.png"), "role": "lifestyle"},
        {"assetId": await world.library_asset(logo, "logo.png"), "role": "logo"},
    ]
    job_id = await world.ready_job(assets=assets)

    assert (await world.job(job_id)).status == JobStatus.STORYBOARD_READY
    image = world.image
    assert isinstance(image, ReferenceReadingImages)
    assert len(image.references) == SCENES
    assert all(sent == [product, logo] for sent in image.references), image.references
