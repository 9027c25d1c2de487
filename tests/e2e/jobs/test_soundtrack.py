"""The rendered MP4's sound over HTTP (SPEC §8 "Sound"): a fake voice per scene and the local
music bed, through the real app, decoded with PyAV and measured with pyloudnorm.

Decided (docs/decisions/0160-soundtrack-in-the-render.md): with no voice and ``musicStyle``
"none" the video has no audio stream at all.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.integration.audio.measure import lufs, onset
from v3core.testing.sound_fakes import FakeSpeechSynthesizer

LEAD_IN = 0.15  # SPEC: the voice starts just after its scene starts


@pytest.fixture
async def sound(own_backend_url: str, tmp_path: Path) -> AsyncIterator[tuple[Api, FakeSpeechSynthesizer]]:
    container = build_container(e2e_settings(own_backend_url, tmp_path / "data"))
    voice = FakeSpeechSynthesizer(container.output_stager(), seconds=0.8, cost_per_char=0.001)
    container.speech_synthesizer.override(providers.Object(voice))
    async with AsyncTestClient(create_app(container)) as client:
        runner = container.task_runner()
        for _ in range(2400):  # jobs other tests left behind are resumed at start-up
            if not runner.running:
                break
            await asyncio.sleep(0.05)
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("sound")
        yield api, voice
    await close_container(container)


async def rendered(api: Api, generate_audio: bool, music_style: str | None) -> tuple[dict[str, Any], bytes]:
    client = await api.create_client(api.alice)
    direction: dict[str, Any] = {"style": "Sunlit", "tone": "warm"}
    if music_style is not None:
        direction["musicStyle"] = music_style
    body = {
        "context": {"clientId": client["id"]},
        "adBasics": {
            "product": "Trail Shoe",
            "targetAudience": "Runners",
            "keyMessage": "Grip everywhere",
            "callToAction": "Run today",
        },
        "creative": {"direction": direction, "videoSpecs": {"duration": 6}},
        "advanced": {"sceneCount": 3},
        "generateAudio": generate_audio,
    }
    response = await api.client.post("/api/v3/jobs", json=body, headers={**api.alice, "Prefer": "wait=30"})
    assert response.status_code == 201, response.text
    job = response.json()["data"]
    assert job["status"] == "storyboard_ready", job
    approved = await api.client.post(
        f"/api/v3/jobs/{job['id']}/actions", json={"action": "approve"}, headers=api.alice
    )
    assert approved.status_code == 200, approved.text
    for _ in range(2400):
        done = (await api.client.get(f"/api/v3/jobs/{job['id']}", headers=api.alice)).json()["data"]
        if done["status"] in ("completed", "failed"):
            break
        await asyncio.sleep(0.05)
    assert done["status"] == "completed", done.get("error") or done.get("progress")
    video = await api.client.get(f"/api/v3/jobs/{job['id']}/video", headers=api.alice)
    assert video.status_code == 200
    return done, video.content


def audio_of(mp4: bytes) -> tuple[tuple[str, int, str], npt.NDArray[np.float32]] | None:
    with av.open(io.BytesIO(mp4)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        facts = (stream.codec_context.name, stream.sample_rate, stream.layout.name)
        planes = [frame.to_ndarray() for frame in container.decode(stream)]
    return facts, np.concatenate(planes, axis=1).T.astype(np.float32)


def starts(job: dict[str, Any]) -> list[float]:
    durations = [s["duration"] for s in sorted(job["scenes"], key=lambda s: s["sceneNumber"])]
    return [sum(durations[:i]) for i in range(len(durations))]


async def test_each_scene_is_spoken_at_its_start_in_a_minus_14_lufs_aac_track(
    sound: tuple[Api, FakeSpeechSynthesizer],
) -> None:
    api, voice = sound
    job, mp4 = await rendered(api, generate_audio=True, music_style="none")

    found = audio_of(mp4)
    assert found is not None
    facts, samples = found
    assert facts == ("aac", 48_000, "stereo")
    assert abs(lufs(samples) - (-14.0)) <= 1.0
    scene_starts = starts(job)
    assert len(voice.requests) == len(scene_starts) == 3
    for start in scene_starts:
        assert abs(onset(samples, after=max(0.0, start - 0.05)) - (start + LEAD_IN)) <= 0.05
    spoken = sum(len(r.text) for r in voice.requests)
    assert job["cost"]["breakdown"]["speech"] == pytest.approx(spoken * 0.001)


async def test_voice_and_music_bed_together_are_normalised(sound: tuple[Api, FakeSpeechSynthesizer]) -> None:
    api, voice = sound
    _, mp4 = await rendered(api, generate_audio=True, music_style="calm acoustic")

    found = audio_of(mp4)
    assert found is not None
    facts, samples = found
    assert facts == ("aac", 48_000, "stereo")
    assert abs(lufs(samples) - (-14.0)) <= 1.0
    assert voice.calls == 3


async def test_generate_audio_false_gives_music_only(sound: tuple[Api, FakeSpeechSynthesizer]) -> None:
    api, voice = sound
    job, mp4 = await rendered(api, generate_audio=False, music_style=None)

    found = audio_of(mp4)
    assert found is not None
    _, samples = found
    assert abs(lufs(samples) - (-14.0)) <= 1.0
    assert voice.calls == 0
    assert "speech" not in job["cost"]["breakdown"]


async def test_no_voice_and_no_music_means_no_audio_stream(sound: tuple[Api, FakeSpeechSynthesizer]) -> None:
    api, voice = sound
    _, mp4 = await rendered(api, generate_audio=False, music_style="none")

    assert audio_of(mp4) is None
    assert voice.calls == 0


@pytest.fixture
async def offline(own_backend_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app exactly as configured by default: espeak-ng voice (when installed), local bed."""
    if shutil.which("espeak-ng") is None and shutil.which("espeak") is None:
        pytest.skip("espeak-ng is not installed")
    container = build_container(e2e_settings(own_backend_url, tmp_path / "data"))
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("offline-sound")
        yield api
    await close_container(container)


async def test_the_default_offline_voice_and_bed_make_a_normalised_aac_track(offline: Api) -> None:
    _, mp4 = await rendered(offline, generate_audio=True, music_style=None)

    found = audio_of(mp4)
    assert found is not None
    facts, samples = found
    assert facts == ("aac", 48_000, "stereo")
    assert abs(lufs(samples) - (-14.0)) <= 1.0
    with av.open(io.BytesIO(mp4)) as container:
        video = container.streams.video[0]
        seconds = float(video.frames / video.average_rate)
    assert abs(len(samples) / 48_000 - seconds) <= 0.1
