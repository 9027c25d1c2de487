"""The asset endpoints through the real app: upload, import, list, read, serve, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.assets.conftest import BASE
from tests.e2e.conftest import Api
from tests.integration.assets.server import SourceServer
from tests.unit.assets import samples


async def upload(api: Api, headers: dict[str, str], data: bytes, name: str = "pic.png", **fields: str) -> Any:
    return await api.client.post(
        "/api/v3/assets",
        files={"file": (name, data, "application/octet-stream")},
        data=fields,
        headers=headers,
    )


async def created(
    api: Api, headers: dict[str, str], data: bytes, name: str = "pic.png", **fields: str
) -> Any:
    response = await upload(api, headers, data, name, **fields)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_uploads_a_file_and_shows_it_with_absolute_v3_links(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    asset = await created(
        assets_api, headers, samples.image("PNG"), "logo.png", type="image", tags="brand, hero"
    )
    assert asset["url"] == f"{BASE}/api/v3/assets/{asset['id']}/data"
    assert asset["thumbnailUrl"] == f"{BASE}/api/v3/assets/{asset['id']}/thumbnail"
    assert (asset["type"], asset["format"], asset["contentType"]) == ("image", "png", "image/png")
    assert (asset["width"], asset["height"], asset["clientId"], asset["tags"]) == (
        64,
        48,
        None,
        ["brand", "hero"],
    )
    assert asset["checksum"] == asset["blobId"]
    assert len(asset["checksum"]) == 64
    listed = (await assets_api.client.get("/api/v3/assets", headers=headers)).json()
    assert [a["id"] for a in listed["data"]] == [asset["id"]]
    assert listed["meta"]["total"] == 1
    one = await assets_api.client.get(f"/api/v3/assets/{asset['id']}", headers=headers)
    assert one.json()["data"] == asset


async def test_refuses_a_mismatched_type_with_415_and_stores_nothing(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    response = await upload(assets_api, headers, samples.html(), "page.png", type="image")
    assert response.status_code == 415
    assert response.json()["meta"]["code"] == "unsupported_media_type"
    assert (await assets_api.client.get("/api/v3/assets", headers=headers)).json()["meta"]["total"] == 0


async def test_refuses_an_upload_over_the_cap_with_413(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    response = await upload(assets_api, headers, b"\0" * (2 * 1024 * 1024 + 1), "big.bin")
    assert response.status_code == 413
    assert (await assets_api.client.get("/api/v3/assets", headers=headers)).json()["meta"]["total"] == 0


async def test_refuses_another_tenants_client_naming_the_field(assets_api: Api) -> None:
    bobs = await assets_api.create_client(assets_api.bob)
    response = await upload(assets_api, assets_api.alice, samples.pdf(), "a.pdf", clientId=bobs["id"])
    assert response.status_code == 404
    assert "clientId" in response.json()["error"]


async def test_filters_the_list_by_client_type_and_tag_in_both_spellings(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    client = await assets_api.create_client(headers)
    pdf = await created(assets_api, headers, samples.pdf(), "a.pdf", clientId=client["id"], tags="x")
    png = await created(assets_api, headers, samples.image("GIF"), "b.gif")

    async def ids(query: str) -> list[str]:
        response = await assets_api.client.get(f"/api/v3/assets?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["data"]]

    assert await ids(f"clientId={client['id']}") == await ids(f"client_id={client['id']}") == [pdf["id"]]
    assert await ids("type=image") == await ids("asset_type=image") == [png["id"]]
    assert await ids("tag=x") == [pdf["id"]]
    bad = await assets_api.client.get("/api/v3/assets?type=hologram", headers=headers)
    assert bad.status_code == 422


async def test_serves_the_bytes_with_etag_ranges_and_safe_headers(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    data = samples.wav()
    asset = await created(assets_api, headers, data, '../../ca"fé;x.wav')
    url = f"/api/v3/assets/{asset['id']}/data"

    whole = await assets_api.client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.content == data
    h = whole.headers
    assert (h["content-type"], h["content-length"], h["etag"]) == (
        "audio/wav",
        str(len(data)),
        f'"{asset["checksum"]}"',
    )
    assert (h["accept-ranges"], h["x-content-type-options"]) == ("bytes", "nosniff")
    assert (
        h["content-disposition"] == "inline; filename=\"ca_f__x.wav\"; filename*=UTF-8''ca%22f%C3%A9%3Bx.wav"
    )

    async def get(range_: str) -> Any:
        return await assets_api.client.get(url, headers={**headers, "Range": range_})

    size = len(data)
    cases = [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=-100", size - 100, size - 1),
        (f"bytes={size - 10}-", size - 10, size - 1),
    ]
    for header, start, end in cases:
        part = await get(header)
        assert part.status_code == 206
        assert part.content == data[start : end + 1]
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
    past = await get(f"bytes={size}-")
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"

    fresh = await assets_api.client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": h["etag"]})
    stale = await assets_api.client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"old"'})
    assert (fresh.status_code, stale.status_code, len(stale.content)) == (206, 200, size)
    head = await assets_api.client.head(url, headers={**headers, "Range": "bytes=-100"})
    assert (head.status_code, head.headers["content-length"], head.content) == (206, "100", b"")

    head_past = await assets_api.client.head(url, headers={**headers, "Range": f"bytes={size}-"})
    assert head_past.status_code == 416
    missing = await assets_api.client.head("/api/v3/assets/nope/data", headers=headers)
    assert missing.status_code == 404

    cached = await assets_api.client.get(url, headers={**headers, "If-None-Match": h["etag"]})
    assert cached.status_code == 304
    assert cached.content == b""


async def test_serves_thumbnails_of_images_and_videos_only(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    video = await created(assets_api, headers, samples.video(), "clip.mp4")
    thumb = await assets_api.client.get(f"/api/v3/assets/{video['id']}/thumbnail", headers=headers)
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.content[:3] == b"\xff\xd8\xff"
    audio = await created(assets_api, headers, samples.wav(), "a.wav")
    assert audio["thumbnailUrl"] is None
    missing = await assets_api.client.get(f"/api/v3/assets/{audio['id']}/thumbnail", headers=headers)
    assert missing.status_code == 404


async def test_another_tenant_sees_nothing(assets_api: Api) -> None:
    asset = await created(assets_api, assets_api.alice, samples.text(), "notes.txt")
    for method, suffix in [("GET", ""), ("GET", "/data"), ("GET", "/thumbnail"), ("DELETE", "")]:
        response = await assets_api.client.request(
            method, f"/api/v3/assets/{asset['id']}{suffix}", headers=assets_api.bob
        )
        assert response.status_code == 404, (method, suffix)


async def test_deletes_an_asset_and_its_bytes_go_with_the_last_reference(assets_api: Api) -> None:
    headers = await assets_api.new_tenant()
    first = await created(assets_api, headers, samples.image("WEBP"), "a.webp")
    second = await created(assets_api, headers, samples.image("WEBP"), "b.webp")
    assert first["blobId"] == second["blobId"]
    blobs = assets_api.container.blob_store()
    for asset in (first, second):
        response = await assets_api.client.delete(f"/api/v3/assets/{asset['id']}", headers=headers)
        assert response.status_code == 200
        assert response.json()["data"] == {"id": asset["id"], "deleted": True}
    assert not await blobs.exists(first["blobId"])
    gone = await assets_api.client.get(f"/api/v3/assets/{first['id']}/data", headers=headers)
    assert gone.status_code == 404


async def test_requires_credentials(assets_api: Api) -> None:
    assert (await assets_api.client.get("/api/v3/assets")).status_code == 401


@pytest.mark.parametrize("path", ["/api/v3/assets", "/api/v3/assets/from-url"])
async def test_imports_from_a_url(assets_api: Api, source: SourceServer, path: str) -> None:
    source.files["photo.jpg"] = samples.image("JPEG")
    url = f"{source.base}/files/photo.jpg"
    response = await assets_api.client.post(
        path, json={"url": url, "type": "image", "name": "Photo"}, headers=assets_api.alice
    )
    assert response.status_code == 201, response.text
    asset = response.json()["data"]
    assert (asset["sourceUrl"], asset["name"], asset["format"]) == (url, "Photo", "jpg")


@pytest.mark.parametrize(
    ("target", "status", "code", "words"),
    [
        ("/missing", 502, "upstream_error", "404"),
        ("/stall?for=3", 504, "upstream_timeout", "took longer"),
        ("/endless", 413, "payload_too_large", "limit"),
        ("http://169.254.169.254/latest/meta-data/", 422, "forbidden_target", "link-local"),
        ("file:///etc/passwd", 422, "forbidden_target", "http"),
    ],
)
async def test_reports_import_failures_clearly(
    assets_api: Api, source: SourceServer, target: str, status: int, code: str, words: str
) -> None:
    url = target if "://" in target else source.base + target
    response = await assets_api.client.post(
        "/api/v3/assets/from-url", json={"url": url}, headers=assets_api.alice
    )
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["code"] == code
    assert words in body["error"]


async def test_bulk_import_reports_each_item(assets_api: Api, source: SourceServer) -> None:
    source.files["song.mp3"] = samples.audio("mp3", "mp3")
    good = f"{source.base}/files/song.mp3"
    body = {"items": [{"url": good, "tags": ["music"]}], "urls": [f"{source.base}/missing"], "type": "audio"}
    response = await assets_api.client.post("/api/v3/assets/from-urls", json=body, headers=assets_api.alice)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["succeeded"], data["failed"]) == (1, 1)
    ok, bad = data["results"]
    assert (ok["ok"], ok["status"], ok["asset"]["type"], ok["asset"]["tags"]) == (
        True,
        201,
        "audio",
        ["music"],
    )
    assert (bad["ok"], bad["status"], bad["code"], bad["asset"]) == (False, 502, "upstream_error", None)


async def test_bulk_import_refuses_more_than_100_urls(assets_api: Api) -> None:
    body = {"urls": [f"https://example.com/{i}.png" for i in range(101)]}
    response = await assets_api.client.post("/api/v3/assets/from-urls", json=body, headers=assets_api.alice)
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b"hello", 415),
        ("multipart/form-data", b"--x\r\n", 422),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nn\r\n--x--\r\n',
            422,
        ),
        ("multipart/form-data; boundary=x", b"--x\r\ngarbage without headers", 422),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xff\xfe\r\n--x--\r\n',
            422,
        ),
        ("application/json", b"{not json", 422),
        ("application/json", b'{"url": 5}', 422),
        ("application/json", b"[" * 100_000, 422),
    ],
    ids=[
        "text",
        "no-boundary",
        "no-file",
        "malformed",
        "bad-utf8-field",
        "bad-json",
        "wrong-type",
        "deep-json",
    ],
)
async def test_refuses_bad_upload_bodies_with_a_clear_4xx(
    assets_api: Api, content_type: str, body: bytes, status: int
) -> None:
    headers = {**assets_api.alice, "Content-Type": content_type}
    response = await assets_api.client.post("/api/v3/assets", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]
