"""``S3BlobStore`` beyond the shared contract, on a local S3 server (moto): multipart puts,
windowed ranged reads, the key layout, failures, and its wiring from the settings."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys

import pytest
from pydantic import ValidationError

from adapters.blobs.s3 import ObjectStorageFailed, S3BlobStore
from entrypoints.assets import make_blob_store
from entrypoints.settings import BlobStorageType, Settings
from tests.integration.assets.s3_server import (
    KEY_ID,
    REGION,
    SECRET,
    S3Server,
    s3_server_fixture,  # noqa: F401 - the s3_server fixture
)
from v3core.errors import NotFound

MiB = 1024 * 1024
BIG = os.urandom(6 * MiB + 4321)  # over one 5 MiB part: a multipart upload
BIG_ID = hashlib.sha256(BIG).hexdigest()
MISSING = "0" * 64


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("s3") / "big.bin"
    path.write_bytes(BIG)
    return str(path)


async def read(store: S3BlobStore, blob_id: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read(blob_id, start, end)])


async def test_a_large_blob_goes_up_in_parts_and_comes_back_in_bounded_chunks(
    s3_server: S3Server, big_file: str
) -> None:
    store = s3_server.store()
    await store.put_file(BIG_ID, big_file, len(BIG))
    key = f"blobs/{BIG_ID[:2]}/{BIG_ID}"
    assert key in s3_server.object_keys()
    head = s3_server.client().head_object(Bucket=s3_server.bucket, Key=key)
    assert head["ETag"].strip('"').endswith("-2")  # two parts: a multipart upload
    sizes = [len(chunk) async for chunk in store.read(BIG_ID)]
    assert max(sizes) <= MiB
    assert sum(sizes) == len(BIG)
    assert await read(store, BIG_ID) == BIG
    assert await store.size(BIG_ID) == len(BIG)
    await store.delete(BIG_ID)
    assert key not in s3_server.object_keys()


@pytest.mark.parametrize("window", [16 * MiB, MiB + 7])
async def test_ranges_read_the_same_across_windows_and_parts(
    s3_server: S3Server, big_file: str, window: int
) -> None:
    store = s3_server.store(window=window)
    await store.put_file(BIG_ID, big_file, len(BIG))
    size = len(BIG)
    cases = [
        (0, 0),  # the first byte
        (5 * MiB - 10, 5 * MiB + 10),  # across the part boundary
        (MiB - 3, 3 * MiB + 3),  # across several read windows
        (size - 100, size - 1),  # a suffix
        (4 * MiB, None),  # to the end
        (size - 1, None),  # the last byte
        (size - 10, size + 500),  # an end past the blob is cut at the blob's end
    ]
    for start, end in cases:
        stop = size if end is None else end + 1
        assert await read(store, BIG_ID, start, end) == BIG[start:stop], (start, end)
    assert await read(store, BIG_ID, size, None) == b""  # past the end: nothing, like the filesystem store
    await store.delete(BIG_ID)


async def test_putting_an_existing_blob_uploads_nothing(s3_server: S3Server, big_file: str) -> None:
    store = s3_server.store()
    await store.put_file(BIG_ID, big_file, len(BIG))
    await store.put_file(BIG_ID, "/nonexistent/staged-file", len(BIG))  # not even opened
    assert await store.size(BIG_ID) == len(BIG)
    await store.delete(BIG_ID)


async def test_a_missing_or_malformed_blob_reads_as_not_found(s3_server: S3Server) -> None:
    store = s3_server.store()
    for blob_id in (MISSING, "../../etc/passwd", "ABC"):
        with pytest.raises(NotFound):
            await read(store, blob_id)
        with pytest.raises(NotFound):
            await read(store, blob_id, 10, 20)
        assert await store.size(blob_id) is None
        assert not await store.exists(blob_id)
        await store.delete(blob_id)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_server_or_bucket_fails_clearly(s3_server: S3Server, big_file: str) -> None:
    down = S3BlobStore.connect(
        "v3-blobs",
        region=REGION,
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
        max_retries=0,
    )
    with pytest.raises(ObjectStorageFailed, match=f"could not look up blob {BIG_ID}") as caught:
        await down.exists(BIG_ID)
    assert caught.value.code == "upstream_error"
    assert "127.0.0.1" not in caught.value.message
    with pytest.raises(ObjectStorageFailed, match="could not look up"):
        await read(down, BIG_ID)
    with pytest.raises(ObjectStorageFailed, match="could not delete"):
        await down.delete(BIG_ID)

    no_bucket = S3BlobStore.connect(
        "no-such-bucket",
        region=REGION,
        endpoint_url=s3_server.endpoint_url,
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
        max_retries=0,
    )
    with pytest.raises(ObjectStorageFailed, match=f"could not store blob {BIG_ID}"):
        await no_bucket.put_file(BIG_ID, big_file, len(BIG))


def test_settings_need_a_bucket_and_both_halves_of_a_key() -> None:
    with pytest.raises(ValidationError, match="BLOB_STORAGE_TYPE=s3 needs S3_BUCKET_NAME"):
        Settings(blob_storage_type="s3")
    with pytest.raises(ValidationError, match="S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"):
        Settings(blob_storage_type="s3", s3_bucket_name="b", s3_access_key_id="k")


async def test_the_settings_wire_an_s3_store(s3_server: S3Server, big_file: str) -> None:
    settings = Settings(
        blob_storage_type=BlobStorageType.S3,
        s3_bucket_name=s3_server.bucket,
        s3_region=REGION,
        s3_endpoint_url=s3_server.endpoint_url,
        s3_access_key_id=KEY_ID,
        s3_secret_access_key=SECRET,
    )
    store = make_blob_store(settings, storage=None)  # type: ignore[arg-type]  # s3 needs no database
    assert isinstance(store, S3BlobStore)
    await store.put_file(BIG_ID, big_file, len(BIG))
    assert await store.size(BIG_ID) == len(BIG)
    await store.delete(BIG_ID)
    with pytest.raises(ValueError, match="S3_BUCKET_NAME"):
        make_blob_store(settings.model_copy(update={"s3_bucket_name": None}), storage=None)  # type: ignore[arg-type]


def test_the_s3_client_is_imported_only_when_chosen() -> None:
    code = "import sys, entrypoints.container, entrypoints.http; assert 'obstore' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_without_keys_the_standard_aws_variables_are_used(
    s3_server: S3Server, big_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_METADATA_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")  # never the real one
    store = S3BlobStore.connect(
        s3_server.bucket, region=REGION, endpoint_url=s3_server.endpoint_url, max_retries=0
    )
    await store.put_file(BIG_ID, big_file, len(BIG))
    assert await store.size(BIG_ID) == len(BIG)
    await store.delete(BIG_ID)
