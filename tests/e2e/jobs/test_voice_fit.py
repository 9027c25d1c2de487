"""Captions timed to the voice, a scene lengthened for a long voice, and the cues burned in
(SPEC §8 "Sound"; issue 12), through the real app on every backend.

The oracle is the MP4 itself, decoded with PyAV (its duration, its audio, its frames), and the
WebVTT parsed with webvtt-py, held against what the API reports about the scenes. The fake voice
lasts 0.25 s per word from its first sample, so its onset and its end are measurable.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest
import webvtt
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.integration.audio.measure import onset
from v3core.testing.sound_fakes import FakeSpeechSynthesizer

SECONDS_PER_WORD = 0.25
LEAD_IN = 0.15  # the voice starts just after its scene starts
RATE = 48_000
FPS = 24
SIXTEEN_WORDS = "Grip on mud rock and rain with one light shoe made for every single trail today"
SCRIPTS = ("Grip everywhere.", SIXTEEN_WORDS, "Run today.")


@pytest.fixture
async def voiced(own_backend_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    container = build_container(e2e_settings(own_backend_url, tmp_path / "data"))
    voice = FakeSpeechSynthesizer(container.output_stager(), seconds_per_word=SECONDS_PER_WORD)
    container.speech_synthesizer.override(providers.Object(voice))
    async with AsyncTestClient(create_app(container)) as client:
        runner = container.task_runner()
        for _ in range(2400):  # jobs other tests left behind are resumed at start-up
            if not runner.running:
                break
            await asyncio.sleep(0.05)
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("voice-fit")
        yield api
    await close_container(container)


async def storyboard(api: Api, scripts: tuple[str, ...], music_style: str = "none") -> str:
    """A job in review whose scenes last 2 s each, cut, and say ``scripts``; rendered small."""
    client = await api.create_client(api.alice)
    body = {
        "context": {"clientId": client["id"]},
        "adBasics": {
            "product": "Trail Shoe",
            "targetAudience": "Runners",
            "keyMessage": "Grip everywhere",
            "callToAction": "Run today",
        },
        "creative": {
            "direction": {"style": "Sunlit", "musicStyle": music_style},
            "videoSpecs": {"duration": 6, "resolution": "320x180"},
        },
        "advanced": {"sceneCount": len(scripts)},
        "generateAudio": True,
    }
    created = await api.client.post("/api/v3/jobs", json=body, headers={**api.alice, "Prefer": "wait=30"})
    assert created.status_code == 201, created.text
    jid: str = created.json()["data"]["id"]
    for number, script in enumerate(scripts, start=1):
        edit = {"script": script, "duration": 2, "transition": "cut"}
        put = await api.client.put(f"/api/v3/jobs/{jid}/scenes/{number}", json=edit, headers=api.alice)
        assert put.status_code == 200, put.text
    return jid


async def act_and_wait(api: Api, jid: str, action: str) -> dict[str, Any]:
    """POST ``action`` and wait for the job to complete or fail."""
    acted = await api.client.post(f"/api/v3/jobs/{jid}/actions", json={"action": action}, headers=api.alice)
    assert acted.status_code == 200, acted.text
    for _ in range(2400):
        job: dict[str, Any] = (await api.client.get(f"/api/v3/jobs/{jid}", headers=api.alice)).json()["data"]
        if job["status"] in ("completed", "failed"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job stayed {job['status']}")


async def outputs(api: Api, jid: str) -> tuple[bytes, str]:
    """The job's MP4 and its captions."""
    video = await api.client.get(f"/api/v3/jobs/{jid}/video", headers=api.alice)
    vtt = await api.client.get(f"/api/v3/jobs/{jid}/captions.vtt", headers=api.alice)
    assert video.status_code == vtt.status_code == 200
    return video.content, vtt.text


async def rendered_with_scripts(api: Api, scripts: tuple[str, ...]) -> tuple[dict[str, Any], bytes, str]:
    """The finished job, its MP4 and its captions."""
    jid = await storyboard(api, scripts)
    job = await act_and_wait(api, jid, "approve")
    assert job["status"] == "completed", job["error"]
    return job, *await outputs(api, jid)


Rendered = tuple[dict[str, Any], bytes, str]
_RENDERED: dict[str, Rendered] = {}


@pytest.fixture
async def rendered(voiced: Api, backend_url: str) -> Rendered:
    """The job of ``SCRIPTS`` rendered once per backend (both tests read the same render)."""
    if backend_url not in _RENDERED:
        _RENDERED[backend_url] = await rendered_with_scripts(voiced, SCRIPTS)
    return _RENDERED[backend_url]


def decoded(mp4: bytes) -> tuple[float, npt.NDArray[np.float32], list[npt.NDArray[np.uint8]]]:
    """The video stream's duration, the audio samples and every frame's luma plane."""
    with av.open(io.BytesIO(mp4)) as container:
        stream = container.streams.video[0]
        lumas = [frame.to_ndarray()[: frame.height] for frame in container.decode(stream)]
        seconds = len(lumas) / float(stream.average_rate or FPS)
    with av.open(io.BytesIO(mp4)) as container:
        planes = [frame.to_ndarray() for frame in container.decode(container.streams.audio[0])]
    return seconds, np.concatenate(planes, axis=1).T.astype(np.float32), lumas


def silence_after(audio: npt.NDArray[np.float32], start: float) -> float:
    """Seconds to the first 20 ms window at or after ``start`` that is silent (below -50 dBFS)."""
    window = RATE // 50
    mono = np.abs(audio).max(axis=1)
    for at in range(int(start * RATE), len(mono) - window, RATE // 200):
        if mono[at : at + window].max() < 10 ** (-50 / 20):
            return at / RATE
    return len(mono) / RATE


def ms(timestamp: Any) -> int:
    return int(timestamp.in_milliseconds())


async def test_a_long_voice_lengthens_its_scene_and_the_video_the_api_and_the_captions_agree(
    rendered: Rendered,
) -> None:
    job, mp4, vtt = rendered

    scenes = sorted(job["scenes"], key=lambda s: s["sceneNumber"])
    voices = [len(script.split()) * SECONDS_PER_WORD for script in SCRIPTS]
    # the API: scene 2 (16 words, 4 s of speech) was lengthened from 2 s; the others kept 2 s
    assert [s["duration"] for s in scenes][::2] == [2.0, 2.0]
    assert scenes[1]["duration"] >= LEAD_IN + voices[1]
    assert [s["voiceover"]["duration"] for s in scenes] == pytest.approx(voices, abs=0.002)
    assert [s["voiceover"]["plannedDuration"] for s in scenes] == [2.0, 2.0, 2.0]
    (note,) = scenes[1]["notes"]
    assert note.startswith(f"scene 2 lengthened from 2.0 s to {scenes[1]['duration']:.1f} s")
    assert "voiceover" in note
    assert job["notes"] == [note]
    assert scenes[0]["notes"] == scenes[2]["notes"] == []
    assert scenes[1]["warnings"] == []
    total = sum(s["duration"] for s in scenes)
    assert job["duration"] == pytest.approx(total, abs=0.05), "the video lasts its scenes (to a frame)"

    seconds, audio, _ = decoded(mp4)
    assert abs(seconds - job["duration"]) <= 0.05, "the MP4 lasts what the job reports"
    assert abs(len(audio) / RATE - job["duration"]) <= 0.05
    starts = [sum(s["duration"] for s in scenes[:i]) for i in range(3)]
    for start, voice in zip(starts, voices, strict=True):
        spoken = onset(audio, after=max(0.0, start - 0.05))
        assert abs(spoken - (start + LEAD_IN)) <= 0.05, "each voice starts at its scene's start"
        ended = silence_after(audio, spoken)
        assert abs(ended - (spoken + voice)) <= 0.05, "each voice is heard to its end, never cut"
    assert silence_after(audio, starts[1] + LEAD_IN) < starts[2], "voice 2 ends inside its scene"

    cues = webvtt.from_string(vtt).captions
    assert [c.text for c in cues] == [SCRIPTS[0], *_halves(SCRIPTS[1]), SCRIPTS[2]]
    owners = [0, 1, 1, 2]
    for cue, scene in zip(cues, owners, strict=True):
        voice_start = starts[scene] + scenes[scene]["voiceover"]["offset"]
        voice_end = voice_start + scenes[scene]["voiceover"]["duration"]
        assert voice_start * 1000 - 1 <= ms(cue.start_time) < ms(cue.end_time) <= voice_end * 1000 + 1
    assert abs(ms(cues[0].start_time) - (starts[0] + LEAD_IN) * 1000) <= 1, "a cue starts with its voice"
    assert abs(ms(cues[2].end_time) - (starts[1] + LEAD_IN + voices[1]) * 1000) <= 1, "and ends with it"
    last_voice_end = starts[2] + LEAD_IN + voices[2]
    assert abs(ms(cues[-1].end_time) / 1000 - last_voice_end) <= 0.05
    assert ms(cues[-1].end_time) / 1000 <= seconds + 0.05


def _halves(script: str) -> list[str]:
    words = script.split()
    return [" ".join(words[:8]), " ".join(words[8:])]


def caption_ink(luma: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Near-white pixels of the bottom third, where the caption sits (the backgrounds are darker)."""
    height = luma.shape[0]
    return np.asarray(luma[height * 2 // 3 :] > 200)


async def test_the_captions_burned_in_are_the_cue_of_the_moment(rendered: Rendered) -> None:
    job, mp4, vtt = rendered
    _, _, lumas = decoded(mp4)
    cues = webvtt.from_string(vtt).captions

    def ink_at(seconds: float) -> npt.NDArray[np.bool_]:
        return caption_ink(lumas[int(seconds * FPS)])

    def middle(cue: Any, share: float) -> float:
        return (ms(cue.start_time) + share * (ms(cue.end_time) - ms(cue.start_time))) / 1000

    first_half = [ink_at(middle(cues[1], share)) for share in (0.25, 0.75)]
    second_half = [ink_at(middle(cues[2], share)) for share in (0.25, 0.75)]
    assert first_half[0].sum() > 100, "text is drawn while a cue is on"

    def differ(one: npt.NDArray[np.bool_], two: npt.NDArray[np.bool_]) -> int:
        return int((one ^ two).sum())

    same_cue = max(differ(*first_half), differ(*second_half))
    assert differ(first_half[0], second_half[0]) > 4 * max(same_cue, 10), "each cue shows its own words"
    scene_one_end = job["scenes"][0]["duration"]
    quiet = (ms(cues[0].end_time) / 1000 + scene_one_end) / 2  # scene 1 after its voice: no cue
    assert ink_at(quiet).sum() < 10, "nothing is drawn where no cue is on"
    assert ink_at(0.02).sum() < 10, "nor before the first voice starts"
