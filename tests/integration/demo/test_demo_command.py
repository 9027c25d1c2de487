"""``v3 demo`` end to end on a temporary SQLite file: the MP4 it writes (picture and its offline
music bed, decoded and measured) and what it leaves behind."""

from __future__ import annotations

import asyncio
import io
import re
from fractions import Fraction
from pathlib import Path

import av
import click
import numpy as np
import numpy.typing as npt
import pytest
from click.testing import CliRunner
from dependency_injector import providers
from rich.console import Console

from entrypoints.cli import main
from entrypoints.container import Container
from entrypoints.demo import execute_demo
from entrypoints.demo.command import demo_settings
from entrypoints.storage import open_storage
from tests.integration.audio.measure import lufs, rms_db
from v3core.model import Job, Scene
from v3core.ports.renderer import CancelCheck, ProgressCallback, RenderedVideo, RenderRequest

FPS = 24


async def _stored_job(database_url: str, job_id: str) -> tuple[Job, list[Scene]]:
    storage = open_storage(database_url)
    try:
        async with storage.uow_factory() as uow:
            job = await uow.jobs.get_any(job_id)
            assert job is not None
            return job, list(await uow.scenes.list_for_job(job_id))
    finally:
        await storage.close()


def _decoded(path: Path) -> tuple[str, str, float]:
    """Container format, video codec and the duration counted in decoded frames."""
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        frames = sum(1 for _ in video.decode(stream))
        rate = Fraction(stream.average_rate or FPS)
        return video.format.name, stream.codec_context.name, float(frames / rate)


def _audio(path: Path) -> tuple[tuple[str, int, str], npt.NDArray[np.float32]]:
    """The audio stream's codec, rate and layout, and its samples decoded with PyAV."""
    with av.open(str(path)) as video:
        assert video.streams.audio, "the MP4 has no audio stream"
        stream = video.streams.audio[0]
        facts = (stream.codec_context.name, stream.sample_rate, stream.layout.name)
        planes = [frame.to_ndarray() for frame in video.decode(stream)]
    return facts, np.concatenate(planes, axis=1).T.astype(np.float32)


def test_demo_writes_a_playable_mp4_as_long_as_the_storyboard_and_prints_its_path(tmp_path: Path) -> None:
    output = tmp_path / "out" / "demo.mp4"
    database_url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["demo", "--output", str(output), "--database-url", database_url, "--duration", "6"]
    result = CliRunner(env={"COLUMNS": "200"}).invoke(main, args)

    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == str(output.resolve())
    assert output.is_file()
    assert "Storyboard of Aurora Sparkling Water" in result.output
    assert "make it a close-up of the product" in result.output

    match = re.search(r"job ([0-9a-f-]{36}) completed", result.output)
    assert match, result.output
    job, scenes = asyncio.run(_stored_job(database_url, match.group(1)))
    total = sum(s.duration for s in scenes)
    fmt, codec, seconds = _decoded(output)
    assert "mp4" in fmt
    assert codec == "h264"
    assert abs(seconds - total) <= 1 / FPS
    assert job.status.value == "completed"
    regenerated = [s for s in scenes if s.version > 1]
    assert [s.shot_type for s in regenerated] == ["close-up"]
    assert regenerated[0].asset_ids == job.asset_ids
    facts, audio = _audio(output)
    assert facts == ("aac", 48_000, "stereo"), "offline, the demo still has a soundtrack: its music bed"
    halves = (audio[: len(audio) // 2], audio[len(audio) // 2 :])
    assert [rms_db(half) > -40 for half in halves] == [True, True], "music under the whole video"
    assert abs(lufs(audio) - (-14.0)) <= 1.0
    assert abs(len(audio) / 48_000 - seconds) <= 0.1


class ExplodingRenderer:
    """A renderer whose encoder always crashes."""

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        raise RuntimeError("encoder exploded")

    def close(self) -> None:
        """Nothing to release."""


def test_a_failed_render_exits_non_zero_with_the_jobs_error_code_and_message(tmp_path: Path) -> None:
    def explode(container: Container) -> None:
        container.renderer.override(providers.Object(ExplodingRenderer()))

    output = tmp_path / "never.mp4"
    settings = demo_settings("memory://", tmp_path)
    console = Console(file=io.StringIO())
    with pytest.raises(click.ClickException) as failure:
        execute_demo(settings, output, console, duration=5, customise=explode)

    assert failure.value.exit_code == 1
    message = failure.value.format_message()
    assert "[render_failed]" in message
    assert "encoder exploded" in message
    assert "video_rendering" in message
    assert not output.exists()
