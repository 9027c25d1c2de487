"""Bad input over HTTP: a clear 4xx in the envelope, never a 500, and nothing stored."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.e2e.security.world import API, World, brief, png, upload_png


def _is_failure(response: Any, *statuses: int) -> bool:
    if response.status_code not in statuses:
        return False
    body = response.json()
    return body["data"] is None and isinstance(body["error"], str) and bool(body["meta"]["code"])


async def _count(api: Api, headers: dict[str, str], resource: str) -> int:
    response = await api.client.get(f"{API}/{resource}", headers=headers)
    total: int = response.json()["meta"]["total"]
    return total


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header declares ``width`` x ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


async def test_an_oversized_json_body_answers_413_and_stores_nothing(api: Api) -> None:
    headers = await api.new_tenant("big-body")
    body = {"name": "Big", "metadata": {f"k{i}": "x" * 1000 for i in range(2048)}}
    response = await api.client.post(f"{API}/clients", json=body, headers=headers)
    assert _is_failure(response, 413), response.text
    assert response.json()["meta"]["code"] == "payload_too_large"
    assert await _count(api, headers, "clients") == 0


@pytest.mark.parametrize("depth", [5_000, 100_000])
async def test_deeply_nested_json_answers_4xx_and_stores_nothing(api: Api, depth: int) -> None:
    headers = await api.new_tenant("nesting")
    nested = '{"a":' * depth + "1" + "}" * depth
    for path, raw in (
        (f"{API}/clients", '{"name": "Deep", "metadata": ' + nested + "}"),
        (f"{API}/jobs/dry-run", "[" * depth + "]" * depth),
    ):
        response = await api.client.post(
            path, content=raw.encode(), headers={**headers, "Content-Type": "application/json"}
        )
        assert _is_failure(response, 400, 422), (path, response.status_code, response.text[:300])
    assert await _count(api, headers, "clients") == 0


async def test_invalid_utf8_in_a_json_body_answers_400_or_422(api: Api) -> None:
    headers = await api.new_tenant("utf8")
    for path in (f"{API}/clients", f"{API}/jobs", f"{API}/assets/from-url"):
        response = await api.client.post(
            path,
            content=b'{"name": "\xff\xfe\xfa", "url": "https://example.test/\xc3"}',
            headers={**headers, "Content-Type": "application/json"},
        )
        assert _is_failure(response, 400, 422), (path, response.status_code, response.text[:300])
    assert await _count(api, headers, "clients") == 0


async def test_a_body_declared_as_something_else_than_json_answers_415_and_stores_nothing(
    api: Api,
) -> None:
    headers = await api.new_tenant("content-type")
    for content_type, raw in (
        ("application/x-www-form-urlencoded", b"name=Acme"),
        ("text/plain", b'{"name": "Acme"}'),
        ("application/xml", b"<client><name>Acme</name></client>"),
        ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA'),
    ):
        response = await api.client.post(
            f"{API}/clients", content=raw, headers={**headers, "Content-Type": content_type}
        )
        assert _is_failure(response, 415), (content_type, response.status_code)
        assert response.json()["meta"]["code"] == "unsupported_media_type"
    assert await _count(api, headers, "clients") == 0


async def test_a_json_body_with_a_json_type_or_none_is_accepted(api: Api) -> None:
    headers = await api.new_tenant("json-types")
    for content_type in (
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ):
        response = await api.client.post(
            f"{API}/clients", content=b'{"name": "Acme"}', headers={**headers, "Content-Type": content_type}
        )
        assert response.status_code == 201, (content_type, response.text)
    assert await _count(api, headers, "clients") == 3


async def test_a_repeated_query_parameter_answers_422_naming_it(api: Api) -> None:
    response = await api.client.get(f"{API}/jobs?campaignId=a&campaignId=b", headers=api.alice)
    assert _is_failure(response, 422)
    assert response.json()["meta"]["details"][0]["loc"] == ["query", "campaignId"]


async def test_an_upload_that_is_neither_multipart_nor_json_answers_415(api: Api) -> None:
    headers = await api.new_tenant("upload-type")
    response = await api.client.post(
        f"{API}/assets", content=png(), headers={**headers, "Content-Type": "image/png"}
    )
    assert _is_failure(response, 415)
    assert response.json()["meta"]["code"] == "unsupported_media_type"
    assert await _count(api, headers, "assets") == 0


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.png", "..\\..\\windows\\logo.png", "/var/data/logo.png", "C:\\temp\\logo.png"],
)
async def test_a_path_like_upload_name_is_stored_without_path_parts(api: Api, filename: str) -> None:
    headers = await api.new_tenant("paths")
    response = await upload_png(api, headers, name=filename)
    assert response.status_code == 201, response.text
    name = response.json()["data"]["name"]
    assert "/" not in name
    assert "\\" not in name
    assert ".." not in name
    assert name.endswith("png")


@pytest.mark.parametrize("size", [(10_000, 10_000), (60_000, 60_000), (1, 2_000_000_000)])
async def test_a_decompression_bomb_png_answers_4xx_and_stores_nothing(
    api: Api, size: tuple[int, int]
) -> None:
    headers = await api.new_tenant("bomb")
    response = await api.client.post(
        f"{API}/assets", files={"file": ("bomb.png", bomb_png(*size), "image/png")}, headers=headers
    )
    assert 400 <= response.status_code < 500, response.text[:300]
    assert _is_failure(response, response.status_code)
    assert await _count(api, headers, "assets") == 0


async def test_another_tenants_asset_in_a_job_brief_is_refused_naming_the_field(
    api: Api, world: World
) -> None:
    headers = await api.new_tenant("borrower")
    client = await api.create_client(headers)
    body = brief(client["id"], assets=[{"assetId": world.ids["asset_id"], "role": "logo"}])
    response = await api.client.post(f"{API}/jobs", json=body, headers={**headers, "Prefer": "wait=5"})
    assert _is_failure(response, 404, 422), (response.status_code, response.text[:300])
    failure = response.json()
    named = json.dumps(failure["meta"].get("details")) + failure["error"]
    assert "assetId" in named, failure  # e.g. "... not found (creative.assets[0].assetId)"
    assert await _count(api, headers, "jobs") == 0


async def test_a_dry_run_naming_another_tenants_asset_reveals_nothing_about_it(
    api: Api, world: World
) -> None:
    client = await api.create_client(api.bob)

    async def estimate(asset_id: str) -> Any:
        body = brief(client["id"], assets=[{"assetId": asset_id}])
        response = await api.client.post(f"{API}/jobs/dry-run", json=body, headers=api.bob)
        data = response.json()["data"]
        return response.status_code, data and {k: v for k, v in data.items() if k != "validUntil"}

    assert await estimate(world.ids["asset_id"]) == await estimate("no-such-asset")


async def _nul_requests(api: Api, headers: dict[str, str]) -> list[Any]:
    json_headers = {**headers, "Content-Type": "application/json"}
    return [
        await api.client.post(f"{API}/clients", content=b'{"name": "a\\u0000b"}', headers=json_headers),
        await api.client.post(
            f"{API}/clients", content=b'{"name": "ok", "metadata": {"\\u0000": 1}}', headers=json_headers
        ),
        await api.client.post(
            f"{API}/assets", content=b'{"url": "https://example.test/a\\u0000.png"}', headers=json_headers
        ),
        await api.client.get(f"{API}/clients/a%00b", headers=headers),
        await api.client.get(f"{API}/assets?tag=a%00b", headers=headers),
        await api.client.post(
            f"{API}/assets",
            files={"file": ("logo.png", png(), "image/png")},
            data={"name": "a\x00b"},
            headers=headers,
        ),
    ]


async def test_nul_characters_answer_422_and_store_nothing(api: Api) -> None:
    headers = await api.new_tenant("nul")
    for response in await _nul_requests(api, headers):
        assert _is_failure(response, 422), (response.request.url, response.status_code, response.text[:200])
    assert await _count(api, headers, "clients") == 0
    assert await _count(api, headers, "assets") == 0


@pytest.mark.postgres
async def test_nul_characters_answer_422_on_postgresql_too(postgres_url: str, tmp_path: Path) -> None:
    container = build_container(e2e_settings(postgres_url, tmp_path))
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        headers = await api.new_tenant("pg-nul")
        for response in await _nul_requests(api, headers):
            assert _is_failure(response, 422), (response.request.url, response.status_code)
        assert await _count(api, headers, "clients") == 0
