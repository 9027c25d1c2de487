"""A length the schema allows fits its column on every backend; longer is a clear 422, never a 500."""

from __future__ import annotations

import jsonschema_rs
import pytest

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import brief
from tests.e2e.security.world import png
from v3core.limits import ASSET_NAME_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH, NAME_MAX_LENGTH


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


# Characters where regex dialects disagree on "space": Python's (the server's validation) counts
# U+001C-U+001F and U+0085 as space, JSON Schema's ECMA-262 does not; ECMA's counts U+FEFF.
@pytest.mark.parametrize(
    "name", ["\u001d", "\u001f", "\u0085", "\u00a0 ", "\u3000", "\ufeff", "\t\u001ex "], ids=ascii
)
async def test_the_schema_and_the_server_agree_on_blank_names(api: Api, name: str) -> None:
    """A name the OpenAPI document allows, read as JSON Schema reads it (ECMA-262 regexes, by
    jsonschema-rs), is accepted; one it forbids is a 422 "must not be blank". Found by the long
    fuzz twice: first the schema allowed any 1+ characters, then its ``\\S`` allowed ``\\u001f``."""
    created = await api.client.post("/api/v3/clients", json={"name": name}, headers=api.alice)
    document = (await api.client.get("/schema/openapi.json")).json()
    documented = jsonschema_rs.validator_for(
        document["components"]["schemas"]["ClientCreate"]["properties"]["name"]
    )
    blank = not name.strip()
    assert created.status_code == (422 if blank else 201), created.text
    assert documented.is_valid(name) is not blank
    if blank:
        assert created.json()["error"] == "name must not be blank"


async def test_an_uploaded_asset_name_of_the_largest_allowed_length_is_stored_whole(api: Api) -> None:
    name = "a" * ASSET_NAME_MAX_LENGTH
    files = {"file": ("p.png", png((8, 8)), "image/png")}
    response = await api.client.post("/api/v3/assets", files=files, data={"name": name}, headers=api.alice)
    assert response.status_code == 201, response.text
    read = await api.client.get(f"/api/v3/assets/{response.json()['data']['id']}", headers=api.alice)
    assert read.json()["data"]["name"] == name


async def test_an_asset_name_past_the_limit_is_a_422_naming_it_never_cut(api: Api) -> None:
    tenant = await api.new_tenant("names")
    too_long = "a" * (ASSET_NAME_MAX_LENGTH + 1)
    files = {"file": ("p.png", png((8, 8)), "image/png")}
    upload = await api.client.post("/api/v3/assets", files=files, data={"name": too_long}, headers=tenant)
    assert upload.status_code == 422, upload.text
    assert ["name"] in [d["loc"] for d in upload.json()["meta"]["details"]]
    assert str(ASSET_NAME_MAX_LENGTH) in upload.json()["error"]
    imported = await api.client.post(
        "/api/v3/assets/from-url", json={"url": "https://example.com/a.png", "name": too_long}, headers=tenant
    )
    assert imported.status_code == 422, imported.text
    listed = await api.client.get("/api/v3/assets", headers=tenant)
    assert listed.json()["meta"]["total"] == 0  # nothing stored under a cut name

    client = await api.create_client(tenant)
    body = brief(client["id"], assets=[{"url": "https://example.com/a.png", "name": too_long}])
    for path in ("/api/v3/jobs", "/api/v3/jobs/dry-run"):
        response = await api.client.post(path, json=body, headers=tenant)
        assert response.status_code == 422, response.text
        assert ["creative", "assets", 0, "name"] in [d["loc"] for d in response.json()["meta"]["details"]]


async def test_the_schema_states_the_asset_name_length(api: Api) -> None:
    document = (await api.client.get("/schema/openapi.json")).json()
    upload = document["paths"]["/api/v3/assets"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["properties"]["name"]["maxLength"] == ASSET_NAME_MAX_LENGTH
    brief_asset = document["components"]["schemas"]["AssetInputBody"]["properties"]["name"]
    string = next(o for o in brief_asset["oneOf"] if o["type"] == "string")
    assert {**brief_asset, **string}[
        "maxLength"
    ] == ASSET_NAME_MAX_LENGTH  # beside oneOf, as Litestar writes it
