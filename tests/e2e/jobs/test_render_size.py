"""``MAX_UPLOAD_SIZE_MB`` caps request bodies only: a render larger than it completes (issue 9, item 12)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import av
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.media_samples import noisy_clip
from v3core.ports.renderer import CancelCheck, ProgressCallback, RenderedVideo, Renderer, RenderRequest

MB = 1024 * 1024


class LargeVideoRenderer(Renderer):
    """Answers every render with a real MP4 of about 3 MB, written where renders are written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = noisy_clip()

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        handle, path = tempfile.mkstemp(suffix=".mp4", dir=self.folder)
        os.close(handle)
        await asyncio.to_thread(Path(path).write_bytes, self.data)
        with av.open(path) as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
        return RenderedVideo(path=path, duration=3.0, width=width, height=height, size=len(self.data))


@pytest.fixture
async def small_uploads(
    own_backend_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Api, LargeVideoRenderer]]:
    settings = e2e_settings(own_backend_url, tmp_path / "data").model_copy(update={"max_upload_size_mb": 1})
    container = build_container(settings)
    renderer = LargeVideoRenderer(tmp_path)
    container.renderer.override(providers.Object(renderer))
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("uploads")
        yield api, renderer
    await close_container(container)


async def test_a_render_larger_than_the_upload_cap_completes(
    small_uploads: tuple[Api, LargeVideoRenderer],
) -> None:
    api, renderer = small_uploads
    assert len(renderer.data) > 2 * MB
    client = await api.create_client(api.alice)
    body = {
        "context": {"clientId": client["id"]},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}, "videoSpecs": {"duration": 6}},
    }
    created = await api.client.post("/api/v3/jobs", json=body, headers={**api.alice, "Prefer": "wait=30"})
    job_id = created.json()["data"]["id"]
    await api.client.post(f"/api/v3/jobs/{job_id}/actions", json={"action": "approve"}, headers=api.alice)
    job = {}
    for _ in range(600):
        job = (await api.client.get(f"/api/v3/jobs/{job_id}", headers=api.alice)).json()["data"]
        if job["status"] in ("completed", "failed"):
            break
        await asyncio.sleep(0.05)

    assert job["status"] == "completed", job["error"]
    video = await api.client.get(f"/api/v3/jobs/{job_id}/video", headers=api.alice)
    assert video.status_code == 200
    assert video.content == renderer.data


async def test_an_upload_over_the_cap_is_still_refused(small_uploads: tuple[Api, LargeVideoRenderer]) -> None:
    api, renderer = small_uploads
    files = {"file": ("big.mp4", renderer.data, "video/mp4")}
    response = await api.client.post("/api/v3/assets", files=files, headers=api.alice)
    assert response.status_code == 413
    assert response.json()["meta"]["code"] == "payload_too_large"
