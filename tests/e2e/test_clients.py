"""Clients over HTTP: CRUD, validation, pagination, tenant isolation, delete with dependents."""

from __future__ import annotations

from tests.e2e.conftest import Api

BRAND = {
    "colors": ["#ff0000"],
    "fonts": ["Inter"],
    "tone": "playful",
    "restrictions": ["no competitors"],
    "examples": ["https://example.com/ad"],
}


async def test_creates_a_client_with_brand_guidelines_in_camel_case(api: Api) -> None:
    body = {"name": "Acme", "homepage": "https://acme.test", "brandGuidelines": BRAND, "metadata": {"k": 1}}
    response = await api.client.post("/api/v3/clients", json=body, headers=api.alice)
    assert response.status_code == 201
    payload = response.json()
    assert payload["error"] is None
    data = payload["data"]
    assert data["name"] == "Acme"
    assert data["brandGuidelines"] == BRAND
    assert data["metadata"] == {"k": 1}
    assert {"id", "description", "createdAt", "updatedAt"} <= set(data)
    assert payload["meta"]["requestId"]
    assert payload["meta"]["timestamp"].endswith("Z")


async def test_reads_back_a_created_client(api: Api) -> None:
    created = await api.create_client(api.alice, description="shoes")
    response = await api.client.get(f"/api/v3/clients/{created['id']}", headers=api.alice)
    assert response.status_code == 200
    assert response.json()["data"] == created


async def test_missing_name_is_a_422_naming_the_field(api: Api) -> None:
    response = await api.client.post("/api/v3/clients", json={"homepage": "x"}, headers=api.alice)
    assert response.status_code == 422
    payload = response.json()
    assert payload["data"] is None
    assert payload["meta"]["code"] == "validation_error"
    assert ["name"] in [d["loc"] for d in payload["meta"]["details"]]


async def test_blank_name_is_a_422_naming_the_field(api: Api) -> None:
    response = await api.client.post("/api/v3/clients", json={"name": "   "}, headers=api.alice)
    assert response.status_code == 422
    assert response.json()["meta"]["details"][0]["loc"] == ["name"]


async def test_a_wrongly_typed_nested_field_is_named_with_its_path(api: Api) -> None:
    body = {"name": "Acme", "brandGuidelines": {"colors": [1]}}
    response = await api.client.post("/api/v3/clients", json=body, headers=api.alice)
    assert response.status_code == 422
    assert response.json()["meta"]["details"][0]["loc"] == ["brandGuidelines", "colors", 0]


async def test_put_is_a_partial_update(api: Api) -> None:
    created = await api.create_client(api.alice, description="old", brandGuidelines=BRAND)
    response = await api.client.put(
        f"/api/v3/clients/{created['id']}", json={"description": "new"}, headers=api.alice
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["description"] == "new"
    assert data["name"] == "Acme"
    assert data["brandGuidelines"] == BRAND
    assert data["updatedAt"] >= created["updatedAt"]


async def test_put_can_clear_a_nullable_field(api: Api) -> None:
    created = await api.create_client(api.alice, homepage="https://a.test")
    response = await api.client.put(
        f"/api/v3/clients/{created['id']}", json={"homepage": None}, headers=api.alice
    )
    assert response.json()["data"]["homepage"] is None


async def test_lists_only_the_callers_clients_with_paging_meta(api: Api) -> None:
    tenant = await api.new_tenant()
    for name in ("a", "b", "c"):
        await api.create_client(tenant, name=name)
    response = await api.client.get("/api/v3/clients?limit=2&offset=2", headers=tenant)
    assert response.status_code == 200
    payload = response.json()
    assert len(payload["data"]) == 1
    assert payload["meta"] | {"timestamp": "", "requestId": ""} == {
        "timestamp": "",
        "requestId": "",
        "total": 3,
        "page": 2,
        "limit": 2,
        "offset": 2,
    }


async def test_limit_out_of_range_is_a_422_naming_limit(api: Api) -> None:
    for bad in ("0", "1001", "x"):
        response = await api.client.get(f"/api/v3/clients?limit={bad}", headers=api.alice)
        assert response.status_code == 422
        assert response.json()["meta"]["details"][0]["loc"] == ["query", "limit"]


async def test_negative_offset_is_a_422(api: Api) -> None:
    response = await api.client.get("/api/v3/clients?offset=-1", headers=api.alice)
    assert response.status_code == 422


async def test_another_tenants_client_is_not_found_on_every_route(api: Api) -> None:
    created = await api.create_client(api.alice)
    url = f"/api/v3/clients/{created['id']}"
    calls = [
        api.client.get(url, headers=api.bob),
        api.client.put(url, json={"name": "mine"}, headers=api.bob),
        api.client.delete(url, headers=api.bob),
        api.client.delete(url + "?cascade=true", headers=api.bob),
        api.client.get(url + "/stats", headers=api.bob),
    ]
    for call in calls:
        response = await call
        assert response.status_code == 404
        assert response.json()["meta"]["code"] == "not_found"
    still = await api.client.get(url, headers=api.alice)
    assert still.json()["data"]["name"] == "Acme"


async def test_a_missing_client_is_not_found(api: Api) -> None:
    response = await api.client.get("/api/v3/clients/does-not-exist", headers=api.alice)
    assert response.status_code == 404
    assert response.json()["error"]


async def test_deleting_a_client_with_campaigns_is_a_conflict_naming_counts(api: Api) -> None:
    created = await api.create_client(api.alice)
    await api.create_campaign(api.alice, created["id"])
    response = await api.client.delete(f"/api/v3/clients/{created['id']}", headers=api.alice)
    assert response.status_code == 409
    assert "1 campaign" in response.json()["error"]
    assert response.json()["meta"]["code"] == "conflict"


async def test_cascade_deletes_a_client_with_its_campaigns(api: Api) -> None:
    created = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, created["id"])
    response = await api.client.delete(f"/api/v3/clients/{created['id']}?cascade=true", headers=api.alice)
    assert response.status_code == 200
    assert response.json()["data"] == {"id": created["id"], "deleted": True}
    gone = await api.client.get(f"/api/v3/campaigns/{campaign['id']}", headers=api.alice)
    assert gone.status_code == 404


async def test_deletes_a_client_without_dependents(api: Api) -> None:
    created = await api.create_client(api.alice)
    response = await api.client.delete(f"/api/v3/clients/{created['id']}", headers=api.alice)
    assert response.status_code == 200
    gone = await api.client.get(f"/api/v3/clients/{created['id']}", headers=api.alice)
    assert gone.status_code == 404


async def test_stats_of_a_new_client_are_zero(api: Api) -> None:
    created = await api.create_client(api.alice)
    await api.create_campaign(api.alice, created["id"])
    response = await api.client.get(f"/api/v3/clients/{created['id']}/stats", headers=api.alice)
    assert response.status_code == 200
    assert response.json()["data"] == {
        "clientId": created["id"],
        "campaignCount": 1,
        "jobCount": 0,
        "videoCount": 0,
        "totalSpend": 0.0,
    }


async def test_cascade_also_deletes_the_clients_assets_and_their_bytes(api: Api) -> None:
    import io

    from PIL import Image

    created = await api.create_client(api.alice)
    picture = io.BytesIO()
    unique = int(created["id"].replace("-", "")[:6], 16)  # no other test shares these bytes
    Image.new("RGB", (8, 8), (unique >> 16, (unique >> 8) & 255, unique & 255)).save(picture, "PNG")
    uploaded = await api.client.post(
        "/api/v3/assets",
        files={"file": ("red.png", picture.getvalue(), "image/png")},
        data={"clientId": created["id"], "type": "image"},
        headers=api.alice,
    )
    assert uploaded.status_code == 201, uploaded.text
    asset = uploaded.json()["data"]
    refused = await api.client.delete(f"/api/v3/clients/{created['id']}", headers=api.alice)
    assert refused.status_code == 409
    assert "1 asset" in refused.json()["error"]
    response = await api.client.delete(f"/api/v3/clients/{created['id']}?cascade=true", headers=api.alice)
    assert response.status_code == 200
    gone = await api.client.get(f"/api/v3/assets/{asset['id']}", headers=api.alice)
    assert gone.status_code == 404
    assert not await api.container.blob_store().exists(asset["blobId"])
