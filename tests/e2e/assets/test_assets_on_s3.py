"""The asset endpoints with ``BLOB_STORAGE_TYPE=s3``, the bytes in a bucket of a local S3 server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from adapters.blobs.s3 import S3BlobStore
from entrypoints.container import build_container
from entrypoints.http import create_app
from entrypoints.settings import BlobStorageType
from tests.e2e.conftest import Api, e2e_settings
from tests.integration.assets.s3_server import (
    KEY_ID,
    REGION,
    SECRET,
    S3Server,
    s3_server_fixture,  # noqa: F401 - the s3_server fixture
)
from tests.unit.assets import samples


@pytest.fixture(scope="module")
async def s3_api(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    settings = e2e_settings("memory://", tmp_path_factory.mktemp("s3-asset-data")).model_copy(
        update={
            "blob_storage_type": BlobStorageType.S3,
            "s3_bucket_name": s3_server.bucket,
            "s3_region": REGION,
            "s3_endpoint_url": s3_server.endpoint_url,
            "s3_access_key_id": KEY_ID,
            "s3_secret_access_key": SecretStr(SECRET),
        }
    )
    container = build_container(settings)
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("s3-alice")
        yield api


async def test_uploads_serves_ranges_and_deletes_through_the_bucket(s3_api: Api, s3_server: S3Server) -> None:
    assert isinstance(s3_api.container.blob_store(), S3BlobStore)
    headers = s3_api.alice
    before = set(s3_server.object_keys())
    data = samples.image("PNG", size=(640, 480))
    response = await s3_api.client.post(
        "/api/v3/assets",
        files={"file": ("photo.png", data, "application/octet-stream")},
        data={"type": "image"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    asset: dict[str, Any] = response.json()["data"]
    key = f"blobs/{asset['blobId'][:2]}/{asset['blobId']}"
    assert key in s3_server.object_keys()

    url = f"/api/v3/assets/{asset['id']}/data"
    whole = await s3_api.client.get(url, headers=headers)
    assert (whole.status_code, whole.content) == (200, data)
    size = len(data)
    for header, start, end in [
        ("bytes=0-0", 0, 0),
        ("bytes=100-1099", 100, 1099),
        ("bytes=-50", size - 50, size - 1),
    ]:
        part = await s3_api.client.get(url, headers={**headers, "Range": header})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert part.content == data[start : end + 1]
    thumbnail = await s3_api.client.get(f"/api/v3/assets/{asset['id']}/thumbnail", headers=headers)
    assert thumbnail.status_code == 200

    assert len(set(s3_server.object_keys()) - before) == 2  # the image and its thumbnail
    deleted = await s3_api.client.delete(f"/api/v3/assets/{asset['id']}", headers=headers)
    assert deleted.status_code == 200
    assert set(s3_server.object_keys()) == before  # both objects are gone from the bucket
    gone = await s3_api.client.get(url, headers=headers)
    assert gone.status_code == 404
