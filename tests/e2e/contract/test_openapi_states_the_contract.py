"""The OpenAPI document states what the server accepts (bounds, required brief fields, enums,
typed action answers, the headers it reads), so generated clients and fuzzers see it."""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.http.pagination import MAX_OFFSET
from tests.e2e.conftest import Api


@pytest.fixture
async def document(api: Api) -> dict[str, Any]:
    response = await api.client.get("/schema/openapi.json")
    data: dict[str, Any] = response.json()
    return data


def _parameter(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    found: dict[str, Any] = next(p for p in operation.get("parameters", []) if p["name"] == name)
    return found


async def test_offset_has_an_exact_integer_bound(document: dict[str, Any]) -> None:
    offset = _parameter(document, "/api/v3/clients", "get", "offset")
    assert offset["schema"]["maximum"] == MAX_OFFSET
    assert isinstance(offset["schema"]["maximum"], int)


async def test_the_brief_declares_its_required_sections_and_fields(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    def component(name: str, key: str) -> dict[str, Any]:
        ref: str = schemas[name]["properties"][key]["$ref"]
        found: dict[str, Any] = schemas[ref.rsplit("/", 1)[-1]]
        return found

    assert set(schemas["JobCreate"]["required"]) == {"context", "adBasics", "creative"}
    assert component("JobCreate", "context")["required"] == ["clientId"]
    assert set(component("JobCreate", "adBasics")["required"]) == {
        "product",
        "targetAudience",
        "keyMessage",
        "callToAction",
    }
    creative = component("JobCreate", "creative")
    assert creative["required"] == ["direction"]
    assert component(creative["title"], "direction")["required"] == ["style"]


async def test_job_status_is_an_enum_of_the_seven_states(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    ref = schemas["JobOut"]["properties"]["status"]["$ref"].rsplit("/", 1)[-1]
    assert set(schemas[ref]["enum"]) == {
        "pending",
        "storyboard_processing",
        "storyboard_ready",
        "video_processing",
        "completed",
        "failed",
        "cancelled",
    }


async def test_the_action_answer_is_a_job_or_a_regenerated_scene(document: dict[str, Any]) -> None:
    response = document["paths"]["/api/v3/jobs/{job_id}/actions"]["post"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    options = document["components"]["schemas"][ref]["properties"]["data"]["oneOf"]
    assert {"#/components/schemas/JobOut", "#/components/schemas/SceneRegenerated"} <= {
        o.get("$ref") for o in options
    }


@pytest.mark.parametrize(
    ("path", "method", "header"),
    [
        ("/api/v3/jobs/{job_id}/scenes/{scene_ref}", "put", "If-Match"),
        ("/api/v3/jobs/{job_id}/scenes/{scene_ref}", "patch", "If-Match"),
        ("/api/v3/jobs", "post", "Idempotency-Key"),
        ("/api/v3/jobs", "post", "Prefer"),
        ("/api/v3/assets/{asset_id}/data", "get", "Range"),
        ("/api/v3/assets/{asset_id}/data", "get", "If-None-Match"),
        ("/api/v3/assets/{asset_id}/data", "get", "If-Range"),
        ("/api/v3/jobs/{job_id}/video", "get", "Range"),
        ("/api/v3/jobs/{job_id}/video", "head", "If-None-Match"),
        ("/api/v3/assets/{asset_id}/thumbnail", "get", "If-None-Match"),
        ("/api/v3/jobs/{job_id}/events", "get", "Last-Event-ID"),
    ],
)
async def test_the_headers_the_api_reads_are_declared(
    document: dict[str, Any], path: str, method: str, header: str
) -> None:
    parameter = _parameter(document, path, method, header)
    assert parameter["in"] == "header"
    assert parameter["schema"]["type"] == "string"
