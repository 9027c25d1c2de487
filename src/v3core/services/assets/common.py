"""What every asset use case shares: its collaborators and the rules on names, tags, scope."""

from __future__ import annotations

import hashlib
import unicodedata

import attrs

from v3core.errors import NotFound, ValidationFailed
from v3core.limits import ASSET_NAME_MAX_LENGTH
from v3core.model import Generation
from v3core.ports.blobs import BlobFetcher, BlobGuard, BlobStore, ContentInspector, FileStager, Thumbnailer
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.services.assets.guard import InProcessBlobGuard

MAX_TAGS = 50
MAX_TAG_LENGTH = 64


@attrs.frozen
class AssetContext:
    """The ports the asset use cases work with (one bundle, built by the composition root).

    ``guard`` must exclude every process sharing the storage: the in-process default
    suits the in-memory store and SQLite; PostgreSQL needs a database-wide one.
    """

    uow: UnitOfWorkFactory
    blobs: BlobStore
    stager: FileStager
    inspector: ContentInspector
    clock: Clock
    ids: IdGenerator
    fetcher: BlobFetcher | None = None
    thumbnailer: Thumbnailer | None = None
    guard: BlobGuard = attrs.field(factory=InProcessBlobGuard)


@attrs.frozen
class AssetDraft:
    """What a caller says about a new asset; the content decides type and format.

    ``declared_type`` is checked against the sniffed content; ``client_id`` and
    ``campaign_id`` must be the owner's (a campaign alone implies its client).
    """

    owner_id: str
    name: str | None = None
    declared_type: str | None = None
    client_id: str | None = None
    campaign_id: str | None = None
    tags: tuple[str, ...] = ()
    job_id: str | None = None
    generation: Generation | None = None
    """How a generated asset was made (set by the media stage only)."""


def thumbnail_blob_id(blob_id: str) -> str:
    """The store key of the cached thumbnail of ``blob_id`` (derived, so it dies with it)."""
    return hashlib.sha256(f"thumbnail/v1/{blob_id}".encode()).hexdigest()


def check_name(name: str | None) -> None:
    """``ValidationFailed`` at ``name`` when a name the caller gave is longer than the limit:
    refused, never cut. (A name taken from a file name or URL path is cut by ``clean_name``.)"""
    length = len(name.strip()) if name is not None else 0
    if length > ASSET_NAME_MAX_LENGTH:
        raise ValidationFailed.at(
            ("name",), f"an asset name has at most {ASSET_NAME_MAX_LENGTH} characters, not {length}"
        )


def clean_name(name: str | None, fallback: str) -> str:
    """A display name without path parts or control characters, at most 255 characters (a
    name the caller gave was checked by ``check_name``; a file name or URL path is cut)."""
    raw = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in raw if unicodedata.category(c)[0] != "C").strip()
    return (text or fallback)[:ASSET_NAME_MAX_LENGTH]


def clean_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags trimmed and de-duplicated in order; ``ValidationFailed`` past the limits."""
    cleaned = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed.at(("tags",), f"at most {MAX_TAGS} tags are allowed")
    for i, tag in enumerate(cleaned):
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationFailed.at(("tags", i), f"a tag has at most {MAX_TAG_LENGTH} characters")
    return cleaned


async def resolve_scope(uow: UnitOfWork, draft: AssetDraft) -> AssetDraft:
    """``draft`` with its name's length checked, its client and campaign checked to be the
    owner's (``NotFound`` naming the field otherwise) and the client filled in from the campaign."""
    check_name(draft.name)
    client_id = draft.client_id
    if draft.campaign_id is not None:
        campaign = await uow.campaigns.get(draft.owner_id, draft.campaign_id)
        if campaign is None:
            raise NotFound("campaign", draft.campaign_id, field="campaignId")
        if client_id is not None and client_id != campaign.client_id:
            raise ValidationFailed.at(("campaignId",), "the campaign belongs to another client")
        client_id = campaign.client_id
    if client_id is not None and await uow.clients.get(draft.owner_id, client_id) is None:
        raise NotFound("client", client_id, field="clientId")
    return attrs.evolve(draft, client_id=client_id, tags=clean_tags(draft.tags))


async def release_blob(ctx: AssetContext, blob_id: str) -> None:
    """Delete the bytes (and cached thumbnail) of ``blob_id`` if nothing references it.

    Safe to call any time, as often as wanted: under the blob's guard no reference can be
    added, so a count of 0 read there stays 0 until the bytes are gone.
    """
    async with ctx.guard.hold(blob_id):
        await free_if_unreferenced(ctx, blob_id)


async def free_if_unreferenced(ctx: AssetContext, blob_id: str) -> None:
    """``release_blob`` for a caller that already holds the blob's guard."""
    async with ctx.uow() as uow:
        if await uow.blob_refs.count(blob_id) > 0:
            return
    await ctx.blobs.delete(blob_id)
    await ctx.blobs.delete(thumbnail_blob_id(blob_id))
