"""Magic-byte sniffing with puremagic, normalised to the short format names of the domain.

puremagic ranks candidate matches by confidence but ties between siblings of one
container family (MP4/M4A/MOV share ISO-BMFF; WebM/MKV share Matroska), so the
``ftyp`` brand and the EBML DocType are read here to tell them apart. Files puremagic
does not recognise are ``txt`` when they are valid UTF-8 without control characters.
"""

from __future__ import annotations

import codecs
import os

import puremagic

from v3core.ports.blobs import ContentInfo

HEAD_BYTES = 4096
TEXT_SCAN_BYTES = 1 << 20
UNKNOWN = ContentInfo(mime="application/octet-stream", format=None)

_FORMATS: dict[str, tuple[str, str]] = {
    ".png": ("png", "image/png"),
    ".jpg": ("jpg", "image/jpeg"),
    ".jpeg": ("jpg", "image/jpeg"),
    ".jfif": ("jpg", "image/jpeg"),
    ".jpe": ("jpg", "image/jpeg"),
    ".webp": ("webp", "image/webp"),
    ".gif": ("gif", "image/gif"),
    ".mp4": ("mp4", "video/mp4"),
    ".m4v": ("mp4", "video/mp4"),
    ".mov": ("mov", "video/quicktime"),
    ".webm": ("webm", "video/webm"),
    ".mkv": ("mkv", "video/x-matroska"),
    ".mp3": ("mp3", "audio/mpeg"),
    ".wav": ("wav", "audio/wav"),
    ".ogg": ("ogg", "audio/ogg"),
    ".oga": ("ogg", "audio/ogg"),
    ".opus": ("ogg", "audio/ogg"),
    ".aac": ("aac", "audio/aac"),
    ".m4a": ("m4a", "audio/mp4"),
    ".pdf": ("pdf", "application/pdf"),
    ".html": ("html", "text/html"),
    ".htm": ("html", "text/html"),
    ".svg": ("svg", "image/svg+xml"),
    ".xml": ("xml", "application/xml"),
}

_ISO_BRANDS = {b"M4A ": "m4a", b"M4B ": "m4a", b"qt  ": "mov"}


def sniff(path: str) -> ContentInfo:
    """What the file at ``path`` is, by its bytes alone (blocking; run it in a thread)."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    family = _container_family(head)
    if family is not None:
        return family
    try:
        matches = puremagic.magic_file(path)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        known = _FORMATS.get(match.extension.lower())
        if known is not None:
            return ContentInfo(mime=known[1], format=known[0])
    if matches:
        first = matches[0]
        return ContentInfo(mime=first.mime_type or UNKNOWN.mime, format=first.extension.lstrip(".") or None)
    return ContentInfo(mime="text/plain", format="txt") if _is_text(path) else UNKNOWN


def _container_family(head: bytes) -> ContentInfo | None:
    if head[4:8] == b"ftyp":
        fmt = _ISO_BRANDS.get(head[8:12], "mp4")
        return ContentInfo(
            mime={"m4a": "audio/mp4", "mov": "video/quicktime"}.get(fmt, "video/mp4"), format=fmt
        )
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return ContentInfo(mime="video/webm", format="webm")
        if b"matroska" in head[:64]:
            return ContentInfo(mime="video/x-matroska", format="mkv")
    return None


def _is_text(path: str) -> bool:
    """Valid UTF-8 (the first MiB, or all of a smaller file) with no control characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        data = f.read(TEXT_SCAN_BYTES)
        at_end = f.read(1) == b""
    try:
        text = decoder.decode(data, final=at_end)
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text) and os.path.getsize(path) > 0
