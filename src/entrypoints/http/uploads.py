"""Streaming request bodies for asset uploads, without holding them in memory.

``read_multipart`` parses ``multipart/form-data`` incrementally (the ``multipart``
package's push parser, the one Litestar itself uses): text fields are collected (small,
bounded) and the one file part is streamed straight into the upload stager, which
hashes it and enforces the size cap while it arrives. Litestar's own form parsing is
bypassed so the file is written once, and a too-large upload is cut at the cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import msgspec
from litestar import Request
from multipart import (  # type: ignore[import-untyped]
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
)

from entrypoints.http.request import reject_nul_characters
from v3core.errors import PayloadTooLarge, ValidationFailed
from v3core.ports.blobs import StagedFile
from v3core.services.assets import AssetDraft, UploadAsset

MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 32
MAX_JSON_BYTES = 1024 * 1024

Event: TypeAlias = Any
"""A parser event: a ``MultipartSegment`` (part headers), body bytes, or ``None`` (part end)."""


def boundary_of(request: Request[Any, Any, Any]) -> str:
    """The multipart boundary of the request (``ValidationFailed`` when missing)."""
    _, options = request.content_type
    boundary = options.get("boundary")
    if not boundary:
        raise ValidationFailed.at(("body",), "multipart boundary missing in Content-Type")
    return boundary


async def _events(request: Request[Any, Any, Any], parser: PushMultipartParser) -> AsyncIterator[Event]:
    async for chunk in request.stream():
        for event in parser.parse(chunk):
            yield event
    for event in parser.parse(b""):
        yield event


async def _part_body(events: AsyncIterator[Event]) -> AsyncIterator[bytes]:
    async for event in events:
        if event is None:
            return
        yield bytes(event)


async def _text(events: AsyncIterator[Event], name: str) -> str:
    data = bytearray()
    async for chunk in _part_body(events):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise ValidationFailed.at((name,), f"a form field holds at most {MAX_FIELD_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed.at((name,), "the field is not valid UTF-8") from None
    if "\x00" in text:
        raise ValidationFailed.at((name,), "the field may not contain NUL characters")
    return text


async def read_multipart(
    request: Request[Any, Any, Any], upload: UploadAsset
) -> tuple[dict[str, list[str]], StagedFile]:
    """The text fields and the staged file of a multipart upload (discard the file on error)."""
    parser = PushMultipartParser(boundary_of(request), max_segment_count=MAX_PARTS)
    events = _events(request, parser)
    fields: dict[str, list[str]] = {}
    staged: StagedFile | None = None
    try:
        async for event in events:
            if not isinstance(event, MultipartSegment):
                continue
            if event.filename is None:
                fields.setdefault(event.name, []).append(await _text(events, event.name))
            elif staged is None:
                staged = await upload.stage(_part_body(events), event.filename)
            else:
                raise ValidationFailed.at(("file",), "send exactly one file per upload")
    except (ParserError, ParserLimitReached) as exc:
        if staged is not None:
            await upload.discard(staged)
        raise ValidationFailed.at(("body",), f"malformed multipart body: {exc}") from None
    except BaseException:
        if staged is not None:
            await upload.discard(staged)
        raise
    if staged is None:
        raise ValidationFailed.at(("file",), "a multipart upload needs a file part", "missing")
    return fields, staged


async def read_json(request: Request[Any, Any, Any], type_: type[Any]) -> Any:
    """The JSON body decoded as ``type_`` (at most 1 MiB; ``ValidationFailed`` otherwise)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"a JSON body holds at most {MAX_JSON_BYTES} bytes")
    reject_nul_characters(bytes(body))
    try:
        return msgspec.json.decode(bytes(body), type=type_)
    except msgspec.ValidationError as exc:
        raise ValidationFailed.at(("body",), str(exc)) from None
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationFailed.at(("body",), f"invalid JSON: {exc}", "json_invalid") from None


def _first(fields: dict[str, list[str]], *names: str) -> str | None:
    """The one value of a field sent under any of ``names``; sent twice is ambiguous (422)."""
    values = [(name, v.strip()) for name in names for v in fields.get(name, []) if v.strip()]
    if len(values) > 1:
        raise ValidationFailed.at((values[1][0],), "given more than once")
    return values[0][1] if values else None


def _tags(fields: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(t for value in fields.get("tags", []) for t in value.split(","))


def draft_from_form(owner: str, fields: dict[str, list[str]]) -> AssetDraft:
    """The draft of an upload from its form fields (camelCase or snake_case names)."""
    return AssetDraft(
        owner_id=owner,
        name=_first(fields, "name"),
        declared_type=_first(fields, "type", "assetType", "asset_type"),
        client_id=_first(fields, "clientId", "client_id"),
        campaign_id=_first(fields, "campaignId", "campaign_id"),
        tags=_tags(fields),
    )
