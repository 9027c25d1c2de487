"""Clients (brands) of one owner: create, read, list, partial update, delete, stats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from v3core.errors import Conflict, NotFound, ValidationFailed
from v3core.limits import NAME_MAX_LENGTH
from v3core.model import BrandGuidelines, Client
from v3core.patching import merge_patch, patch_brand_guidelines
from v3core.ports.storage import ClientStats, Page, PageRequest, UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.services.assets.queries import DeleteAsset

CLIENT_FIELDS = frozenset({"name", "description", "homepage", "brand_guidelines", "metadata"})
"""The fields a partial update may change."""


def require_name(name: str | None) -> str:
    """A trimmed, non-empty name; ``ValidationFailed`` naming ``name`` otherwise."""
    text = (name or "").strip()
    if not text:
        raise ValidationFailed.at(("name",), "must not be empty", "missing")
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationFailed.at(("name",), f"must be at most {NAME_MAX_LENGTH} characters")
    return text


async def load_client(uow: UnitOfWork, owner_id: str, client_id: str, field: str | None = None) -> Client:
    """The owner's client, or ``NotFound`` (another tenant's client looks missing)."""
    client = await uow.clients.get(owner_id, client_id)
    if client is None:
        raise NotFound("client", client_id, field)
    return client


@attrs.frozen
class CreateClientCommand:
    """A new client of ``owner_id``; ``name`` is required."""

    owner_id: str
    name: str
    description: str | None = None
    homepage: str | None = None
    brand_guidelines: BrandGuidelines = BrandGuidelines()
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class CreateClient:
    """Stores a new client."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def execute(self, command: CreateClientCommand) -> Client:
        """The stored client."""
        now = self.clock.now()
        client = Client(
            id=self.ids.new_id(),
            owner_id=command.owner_id,
            name=require_name(command.name),
            created_at=now,
            updated_at=now,
            description=command.description,
            homepage=command.homepage,
            brand_guidelines=command.brand_guidelines,
            metadata=dict(command.metadata),
        )
        async with self.uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        return client


@attrs.frozen
class GetClient:
    """Reads one client of the owner."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, client_id: str) -> Client:
        """The client, or ``NotFound``."""
        async with self.uow_factory() as uow:
            return await load_client(uow, owner_id, client_id)


@attrs.frozen
class ListClients:
    """Pages through the owner's clients, newest first."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, page: PageRequest) -> Page[Client]:
        """One page and the total count."""
        async with self.uow_factory() as uow:
            return await uow.clients.list(owner_id, page)


@attrs.frozen
class UpdateClientCommand:
    """Changes to client ``client_id`` as a JSON Merge Patch: only the keys present in ``changes``
    are touched; ``brand_guidelines`` (a mapping of the fields to change, or a whole
    ``BrandGuidelines``) and ``metadata`` merge into the current values (``v3core.patching``)."""

    owner_id: str
    client_id: str
    changes: Mapping[str, Any]


@attrs.frozen
class UpdateClient:
    """Partially updates a client; an update that changes nothing writes nothing."""

    uow_factory: UnitOfWorkFactory
    clock: Clock

    async def execute(self, command: UpdateClientCommand) -> Client:
        """The updated client; ``NotFound`` for a missing or foreign one."""
        unknown = set(command.changes) - CLIENT_FIELDS
        if unknown:
            raise ValidationFailed.at((sorted(unknown)[0],), "cannot be changed")
        changes = dict(command.changes)
        if "name" in changes:
            changes["name"] = require_name(changes["name"])
        async with self.uow_factory() as uow:
            current = await load_client(uow, command.owner_id, command.client_id)
            if "brand_guidelines" in changes:
                changes["brand_guidelines"] = patch_brand_guidelines(
                    current.brand_guidelines, changes["brand_guidelines"]
                )
            if "metadata" in changes:
                changes["metadata"] = merge_patch(current.metadata, changes["metadata"] or {})
            updated = attrs.evolve(current, **changes)
            if updated == current:
                return current  # nothing changed: no write, updatedAt stays
            updated.updated_at = self.clock.now()
            await uow.clients.update(updated)
            await uow.commit()
        return updated


@attrs.frozen
class DeleteClientCommand:
    """Delete a client; with ``cascade`` its campaigns, jobs and assets go too."""

    owner_id: str
    client_id: str
    cascade: bool = False


@attrs.frozen
class DeleteClient:
    """Deletes a client, refusing while anything depends on it unless cascading.

    One transaction removes the client, its campaigns, its jobs (with their scenes), its
    assets and every asset its jobs made, and drops one blob reference per asset row it
    removed (a concurrent cascade removes nothing and answers ``NotFound``). Blobs left
    without a reference are then freed through ``delete_asset`` (without it, their bytes
    stay until the next ``release``).
    """

    uow_factory: UnitOfWorkFactory
    delete_asset: DeleteAsset | None = None

    async def execute(self, command: DeleteClientCommand) -> None:
        """Nothing; ``Conflict`` naming the dependent counts, or ``NotFound``."""
        owner_id, client_id = command.owner_id, command.client_id
        async with self.uow_factory() as uow:
            await load_client(uow, owner_id, client_id)
            dependents = await uow.clients.dependents(owner_id, client_id)
            if dependents.any and not command.cascade:
                raise Conflict(
                    f"client {client_id!r} still has {dependents.campaigns} campaign(s), "
                    f"{dependents.assets} asset(s) and {dependents.jobs} job(s); "
                    "delete them first or pass cascade=true"
                )
            removed = Counter(await uow.assets.delete_for_client(owner_id, client_id))
            if not await uow.clients.delete(owner_id, client_id):
                raise NotFound("client", client_id)
            # one statement per blob, in a fixed order (concurrent cascades lock alike)
            unreferenced = [b for b in sorted(removed) if await uow.blob_refs.decref(b, removed[b]) == 0]
            await uow.commit()
        if self.delete_asset is not None:
            await self.delete_asset.release(unreferenced)


@attrs.frozen
class GetClientStats:
    """Aggregates of one client (one SQL aggregate per figure in the SQL adapters)."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, client_id: str) -> ClientStats:
        """Campaign, job and video counts and the total spend (USD)."""
        async with self.uow_factory() as uow:
            await load_client(uow, owner_id, client_id)
            return await uow.clients.stats(owner_id, client_id)
