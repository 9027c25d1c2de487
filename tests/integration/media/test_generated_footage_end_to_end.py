"""Issue 11's "done when": a job run with ``IMAGE_PROVIDER=replicate VIDEO_PROVIDER=replicate`` and
``REPLICATE_BASE_URL`` on a server of 127.0.0.1 speaking Replicate's predictions API renders an
MP4 whose scenes are that server's clips, in scene order, each for its scene's duration, at the
job's aspect ratio. Everything real: settings, the container, the official client, the guarded
fetcher, the compositor; the MP4 is judged by decoding it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from pathlib import Path
from typing import Any

import attrs
import pytest
from litestar.testing import AsyncTestClient
from PIL import Image

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.integration.media.fake_gemini import KEY as GEMINI_KEY
from tests.integration.media.fake_gemini import FakeGemini
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_openai_images import KEY as OPENAI_KEY
from tests.integration.media.fake_openai_images import FakeOpenAIImages
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate
from tests.integration.media.footage import (
    Palette,
    assert_scenes_play_in_order_for_their_durations,
    scene_prompts,
)
from tests.integration.media.media_files import solid_png
from tests.sealed import SealedSettings
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand


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
    """Settings -> container -> app: a client, a 9 s brief of 3 scenes at ``aspect`` (dry run,
    then the job), approval, the MP4."""
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
                "advanced": {"sceneCount": 3},
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


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
async def test_a_replicate_job_renders_the_servers_clips_in_scene_order(
    replicate_api: FakeReplicate, replicate_server: FakeHttpServer, tmp_path: Path, aspect: str
) -> None:
    palette = Palette()
    replicate_api.script.output = palette.replicate_output
    replicate_api.script.polls = 1
    run = await run_job(
        tmp_path,
        aspect,
        image_provider="replicate",
        video_provider="replicate",
        replicate_api_token=TOKEN,
        replicate_base_url=replicate_server.base_url,
    )
    assert_the_dry_run_priced_what_was_charged(run, per_second=0.20)  # google/veo-3.1's list price

    scenes = sorted(run.job["scenes"], key=lambda s: s["sceneNumber"])
    clips = [
        r.json()["input"]
        for r in replicate_server.seen("POST", "/predictions")
        if "duration" in r.json()["input"]
    ]
    assert len(clips) == len(scenes) == 3  # one clip per scene, no more
    prompts = scene_prompts(scenes, [c["prompt"] for c in clips])
    colours = [palette.colour(p) for p in prompts]
    assert_scenes_play_in_order_for_their_durations(run.mp4, aspect, scenes, list(colours))


def frame_for(prompt: str) -> bytes:
    """The fake gpt-image-1's picture for a scene: its colour from the prompt before "Avoid:"
    (the adapter appends the restrictions), so the frame sent to Veo can be matched."""
    return solid_png(frame_colour(prompt.split("\nAvoid:", 1)[0]))


def frame_colour(prompt: str) -> tuple[int, int, int]:
    """A colour per prompt (exact pixel equality is checked, so closeness does not matter)."""
    digest = hashlib.sha256(prompt.encode()).digest()
    return (digest[0], digest[1], digest[2])


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
async def test_an_openai_and_google_job_renders_veo_clips_in_scene_order(
    openai_api: FakeOpenAIImages,
    openai_server: FakeHttpServer,
    gemini_api: FakeGemini,
    gemini_server: FakeHttpServer,
    tmp_path: Path,
    aspect: str,
) -> None:
    openai_api.drawn = frame_for
    palette = Palette()
    gemini_api.script.file = palette.veo_file
    run = await run_job(
        tmp_path,
        aspect,
        image_provider="openai",
        video_provider="google",
        openai_api_key=OPENAI_KEY,
        openai_base_url=f"{openai_server.base_url}/v1",
        gemini_api_key=GEMINI_KEY,
        google_gemini_base_url=gemini_server.base_url,
    )
    assert_the_dry_run_priced_what_was_charged(run, per_second=0.40)  # veo-3.1-generate-preview
    scenes = sorted(run.job["scenes"], key=lambda s: s["sceneNumber"])
    assert len(openai_server.seen("POST", "/v1/images/generations")) == len(scenes) == 3  # one frame each
    submitted = [r.json() for r in gemini_server.seen("POST", ":predictLongRunning")]
    assert len(submitted) == len(scenes)  # one Veo operation per scene
    by_prompt = {b["instances"][0]["prompt"]: b for b in submitted}
    prompts = scene_prompts(scenes, list(by_prompt))
    for scene, prompt in zip(scenes, prompts, strict=True):
        body = by_prompt[prompt]
        assert body["parameters"]["aspectRatio"] == aspect
        assert body["parameters"]["durationSeconds"] == billed_by_veo(scene["duration"])
        # the clip starts on this scene's own storyboard frame, not another scene's
        first_frame = base64.b64decode(body["instances"][0]["image"]["bytesBase64Encoded"])
        with Image.open(io.BytesIO(first_frame)) as picture:
            pixel = picture.convert("RGB").getpixel((0, 0))
        assert pixel == frame_colour(prompt), (scene["sceneNumber"], pixel)
    colours = [palette.colour(p) for p in prompts]
    assert_scenes_play_in_order_for_their_durations(run.mp4, aspect, scenes, list(colours))


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
