"""Money is exact on the wire, and a deterministic planner's actual cost is its estimate."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import brief
from v3core.model import JobCost


async def _planned(
    api: Api, headers: dict[str, str], client_id: str, campaign_id: str | None = None, **advanced: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {**brief(client_id), "advanced": advanced}
    if campaign_id is not None:
        body["context"]["campaignId"] = campaign_id
    response = await api.client.post("/api/v3/jobs", json=body, headers={**headers, "Prefer": "wait=20"})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


@pytest.mark.parametrize("scene_count", [3, 5])
async def test_the_template_planners_storyboard_cost_is_what_the_dry_run_estimated(
    api: Api, scene_count: int
) -> None:
    client = await api.create_client(api.alice)
    body = {**brief(client["id"]), "advanced": {"sceneCount": scene_count}}
    quote = (await api.client.post("/api/v3/jobs/dry-run", json=body, headers=api.alice)).json()["data"]
    job = await _planned(api, api.alice, client["id"], sceneCount=scene_count)
    assert len(job["scenes"]) == scene_count
    assert job["cost"]["breakdown"]["storyboard_generation"] == quote["breakdown"]["storyboard_generation"]
    assert job["cost"]["actual"] == quote["breakdown"]["storyboard_generation"]


async def test_total_spend_is_an_exact_decimal_sum(api: Api) -> None:
    """Jobs that cost 0.1 and 0.2 spent 0.3, not 0.30000000000000004 (their float sum)."""
    tenant = await api.new_tenant("spender")
    client = await api.create_client(tenant)
    campaign = await api.create_campaign(tenant, client["id"])
    for amount in (0.1, 0.2):
        job = await _planned(api, tenant, client["id"], campaign_id=campaign["id"])
        await _charge(api, job["id"], amount)
    client_stats = await api.client.get(f"/api/v3/clients/{client['id']}/stats", headers=tenant)
    campaign_stats = await api.client.get(f"/api/v3/campaigns/{campaign['id']}/stats", headers=tenant)
    for stats in (client_stats, campaign_stats):
        assert re.search(r'"totalSpend":\s*0\.3[,}]', stats.text), stats.text  # the wire text, exactly
        assert stats.json()["data"]["totalSpend"] == 0.3


async def _charge(api: Api, job_id: str, amount: float) -> None:
    """Sets a planned job's actual cost to ``amount`` through the storage port (no route charges)."""
    async with api.container.uow_factory()() as uow:
        job = await uow.jobs.get_any(job_id)
        assert job is not None
        job.cost = JobCost(job.cost.estimated, amount, "USD", {"storyboard_generation": amount})
        await uow.jobs.update(job)
        await uow.commit()
