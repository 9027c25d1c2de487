"""Explicit mapping between table rows and the attrs entities (no ORM instrumentation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Row

from v3core.brief import (
    AdBasics,
    AssetInput,
    Brief,
    Creative,
    CreativeDirection,
    JobContext,
    VideoSpecs,
    brief_to_dict,
)
from v3core.model import (
    ApiKey,
    Asset,
    AssetType,
    BrandGuidelines,
    Campaign,
    CampaignStatus,
    Client,
    Generation,
    Job,
    JobCost,
    JobError,
    JobStatus,
    MediaKind,
    Progress,
    Scene,
    User,
    Voiceover,
)

Values = dict[str, Any]


def user_from_row(r: Row[Any]) -> User:
    return User(id=r.id, email=r.email, created_at=r.created_at, password_hash=r.password_hash)


def user_values(u: User) -> Values:
    return {"id": u.id, "email": u.email, "created_at": u.created_at, "password_hash": u.password_hash}


def api_key_from_row(r: Row[Any]) -> ApiKey:
    return ApiKey(
        id=r.id,
        user_id=r.user_id,
        key_hash=r.key_hash,
        prefix=r.prefix,
        created_at=r.created_at,
        name=r.name,
        last_used_at=r.last_used_at,
        revoked_at=r.revoked_at,
    )


def api_key_values(k: ApiKey) -> Values:
    return {
        "id": k.id,
        "user_id": k.user_id,
        "key_hash": k.key_hash,
        "prefix": k.prefix,
        "created_at": k.created_at,
        "name": k.name,
        "last_used_at": k.last_used_at,
        "revoked_at": k.revoked_at,
    }


def _guidelines(raw: dict[str, Any]) -> BrandGuidelines:
    return BrandGuidelines(
        colors=tuple(raw.get("colors", ())),
        fonts=tuple(raw.get("fonts", ())),
        tone=raw.get("tone"),
        restrictions=tuple(raw.get("restrictions", ())),
        examples=tuple(raw.get("examples", ())),
    )


def client_from_row(r: Row[Any]) -> Client:
    return Client(
        id=r.id,
        owner_id=r.owner_id,
        name=r.name,
        created_at=r.created_at,
        updated_at=r.updated_at,
        description=r.description,
        homepage=r.homepage,
        brand_guidelines=_guidelines(r.brand_guidelines),
        metadata=r.metadata,
    )


def client_values(c: Client) -> Values:
    g = c.brand_guidelines
    return {
        "id": c.id,
        "owner_id": c.owner_id,
        "name": c.name,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "description": c.description,
        "homepage": c.homepage,
        "brand_guidelines": {
            "colors": list(g.colors),
            "fonts": list(g.fonts),
            "tone": g.tone,
            "restrictions": list(g.restrictions),
            "examples": list(g.examples),
        },
        "metadata": dict(c.metadata),
    }


def campaign_from_row(r: Row[Any]) -> Campaign:
    return Campaign(
        id=r.id,
        owner_id=r.owner_id,
        client_id=r.client_id,
        name=r.name,
        created_at=r.created_at,
        updated_at=r.updated_at,
        goal=r.goal,
        status=CampaignStatus(r.status),
        product_url=r.product_url,
        brief=r.brief,
        metadata=r.metadata,
    )


def campaign_values(c: Campaign) -> Values:
    brief = c.brief if c.brief is None or isinstance(c.brief, str) else dict(c.brief)
    return {
        "id": c.id,
        "owner_id": c.owner_id,
        "client_id": c.client_id,
        "name": c.name,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "goal": c.goal,
        "status": c.status.value,
        "product_url": c.product_url,
        "brief": brief,
        "metadata": dict(c.metadata),
    }


def asset_from_row(r: Row[Any]) -> Asset:
    return Asset(
        id=r.id,
        owner_id=r.owner_id,
        name=r.name,
        type=AssetType(r.type),
        format=r.format,
        content_type=r.content_type,
        size=r.size,
        checksum=r.checksum,
        blob_id=r.blob_id,
        created_at=r.created_at,
        updated_at=r.updated_at,
        client_id=r.client_id,
        campaign_id=r.campaign_id,
        width=r.width,
        height=r.height,
        duration=r.duration,
        source_url=r.source_url,
        tags=tuple(r.tags),
        job_id=r.job_id,
        generation=generation_from_stored(r.generation),
    )


def asset_values(a: Asset) -> Values:
    return {
        "id": a.id,
        "owner_id": a.owner_id,
        "name": a.name,
        "type": a.type.value,
        "format": a.format,
        "content_type": a.content_type,
        "size": a.size,
        "checksum": a.checksum,
        "blob_id": a.blob_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "client_id": a.client_id,
        "campaign_id": a.campaign_id,
        "width": a.width,
        "height": a.height,
        "duration": a.duration,
        "source_url": a.source_url,
        "tags": list(a.tags),
        "job_id": a.job_id,
        "generation": generation_to_stored(a.generation),
    }


def generation_from_stored(d: dict[str, Any] | None) -> Generation | None:
    """The generation record of a generated asset (``None`` for every other asset)."""
    if not d:
        return None
    return Generation(
        kind=MediaKind(d["kind"]),
        scene_number=int(d["sceneNumber"]),
        provider=str(d["provider"]),
        model=str(d["model"]),
        prompt_hash=str(d["promptHash"]),
        cost=float(d.get("cost") or 0.0),
    )


def generation_to_stored(g: Generation | None) -> dict[str, Any] | None:
    """The JSON form of a generation record."""
    if g is None:
        return None
    return {
        "kind": g.kind.value,
        "sceneNumber": g.scene_number,
        "provider": g.provider,
        "model": g.model,
        "promptHash": g.prompt_hash,
        "cost": g.cost,
    }


def brief_from_stored(d: dict[str, Any], *, campaign_id: str | None) -> Brief:
    """The inverse of ``brief_to_dict`` for a brief that was valid when stored: built
    directly (``parse_brief`` re-validates and costs several times more on every read).

    ``context.campaignId`` is ``campaign_id``, the job's column: deleting the campaign sets
    it to NULL, so the brief the job shows is detached consistently.
    """
    context, basics, creative = d["context"], d["adBasics"], d["creative"]
    direction, specs = creative["direction"], creative["videoSpecs"]
    return Brief(
        context=JobContext(context["clientId"], campaign_id, context.get("userId")),
        ad_basics=AdBasics(
            basics["product"], basics["targetAudience"], basics["keyMessage"], basics["callToAction"]
        ),
        creative=Creative(
            direction=CreativeDirection(
                direction["style"],
                direction.get("tone"),
                tuple(direction.get("visualElements", ())),
                direction.get("musicStyle"),
            ),
            video_specs=VideoSpecs(float(specs["duration"]), specs["format"], specs.get("resolution")),
            assets=tuple(
                AssetInput(a.get("url"), a.get("assetId"), a.get("type"), a.get("name"), a.get("role"))
                for a in creative.get("assets", ())
            ),
        ),
        advanced=d.get("advanced") or {},
        generate_audio=bool(d.get("generateAudio", False)),
    )


def job_from_row(r: Row[Any]) -> Job:
    p = r.progress
    e = r.error
    return Job(
        id=r.id,
        owner_id=r.owner_id,
        client_id=r.client_id,
        brief=brief_from_stored(r.brief, campaign_id=r.campaign_id),
        created_at=r.created_at,
        updated_at=r.updated_at,
        campaign_id=r.campaign_id,
        status=JobStatus(r.status),
        progress=Progress(p["stage"], p["percent"], p["message"], p["current_step"], p["total_steps"]),
        asset_ids=tuple(r.asset_ids),
        cost=JobCost(r.cost_estimated, r.cost_actual, r.cost_currency, dict(r.cost_breakdown)),
        error=JobError(e["code"], e["message"], e["step"]) if e is not None else None,
        feedback=r.feedback,
        video_asset_id=r.video_asset_id,
        video_duration=r.video_duration,
        idempotency_key=r.idempotency_key,
        request_hash=r.request_hash,
        version=r.version,
    )


def job_values(j: Job) -> Values:
    p = j.progress
    e = j.error
    return {
        "id": j.id,
        "owner_id": j.owner_id,
        "client_id": j.client_id,
        "brief": brief_to_dict(j.brief),
        "created_at": j.created_at,
        "updated_at": j.updated_at,
        "campaign_id": j.campaign_id,
        "status": j.status.value,
        "progress": {
            "stage": p.stage,
            "percent": p.percent,
            "message": p.message,
            "current_step": p.current_step,
            "total_steps": p.total_steps,
        },
        "asset_ids": list(j.asset_ids),
        "cost_estimated": j.cost.estimated,
        "cost_actual": j.cost.actual,
        "cost_currency": j.cost.currency,
        "cost_breakdown": dict(j.cost.breakdown),
        "error": {"code": e.code, "message": e.message, "step": e.step} if e is not None else None,
        "feedback": j.feedback,
        "video_asset_id": j.video_asset_id,
        "video_duration": j.video_duration,
        "idempotency_key": j.idempotency_key,
        "request_hash": j.request_hash,
        "version": j.version,
    }


def scene_from_row(r: Row[Any]) -> Scene:
    return Scene(
        id=r.id,
        job_id=r.job_id,
        number=r.number,
        duration=r.duration,
        description=r.description,
        script=r.script,
        shot_type=r.shot_type,
        transition=r.transition,
        created_at=r.created_at,
        updated_at=r.updated_at,
        asset_ids=tuple(r.asset_ids),
        metadata=r.metadata,
        version=r.version,
        preview_asset_id=r.preview_asset_id,
        voiceover=voiceover_from_json(r.voiceover),
    )


def scene_values(s: Scene) -> Values:
    return {
        "id": s.id,
        "job_id": s.job_id,
        "number": s.number,
        "duration": s.duration,
        "description": s.description,
        "script": s.script,
        "shot_type": s.shot_type,
        "transition": s.transition,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "asset_ids": list(s.asset_ids),
        "metadata": dict(s.metadata),
        "version": s.version,
        "preview_asset_id": s.preview_asset_id,
        "voiceover": voiceover_to_json(s.voiceover),
    }


def voiceover_from_json(data: Mapping[str, Any] | None) -> Voiceover | None:
    if not data:
        return None
    return Voiceover(float(data["offset"]), float(data["seconds"]), float(data["planned_duration"]))


def voiceover_to_json(voice: Voiceover | None) -> Values | None:
    if voice is None:
        return None
    return {"offset": voice.offset, "seconds": voice.seconds, "planned_duration": voice.planned_duration}
