"""Generated footage over HTTP (SPEC §8): fake providers in the real app, on every storage backend."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.media_samples import sample_clip
from v3core.costs import PriceTable
from v3core.testing.fakes import FakeImageGenerator, FakeVideoGenerator
from v3core.testing.media_fakes import failing

SCENES = 3


@attrs.define
class MediaApi:
    api: Api
    image: FakeImageGenerator
    video: FakeVideoGenerator

    @property
    def headers(self) -> dict[str, str]:
        return self.api.alice

    async def get(self, path: str) -> Any:
        response = await self.api.client.get(f"/api/v3{path}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    async def ready_job(self, **advanced: Any) -> dict[str, Any]:
        client = await self.api.create_client(self.headers, brandGuidelines={"restrictions": ["no smoke"]})
        body = {
            "context": {"clientId": client["id"]},
            "adBasics": {
                "product": "Trail Shoe",
                "targetAudience": "Runners",
                "keyMessage": "Grip everywhere",
                "callToAction": "Run today",
            },
            "creative": {"direction": {"style": "Sunlit"}, "videoSpecs": {"duration": 6}},
            "advanced": {"sceneCount": SCENES, **advanced},
        }
        headers = {**self.headers, "Prefer": "wait=30"}
        response = await self.api.client.post("/api/v3/jobs", json=body, headers=headers)
        assert response.status_code == 201, response.text
        job: dict[str, Any] = response.json()["data"]
        assert job["status"] == "storyboard_ready", job
        return job

    async def act(self, job_id: str, action: str, **fields: Any) -> dict[str, Any]:
        response = await self.api.client.post(
            f"/api/v3/jobs/{job_id}/actions", json={"action": action, **fields}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def wait(self, job_id: str, *statuses: str) -> dict[str, Any]:
        job: dict[str, Any] = {}
        for _ in range(1200):
            job = await self.get(f"/jobs/{job_id}")
            if job["status"] in statuses:
                return job
            await asyncio.sleep(0.05)
        raise AssertionError(f"job stayed {job.get('status')}: {job.get('progress')}")


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1200):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition never held")


@pytest.fixture
async def media(own_backend_url: str, tmp_path: Path) -> AsyncIterator[MediaApi]:
    """The app with fake image and video providers (and their prices) in the container."""
    container = build_container(e2e_settings(own_backend_url, tmp_path / "data"))
    stager = container.output_stager()
    image = FakeImageGenerator(stager)
    video = FakeVideoGenerator(stager, sample_clip(seconds=1.0))
    container.image_generator.override(providers.Object(image))
    container.video_generator.override(providers.Object(video))
    container.prices.override(providers.Object(PriceTable(image_per_frame=0.003, video_per_second=0.05)))
    async with AsyncTestClient(create_app(container)) as client:
        # The start-up resumes jobs other tests left unfinished in the shared database; let
        # them end first, so the fakes count only this test's calls.
        runner = container.task_runner()
        for _ in range(2400):
            if not runner.running:
                break
            await asyncio.sleep(0.05)
        for fake in (image, video):
            fake.behaviour.calls = 0
            fake.requests.clear()
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("media")
        yield MediaApi(api, image, video)
    await close_container(container)


def generated(assets: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [a for a in assets if a["generation"] and a["generation"]["kind"] == kind]


async def test_approval_renders_one_generated_clip_per_scene_stored_as_job_assets(media: MediaApi) -> None:
    job = await media.ready_job()
    previews = [s["previewUrl"] for s in job["scenes"]]
    assert all(previews)
    assert len(set(previews)) == SCENES
    frame = await media.api.client.get(previews[0], headers=media.headers)
    assert frame.status_code == 200
    assert frame.headers["content-type"].startswith("image/png")

    await media.act(job["id"], "approve")
    done = await media.wait(job["id"], "completed", "failed")

    assert done["status"] == "completed", done["error"]
    assets = await media.get(f"/jobs/{job['id']}/assets")
    clips = generated(assets, "clip")
    assert sorted(c["generation"]["sceneNumber"] for c in clips) == list(range(1, SCENES + 1))
    for clip in clips:
        assert clip["type"] == "video"
        assert clip["jobId"] == job["id"]
        assert (clip["generation"]["provider"], clip["generation"]["model"]) == ("fake", "fake-video-1")
        assert re.fullmatch(r"[0-9a-f]{64}", clip["generation"]["promptHash"])
    assert len(generated(assets, "frame")) == SCENES
    assert media.video.calls == SCENES
    assert media.image.calls == SCENES
    assert all("no smoke" in r.negative_prompt for r in media.video.requests)
    breakdown = done["cost"]["breakdown"]
    assert breakdown["image_generation"] == pytest.approx(SCENES * 0.003)
    assert breakdown["video_generation"] == pytest.approx(6 * 0.05)


async def test_a_retry_after_scene_3_failed_makes_exactly_one_new_call(media: MediaApi) -> None:
    job = await media.ready_job()
    edited = await media.api.client.put(
        f"/api/v3/jobs/{job['id']}/scenes/3",
        json={"description": "A lighthouse keeper laces up"},
        headers=media.headers,
    )
    assert edited.status_code == 200, edited.text
    media.video.behaviour.fail_on["lighthouse"] = failing("prediction failed")
    await media.act(job["id"], "approve")
    failed = await media.wait(job["id"], "failed", "completed")

    assert (failed["errorCode"], failed["failedStep"]) == ("media_generation_failed", "media_generation")
    assert "scene 3" in failed["error"]
    assert media.video.calls == SCENES - 1

    media.video.behaviour.fail_on.clear()
    await media.act(job["id"], "retry")
    done = await media.wait(job["id"], "completed", "failed")

    assert done["status"] == "completed", done["error"]
    assert media.video.calls == SCENES
    assert media.video.behaviour.started == SCENES + 1


async def test_cancel_mid_generation_cancels_the_calls_in_flight(media: MediaApi) -> None:
    job = await media.ready_job()
    media.video.behaviour.block = True
    await media.act(job["id"], "approve")
    await until(lambda: media.video.behaviour.started == SCENES)
    processing = await media.get(f"/jobs/{job['id']}")
    assert processing["progress"]["stage"] == "generating_media"

    cancelled = await media.act(job["id"], "cancel")

    assert cancelled["status"] == "cancelled"
    await until(lambda: media.video.behaviour.cancelled == SCENES)
    assert media.video.calls == 0
    assert (await media.get(f"/jobs/{job['id']}"))["status"] == "cancelled"


async def test_max_cost_fails_the_job_with_budget_exceeded_before_the_call(media: MediaApi) -> None:
    job = await media.ready_job(maxCost=0.2)
    await media.act(job["id"], "approve")
    failed = await media.wait(job["id"], "failed", "completed")

    assert failed["errorCode"] == "budget_exceeded"
    assert "maxCost of 0.2000" in failed["error"]
    assert media.video.behaviour.started == 0
    assert "video_generation" not in failed["cost"]["breakdown"]


async def test_editing_scene_2s_description_redraws_only_scene_2s_frame(media: MediaApi) -> None:
    job = await media.ready_job()
    before = {s["sceneNumber"]: s["previewUrl"] for s in job["scenes"]}

    edited = await media.api.client.put(
        f"/api/v3/jobs/{job['id']}/scenes/2",
        json={"description": "The tread gripping wet rock"},
        headers={**media.headers, "If-Match": '"v1"'},
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["version"] == 2
    after = {s["sceneNumber"]: s["previewUrl"] for s in await media.get(f"/jobs/{job['id']}/scenes")}
    assert media.image.calls == SCENES + 1
    assert after[2] != before[2]
    assert edited.json()["data"]["previewUrl"] == after[2]
    assert {1: after[1], 3: after[3]} == {1: before[1], 3: before[3]}


async def test_the_dry_run_prices_the_generation_steps(media: MediaApi) -> None:
    body = {
        "context": {"clientId": "any"},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}, "videoSpecs": {"duration": 20}},
        "advanced": {"sceneCount": 4},
    }
    response = await media.api.client.post("/api/v3/jobs/dry-run", json=body, headers=media.headers)
    breakdown = response.json()["data"]["breakdown"]
    assert breakdown["image_generation"] == pytest.approx(4 * 0.003)
    assert breakdown["video_generation"] == pytest.approx(20 * 0.05)


async def test_a_max_cost_that_is_not_a_number_is_refused_naming_the_field(media: MediaApi) -> None:
    body = {
        "context": {"clientId": "any"},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}},
        "advanced": {"maxCost": "lots"},
    }
    response = await media.api.client.post("/api/v3/jobs/dry-run", json=body, headers=media.headers)
    assert response.status_code == 422
    assert ["advanced", "maxCost"] in [d["loc"] for d in response.json()["meta"]["details"]]
