"""A length the schema allows fits its column on every backend; longer is a clear 422, never a 500."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import brief
from v3core.limits import IDEMPOTENCY_KEY_MAX_LENGTH, NAME_MAX_LENGTH


async def test_a_client_name_of_the_largest_allowed_length_is_stored(api: Api) -> None:
    name = "n" * NAME_MAX_LENGTH
    response = await api.client.post("/api/v3/clients", json={"name": name}, headers=api.alice)
    assert response.status_code == 201, response.text
    client_id = response.json()["data"]["id"]
    read = await api.client.get(f"/api/v3/clients/{client_id}", headers=api.alice)
    assert read.json()["data"]["name"] == name


async def test_client_and_campaign_names_past_the_limit_are_422_on_create_and_update(api: Api) -> None:
    too_long = "n" * (NAME_MAX_LENGTH + 1)
    created = await api.client.post("/api/v3/clients", json={"name": too_long}, headers=api.alice)
    assert created.status_code == 422, created.text
    assert ["name"] in [d["loc"] for d in created.json()["meta"]["details"]]
    client = await api.create_client(api.alice)
    updated = await api.client.put(
        f"/api/v3/clients/{client['id']}", json={"name": "x" * 255}, headers=api.alice
    )
    assert updated.status_code == 422, updated.text
    campaign = await api.client.post(
        "/api/v3/campaigns", json={"clientId": client["id"], "name": "c" * 230}, headers=api.alice
    )
    assert campaign.status_code == 422, campaign.text
    assert "200" in campaign.json()["error"]


async def test_an_idempotency_key_past_the_limit_is_a_422_naming_the_header(api: Api) -> None:
    client = await api.create_client(api.alice)
    headers = {**api.alice, "Idempotency-Key": "k" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1)}
    response = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=headers)
    assert response.status_code == 422, response.text
    assert ["header", "Idempotency-Key"] in [d["loc"] for d in response.json()["meta"]["details"]]
    assert "Idempotency-Key" in response.json()["error"]


async def test_an_idempotency_key_of_the_largest_allowed_length_works(api: Api) -> None:
    client = await api.create_client(api.alice)
    key = (client["id"] + "k" * IDEMPOTENCY_KEY_MAX_LENGTH)[:IDEMPOTENCY_KEY_MAX_LENGTH]
    headers = {**api.alice, "Idempotency-Key": key}
    first = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=headers)
    again = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=headers)
    assert first.status_code == 202, first.text
    assert again.status_code == 200, again.text
    assert again.json()["data"]["id"] == first.json()["data"]["id"]


async def test_the_schema_states_the_lengths_the_columns_hold(api: Api) -> None:
    document = (await api.client.get("/schema/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert schemas["ClientCreate"]["properties"]["name"]["maxLength"] == NAME_MAX_LENGTH
    assert schemas["CampaignCreate"]["properties"]["name"]["maxLength"] == NAME_MAX_LENGTH
    create_job = document["paths"]["/api/v3/jobs"]["post"]
    key = next(p for p in create_job["parameters"] if p["name"] == "Idempotency-Key")
    assert key["in"] == "header"
    assert key["schema"]["maxLength"] == IDEMPOTENCY_KEY_MAX_LENGTH


@pytest.mark.parametrize("blank", ["\u001d", "\u0085", "\u00a0 "])
async def test_a_name_of_whitespace_is_refused_as_the_schema_says(api: Api, blank: str) -> None:
    """Found by the long fuzz: the schema allowed any 1+ characters, the domain refused blank ones."""
    created = await api.client.post("/api/v3/clients", json={"name": blank}, headers=api.alice)
    assert created.status_code == 422, created.text
    assert created.json()["error"] == "name must not be blank"
    document = (await api.client.get("/schema/openapi.json")).json()
    assert document["components"]["schemas"]["ClientCreate"]["properties"]["name"]["pattern"] == r"\S"
