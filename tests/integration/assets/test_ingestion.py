"""Uploading real files: sniffing, metadata, refusals, deduplication, deletion, thumbnails."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.blobs.memory import InMemoryBlobStore
from adapters.ingest.staging import TempFileStager
from adapters.memory import InMemoryStore
from tests.contract.builders import a_job
from tests.integration.assets.conftest import CAP, leftovers
from tests.unit.assets import samples
from v3core.errors import Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from v3core.model import Asset, AssetType
from v3core.services.assets import (
    AssetContext,
    AssetDraft,
    DeleteAsset,
    GetAssetThumbnail,
    UploadAsset,
    thumbnail_blob_id,
)


async def chunks(data: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def upload(
    ctx: AssetContext, owner: str, data: bytes, filename: str | None = None, **draft: object
) -> Asset:
    return await UploadAsset(ctx).from_stream(AssetDraft(owner_id=owner, **draft), chunks(data), filename)  # type: ignore[arg-type]


SAMPLES: list[tuple[str, Callable[[], bytes], AssetType, str, str]] = [
    ("png", lambda: samples.image("PNG"), AssetType.IMAGE, "png", "image/png"),
    ("jpeg", lambda: samples.image("JPEG"), AssetType.IMAGE, "jpg", "image/jpeg"),
    ("webp", lambda: samples.image("WEBP"), AssetType.IMAGE, "webp", "image/webp"),
    ("gif", lambda: samples.image("GIF"), AssetType.IMAGE, "gif", "image/gif"),
    ("mp4", samples.video, AssetType.VIDEO, "mp4", "video/mp4"),
    ("webm", samples.webm, AssetType.VIDEO, "webm", "video/webm"),
    ("mov", lambda: samples.video("mov"), AssetType.VIDEO, "mov", "video/quicktime"),
    ("mkv", lambda: samples.video("matroska"), AssetType.VIDEO, "mkv", "video/x-matroska"),
    ("wav", samples.wav, AssetType.AUDIO, "wav", "audio/wav"),
    ("mp3", lambda: samples.audio("mp3", "mp3"), AssetType.AUDIO, "mp3", "audio/mpeg"),
    ("ogg", lambda: samples.audio("ogg", "libopus", rate=48000), AssetType.AUDIO, "ogg", "audio/ogg"),
    ("m4a", lambda: samples.audio("ipod", "aac"), AssetType.AUDIO, "m4a", "audio/mp4"),
    ("aac", lambda: samples.audio("adts", "aac"), AssetType.AUDIO, "aac", "audio/aac"),
    ("pdf", samples.pdf, AssetType.DOCUMENT, "pdf", "application/pdf"),
    ("txt", samples.text, AssetType.DOCUMENT, "txt", "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("label", "make", "kind", "fmt", "mime"), SAMPLES, ids=[s[0] for s in SAMPLES])
async def test_ingests_each_accepted_format_with_its_metadata(
    ctx: AssetContext,
    owner: str,
    blobs: InMemoryBlobStore,
    label: str,
    make: Callable[[], bytes],
    kind: AssetType,
    fmt: str,
    mime: str,
) -> None:
    data = make()
    asset = await upload(ctx, owner, data, f"sample.{label}", declared_type=kind.value)
    assert (asset.type, asset.format, asset.content_type, asset.size) == (kind, fmt, mime, len(data))
    assert blobs.blobs[asset.blob_id] == data
    if kind in (AssetType.IMAGE, AssetType.VIDEO):
        assert (asset.width, asset.height) == (64, 48)
    if kind in (AssetType.VIDEO, AssetType.AUDIO):
        assert asset.duration is not None
        assert 0.4 < asset.duration < 1.1


async def test_detects_the_type_when_none_is_declared(ctx: AssetContext, owner: str) -> None:
    asset = await upload(ctx, owner, samples.image("PNG"), "x.bin")
    assert (asset.type, asset.format, asset.name) == (AssetType.IMAGE, "png", "x.bin")


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        (samples.html(), "image"),
        (samples.image("PNG"), "video"),
        (samples.pdf(), "audio"),
        (b"\0\1\2" * 99, None),
    ],
    ids=["html-as-image", "png-as-video", "pdf-as-audio", "unknown-binary"],
)
async def test_refuses_content_that_does_not_match_and_stores_nothing(
    ctx: AssetContext,
    owner: str,
    store: InMemoryStore,
    blobs: InMemoryBlobStore,
    staging_dir: Path,
    data: bytes,
    declared: str | None,
) -> None:
    with pytest.raises(UnsupportedMediaType):
        await upload(ctx, owner, data, "trick.png", declared_type=declared)
    assert (store.assets, store.blob_refs, blobs.blobs, leftovers(staging_dir)) == ({}, {}, {}, [])


async def test_refuses_an_upload_over_the_cap_and_leaves_no_staged_file(
    ctx: AssetContext, owner: str, blobs: InMemoryBlobStore, staging_dir: Path
) -> None:
    with pytest.raises(PayloadTooLarge):
        await upload(ctx, owner, b"\0" * (CAP + 1))
    assert (blobs.blobs, leftovers(staging_dir)) == ({}, [])


async def test_refuses_an_empty_file(ctx: AssetContext, owner: str) -> None:
    with pytest.raises(ValidationFailed):
        await upload(ctx, owner, b"")


async def test_refuses_a_decompression_bomb_image_with_a_clear_error(
    ctx: AssetContext, owner: str, store: InMemoryStore
) -> None:
    bomb = samples.image("PNG", size=(4000, 4000), mode="L")
    with pytest.raises(ValidationFailed) as err:
        await upload(ctx, owner, bomb, "bomb.png")
    assert "decompression bomb" in err.value.message
    assert store.assets == {}


async def test_refuses_a_corrupt_image(ctx: AssetContext, owner: str) -> None:
    with pytest.raises(ValidationFailed):
        await upload(ctx, owner, samples.image("PNG")[:60], "cut.png")


async def test_identical_uploads_share_one_blob(
    ctx: AssetContext, owner: str, store: InMemoryStore, blobs: InMemoryBlobStore
) -> None:
    first = await upload(ctx, owner, samples.image("JPEG"), "a.jpg")
    second = await upload(ctx, owner, samples.image("JPEG"), "b.jpg")
    assert first.id != second.id
    assert first.blob_id == second.blob_id
    assert len(blobs.blobs) == 1
    assert store.blob_refs[first.blob_id].refcount == 2


async def test_deleting_the_last_reference_removes_the_bytes_and_thumbnail(
    ctx: AssetContext, owner: str, store: InMemoryStore, blobs: InMemoryBlobStore
) -> None:
    first = await upload(ctx, owner, samples.image("GIF"), "a.gif")
    second = await upload(ctx, owner, samples.image("GIF"), "b.gif")
    await GetAssetThumbnail(ctx).execute(owner, first.id)
    await DeleteAsset(ctx).execute(owner, first.id)
    assert first.blob_id in blobs.blobs
    await DeleteAsset(ctx).execute(owner, second.id)
    assert (blobs.blobs, store.blob_refs, store.assets) == ({}, {}, {})
    assert thumbnail_blob_id(first.blob_id) not in blobs.blobs


async def test_refuses_to_delete_an_asset_an_unfinished_job_uses(
    ctx: AssetContext, owner: str, client_id: str
) -> None:
    asset = await upload(ctx, owner, samples.wav(), "voice.wav")
    async with ctx.uow() as uow:
        await uow.jobs.add(a_job(owner, client_id, asset_ids=(asset.id,)))
        await uow.commit()
    with pytest.raises(Conflict):
        await DeleteAsset(ctx).execute(owner, asset.id)


async def test_deleting_another_owners_asset_is_not_found(ctx: AssetContext, owner: str) -> None:
    asset = await upload(ctx, owner, samples.pdf(), "doc.pdf")
    with pytest.raises(NotFound):
        await DeleteAsset(ctx).execute("someone-else", asset.id)


async def test_refuses_a_client_that_is_not_the_callers_naming_the_field(
    ctx: AssetContext, owner: str
) -> None:
    with pytest.raises(NotFound) as err:
        await upload(ctx, owner, samples.pdf(), "doc.pdf", client_id="nope")
    assert err.value.field == "clientId"


async def test_records_client_and_tags(ctx: AssetContext, owner: str, client_id: str) -> None:
    asset = await upload(ctx, owner, samples.pdf(), "doc.pdf", client_id=client_id, tags=(" a", "b", "a"))
    assert (asset.client_id, asset.tags) == (client_id, ("a", "b"))


@pytest.mark.parametrize("make", [lambda: samples.image("PNG", mode="RGBA"), samples.video])
async def test_makes_a_jpeg_thumbnail_once_and_caches_it(
    ctx: AssetContext, owner: str, blobs: InMemoryBlobStore, make: Callable[[], bytes]
) -> None:
    asset = await upload(ctx, owner, make(), "media")
    view = await GetAssetThumbnail(ctx).execute(owner, asset.id)
    data = blobs.blobs[view.blob_id]
    assert data[:3] == b"\xff\xd8\xff"
    assert view.size == len(data)
    assert view.content_type == "image/jpeg"
    assert await GetAssetThumbnail(ctx).execute(owner, asset.id) == view


async def test_audio_and_documents_have_no_thumbnail(ctx: AssetContext, owner: str) -> None:
    asset = await upload(ctx, owner, samples.wav(), "a.wav")
    with pytest.raises(NotFound):
        await GetAssetThumbnail(ctx).execute(owner, asset.id)


async def test_start_up_sweeps_staged_files_left_by_a_crash(staging_dir: Path) -> None:
    stager = TempFileStager(CAP, str(staging_dir))
    old, fresh = staging_dir / "v3-stage-old", staging_dir / "v3-stage-fresh"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (0, 0))
    assert stager.remove_stale(3600) == 1
    assert leftovers(staging_dir) == ["v3-stage-fresh"]


async def test_simultaneous_identical_uploads_store_the_bytes_once(
    ctx: AssetContext, owner: str, store: InMemoryStore, blobs: InMemoryBlobStore
) -> None:
    data = samples.image("PNG", size=(32, 32))
    first, second = await asyncio.gather(upload(ctx, owner, data, "a.png"), upload(ctx, owner, data, "b.png"))
    assert first.blob_id == second.blob_id
    assert (len(blobs.blobs), store.blob_refs[first.blob_id].refcount) == (1, 2)


async def test_a_delete_racing_an_identical_upload_keeps_the_bytes(
    ctx: AssetContext, owner: str, blobs: InMemoryBlobStore
) -> None:
    data = samples.image("GIF", size=(16, 16))
    old = await upload(ctx, owner, data, "old.gif")
    new, _ = await asyncio.gather(
        upload(ctx, owner, data, "new.gif"), DeleteAsset(ctx).execute(owner, old.id)
    )
    assert blobs.blobs[new.blob_id] == data
