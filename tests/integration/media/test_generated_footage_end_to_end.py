"""Issue 11's "done when": a job run with ``IMAGE_PROVIDER=replicate VIDEO_PROVIDER=replicate`` and
``REPLICATE_BASE_URL`` on a server of 127.0.0.1 speaking Replicate's predictions API renders an
MP4 whose scenes are that server's clips, in scene order, each for its scene's duration, at the
job's aspect ratio. Everything real: settings, the container, the official client, the guarded
fetcher, the compositor; the MP4 is judged by decoding it."""

from __future__ import annotations

import asyncio
import hashlib
import io
from pathlib import Path
from typing import Any

import attrs
import av
import numpy as np
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.integration.media.fake_gemini import KEY as GEMINI_KEY
from tests.integration.media.fake_gemini import FakeGemini
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_openai_images import KEY as OPENAI_KEY
from tests.integration.media.fake_openai_images import FakeOpenAIImages
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate
from tests.sealed import SealedSettings
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand

SIZES = {"16:9": (1280, 720), "9:16": (720, 1280)}


def colour_of(prompt: str) -> tuple[int, int, int]:
    """A distinct saturated colour per prompt, so each scene's clip is recognisable."""
    digest = hashlib.sha256(prompt.encode()).digest()
    channel = digest[0] % 3
    rgb = [40 + digest[1] % 60, 40 + digest[2] % 60, 40 + digest[3] % 60]
    rgb[channel] = 200 + digest[4] % 56
    return (rgb[0], rgb[1], rgb[2])


def clip_for(inputs: dict[str, Any]) -> str:
    if "image" not in inputs and "duration" not in inputs:
        return "/media/frame.png"  # a storyboard frame (text-to-image)
    return "/media/solid-{:02x}{:02x}{:02x}.mp4".format(*colour_of(str(inputs["prompt"])))


async def _wait(client: AsyncTestClient[Any], path: str, headers: dict[str, str], *statuses: str) -> Any:
    for _ in range(2400):
        job = (await client.get(path, headers=headers)).json()["data"]
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job stayed {job['status']}: {job['progress']}")


@attrs.frozen
class Run:
    job: dict[str, Any]
    """The completed job."""
    mp4: bytes
    quote: dict[str, Any]
    """The dry run of the same brief, asked before the job was created."""


async def run_job(tmp_path: Path, aspect: str, **providers: Any) -> Run:
    """Settings -> container -> app: a client, a 9 s brief at ``aspect`` (dry run, then the
    job), approval, the MP4."""
    settings = SealedSettings(
        database_url=f"sqlite:///{tmp_path / 'v3.db'}",
        data_dir=tmp_path / "data",
        jwt_secret="test-secret-" + "x" * 32,
        asset_allow_private_networks=True,  # the fakes' outputs live on 127.0.0.1
        **providers,
    )
    from adapters.sqlalchemy.migrate import upgrade_database

    upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        async with AsyncTestClient(create_app(container)) as client:
            await container.create_user().execute(CreateUserCommand("footage@example.test"))
            issued = await container.issue_api_key().execute(IssueApiKeyCommand("footage@example.test"))
            headers = {"Authorization": f"Bearer {issued.secret}"}
            brand = {"colors": ["#101010"], "restrictions": ["no competitor logos"]}
            owner = await client.post(
                "/api/v3/clients", json={"name": "Acme", "brandGuidelines": brand}, headers=headers
            )
            brief = {
                "context": {"clientId": owner.json()["data"]["id"]},
                "adBasics": {
                    "product": "Trail shoe",
                    "targetAudience": "Runners",
                    "keyMessage": "Grip on any ground",
                    "callToAction": "Shop now",
                },
                "creative": {
                    "direction": {"style": "cinematic"},
                    "videoSpecs": {"duration": 9, "format": aspect},
                },
            }
            dry_run = await client.post("/api/v3/jobs/dry-run", json=brief, headers=headers)
            assert dry_run.status_code == 200, dry_run.text
            created = await client.post("/api/v3/jobs", json=brief, headers={**headers, "Prefer": "wait=60"})
            assert created.status_code == 201, created.text
            job = created.json()["data"]
            approved = await client.post(
                f"/api/v3/jobs/{job['id']}/actions", json={"action": "approve"}, headers=headers
            )
            assert approved.status_code == 200, approved.text
            done = await _wait(client, f"/api/v3/jobs/{job['id']}", headers, "completed", "failed")
            assert done["status"] == "completed", done["error"]
            video = await client.get(f"/api/v3/jobs/{job['id']}/video", headers=headers)
            assert video.status_code == 200
            return Run(done, video.content, dry_run.json()["data"])
    finally:
        await close_container(container)


def decoded(content: bytes, aspect: str) -> tuple[float, list[np.ndarray]]:
    with av.open(io.BytesIO(content)) as container_file:
        stream = container_file.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == SIZES[aspect]
        fps = float(stream.average_rate)
        return fps, [f.to_ndarray(format="rgb24") for f in container_file.decode(video=0)]


def top_band(frame: np.ndarray) -> np.ndarray:
    """Mean colour of a band above the caption and the call to action."""
    height, width, _ = frame.shape
    return frame[height // 10 : height // 5, width // 4 : 3 * width // 4].reshape(-1, 3).mean(axis=0)


def middles(fps: float, frames: list[np.ndarray], scenes: list[dict[str, Any]]) -> list[np.ndarray]:
    assert abs(len(frames) / fps - sum(s["duration"] for s in scenes)) <= 1 / fps + 1e-6
    out, start = [], 0.0
    for scene in scenes:
        out.append(frames[int((start + scene["duration"] / 2) * fps)])
        start += scene["duration"]
    return out


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
async def test_a_replicate_job_renders_the_servers_clips_in_scene_order(
    replicate_api: FakeReplicate, replicate_server: FakeHttpServer, tmp_path: Path, aspect: str
) -> None:
    replicate_api.script.output = clip_for
    replicate_api.script.polls = 1
    run = await run_job(
        tmp_path,
        aspect,
        image_provider="replicate",
        video_provider="replicate",
        replicate_api_token=TOKEN,
        replicate_base_url=replicate_server.base_url,
    )
    done, content = run.job, run.mp4
    assert_the_dry_run_priced_what_was_charged(run, per_second=0.20)  # google/veo-3.1's list price

    scenes = sorted(done["scenes"], key=lambda s: s["sceneNumber"])
    clips = [
        r.json()["input"]
        for r in replicate_server.seen("POST", "/predictions")
        if "duration" in r.json()["input"]
    ]
    assert len(clips) == len(scenes)  # one clip per scene, no more
    expected = []
    for scene in scenes:
        (prompt,) = [c["prompt"] for c in clips if scene["description"].rstrip(".") in c["prompt"]]
        expected.append(colour_of(prompt))

    fps, frames = decoded(content, aspect)
    for scene, colour, middle in zip(scenes, expected, middles(fps, frames, scenes), strict=True):
        centre = top_band(middle)
        assert np.abs(centre - np.array(colour)).max() < 30, (scene["sceneNumber"], centre, colour)


async def test_an_openai_and_google_job_renders_veo_clips_for_every_scene(
    openai_api: FakeOpenAIImages,
    openai_server: FakeHttpServer,
    gemini_api: FakeGemini,
    gemini_server: FakeHttpServer,
    tmp_path: Path,
) -> None:
    run = await run_job(
        tmp_path,
        "16:9",
        image_provider="openai",
        video_provider="google",
        openai_api_key=OPENAI_KEY,
        openai_base_url=f"{openai_server.base_url}/v1",
        gemini_api_key=GEMINI_KEY,
        google_gemini_base_url=gemini_server.base_url,
    )
    done, content = run.job, run.mp4
    assert_the_dry_run_priced_what_was_charged(run, per_second=0.40)  # veo-3.1-generate-preview
    scenes = sorted(done["scenes"], key=lambda s: s["sceneNumber"])
    assert len(openai_server.seen("POST", "/v1/images/generations")) == len(scenes)  # one frame each
    fps, frames = decoded(content, "16:9")
    for scene, middle in zip(scenes, middles(fps, frames, scenes), strict=True):
        red, green, blue = top_band(middle)
        # the fake Veo clip: frames of (20 k, 90, 200), never the brand's near-black background
        assert blue > 150, (scene["sceneNumber"], red, green, blue)
        assert abs(green - 90) < 30, (scene["sceneNumber"], red, green, blue)


def billed_by_veo(seconds: float) -> int:
    """Veo takes (and bills) 4, 6 or 8 s clips: the shortest covering the scene (SPEC §8)."""
    return next((s for s in (4, 6, 8) if s >= seconds), 8)


def assert_the_dry_run_priced_what_was_charged(run: Run, per_second: float) -> None:
    """The dry run of the brief quoted the video step at what the provider then billed: one
    Veo clip length per scene, not the brief's exact seconds."""
    charged = run.job["cost"]["breakdown"]
    billed = sum(billed_by_veo(s["duration"]) for s in run.job["scenes"])
    assert charged["video_generation"] == pytest.approx(billed * per_second)
    assert run.quote["breakdown"]["video_generation"] == pytest.approx(charged["video_generation"])
    assert run.quote["breakdown"]["image_generation"] == pytest.approx(charged["image_generation"])
