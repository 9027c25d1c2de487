"""``/api/v3/clients``: brands with brand guidelines, their stats, deletion with cascade."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.dto import ClientCreate, ClientOut, ClientStatsOut, ClientUpdate
from entrypoints.http.envelope import Deleted, Envelope, ok, ok_page
from entrypoints.http.request import MergePatchBody
from v3core.model import BrandGuidelines
from v3core.ports.storage import PageRequest
from v3core.services.clients import (
    CreateClient,
    CreateClientCommand,
    DeleteClient,
    DeleteClientCommand,
    GetClient,
    GetClientStats,
    ListClients,
    UpdateClient,
    UpdateClientCommand,
)

AnyRequest = Request[Any, Any, Any]


class ClientController(Controller):
    """Clients of the authenticated user."""

    path = "/clients"
    tags = ["clients"]

    @get(operation_id="listClients", summary="List clients")
    async def list_clients(
        self,
        request: AnyRequest,
        page: Inject[PageRequest],
        list_clients: Inject[ListClients],
    ) -> Response[Envelope[list[ClientOut]]]:
        found = await list_clients.execute(owner_id(request), page)
        return ok_page(request, [ClientOut.of(c) for c in found.items], found.total, page)

    @post(operation_id="createClient", summary="Create a client")
    async def create_client(
        self, request: AnyRequest, data: JSONBody[ClientCreate], create_client: Inject[CreateClient]
    ) -> Response[Envelope[ClientOut]]:
        command = CreateClientCommand(
            owner_id=owner_id(request),
            name=data.name,
            description=data.description,
            homepage=data.homepage,
            brand_guidelines=data.brand_guidelines.to_domain()
            if data.brand_guidelines
            else BrandGuidelines(),
            metadata=data.metadata or {},
        )
        client = await create_client.execute(command)
        return ok(request, ClientOut.of(client), 201)

    @get("/{client_id:str}", operation_id="getClient", summary="Get a client")
    async def get_client(
        self, request: AnyRequest, client_id: FromPath[str], get_client: Inject[GetClient]
    ) -> Response[Envelope[ClientOut]]:
        client = await get_client.execute(owner_id(request), client_id)
        return ok(request, ClientOut.of(client))

    @put("/{client_id:str}", operation_id="updateClient", summary="Update a client (JSON Merge Patch)")
    async def update_client(
        self,
        request: AnyRequest,
        client_id: FromPath[str],
        data: JSONBody[ClientUpdate],
        update_client: Inject[UpdateClient],
    ) -> Response[Envelope[ClientOut]]:
        command = UpdateClientCommand(owner_id(request), client_id, data.changes())
        return ok(request, ClientOut.of(await update_client.execute(command)))

    @patch("/{client_id:str}", operation_id="patchClient", summary="Update a client (JSON Merge Patch)")
    async def patch_client(
        self,
        request: AnyRequest,
        client_id: FromPath[str],
        data: MergePatchBody[ClientUpdate],
        update_client: Inject[UpdateClient],
    ) -> Response[Envelope[ClientOut]]:
        command = UpdateClientCommand(owner_id(request), client_id, data.changes())
        return ok(request, ClientOut.of(await update_client.execute(command)))

    @delete(
        "/{client_id:str}",
        operation_id="deleteClient",
        summary="Delete a client (409 while it has campaigns, assets or jobs, unless cascade=true)",
        status_code=200,
    )
    async def delete_client(
        self,
        request: AnyRequest,
        client_id: FromPath[str],
        delete_client: Inject[DeleteClient],
        cascade: Annotated[bool, QueryParameter(description="Also delete its campaigns and jobs")] = False,
    ) -> Response[Envelope[Deleted]]:
        await delete_client.execute(DeleteClientCommand(owner_id(request), client_id, cascade))
        return ok(request, Deleted(client_id))

    @get("/{client_id:str}/stats", operation_id="getClientStats", summary="Client statistics")
    async def get_client_stats(
        self, request: AnyRequest, client_id: FromPath[str], get_client_stats: Inject[GetClientStats]
    ) -> Response[Envelope[ClientStatsOut]]:
        stats = await get_client_stats.execute(owner_id(request), client_id)
        return ok(request, ClientStatsOut.of(client_id, stats))
