"""Tenant isolation, generated from the schema: bob gets 404 for every one of alice's resources."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.security.world import API, World, body_for, brief, json_of, operations

DENIED = (403, 404)


def _with_path_params(schema: dict[str, Any]) -> list[Any]:
    ops = [op for op in operations(schema) if op.path_params]
    return sorted(ops, key=lambda op: op.method == "delete")  # deletes last


async def test_every_operation_with_a_path_parameter_is_covered_by_an_id_of_alice(
    openapi: dict[str, Any], world: World
) -> None:
    ops = _with_path_params(openapi)
    missing = {(op.operation_id, p) for op in ops for p in op.path_params if p not in world.ids}
    assert not missing, f"map these path parameters to a resource in world.py: {sorted(missing)}"
    assert len(ops) >= 20


async def test_bob_gets_404_for_every_operation_on_alices_resources_and_changes_nothing(
    api: Api, openapi: dict[str, Any], world: World
) -> None:
    before = await world.snapshot(api)
    leaks = []
    for op in _with_path_params(openapi):
        response = await api.client.request(
            op.method.upper(), op.url(world.ids), json=body_for(op, world.ids), headers=api.bob
        )
        body = json_of(response)
        if response.status_code not in DENIED or body.get("data") is not None:
            leaks.append(f"{op.method.upper()} {op.path} ({op.operation_id}): {response.status_code}")
        elif response.status_code == 404 and op.method != "head":
            assert body["meta"]["code"] == "not_found", op.operation_id
    assert not leaks, "bob reached alice's resources:\n" + "\n".join(leaks)
    assert await world.snapshot(api) == before


async def test_alices_ids_named_in_bobs_bodies_are_refused(api: Api, world: World) -> None:
    ids = world.ids
    campaign = await api.client.post(
        f"{API}/campaigns", json={"clientId": ids["client_id"], "name": "X"}, headers=api.bob
    )
    job = await api.client.post(f"{API}/jobs", json=brief(ids["client_id"]), headers=api.bob)
    assert (campaign.status_code, job.status_code) in {(404, 404), (404, 422), (422, 422), (422, 404)}
    listed = await api.client.get(f"{API}/jobs", headers=api.bob)
    assert ids["job_id"] not in [j["id"] for j in listed.json()["data"]]


async def test_alices_ids_as_bobs_list_filters_find_nothing(api: Api, world: World) -> None:
    ids = world.ids
    for path in (
        f"{API}/campaigns?clientId={ids['client_id']}",
        f"{API}/assets?clientId={ids['client_id']}",
        f"{API}/assets?campaignId={ids['campaign_id']}",
        f"{API}/jobs?client_id={ids['client_id']}",
        f"{API}/jobs?campaignId={ids['campaign_id']}",
    ):
        response = await api.client.get(path, headers=api.bob)
        assert response.status_code in (200, 404), path
        if response.status_code == 200:
            assert response.json()["data"] == [], path
