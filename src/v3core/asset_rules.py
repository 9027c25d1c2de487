"""Which files the asset library accepts, and what type and format a file really is.

The content decides: the caller sniffs magic bytes (a text file, which has none, is passed
as ``text/plain`` when it is valid UTF-8 without NUL bytes); the file name and any remote
``Content-Type`` never decide the type.
"""

from __future__ import annotations

from collections.abc import Mapping

from v3core.errors import UnsupportedMediaType, ValidationFailed
from v3core.model import AssetType

ALLOWED_FORMATS: Mapping[AssetType, tuple[str, ...]] = {
    AssetType.IMAGE: ("jpg", "jpeg", "png", "webp", "gif"),
    AssetType.VIDEO: ("mp4", "webm", "mov", "mkv"),
    AssetType.AUDIO: ("mp3", "wav", "ogg", "aac", "m4a"),
    AssetType.DOCUMENT: ("pdf", "txt"),
}

#: The Content-Type served for each accepted format.
CONTENT_TYPES: Mapping[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "m4a": "audio/mp4",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}

_FORMAT_ALIASES: Mapping[str, str] = {
    "jpe": "jpg",
    "jfif": "jpg",
    "qt": "mov",
    "quicktime": "mov",
    "matroska": "mkv",
    "x-matroska": "mkv",
    "mpeg": "mp3",
    "mpga": "mp3",
    "wave": "wav",
    "x-wav": "wav",
    "oga": "ogg",
    "f4a": "m4a",
    "x-m4a": "m4a",
    "text": "txt",
    "plain": "txt",
}
_MIME_FORMATS: Mapping[str, str] = {
    **{mime.split(";")[0]: fmt for fmt, mime in CONTENT_TYPES.items() if fmt != "jpeg"},
    "image/jpg": "jpg",
    "image/pjpeg": "jpg",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
    "audio/mp3": "mp3",
    "audio/x-aac": "aac",
    "video/x-quicktime": "mov",
    "application/ogg": "ogg",
    "application/x-matroska": "mkv",
}
_FORMAT_TYPES: Mapping[str, AssetType] = {fmt: t for t, fmts in ALLOWED_FORMATS.items() for fmt in fmts}
_MIME_TYPES: Mapping[str, AssetType] = {
    "image": AssetType.IMAGE,
    "video": AssetType.VIDEO,
    "audio": AssetType.AUDIO,
    "text": AssetType.DOCUMENT,
}


def parse_asset_type(declared: str | None) -> AssetType | None:
    """The asset type a caller declared (case-insensitive), ``None`` when none was declared.

    Raises ``ValidationFailed`` on field ``type`` for a value that is not image, video, audio
    or document.
    """
    if declared is None or not declared.strip():
        return None
    try:
        return AssetType(declared.strip().lower())
    except ValueError:
        allowed = ", ".join(t.value for t in AssetType)
        raise ValidationFailed.at(
            ("type",), f"unknown asset type {declared!r}; use one of {allowed}"
        ) from None


def _detected_format(sniffed_mime: str | None, sniffed_format: str | None) -> str | None:
    """The sniffed format, else the one the MIME type names; unknown names are kept for the message."""
    fmt = (sniffed_format or "").strip(". ").lower()
    fmt = _FORMAT_ALIASES.get(fmt, fmt)
    mime = (sniffed_mime or "").split(";")[0].strip().lower()
    if fmt in _FORMAT_TYPES:
        return fmt
    if mime in _MIME_FORMATS:
        return _MIME_FORMATS[mime]
    return fmt or mime.split("/")[-1] or None


def _detected_type(fmt: str, sniffed_mime: str | None) -> AssetType | None:
    major = (sniffed_mime or "").split("/")[0].strip().lower()
    return _FORMAT_TYPES.get(fmt) or _MIME_TYPES.get(major)


def classify(
    declared_type: str | None,
    sniffed_mime: str | None,
    sniffed_format: str | None,
    filename: str | None,
) -> tuple[AssetType, str, str]:
    """The (type, format, content type) of a file from what its bytes were sniffed as.

    The declared type, when given, must match the detected one; an audio-only MP4 container
    declared as audio is accepted as m4a. Raises ``UnsupportedMediaType`` naming declared and
    detected when they differ, when the format is not accepted for its type, or when the
    content was not recognised; ``ValidationFailed`` (field ``type``) for an unknown type.
    """
    declared = parse_asset_type(declared_type)
    label = f" {filename!r}" if filename else ""
    fmt = _detected_format(sniffed_mime, sniffed_format)
    if fmt is None:
        raise UnsupportedMediaType(
            f"could not recognise the content of{label or ' the file'} as any accepted format"
        )
    if declared is AssetType.AUDIO and fmt == "mp4":
        fmt = "m4a"
    detected = _detected_type(fmt, sniffed_mime)
    if declared is not None and detected is not None and declared is not detected:
        raise UnsupportedMediaType(
            f"declared type {declared.value!r} does not match the content of{label or ' the file'}: "
            f"detected {detected.value} ({fmt})"
        )
    kind = declared or detected
    if kind is None or fmt not in ALLOWED_FORMATS[kind]:
        what = f"{kind.value} format" if kind else "format"
        accepted = "; ".join(f"{t.value}: {', '.join(f)}" for t, f in ALLOWED_FORMATS.items())
        raise UnsupportedMediaType(f"{what} {fmt!r} of{label or ' the file'} is not accepted ({accepted})")
    return kind, fmt, CONTENT_TYPES[fmt]
