"""The ad brief a job is created from, and how a raw mapping becomes one.

Only the fields SPEC §4 "Jobs" names as required are required: ``context.clientId``,
the four ``adBasics`` fields and ``creative.direction.style``. The seed's critical-gaps
report (userId/tone/visualElements wrongly required) is the regression this module
must never repeat.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from v3core.errors import ErrorDetail, ValidationFailed
from v3core.limits import ASSET_NAME_MAX_LENGTH, URL_MAX_LENGTH

VIDEO_FORMATS: tuple[str, ...] = ("16:9", "9:16", "1:1", "4:5")
MIN_VIDEO_SECONDS = 5.0
MAX_VIDEO_SECONDS = 120.0
DEFAULT_VIDEO_SECONDS = 30.0
ASSET_ROLES: tuple[str, ...] = (
    "product_shot",
    "background",
    "logo",
    "lifestyle",
    "b_roll",
    "music",
    "voiceover",
    "other",
)


@attrs.frozen
class JobContext:
    """Who the job is for. ``user_id`` is informational only, never used for ownership."""

    client_id: str
    campaign_id: str | None = None
    user_id: str | None = None


@attrs.frozen
class AdBasics:
    """What is advertised, to whom, with which message and call to action."""

    product: str
    target_audience: str
    key_message: str
    call_to_action: str


@attrs.frozen
class CreativeDirection:
    """The look and feel; only ``style`` is required."""

    style: str
    tone: str | None = None
    visual_elements: tuple[str, ...] = ()
    music_style: str | None = None


@attrs.frozen
class VideoSpecs:
    """Length in seconds, aspect ratio and an optional resolution hint like ``1920x1080``."""

    duration: float = DEFAULT_VIDEO_SECONDS
    format: str = "16:9"
    resolution: str | None = None


@attrs.frozen
class AssetInput:
    """An asset the brief supplies: an existing ``asset_id`` or a ``url`` to import."""

    url: str | None = None
    asset_id: str | None = None
    type: str | None = None
    name: str | None = None
    role: str | None = None


@attrs.frozen
class Creative:
    """Creative direction, video specs and supplied assets."""

    direction: CreativeDirection
    video_specs: VideoSpecs = VideoSpecs()
    assets: tuple[AssetInput, ...] = ()


@attrs.frozen
class Brief:
    """Everything a job is created from."""

    context: JobContext
    ad_basics: AdBasics
    creative: Creative
    advanced: Mapping[str, Any] = attrs.field(factory=dict)
    generate_audio: bool = False


REQUIRED_FIELDS: Mapping[tuple[str, ...], tuple[str, ...]] = {
    (): ("context", "adBasics", "creative"),
    ("context",): ("clientId",),
    ("adBasics",): ("product", "targetAudience", "keyMessage", "callToAction"),
    ("creative",): ("direction",),
    ("creative", "direction"): ("style",),
}
"""Required fields of a raw brief, by the path of the object holding them (SPEC §4 "Jobs"):
sections are objects, fields non-blank strings. ``parse_brief`` enforces them; the OpenAPI
document declares them from this table."""


class _Reader:
    """Collects every problem of a raw brief instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ErrorDetail] = []

    def obj(self, raw: Any, loc: tuple[str | int, ...], required: bool = True) -> Mapping[str, Any]:
        if raw is None:
            if required:
                self.errors.append(ErrorDetail(loc, "Field required", "missing"))
            return {}
        if not isinstance(raw, Mapping):
            self.errors.append(ErrorDetail(loc, "Input should be an object", "object_type"))
            return {}
        return raw

    def text(
        self, raw: Mapping[str, Any], key: str, loc: tuple[str | int, ...], required: bool = True
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.errors.append(ErrorDetail((*loc, key), "Field required", "missing"))
            return None
        if not isinstance(value, str):
            self.errors.append(ErrorDetail((*loc, key), "Input should be a string", "string_type"))
            return None
        if not value.strip():
            if required:
                self.errors.append(ErrorDetail((*loc, key), "String should not be empty", "string_too_short"))
            return None
        return value.strip()


def _visual_elements(raw: Any, reader: _Reader, loc: tuple[str | int, ...]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return tuple(v.strip() for v in raw if v.strip())
    reader.errors.append(ErrorDetail(loc, "Input should be a list of strings", "list_type"))
    return ()


def _video_specs(raw: Mapping[str, Any], reader: _Reader, loc: tuple[str | int, ...]) -> VideoSpecs:
    duration = raw.get("duration", DEFAULT_VIDEO_SECONDS)
    if duration is None:
        duration = DEFAULT_VIDEO_SECONDS
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        reader.errors.append(ErrorDetail((*loc, "duration"), "Input should be a number", "float_type"))
        duration = DEFAULT_VIDEO_SECONDS
    elif not MIN_VIDEO_SECONDS <= float(duration) <= MAX_VIDEO_SECONDS:
        reader.errors.append(
            ErrorDetail(
                (*loc, "duration"),
                f"Duration must be between {MIN_VIDEO_SECONDS:g} and {MAX_VIDEO_SECONDS:g} seconds",
                "range",
            )
        )
    fmt = raw.get("format")
    if fmt is None:
        fmt = raw.get("aspectRatio")
    if fmt is None:
        fmt = "16:9"
    if fmt not in VIDEO_FORMATS:
        reader.errors.append(
            ErrorDetail((*loc, "format"), f"Format must be one of {', '.join(VIDEO_FORMATS)}", "enum")
        )
        fmt = "16:9"
    resolution = reader.text(raw, "resolution", loc, required=False)
    return VideoSpecs(duration=float(duration), format=str(fmt), resolution=resolution)


def importable_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be imported (not http(s), no host, too long), or ``None``.

    The same rule ``POST /assets/from-url`` applies, checked when the brief arrives rather
    than when the job imports it."""
    if len(url) > URL_MAX_LENGTH:
        return f"must be at most {URL_MAX_LENGTH} characters long"
    try:
        parsed = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return "not a valid URL"
    if parsed.scheme.lower() not in ("http", "https"):
        return f"only http and https URLs can be imported, not {parsed.scheme or 'none'!r}"
    if not parsed.hostname:
        return "the URL has no host"
    return None


UrlCheck = Callable[[str], "str | None"]
"""Why a URL cannot be imported, or ``None``: the fetcher's host rule without the network
(``v3core.ports.blobs.ImportTargetCheck``), given by the composition root."""


def _asset_inputs(
    raw: Any, reader: _Reader, loc: tuple[str | int, ...], url_check: UrlCheck | None
) -> tuple[AssetInput, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.errors.append(ErrorDetail(loc, "Input should be a list", "list_type"))
        return ()
    items: list[AssetInput] = []
    for i, entry in enumerate(raw):
        item = reader.obj(entry, (*loc, i))
        if not item and entry is not None and isinstance(entry, Mapping):
            reader.errors.append(ErrorDetail((*loc, i), "Give a url or an assetId", "missing"))
            continue
        url = reader.text(item, "url", (*loc, i), required=False)
        raw_url = item.get("url")
        if isinstance(raw_url, str) and not raw_url.strip():
            reader.errors.append(ErrorDetail((*loc, i, "url"), "the URL is empty", "string_too_short"))
        elif url and (problem := importable_url_problem(url)):
            reader.errors.append(ErrorDetail((*loc, i, "url"), problem, "url_scheme"))
        elif url and url_check is not None and (refused := url_check(url)):
            reader.errors.append(ErrorDetail((*loc, i, "url"), refused, "forbidden_target"))
        asset_id = reader.text(item, "assetId", (*loc, i), required=False) or reader.text(
            item, "asset_id", (*loc, i), required=False
        )
        if item and not url and not asset_id:
            reader.errors.append(ErrorDetail((*loc, i), "Give a url or an assetId", "missing"))
        role = reader.text(item, "role", (*loc, i), required=False)
        name = reader.text(item, "name", (*loc, i), required=False)
        if name is not None and len(name) > ASSET_NAME_MAX_LENGTH:
            message = f"an asset name has at most {ASSET_NAME_MAX_LENGTH} characters, not {len(name)}"
            reader.errors.append(ErrorDetail((*loc, i, "name"), message, "string_too_long"))
        items.append(
            AssetInput(
                url=url,
                asset_id=asset_id,
                type=reader.text(item, "type", (*loc, i), required=False),
                name=name,
                role=role.lower() if role else None,
            )
        )
    return tuple(items)


def parse_brief(raw: Any, url_check: UrlCheck | None = None) -> Brief:
    """Turn a camelCase mapping (the HTTP body of ``POST /jobs``) into a ``Brief``.

    Raises ``ValidationFailed`` listing every missing or malformed field with its path, its
    message saying what is wrong at each (``creative.assets[0].url: ...``). ``url_check``
    refuses asset URLs the fetcher would refuse (judged without the network).
    """
    reader = _Reader()
    body = reader.obj(raw, ())
    context = reader.obj(body.get("context"), ("context",))
    basics = reader.obj(body.get("adBasics"), ("adBasics",))
    creative = reader.obj(body.get("creative"), ("creative",))
    has = {key: isinstance(body.get(key), Mapping) for key in ("context", "adBasics", "creative")}
    has_direction = isinstance(creative.get("direction"), Mapping)
    direction = reader.obj(creative.get("direction"), ("creative", "direction")) if has["creative"] else {}
    specs = reader.obj(creative.get("videoSpecs"), ("creative", "videoSpecs"), required=False)
    client_id = reader.text(context, "clientId", ("context",)) if has["context"] else None
    campaign_id = reader.text(context, "campaignId", ("context",), required=False)
    user_id = reader.text(context, "userId", ("context",), required=False)
    basics_values = {
        key: reader.text(basics, key, ("adBasics",)) if has["adBasics"] else None
        for key in REQUIRED_FIELDS[("adBasics",)]
    }
    style = reader.text(direction, "style", ("creative", "direction")) if has_direction else None
    tone = reader.text(direction, "tone", ("creative", "direction"), required=False)
    music = reader.text(direction, "musicStyle", ("creative", "direction"), required=False)
    visual = _visual_elements(
        direction.get("visualElements"), reader, ("creative", "direction", "visualElements")
    )
    video_specs = _video_specs(specs, reader, ("creative", "videoSpecs"))
    assets = _asset_inputs(creative.get("assets"), reader, ("creative", "assets"), url_check)
    advanced = body.get("advanced") or {}
    if not isinstance(advanced, Mapping):
        reader.errors.append(ErrorDetail(("advanced",), "Input should be an object", "object_type"))
        advanced = {}
    generate_audio = body.get("generateAudio", False)
    if not isinstance(generate_audio, bool):
        reader.errors.append(ErrorDetail(("generateAudio",), "Input should be a boolean", "bool_type"))
        generate_audio = False
    if reader.errors or client_id is None or style is None:
        problems = "; ".join(f"{field_path(e.loc)}: {e.msg}" for e in reader.errors)
        raise ValidationFailed(problems or "invalid brief", reader.errors)
    return Brief(
        context=JobContext(client_id=client_id, campaign_id=campaign_id, user_id=user_id),
        ad_basics=AdBasics(
            product=str(basics_values["product"]),
            target_audience=str(basics_values["targetAudience"]),
            key_message=str(basics_values["keyMessage"]),
            call_to_action=str(basics_values["callToAction"]),
        ),
        creative=Creative(
            direction=CreativeDirection(style=style, tone=tone, visual_elements=visual, music_style=music),
            video_specs=video_specs,
            assets=assets,
        ),
        advanced=dict(advanced),
        generate_audio=generate_audio,
    )


def field_path(loc: tuple[str | int, ...]) -> str:
    """``("creative", "assets", 0, "url")`` as ``creative.assets[0].url`` (``body`` when empty)."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return text or "body"


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The camelCase mapping of a brief (the inverse of ``parse_brief``)."""
    d = brief.creative.direction
    s = brief.creative.video_specs
    return {
        "context": {
            "clientId": brief.context.client_id,
            "campaignId": brief.context.campaign_id,
            "userId": brief.context.user_id,
        },
        "adBasics": {
            "product": brief.ad_basics.product,
            "targetAudience": brief.ad_basics.target_audience,
            "keyMessage": brief.ad_basics.key_message,
            "callToAction": brief.ad_basics.call_to_action,
        },
        "creative": {
            "direction": {
                "style": d.style,
                "tone": d.tone,
                "visualElements": list(d.visual_elements),
                "musicStyle": d.music_style,
            },
            "videoSpecs": {"duration": s.duration, "format": s.format, "resolution": s.resolution},
            "assets": [
                {"url": a.url, "assetId": a.asset_id, "type": a.type, "name": a.name, "role": a.role}
                for a in brief.creative.assets
            ],
        },
        "advanced": dict(brief.advanced),
        "generateAudio": brief.generate_audio,
    }
