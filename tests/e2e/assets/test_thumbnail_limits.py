"""Thumbnails and video size through the real app on every storage backend: concurrent first
requests make a preview once, an 8K clip gets one, and a video over DCI 8K is refused."""

from __future__ import annotations

import asyncio
import io
import secrets
import threading
from collections.abc import AsyncIterator
from functools import cache
from typing import Any

import attrs
import av
import pytest
from dependency_injector import providers
from PIL import Image

from tests.e2e.concurrent import Call, concurrently
from tests.e2e.conftest import Api
from v3core.model import AssetType
from v3core.ports.blobs import StagedFile, Thumbnailer
from v3core.services.assets import GetAssetThumbnail, thumbnail_blob_id
from v3core.single_flight import SingleFlight


def clip(size: tuple[int, int], frames: int = 2, codec: str = "libx264") -> bytes:
    """A short H.264 MP4 of ``size`` in a colour of its own (so its bytes are new)."""
    colour = tuple(secrets.randbelow(256) for _ in range(3))
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream(codec, rate=2)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        picture = Image.new("RGB", size, colour)
        for _ in range(frames):
            out.mux(stream.encode(av.VideoFrame.from_image(picture)))
        out.mux(stream.encode(None))
    return buf.getvalue()


@cache
def eight_k_clip() -> bytes:
    """7680x4320 (UHD 8K), one frame: the largest size customers send us."""
    return clip((7680, 4320), frames=1)


async def upload(api: Api, headers: dict[str, str], data: bytes, name: str) -> Any:
    files = {"file": (name, data, "application/octet-stream")}
    return await api.client.post("/api/v3/assets", files=files, data={"type": "video"}, headers=headers)


async def uploaded(api: Api, headers: dict[str, str], data: bytes, name: str = "clip.mp4") -> dict[str, Any]:
    response = await upload(api, headers, data, name)
    assert response.status_code == 201, response.text
    asset: dict[str, Any] = response.json()["data"]
    return asset


def jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        return img.size


class GatedThumbnailer(Thumbnailer):
    """The app's thumbnailer, counting its calls and holding each until ``release`` is set
    (a thread event: the app runs on the test client's own event-loop thread)."""

    def __init__(self, real: Thumbnailer) -> None:
        self.real = real
        self.calls = 0
        self.release = threading.Event()

    async def thumbnail(self, source: StagedFile, kind: AssetType) -> StagedFile | None:
        self.calls += 1
        await asyncio.to_thread(self.release.wait, 60)
        return await self.real.thumbnail(source, kind)


@pytest.fixture
async def gated(api: Api) -> AsyncIterator[tuple[GatedThumbnailer, SingleFlight[int | None]]]:
    ctx = api.container.asset_context()
    assert ctx.thumbnailer is not None
    thumbnailer, making = GatedThumbnailer(ctx.thumbnailer), SingleFlight[int | None]()
    use_case = GetAssetThumbnail(attrs.evolve(ctx, thumbnailer=thumbnailer), making)
    api.container.get_asset_thumbnail.override(providers.Object(use_case))
    yield thumbnailer, making
    thumbnailer.release.set()
    api.container.get_asset_thumbnail.reset_override()


async def test_concurrent_first_requests_for_the_same_bytes_make_one_thumbnail(
    api: Api, gated: tuple[GatedThumbnailer, SingleFlight[int | None]]
) -> None:
    thumbnailer, making = gated
    data = clip((640, 360))
    alice, bob = await api.new_tenant("thumb-a"), await api.new_tenant("thumb-b")
    mine, theirs = await uploaded(api, alice, data), await uploaded(api, bob, data)
    assert mine["blobId"] == theirs["blobId"]  # one blob shared by two tenants
    requests = [(mine, alice), (mine, alice), (theirs, bob)]
    sent = concurrently(api, [Call("GET", f"/api/v3/assets/{a['id']}/thumbnail", h) for a, h in requests])
    key = thumbnail_blob_id(mine["blobId"])
    for _ in range(3000):  # a guard against hanging (60 s), not a speed requirement
        if making.waiting(key) >= 3 or thumbnailer.calls >= 3 or sent.done():
            break
        await asyncio.sleep(0.02)
    thumbnailer.release.set()
    answers = await asyncio.wrap_future(sent)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert thumbnailer.calls == 1
    assert len({a.content for a in answers}) == 1
    assert jpeg_size(answers[0].content) == (320, 180)


async def test_an_8k_clip_gets_a_small_thumbnail(api: Api) -> None:
    headers = await api.new_tenant("eight-k")
    asset = await uploaded(api, headers, eight_k_clip(), "8k.mp4")
    assert (asset["width"], asset["height"]) == (7680, 4320)
    answer = await api.client.get(f"/api/v3/assets/{asset['id']}/thumbnail", headers=headers)
    assert answer.status_code == 200
    assert jpeg_size(answer.content) == (320, 180)


async def test_a_video_wider_than_dci_8k_is_refused_and_nothing_is_stored(api: Api) -> None:
    headers = await api.new_tenant("too-wide")
    response = await upload(api, headers, clip((8208, 16), frames=1), "wide.mp4")
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["meta"]["code"] == "validation_error"
    (detail,) = body["meta"]["details"]
    assert (detail["loc"], detail["type"]) == (["file"], "video_too_large")
    assert "8208x16" in body["error"]
    listing = await api.client.get("/api/v3/assets", headers=headers)
    assert listing.json()["meta"]["total"] == 0
