"""Entities for the contract suites, each with fresh ids so tests never see each other's rows."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from v3core.brief import parse_brief
from v3core.model import Asset, AssetType, Campaign, Client, Job, Scene, User

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
_ticks = itertools.count(1)

BRIEF = {
    "context": {"clientId": "c", "campaignId": None, "userId": "someone"},
    "adBasics": {
        "product": "Ü-Shoe",
        "targetAudience": "runners",
        "keyMessage": "fast",
        "callToAction": "Buy",
    },
    "creative": {
        "direction": {
            "style": "bold",
            "tone": "warm",
            "visualElements": ["sun", "sea"],
            "musicStyle": "lofi",
        },
        "videoSpecs": {"duration": 45, "format": "9:16", "resolution": "1080x1920"},
        "assets": [
            {"assetId": "a1", "type": "image", "name": "logo", "role": "logo"},
            {"url": "https://x/y.png"},
        ],
    },
    "advanced": {"seed": 7, "nested": {"k": [1, 2]}},
    "generateAudio": True,
}


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def later(seconds: int | None = None) -> datetime:
    """A distinct moment after ``T0`` (or exactly ``T0 + seconds``)."""
    return T0 + timedelta(seconds=next(_ticks) if seconds is None else seconds)


def a_user() -> User:
    uid = new_id("u-")
    return User(id=uid, email=f"{uid}@example.com", created_at=later(), password_hash="h")


def a_client(owner: str, **kw: Any) -> Client:
    at = kw.pop("created_at", later())
    return Client(
        id=kw.pop("id", new_id("c-")), owner_id=owner, name="Acme", created_at=at, updated_at=at, **kw
    )


def a_campaign(owner: str, client_id: str, **kw: Any) -> Campaign:
    at = kw.pop("created_at", later())
    return Campaign(
        id=new_id("k-"),
        owner_id=owner,
        client_id=client_id,
        name="Spring",
        created_at=at,
        updated_at=at,
        **kw,
    )


def an_asset(owner: str, **kw: Any) -> Asset:
    at = kw.pop("created_at", later())
    blob = kw.pop("blob_id", uuid.uuid4().hex * 2)
    values: dict[str, Any] = {
        "name": "logo.png",
        "type": AssetType.IMAGE,
        "format": "png",
        "content_type": "image/png",
        "size": 10,
        "checksum": blob,
    }
    values.update(kw)
    return Asset(id=new_id("a-"), owner_id=owner, blob_id=blob, created_at=at, updated_at=at, **values)


def a_job(owner: str, client_id: str, **kw: Any) -> Job:
    at = kw.pop("created_at", later())
    brief = parse_brief(BRIEF | {"context": {"clientId": client_id}})
    return Job(
        id=kw.pop("id", new_id("j-")),
        owner_id=owner,
        client_id=client_id,
        brief=brief,
        created_at=at,
        updated_at=at,
        **kw,
    )


def a_scene(job_id: str, number: int, **kw: Any) -> Scene:
    at = kw.pop("created_at", later())
    values: dict[str, Any] = {
        "duration": 5.0,
        "description": f"scene {number}",
        "script": "words",
        "shot_type": "wide",
        "transition": "cut",
    }
    values.update(kw)
    values.setdefault("id", new_id("s-"))
    return Scene(job_id=job_id, number=number, created_at=at, updated_at=at, **values)
