"""Query errors say what is wrong; OPTIONS names every method of a path; HEAD wherever GET serves bytes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import ready_job
from tests.e2e.security.world import png


@pytest.mark.parametrize(
    ("query", "said", "loc"),
    [
        ("limit=0", "limit must be an integer between 1 and 1000", ["query", "limit"]),
        ("limit=5000", "limit must be an integer between 1 and 1000", ["query", "limit"]),
        ("limit=ten", "limit must be an integer", ["query", "limit"]),
        ("offset=-1", "offset must be an integer between 0 and", ["query", "offset"]),
    ],
)
async def test_a_bad_query_parameter_is_explained_in_words(
    api: Api, query: str, said: str, loc: list[str]
) -> None:
    response = await api.client.get(f"/api/v3/clients?{query}", headers=api.alice)
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith(said), body["error"]
    assert "ParamType" not in body["error"]
    assert loc in [d["loc"] for d in body["meta"]["details"]]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v3/assets?assetType=image", "assetType"),
        ("/api/v3/jobs?state=completed", "state"),
        ("/api/v3/clients?sort=name", "sort"),
    ],
)
async def test_an_unknown_query_parameter_is_a_422_naming_it(api: Api, path: str, name: str) -> None:
    response = await api.client.get(path, headers=api.alice)
    assert response.status_code == 422, response.text
    assert ["query", name] in [d["loc"] for d in response.json()["meta"]["details"]]
    assert name in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v3/campaigns?status=null", "status"),
        ("/api/v3/campaigns?clientId=null", "clientId"),
        ("/api/v3/jobs?status=null", "status"),
        ("/api/v3/assets?type=null", "type"),
    ],
)
async def test_a_filter_given_as_null_is_a_422_not_an_unfiltered_list(api: Api, path: str, name: str) -> None:
    response = await api.client.get(path, headers=api.alice)
    assert response.status_code == 422, response.text
    assert ["query", name] in [d["loc"] for d in response.json()["meta"]["details"]]


async def test_the_documented_filter_spellings_still_work(api: Api) -> None:
    for path in ("/api/v3/assets?type=image&asset_type=image", "/api/v3/jobs?client_id=x&status=completed"):
        response = await api.client.get(path, headers=api.alice)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v3/clients", {"GET", "POST", "OPTIONS"}),
        ("/api/v3/clients/{client}", {"GET", "PUT", "PATCH", "DELETE", "OPTIONS"}),
        ("/api/v3/campaigns/some-id", {"GET", "PUT", "PATCH", "DELETE", "OPTIONS"}),
        ("/api/v3/assets/some-id", {"GET", "DELETE", "OPTIONS"}),
        ("/api/v3/jobs", {"GET", "POST", "OPTIONS"}),
        ("/api/v3/jobs/some-id/scenes/2", {"GET", "PUT", "PATCH", "DELETE", "OPTIONS"}),
        ("/api/v3/jobs/some-id/video", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v3/assets/some-id/thumbnail", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v3/jobs/some-id/captions.vtt", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v3/auth/keys", {"GET", "POST", "OPTIONS"}),
    ],
)
async def test_options_allows_every_method_of_the_path(api: Api, path: str, methods: set[str]) -> None:
    client = await api.create_client(api.alice)
    response = await api.client.options(path.format(client=client["id"]), headers=api.alice)
    assert response.status_code == 204
    assert {m.strip() for m in response.headers["allow"].split(",")} == methods


async def test_every_get_that_serves_bytes_accepts_head_and_options_lists_it(api: Api) -> None:
    """Read from the served OpenAPI document, so a new bytes route without HEAD fails here. A
    live event stream (text/event-stream) is no download: it has no size or validators to head."""
    document = (await api.client.get("/schema/openapi.json")).json()

    def success_types(operation: dict[str, Any]) -> set[str]:
        answers = operation["responses"].items()
        return {
            media
            for status, answer in answers
            if status.startswith("2")
            for media in answer.get("content", {})
        }

    bytes_paths = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and (types := success_types(operations["get"]))
        and not any("json" in media or media == "text/event-stream" for media in types)
    ]
    assert "/api/v3/jobs/{job_id}/captions.vtt" in bytes_paths  # the document is read as meant

    for path in bytes_paths:
        assert "head" in document["paths"][path], f"GET {path} serves bytes but HEAD is not declared"
        concrete = re.sub(r"\{[^}]+\}", "some-id", path)
        options = await api.client.options(concrete, headers=api.alice)
        assert options.status_code == 204, path
        assert "HEAD" in {m.strip() for m in options.headers["allow"].split(",")}, path
        head = await api.client.head(concrete, headers=api.alice)
        assert head.status_code != 405, path


async def test_head_of_a_thumbnail_answers_the_headers_of_get_without_a_body(api: Api) -> None:
    upload = await api.client.post(
        "/api/v3/assets", files={"file": ("p.png", png((64, 48)), "image/png")}, headers=api.alice
    )
    assert upload.status_code == 201, upload.text
    url = f"/api/v3/assets/{upload.json()['data']['id']}/thumbnail"
    got = await api.client.get(url, headers=api.alice)
    head = await api.client.head(url, headers=api.alice)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-type"] == "image/jpeg"


async def test_head_of_a_job_video_answers_200_or_404_never_405(api: Api) -> None:
    job = await ready_job(api, api.alice)
    response = await api.client.head(f"/api/v3/jobs/{job['id']}/video", headers=api.alice)
    assert response.status_code == 404  # not rendered yet: the same answer GET gives
    missing = await api.client.head("/api/v3/jobs/no-such-job/video", headers=api.alice)
    assert missing.status_code == 404


async def test_an_upload_field_sent_twice_is_a_422_naming_it(api: Api) -> None:
    """Found by the long fuzz: two clientId parts were silently reduced to the first."""
    client = await api.create_client(api.alice)
    response = await api.client.post(
        "/api/v3/assets",
        files=[
            ("file", ("p.png", png(), "image/png")),
            ("clientId", (None, client["id"])),
            ("client_id", (None, "another")),
        ],
        headers=api.alice,
    )
    assert response.status_code == 422, response.text
    assert response.json()["meta"]["details"][0]["loc"] == ["client_id"]
    listed = await api.client.get(f"/api/v3/assets?clientId={client['id']}", headers=api.alice)
    assert listed.json()["meta"]["total"] == 0
