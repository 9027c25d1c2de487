"""Wire shapes of clients, campaigns and accounts: msgspec Structs, camelCase on the wire.

Struct field names are the domain's snake_case names, so an update body turns into
the use case's ``changes`` mapping by keeping the fields that were sent (``UNSET``
marks the others).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from v3core.limits import (
    API_KEY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    ID_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOT_BLANK_PATTERN,
    TEXT_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from v3core.model import ApiKey, BrandGuidelines, Campaign, CampaignStatus, Client
from v3core.money import money
from v3core.ports.storage import CampaignStats, ClientStats

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NOT_BLANK_PATTERN)]
"""A client or campaign name: not blank (``require_name`` strips what Python calls whitespace)."""
Text = Annotated[str, msgspec.Meta(max_length=TEXT_MAX_LENGTH)]
Url = Annotated[str, msgspec.Meta(max_length=URL_MAX_LENGTH)]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=ID_MAX_LENGTH)]
Json = dict[str, Any]


class BrandGuidelinesBody(msgspec.Struct, rename="camel", forbid_unknown_fields=False):
    """Colors, fonts, tone, restrictions and examples the planner must respect."""

    colors: list[str] = []
    fonts: list[str] = []
    tone: str | None = None
    restrictions: list[str] = []
    examples: list[str] = []

    def to_domain(self) -> BrandGuidelines:
        return BrandGuidelines(
            tuple(self.colors), tuple(self.fonts), self.tone, tuple(self.restrictions), tuple(self.examples)
        )

    @classmethod
    def of(cls, g: BrandGuidelines) -> BrandGuidelinesBody:
        return cls(list(g.colors), list(g.fonts), g.tone, list(g.restrictions), list(g.examples))


class BrandGuidelinesPatch(msgspec.Struct, rename="camel"):
    """Brand guidelines in a partial update: only the fields sent change, ``null`` resets one."""

    colors: list[str] | UnsetType | None = UNSET
    fonts: list[str] | UnsetType | None = UNSET
    tone: str | UnsetType | None = UNSET
    restrictions: list[str] | UnsetType | None = UNSET
    examples: list[str] | UnsetType | None = UNSET


class ClientCreate(msgspec.Struct, rename="camel"):
    """Body of ``POST /clients``."""

    name: Name
    description: Text | None = None
    homepage: Url | None = None
    brand_guidelines: BrandGuidelinesBody | None = None
    metadata: Json | None = None


class ClientUpdate(msgspec.Struct, rename="camel"):
    """Body of ``PUT``/``PATCH /clients/{id}``: a JSON Merge Patch. Only the fields sent change;
    ``brandGuidelines`` and ``metadata`` merge key by key; ``null`` resets a field."""

    name: Name | UnsetType = UNSET
    description: Text | UnsetType | None = UNSET
    homepage: Url | UnsetType | None = UNSET
    brand_guidelines: BrandGuidelinesPatch | UnsetType | None = UNSET
    metadata: Json | UnsetType | None = UNSET

    def changes(self) -> dict[str, Any]:
        values = sent_fields(self)
        if isinstance(values.get("brand_guidelines"), BrandGuidelinesPatch):
            values["brand_guidelines"] = sent_fields(values["brand_guidelines"])
        return values


class ClientOut(msgspec.Struct, rename="camel"):
    """A client as the API shows it."""

    id: str
    name: str
    description: str | None
    homepage: str | None
    brand_guidelines: BrandGuidelinesBody
    metadata: Json
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Client) -> ClientOut:
        return cls(
            c.id,
            c.name,
            c.description,
            c.homepage,
            BrandGuidelinesBody.of(c.brand_guidelines),
            dict(c.metadata),
            c.created_at,
            c.updated_at,
        )


class ClientStatsOut(msgspec.Struct, rename="camel"):
    """Aggregates of a client (USD)."""

    client_id: str
    campaign_count: int
    job_count: int
    video_count: int
    total_spend: float

    @classmethod
    def of(cls, client_id: str, s: ClientStats) -> ClientStatsOut:
        return cls(client_id, s.campaign_count, s.job_count, s.video_count, money(s.total_spend))


class CampaignCreate(msgspec.Struct, rename="camel"):
    """Body of ``POST /campaigns``."""

    client_id: Id
    name: Name
    goal: Text | None = None
    status: CampaignStatus = CampaignStatus.DRAFT
    product_url: Url | None = None
    brief: Text | Json | None = None
    metadata: Json | None = None


class CampaignUpdate(msgspec.Struct, rename="camel"):
    """Body of ``PUT``/``PATCH /campaigns/{id}``: a JSON Merge Patch. Only the fields sent change;
    ``metadata`` and an object ``brief`` merge key by key; ``null`` resets a field."""

    client_id: Id | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    goal: Text | UnsetType | None = UNSET
    status: CampaignStatus | UnsetType = UNSET
    product_url: Url | UnsetType | None = UNSET
    brief: Text | Json | UnsetType | None = UNSET
    metadata: Json | UnsetType | None = UNSET

    def changes(self) -> dict[str, Any]:
        return sent_fields(self)


class CampaignOut(msgspec.Struct, rename="camel"):
    """A campaign as the API shows it."""

    id: str
    client_id: str
    name: str
    goal: str | None
    status: CampaignStatus
    product_url: str | None
    brief: str | Json | None
    metadata: Json
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Campaign) -> CampaignOut:
        brief = c.brief if c.brief is None or isinstance(c.brief, str) else dict(c.brief)
        return cls(
            c.id,
            c.client_id,
            c.name,
            c.goal,
            c.status,
            c.product_url,
            brief,
            dict(c.metadata),
            c.created_at,
            c.updated_at,
        )


class CampaignStatsOut(msgspec.Struct, rename="camel"):
    """Aggregates of a campaign (USD); ``avgCost`` is 0 without videos."""

    campaign_id: str
    job_count: int
    video_count: int
    total_spend: float
    avg_cost: float

    @classmethod
    def of(cls, campaign_id: str, s: CampaignStats) -> CampaignStatsOut:
        return cls(campaign_id, s.job_count, s.video_count, money(s.total_spend), money(s.avg_cost))


class LoginBody(msgspec.Struct, rename="camel"):
    """Body of ``POST /auth/login``: ``email`` (or ``username``) and ``password``."""

    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    email: Annotated[str, msgspec.Meta(max_length=EMAIL_MAX_LENGTH)] | None = None
    username: Annotated[str, msgspec.Meta(max_length=EMAIL_MAX_LENGTH)] | None = None


class TokenOut(msgspec.Struct, rename="camel"):
    """A short-lived bearer token."""

    access_token: str
    token_type: str
    expires_at: datetime
    user_id: str


class ApiKeyCreate(msgspec.Struct, rename="camel"):
    """Body of ``POST /auth/keys``: an optional label."""

    name: Annotated[str, msgspec.Meta(max_length=API_KEY_NAME_MAX_LENGTH)] | None = None


class ApiKeyOut(msgspec.Struct, rename="camel"):
    """An API key as listed: never its secret (which is not stored) nor its hash."""

    id: str
    name: str | None
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> ApiKeyOut:
        return cls(k.id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at)


class IssuedApiKeyOut(msgspec.Struct, rename="camel"):
    """A new key with its secret, shown this once."""

    key: ApiKeyOut
    secret: str


def sent_fields(body: msgspec.Struct) -> dict[str, Any]:
    """The fields of ``body`` that were present in the request (snake_case names)."""
    return {name: value for name in body.__struct_fields__ if (value := getattr(body, name)) is not UNSET}
