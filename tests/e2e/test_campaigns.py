"""Campaigns over HTTP: CRUD, client ownership, filters with aliases, stats, tenant isolation."""

from __future__ import annotations

from tests.e2e.conftest import Api


async def test_creates_a_campaign_in_draft_with_a_structured_brief(api: Api) -> None:
    client = await api.create_client(api.alice)
    body = {
        "clientId": client["id"],
        "name": "Spring",
        "goal": "awareness",
        "productUrl": "https://acme.test/shoe",
        "brief": {"product": "shoe"},
    }
    response = await api.client.post("/api/v3/campaigns", json=body, headers=api.alice)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["status"] == "draft"
    assert data["brief"] == {"product": "shoe"}
    assert data["clientId"] == client["id"]
    assert data["productUrl"] == "https://acme.test/shoe"


async def test_a_brief_may_be_plain_text(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"], brief="sell shoes")
    assert campaign["brief"] == "sell shoes"


async def test_another_tenants_client_id_is_a_404_naming_client_id(api: Api) -> None:
    foreign = await api.create_client(api.bob)
    body = {"clientId": foreign["id"], "name": "Sneaky"}
    response = await api.client.post("/api/v3/campaigns", json=body, headers=api.alice)
    assert response.status_code == 404
    assert "clientId" in response.json()["error"]


async def test_an_unknown_status_is_a_422_naming_status(api: Api) -> None:
    client = await api.create_client(api.alice)
    body = {"clientId": client["id"], "name": "X", "status": "flying"}
    response = await api.client.post("/api/v3/campaigns", json=body, headers=api.alice)
    assert response.status_code == 422
    assert response.json()["meta"]["details"][0]["loc"] == ["status"]


async def test_missing_client_id_and_name_are_named(api: Api) -> None:
    response = await api.client.post("/api/v3/campaigns", json={}, headers=api.alice)
    assert response.status_code == 422
    locs = [d["loc"] for d in response.json()["meta"]["details"]]
    assert ["clientId"] in locs or ["name"] in locs


async def test_put_changes_only_the_fields_sent(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"], goal="sales")
    response = await api.client.put(
        f"/api/v3/campaigns/{campaign['id']}", json={"status": "active"}, headers=api.alice
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "active"
    assert data["goal"] == "sales"


async def test_moving_a_campaign_to_a_foreign_client_is_a_404(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"])
    foreign = await api.create_client(api.bob)
    response = await api.client.put(
        f"/api/v3/campaigns/{campaign['id']}", json={"clientId": foreign["id"]}, headers=api.alice
    )
    assert response.status_code == 404
    assert "clientId" in response.json()["error"]


async def test_filters_by_client_in_camel_and_snake_case_and_by_status(api: Api) -> None:
    tenant = await api.new_tenant()
    one = await api.create_client(tenant, name="one")
    two = await api.create_client(tenant, name="two")
    await api.create_campaign(tenant, one["id"], name="a")
    await api.create_campaign(tenant, one["id"], name="b", status="active")
    await api.create_campaign(tenant, two["id"], name="c")
    for query in (f"clientId={one['id']}", f"client_id={one['id']}"):
        response = await api.client.get(f"/api/v3/campaigns?{query}", headers=tenant)
        assert response.status_code == 200
        assert sorted(c["name"] for c in response.json()["data"]) == ["a", "b"]
        assert response.json()["meta"]["total"] == 2
    active = await api.client.get(f"/api/v3/campaigns?clientId={one['id']}&status=active", headers=tenant)
    assert [c["name"] for c in active.json()["data"]] == ["b"]
    everything = await api.client.get("/api/v3/campaigns", headers=tenant)
    assert everything.json()["meta"]["total"] == 3


async def test_an_unknown_status_filter_is_a_422(api: Api) -> None:
    response = await api.client.get("/api/v3/campaigns?status=flying", headers=api.alice)
    assert response.status_code == 422
    assert response.json()["meta"]["details"][0]["loc"] == ["query", "status"]


async def test_another_tenants_campaign_is_not_found_on_every_route(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"])
    url = f"/api/v3/campaigns/{campaign['id']}"
    for call in (
        api.client.get(url, headers=api.bob),
        api.client.put(url, json={"name": "mine"}, headers=api.bob),
        api.client.delete(url, headers=api.bob),
        api.client.get(url + "/stats", headers=api.bob),
    ):
        assert (await call).status_code == 404
    listing = await api.client.get(f"/api/v3/campaigns?clientId={client['id']}", headers=api.bob)
    assert listing.json()["data"] == []


async def test_deletes_a_campaign(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"])
    response = await api.client.delete(f"/api/v3/campaigns/{campaign['id']}", headers=api.alice)
    assert response.status_code == 200
    assert (await api.client.get(f"/api/v3/campaigns/{campaign['id']}", headers=api.alice)).status_code == 404


async def test_stats_of_a_campaign_without_videos_have_zero_average(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"])
    response = await api.client.get(f"/api/v3/campaigns/{campaign['id']}/stats", headers=api.alice)
    assert response.status_code == 200
    assert response.json()["data"] == {
        "campaignId": campaign["id"],
        "jobCount": 0,
        "videoCount": 0,
        "totalSpend": 0.0,
        "avgCost": 0.0,
    }
