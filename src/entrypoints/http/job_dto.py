"""Wire shapes of jobs and scenes (msgspec Structs, camelCase on the wire).

The create/dry-run body is declared with every field optional on purpose: which
fields are required is a domain rule (``v3core.brief.parse_brief``, property-tested),
and the domain reports every missing field with its path in one 422. The Struct
documents the shape in OpenAPI and checks JSON types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from v3core.brief import brief_to_dict
from v3core.costs import CostEstimate
from v3core.events import JobEvent
from v3core.limits import ASSET_NAME_MAX_LENGTH
from v3core.model import Job, JobCost, JobStatus, Scene, Voiceover
from v3core.money import money
from v3core.voiceover import fit_note, fit_notes, scene_warnings

Json = dict[str, Any]

SCENE_NOTES = (
    "What the render changed about the scene, e.g. 'scene 2 lengthened from 4.0 s to 5.6 s to fit its "
    "voiceover (5.2 s of speech)' (then `duration` is the new length); [] when nothing changed."
)
JOB_NOTES = (
    "What the render changed about the storyboard, one line per change (e.g. a scene lengthened to fit "
    "its voiceover); `duration` and the scenes' durations already include it."
)


class JobContextBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """``clientId`` is required; ``userId`` is informational only (never used for ownership)."""

    client_id: str | None = None
    campaign_id: str | None = None
    user_id: str | None = None


class AdBasicsBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """All four are required."""

    product: str | None = None
    target_audience: str | None = None
    key_message: str | None = None
    call_to_action: str | None = None


class DirectionBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """``style`` is required; the rest optional."""

    style: str | None = None
    tone: str | None = None
    visual_elements: list[str] | str | None = None
    music_style: str | None = None


class VideoSpecsBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """duration 5-120 s (default 30); format 16:9 | 9:16 | 1:1 | 4:5 (default 16:9)."""

    duration: float | None = None
    format: str | None = None
    resolution: str | None = None


class AssetInputBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """An existing ``assetId`` of yours, or a ``url`` to import; ``role`` steers placement."""

    url: str | None = None
    asset_id: str | None = None
    type: str | None = None
    name: Annotated[str, msgspec.Meta(max_length=ASSET_NAME_MAX_LENGTH)] | None = None
    role: str | None = None


class CreativeBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """``direction.style`` is required."""

    direction: DirectionBody | None = None
    video_specs: VideoSpecsBody | None = None
    assets: list[AssetInputBody] | None = None


class JobCreate(msgspec.Struct, rename="camel", omit_defaults=True):
    """Body of ``POST /jobs`` and ``POST /jobs/dry-run``."""

    context: JobContextBody | None = None
    ad_basics: AdBasicsBody | None = None
    creative: CreativeBody | None = None
    advanced: Json | None = None
    generate_audio: bool | None = None

    def raw(self) -> Json:
        """The camelCase mapping the domain parses."""
        built: Json = msgspec.to_builtins(self)
        return built


def video_url(base_url: str, job: Job) -> str | None:
    """The absolute URL of a job's video, once rendered."""
    return f"{base_url}/api/v3/jobs/{job.id}/video" if job.video_asset_id else None


class ProgressOut(msgspec.Struct, rename="camel"):
    """Where the job is."""

    stage: str
    percent: int
    message: str
    current_step: int
    total_steps: int


class CostOut(msgspec.Struct, rename="camel"):
    """Estimated and actual cost (USD) with the actual breakdown per step."""

    estimated: float
    actual: float
    currency: str
    breakdown: dict[str, float]

    @classmethod
    def of(cls, cost: JobCost) -> CostOut:
        breakdown = {step: money(amount) for step, amount in cost.breakdown.items()}
        return cls(money(cost.estimated), money(cost.actual), cost.currency, breakdown)


class VoiceoverOut(msgspec.Struct, rename="camel"):
    """A scene's voice as rendered: it starts ``offset`` s after the scene starts and lasts
    ``duration`` s; ``plannedDuration`` is the scene's length before the render fitted it."""

    offset: Annotated[float, msgspec.Meta(description="seconds after the scene's start the voice starts")]
    duration: Annotated[float, msgspec.Meta(description="seconds of speech (the synthesized audio's length)")]
    planned_duration: Annotated[
        float, msgspec.Meta(description="the scene's duration before the render fitted it to its voice")
    ]

    @classmethod
    def of(cls, voice: Voiceover | None) -> VoiceoverOut | None:
        return cls(voice.offset, voice.seconds, voice.planned_duration) if voice else None


class SceneOut(msgspec.Struct, rename="camel"):
    """One scene of a storyboard."""

    id: str
    job_id: str
    scene_number: int
    duration: float
    description: str
    script: str
    shot_type: str
    transition: str
    assets: list[str]
    metadata: Json
    version: int
    created_at: datetime
    updated_at: datetime
    preview_url: str | None = None
    """The scene's storyboard frame (``/assets/{id}/data``), when an image provider drew one."""
    preview_asset_id: str | None = None
    warnings: list[str] = msgspec.field(default_factory=list)
    """Review-time warnings, computed on read (SPEC §8): e.g. a script too long to be spoken in
    the scene at a natural pace (about 2.7 words per second). Empty when nothing is wrong."""
    voiceover: VoiceoverOut | None = None
    """Set by the render when the scene was spoken (the captions are timed to it)."""
    notes: Annotated[list[str], msgspec.Meta(description=SCENE_NOTES)] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, s: Scene, base_url: str = "") -> SceneOut:
        preview = s.preview_asset_id
        return cls(
            s.id,
            s.job_id,
            s.number,
            s.duration,
            s.description,
            s.script,
            s.shot_type,
            s.transition,
            list(s.asset_ids),
            dict(s.metadata),
            s.version,
            s.created_at,
            s.updated_at,
            f"{base_url.rstrip('/')}/api/v3/assets/{preview}/data" if preview else None,
            preview,
            list(scene_warnings(s)),
            VoiceoverOut.of(s.voiceover),
            [note] if (note := fit_note(s)) else [],
        )


class JobOut(msgspec.Struct, rename="camel"):
    """A job with its ordered scenes."""

    id: str
    status: JobStatus
    progress: ProgressOut
    context: Json
    ad_basics: Json
    creative: Json
    advanced: Json
    generate_audio: bool
    scenes: list[SceneOut]
    asset_ids: list[str]
    cost: CostOut
    duration: float
    video_url: str | None
    video_asset_id: str | None
    error: str | None
    error_code: str | None
    failed_step: str | None
    feedback: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    notes: Annotated[list[str], msgspec.Meta(description=JOB_NOTES)] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, job: Job, scenes: tuple[Scene, ...] | list[Scene], base_url: str) -> JobOut:
        brief = brief_to_dict(job.brief)
        p = job.progress
        total = job.video_duration if job.video_duration else round(sum(s.duration for s in scenes), 3)
        return cls(
            id=job.id,
            status=job.status,
            progress=ProgressOut(p.stage, p.percent, p.message, p.current_step, p.total_steps),
            context=brief["context"],
            ad_basics=brief["adBasics"],
            creative=brief["creative"],
            advanced=brief["advanced"],
            generate_audio=job.brief.generate_audio,
            scenes=[SceneOut.of(s, base_url) for s in scenes],
            asset_ids=list(job.asset_ids),
            cost=CostOut.of(job.cost),
            duration=total or job.brief.creative.video_specs.duration,
            video_url=video_url(base_url, job),
            video_asset_id=job.video_asset_id,
            error=job.error.message if job.error else None,
            error_code=job.error.code if job.error else None,
            failed_step=job.error.step if job.error else None,
            feedback=job.feedback,
            version=job.version,
            created_at=job.created_at,
            updated_at=job.updated_at,
            notes=fit_notes(scenes),
        )


class JobEventOut(msgspec.Struct, rename="camel"):
    """One entry of a job's event log: an SSE event's data and an item of ``GET /history``.

    ``seq`` numbers the job's events from 1 with no gap (it is also the SSE ``id``); ``type``
    is ``job.created``, ``job.status_changed``, ``job.progress``, ``job.scenes_changed``,
    ``job.cost_changed``, ``job.updated``, or for a change into storyboard_ready, completed,
    failed or cancelled ``job.storyboard_ready``, ``job.completed``, ``job.failed``,
    ``job.cancelled``. ``data`` of a job event is the job's state after the change (status,
    progress, cost, error, videoUrl, version, ``changed``: what changed); of a
    ``job.scenes_changed`` event the change (added, replaced, updated, deleted) and the scenes
    it touched."""

    seq: int
    type: str
    job_id: str
    created_at: datetime
    data: Json

    @classmethod
    def of(cls, event: JobEvent, base_url: str) -> JobEventOut:
        data = dict(event.data)
        if "status" in data:
            video = data.get("videoAssetId")
            data["videoUrl"] = f"{base_url}/api/v3/jobs/{event.job_id}/video" if video else None
        return cls(event.seq, event.type, event.job_id, event.created_at, data)


class EstimateOut(msgspec.Struct, rename="camel"):
    """The dry run: estimated cost, breakdown per step, validity and assumptions."""

    estimated_cost: float
    currency: str
    breakdown: dict[str, float]
    valid_until: datetime
    assumptions: Json

    @classmethod
    def of(cls, e: CostEstimate) -> EstimateOut:
        assumptions = {camel_case(k): v for k, v in e.assumptions.items()}
        breakdown = {step: money(amount) for step, amount in e.breakdown.items()}
        return cls(money(e.estimated_cost), e.currency, breakdown, e.valid_until, assumptions)


def camel_case(name: str) -> str:
    """``scene_count`` → ``sceneCount`` (wire keys are camelCase)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class ActionBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """``{action, ...}``: feedback, sceneId/sceneNumber, constraints — flat or inside ``payload``."""

    action: str
    feedback: str | None = None
    scene_id: str | None = None
    scene_number: int | None = None
    constraints: Json | None = None
    payload: Json | None = None

    def fields(self) -> Json:
        """The action's fields as the use case reads them (camelCase)."""
        built: Json = msgspec.to_builtins(self)
        return built


class SceneRegenerated(msgspec.Struct, rename="camel"):
    """What ``regenerate_scene`` answers."""

    job_id: str
    scene: SceneOut


class RegenerateBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """Body of ``POST /jobs/{id}/scenes/{sceneId}/regenerate``."""

    feedback: str | None = None
    constraints: Json | None = None


class SceneUpdate(msgspec.Struct, rename="camel", omit_defaults=True):
    """Body of ``PUT /jobs/{id}/scenes/{sceneId}``: only the fields sent change."""

    duration: float | None = None
    description: str | None = None
    script: str | None = None
    shot_type: str | None = None
    transition: str | None = None
    assets: list[str] | None = None
    metadata: Json | None = None
    version: int | None = None

    def changes(self) -> Json:
        """The sent fields (camelCase), without ``version``."""
        built: Json = msgspec.to_builtins(self)
        built.pop("version", None)
        return built
