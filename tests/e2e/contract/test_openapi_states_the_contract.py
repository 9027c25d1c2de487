"""The OpenAPI document states what the server accepts (bounds, required brief fields, enums,
typed action answers, the headers it reads), so generated clients and fuzzers see it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from entrypoints.http.pagination import MAX_OFFSET
from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import brief


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


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its component references resolvable (for jsonschema)."""
    return {**schema, "components": document["components"]}


def _property(document: dict[str, Any], component: str, name: str) -> dict[str, Any]:
    schema = document["components"]["schemas"][component]["properties"][name]
    return _resolved(document, schema)


def _video_specs(document: dict[str, Any]) -> dict[str, Any]:
    creative = document["components"]["schemas"]["CreativeBody"]["properties"]["videoSpecs"]
    ref = next(o["$ref"] for o in creative["oneOf"] if "$ref" in o).rsplit("/", 1)[-1]
    found: dict[str, Any] = document["components"]["schemas"][ref]
    return found


# SPEC §4 "Jobs": videoSpecs {duration seconds (default 30, 5-120), format 16:9|9:16|1:1|4:5}.
SPEC_FORMATS = ["16:9", "9:16", "1:1", "4:5"]
SPEC_DURATION = (5, 120)
# SPEC §4 "Jobs", POST /jobs/{id}/actions: the actions and their aliases, case-insensitive.
SPEC_ACTIONS = {
    "approve",
    "approve_storyboard",
    "reject_storyboard",
    "reject",
    "regenerate_all_scenes",
    "regenerate_scene",
    "regenerate",
    "cancel",
    "retry",
}


async def test_video_specs_state_the_formats_and_the_duration_bounds(document: dict[str, Any]) -> None:
    specs = _video_specs(document)["properties"]
    duration = next(o for o in specs["duration"]["oneOf"] if o.get("type") == "number")
    assert (duration["minimum"], duration["maximum"]) == SPEC_DURATION
    fmt = next(o for o in specs["format"]["oneOf"] if o.get("type") == "string")
    assert sorted(fmt["enum"]) == sorted(SPEC_FORMATS)


@pytest.mark.parametrize(
    ("specs", "accepted"),
    [
        ({"duration": 5, "format": "9:16"}, True),
        ({"duration": 120, "format": "4:5"}, True),
        ({"duration": 4.99}, False),
        ({"duration": 120.5}, False),
        ({"format": "21:9"}, False),
        ({"format": ""}, False),
    ],
)
async def test_the_document_and_the_server_agree_on_video_specs(
    api: Api, document: dict[str, Any], specs: dict[str, Any], accepted: bool
) -> None:
    schema = _resolved(document, _video_specs(document))
    assert jsonschema.Draft202012Validator(schema).is_valid(specs) is accepted
    client = await api.create_client(api.alice)
    body = {**brief(client["id"]), "creative": {"direction": {"style": "S"}, "videoSpecs": specs}}
    response = await api.client.post("/api/v3/jobs/dry-run", json=body, headers=api.alice)
    assert response.status_code == (200 if accepted else 422), response.text
    if not accepted:
        (field,) = {tuple(d["loc"][-1:]) for d in response.json()["meta"]["details"]}
        assert field[0] in specs


async def test_the_action_names_are_stated(document: dict[str, Any]) -> None:
    action = _property(document, "ActionBody", "action")
    names = next(o["enum"] for o in action["anyOf"] if "enum" in o)
    assert set(names) >= SPEC_ACTIONS
    validator = jsonschema.Draft202012Validator(action)
    for name in SPEC_ACTIONS:
        assert validator.is_valid(name.upper()), name  # case-insensitive
    assert not validator.is_valid("publish")
    assert not validator.is_valid("render_finished")  # a system event, not a user action
    assert not validator.is_valid("")


@pytest.mark.parametrize("name", [*sorted(SPEC_ACTIONS), "Approve", "REGENERATE-ALL-SCENES", " cancel "])
async def test_every_action_name_the_document_allows_is_understood_by_the_server(
    api: Api, document: dict[str, Any], name: str
) -> None:
    assert jsonschema.Draft202012Validator(_property(document, "ActionBody", "action")).is_valid(name)
    client = await api.create_client(api.alice)
    created = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=api.alice)
    cancelled = await api.client.post(
        f"/api/v3/jobs/{created.json()['data']['id']}/actions", json={"action": "cancel"}, headers=api.alice
    )
    assert cancelled.status_code == 200, cancelled.text
    response = await api.client.post(
        f"/api/v3/jobs/{created.json()['data']['id']}/actions", json={"action": name}, headers=api.alice
    )
    assert response.status_code == 409, response.text  # known, not allowed once cancelled: never 422


@pytest.mark.parametrize("name", ["publish", "fail", "approve!", "ap prove"])
async def test_an_action_name_the_document_refuses_is_a_422(
    api: Api, document: dict[str, Any], name: str
) -> None:
    assert not jsonschema.Draft202012Validator(_property(document, "ActionBody", "action")).is_valid(name)
    client = await api.create_client(api.alice)
    created = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=api.alice)
    response = await api.client.post(
        f"/api/v3/jobs/{created.json()['data']['id']}/actions", json={"action": name}, headers=api.alice
    )
    assert response.status_code == 422, response.text
    assert response.json()["meta"]["details"][0]["loc"] == ["action"]


@pytest.mark.parametrize(
    ("asset", "accepted"),
    [
        ({"url": "https://example.com/a.png"}, True),
        ({"assetId": "no-such-asset", "role": "logo"}, True),
        ({"type": "image", "name": "logo"}, False),
        ({}, False),
        ({"url": None, "assetId": " "}, False),
        ({"url": "", "assetId": "no-such-asset"}, False),  # an empty URL is no URL: refused, not ignored
        ({"url": " https://example.com/a.png "}, True),  # surrounding blanks are trimmed
    ],
)
async def test_a_brief_asset_states_that_it_needs_a_url_or_an_asset_id(
    api: Api, document: dict[str, Any], asset: dict[str, Any], accepted: bool
) -> None:
    """SPEC §4: ``creative.assets`` [{url | assetId, ...}]; the document and the server agree."""
    creative = document["components"]["schemas"]["CreativeBody"]["properties"]["assets"]
    items = next(o["items"] for o in creative["oneOf"] if o.get("type") == "array")
    assert jsonschema.Draft202012Validator(_resolved(document, items)).is_valid(asset) is accepted
    client = await api.create_client(api.alice)
    body = brief(client["id"], assets=[asset])
    response = await api.client.post("/api/v3/jobs/dry-run", json=body, headers=api.alice)
    # an unknown asset id is the job's business (404 at creation), not the dry run's
    assert response.status_code == (200 if accepted else 422), response.text
