"""Wire shapes of the asset library (camelCase), and absolute links to asset bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import attrs
import msgspec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from entrypoints.http.errors import STATUS_BY_CODE
from v3core.errors import DomainError
from v3core.limits import ASSET_NAME_MAX_LENGTH, URL_MAX_LENGTH
from v3core.model import Asset, AssetType, Generation
from v3core.redaction import redact_url, redact_urls
from v3core.services.assets import AssetDraft, UrlImportItem, UrlImportOutcome

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=URL_MAX_LENGTH)]
Tag = Annotated[str, msgspec.Meta(max_length=64)]
Name = Annotated[str, msgspec.Meta(max_length=ASSET_NAME_MAX_LENGTH)]
Id = Annotated[str, msgspec.Meta(max_length=64)]


@attrs.frozen
class AssetLinks:
    """Builds absolute V3 URLs from ``PUBLIC_BASE_URL`` (never a V2 URL)."""

    base_url: str

    def data(self, asset_id: str) -> str:
        """``{base}/api/v3/assets/{id}/data``."""
        return f"{self.base_url.rstrip('/')}/api/v3/assets/{asset_id}/data"

    def thumbnail(self, asset: Asset) -> str | None:
        """The thumbnail URL of images and videos, ``None`` for other types."""
        if asset.type not in (AssetType.IMAGE, AssetType.VIDEO):
            return None
        return f"{self.base_url.rstrip('/')}/api/v3/assets/{asset.id}/thumbnail"


class GenerationOut(msgspec.Struct, rename="camel"):
    """How a generated asset was made: kind (frame|clip), scene, provider, model, prompt hash, cost."""

    kind: str
    scene_number: int
    provider: str
    model: str
    prompt_hash: str
    cost: float

    @classmethod
    def of(cls, g: Generation | None) -> GenerationOut | None:
        if g is None:
            return None
        return cls(g.kind.value, g.scene_number, g.provider, g.model, g.prompt_hash, g.cost)


class AssetOut(msgspec.Struct, rename="camel"):
    """An asset as the API shows it."""

    id: str
    user_id: str
    client_id: str | None
    campaign_id: str | None
    name: str
    type: str
    format: str
    content_type: str
    size: int
    checksum: str
    width: int | None
    height: int | None
    duration: float | None
    url: str
    thumbnail_url: str | None
    source_url: str | None
    blob_id: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    job_id: str | None = None
    """The job that made it (URL import, generated frame or clip, rendered video)."""
    generation: GenerationOut | None = None
    """Set on generated media only."""

    @classmethod
    def of(cls, a: Asset, links: AssetLinks) -> AssetOut:
        return cls(
            a.id, a.owner_id, a.client_id, a.campaign_id, a.name, a.type.value, a.format, a.content_type,
            a.size, a.checksum, a.width, a.height, a.duration, links.data(a.id), links.thumbnail(a),
            a.source_url, a.blob_id, list(a.tags), a.created_at, a.updated_at, a.job_id,
            GenerationOut.of(a.generation),
        )  # fmt: skip


class UrlImportBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Body of ``POST /assets/from-url`` (and of ``POST /assets`` as JSON)."""

    url: Url
    name: Name | None = None
    type: str | None = None
    client_id: Id | None = None
    campaign_id: Id | None = None
    tags: list[Tag] = []

    def draft(self, owner_id: str, defaults: BulkImportBody | None = None) -> AssetDraft:
        """The use case's draft; unset scope/type/tags fall back to the bulk ``defaults``."""
        d = defaults
        return AssetDraft(
            owner_id=owner_id,
            name=self.name,
            declared_type=self.type or (d.type if d else None),
            client_id=self.client_id or (d.client_id if d else None),
            campaign_id=self.campaign_id or (d.campaign_id if d else None),
            tags=tuple(self.tags or (d.tags if d else [])),
        )


class BulkImportBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Body of ``POST /assets/from-urls``: ``items`` (each like from-url) and/or plain ``urls``;
    ``type``, ``clientId``, ``campaignId`` and ``tags`` apply to items that do not set them."""

    items: Annotated[list[UrlImportBody], msgspec.Meta(max_length=100)] = []
    urls: Annotated[list[Url], msgspec.Meta(max_length=100)] = []
    type: str | None = None
    client_id: Id | None = None
    campaign_id: Id | None = None
    tags: list[Tag] = []

    def to_items(self, owner_id: str) -> list[UrlImportItem]:
        bodies = [*self.items, *(UrlImportBody(url=u) for u in self.urls)]
        return [UrlImportItem(b.url, b.draft(owner_id, self)) for b in bodies]


class ImportResultOut(msgspec.Struct, rename="camel"):
    """One item of a bulk import: ``status`` is what a single import would have answered."""

    index: int
    url: str
    """The item's URL, redacted (userinfo and query values masked)."""
    ok: bool
    status: int
    asset: AssetOut | None
    error: str | None
    code: str | None


class BulkImportOut(msgspec.Struct, rename="camel"):
    """Per-item results in input order, with counts."""

    results: list[ImportResultOut]
    succeeded: int
    failed: int

    @classmethod
    def of(cls, outcomes: list[UrlImportOutcome], links: AssetLinks) -> BulkImportOut:
        results = [_result(o, links) for o in outcomes]
        ok = sum(r.ok for r in results)
        return cls(results, ok, len(results) - ok)


def _result(o: UrlImportOutcome, links: AssetLinks) -> ImportResultOut:
    if o.asset is not None:
        return ImportResultOut(o.index, redact_url(o.url), True, 201, AssetOut.of(o.asset, links), None, None)
    error = o.error or DomainError("unknown failure")
    status = STATUS_BY_CODE.get(error.code, 500 if error.code == "domain_error" else 400)
    code = "internal_error" if status == 500 else error.code
    return ImportResultOut(o.index, redact_url(o.url), False, status, None, redact_urls(error.message), code)


_TEXT = Schema(type=OpenAPIType.STRING)


@dataclass
class UploadOperation(Operation):
    """Documents the body ``create_asset`` reads itself: multipart with a file, or JSON with a url."""

    def __post_init__(self) -> None:
        tags = Schema(one_of=[_TEXT, Schema(type=OpenAPIType.ARRAY, items=_TEXT)])  # repeated or a,b
        name = Schema(type=OpenAPIType.STRING, max_length=ASSET_NAME_MAX_LENGTH)
        fields = {"name": name, "type": _TEXT, "clientId": _TEXT, "campaignId": _TEXT, "tags": tags}
        multipart = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY), **fields},
            required=["file"],
        )
        url = Schema(
            type=OpenAPIType.OBJECT,
            properties={"url": Schema(type=OpenAPIType.STRING, max_length=URL_MAX_LENGTH), **fields},
            required=["url"],
        )
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenAPIMediaType(schema=multipart),
                "application/json": OpenAPIMediaType(schema=url),
            },
        )
