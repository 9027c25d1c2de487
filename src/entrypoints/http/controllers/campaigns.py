"""``/api/v3/campaigns``: campaigns of the caller's clients, filters, stats."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.dto import CampaignCreate, CampaignOut, CampaignStatsOut, CampaignUpdate
from entrypoints.http.envelope import Deleted, Envelope, ok, ok_page
from entrypoints.http.pagination import either
from entrypoints.http.request import MergePatchBody
from v3core.model import CampaignStatus
from v3core.ports.storage import PageRequest
from v3core.services.campaigns import (
    CreateCampaign,
    CreateCampaignCommand,
    DeleteCampaign,
    GetCampaign,
    GetCampaignStats,
    ListCampaigns,
    ListCampaignsQuery,
    UpdateCampaign,
    UpdateCampaignCommand,
)

AnyRequest = Request[Any, Any, Any]


class CampaignController(Controller):
    """Campaigns of the authenticated user's clients."""

    path = "/campaigns"
    tags = ["campaigns"]

    @get(operation_id="listCampaigns", summary="List campaigns (filter by client and status)")
    async def list_campaigns(
        self,
        request: AnyRequest,
        page: Inject[PageRequest],
        list_campaigns: Inject[ListCampaigns],
        client_id: Annotated[
            str | None, QueryParameter(name="clientId", description="Only this client's")
        ] = None,
        client_id_snake: Annotated[
            str | None, QueryParameter(name="client_id", description="Alias of clientId")
        ] = None,
        status: Annotated[CampaignStatus | None, QueryParameter(description="Only in this status")] = None,
    ) -> Response[Envelope[list[CampaignOut]]]:
        query = ListCampaignsQuery(
            owner_id=owner_id(request),
            page=page,
            client_id=either(client_id, client_id_snake, "clientId"),
            status=status,
        )
        found = await list_campaigns.execute(query)
        return ok_page(request, [CampaignOut.of(c) for c in found.items], found.total, page)

    @post(operation_id="createCampaign", summary="Create a campaign for one of your clients")
    async def create_campaign(
        self,
        request: AnyRequest,
        data: JSONBody[CampaignCreate],
        create_campaign: Inject[CreateCampaign],
    ) -> Response[Envelope[CampaignOut]]:
        command = CreateCampaignCommand(
            owner_id=owner_id(request),
            client_id=data.client_id,
            name=data.name,
            goal=data.goal,
            status=data.status,
            product_url=data.product_url,
            brief=data.brief,
            metadata=data.metadata or {},
        )
        return ok(request, CampaignOut.of(await create_campaign.execute(command)), 201)

    @get("/{campaign_id:str}", operation_id="getCampaign", summary="Get a campaign")
    async def get_campaign(
        self, request: AnyRequest, campaign_id: FromPath[str], get_campaign: Inject[GetCampaign]
    ) -> Response[Envelope[CampaignOut]]:
        return ok(request, CampaignOut.of(await get_campaign.execute(owner_id(request), campaign_id)))

    @put("/{campaign_id:str}", operation_id="updateCampaign", summary="Update a campaign (JSON Merge Patch)")
    async def update_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[str],
        data: JSONBody[CampaignUpdate],
        update_campaign: Inject[UpdateCampaign],
    ) -> Response[Envelope[CampaignOut]]:
        command = UpdateCampaignCommand(owner_id(request), campaign_id, data.changes())
        return ok(request, CampaignOut.of(await update_campaign.execute(command)))

    @patch("/{campaign_id:str}", operation_id="patchCampaign", summary="Update a campaign (JSON Merge Patch)")
    async def patch_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[str],
        data: MergePatchBody[CampaignUpdate],
        update_campaign: Inject[UpdateCampaign],
    ) -> Response[Envelope[CampaignOut]]:
        command = UpdateCampaignCommand(owner_id(request), campaign_id, data.changes())
        return ok(request, CampaignOut.of(await update_campaign.execute(command)))

    @delete("/{campaign_id:str}", operation_id="deleteCampaign", summary="Delete a campaign", status_code=200)
    async def delete_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[str],
        delete_campaign: Inject[DeleteCampaign],
    ) -> Response[Envelope[Deleted]]:
        await delete_campaign.execute(owner_id(request), campaign_id)
        return ok(request, Deleted(campaign_id))

    @get("/{campaign_id:str}/stats", operation_id="getCampaignStats", summary="Campaign statistics")
    async def get_campaign_stats(
        self,
        request: AnyRequest,
        campaign_id: FromPath[str],
        get_campaign_stats: Inject[GetCampaignStats],
    ) -> Response[Envelope[CampaignStatsOut]]:
        stats = await get_campaign_stats.execute(owner_id(request), campaign_id)
        return ok(request, CampaignStatsOut.of(campaign_id, stats))
