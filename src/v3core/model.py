"""Entities and value objects of the product: users, clients, campaigns, assets, jobs, scenes.

Entities are mutable attrs classes identified by ``id``; every one carries its owner
(the tenant) so that no query can forget it. Times are timezone-aware UTC datetimes
supplied by the ``Clock`` port.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from v3core.brief import Brief


class CampaignStatus(enum.StrEnum):
    """Lifecycle of a campaign (informational; no rules hang on it)."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class AssetType(enum.StrEnum):
    """The four kinds of asset the library holds."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"


class JobStatus(enum.StrEnum):
    """Exactly the frontend's enum (SPEC §5)."""

    PENDING = "pending"
    STORYBOARD_PROCESSING = "storyboard_processing"
    STORYBOARD_READY = "storyboard_ready"
    VIDEO_PROCESSING = "video_processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """Completed, failed and cancelled jobs do no more work on their own."""
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


@attrs.define
class User:
    """A tenant: owns every resource it creates."""

    id: str
    email: str
    created_at: datetime
    password_hash: str | None = None


@attrs.define
class ApiKey:
    """A bearer credential. Only ``key_hash`` (sha256 of the secret) is ever stored."""

    id: str
    user_id: str
    key_hash: str
    prefix: str
    created_at: datetime
    name: str | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@attrs.frozen
class BrandGuidelines:
    """What the planner must respect for a brand."""

    colors: tuple[str, ...] = ()
    fonts: tuple[str, ...] = ()
    tone: str | None = None
    restrictions: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@attrs.define
class Client:
    """A brand the team makes ads for."""

    id: str
    owner_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    homepage: str | None = None
    brand_guidelines: BrandGuidelines = BrandGuidelines()
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.define
class Campaign:
    """A campaign of one client."""

    id: str
    owner_id: str
    client_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    goal: str | None = None
    status: CampaignStatus = CampaignStatus.DRAFT
    product_url: str | None = None
    brief: str | Mapping[str, Any] | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


class MediaKind(enum.StrEnum):
    """What a generated asset is to its scene."""

    FRAME = "frame"
    """A still: the scene's storyboard frame, the first frame of its clip."""
    CLIP = "clip"
    """A video clip: the scene's footage."""


@attrs.frozen
class Generation:
    """How a generated asset was made: for which scene, by whom, from which inputs, at what cost.

    ``prompt_hash`` identifies the inputs (see ``v3core.media.prompts.prompt_hash``); a stored
    output is reused while the scene's hash is unchanged.
    """

    kind: MediaKind
    scene_number: int
    provider: str
    model: str
    prompt_hash: str
    cost: float = 0.0


@attrs.define
class Asset:
    """A stored file of the library; its bytes live in the blob store under ``blob_id`` (sha256)."""

    id: str
    owner_id: str
    name: str
    type: AssetType
    format: str
    content_type: str
    size: int
    checksum: str
    blob_id: str
    created_at: datetime
    updated_at: datetime
    client_id: str | None = None
    campaign_id: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    source_url: str | None = None
    tags: tuple[str, ...] = ()
    job_id: str | None = None
    generation: Generation | None = None
    """Set on generated footage and frames (an asset of ``job_id``)."""


@attrs.frozen
class Progress:
    """Where a job is: a stage name, a percentage and the step counter."""

    stage: str = "queued"
    percent: int = 0
    message: str = "Waiting to start"
    current_step: int = 0
    total_steps: int = 0


@attrs.frozen
class JobError:
    """Why a job failed: a stable ``code``, a human message and the step that failed."""

    code: str
    message: str
    step: str


@attrs.frozen
class CostLine:
    """One priced step of a job (e.g. storyboard_generation, video_rendering)."""

    step: str
    amount: float


@attrs.define
class JobCost:
    """Estimated cost at creation, actual cost accumulated as steps run (USD)."""

    estimated: float = 0.0
    actual: float = 0.0
    currency: str = "USD"
    breakdown: dict[str, float] = attrs.field(factory=dict)

    def charge(self, step: str, amount: float) -> None:
        """Add ``amount`` to the actual cost under ``step``."""
        self.breakdown[step] = round(self.breakdown.get(step, 0.0) + amount, 6)
        self.actual = round(self.actual + amount, 6)


@attrs.define
class Job:
    """A brief on its way to a video."""

    id: str
    owner_id: str
    client_id: str
    brief: Brief
    created_at: datetime
    updated_at: datetime
    campaign_id: str | None = None
    status: JobStatus = JobStatus.PENDING
    progress: Progress = Progress()
    asset_ids: tuple[str, ...] = ()
    cost: JobCost = attrs.field(factory=JobCost)
    error: JobError | None = None
    feedback: str | None = None
    video_asset_id: str | None = None
    video_duration: float | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    version: int = 1


@attrs.frozen
class Voiceover:
    """A scene's spoken script as the render made it (SPEC §8 "Sound").

    The voice starts ``offset`` seconds after its scene starts and lasts ``seconds`` (the real
    length of the synthesized audio). ``planned_duration`` is the scene's length before the
    render fitted it to its voice; larger ``Scene.duration`` means the scene was lengthened.
    """

    offset: float
    seconds: float
    planned_duration: float


@attrs.define
class Scene:
    """One shot of a storyboard."""

    id: str
    job_id: str
    number: int
    duration: float
    description: str
    script: str
    shot_type: str
    transition: str
    created_at: datetime
    updated_at: datetime
    asset_ids: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = attrs.field(factory=dict)
    version: int = 1
    preview_asset_id: str | None = None
    """The scene's storyboard frame (a generated image asset of the job), when one was made."""
    voiceover: Voiceover | None = None
    """Set by the render when the scene was spoken; ``None`` before it and for a silent scene."""
