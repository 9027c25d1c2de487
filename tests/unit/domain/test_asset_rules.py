"""Which files the library accepts: the bytes decide the type, never the name (SPEC §4 Assets)."""

from __future__ import annotations

import pytest

from v3core.asset_rules import ALLOWED_FORMATS, CONTENT_TYPES, classify
from v3core.errors import UnsupportedMediaType, ValidationFailed
from v3core.model import AssetType


def test_rejects_a_png_declared_as_video() -> None:
    with pytest.raises(UnsupportedMediaType, match=r"declared type 'video'.*detected image \(png\)"):
        classify("video", "image/png", "png", "clip.mp4")


@pytest.mark.parametrize("declared", ["image", "document"])
def test_refuses_html_whatever_it_is_declared_as(declared: str) -> None:
    with pytest.raises(UnsupportedMediaType, match="html"):
        classify(declared, "text/html", None, "photo.jpg")


def test_the_file_name_never_decides_the_type() -> None:
    assert classify("image", "image/png", ".png", "movie.mp4") == (AssetType.IMAGE, "png", "image/png")


def test_an_undeclared_type_is_inferred_from_the_content() -> None:
    assert classify(None, "video/quicktime", None, None) == (AssetType.VIDEO, "mov", "video/quicktime")
    assert classify("", "audio/mpeg", "mp3", "x") == (AssetType.AUDIO, "mp3", "audio/mpeg")


def test_valid_utf8_text_is_a_txt_document() -> None:
    assert classify("document", "text/plain", None, "notes.txt") == (
        AssetType.DOCUMENT,
        "txt",
        "text/plain; charset=utf-8",
    )


def test_the_declared_type_is_case_insensitive() -> None:
    assert classify(" Image ", "image/jpeg", "jpg", None)[0] is AssetType.IMAGE


def test_an_unknown_declared_type_names_the_type_field() -> None:
    with pytest.raises(ValidationFailed) as refused:
        classify("spreadsheet", "application/pdf", "pdf", None)
    assert refused.value.details[0].loc == ("type",)


def test_a_format_not_accepted_for_its_type_is_refused_with_the_accepted_list() -> None:
    with pytest.raises(UnsupportedMediaType, match=r"image format 'bmp'.*webp"):
        classify("image", "image/bmp", "bmp", "scan.bmp")


def test_content_nothing_recognised_is_refused() -> None:
    with pytest.raises(UnsupportedMediaType, match="could not recognise"):
        classify("image", None, None, "blob.bin")


def test_an_archive_is_not_a_document() -> None:
    with pytest.raises(UnsupportedMediaType, match="zip"):
        classify(None, "application/zip", "zip", "a.zip")


def test_audio_in_an_mp4_container_declared_as_audio_is_m4a() -> None:
    assert classify("audio", "video/mp4", "mp4", "song.m4a") == (AssetType.AUDIO, "m4a", "audio/mp4")


SPEC_FORMATS: dict[str, dict[str, str]] = {
    "image": {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "gif": "image/gif",
    },
    "video": {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "mkv": "video/x-matroska"},
    "audio": {
        "mp3": "audio/mpeg",
        "wav": "audio/wav",
        "ogg": "audio/ogg",
        "aac": "audio/aac",
        "m4a": "audio/mp4",
    },
    "document": {"pdf": "application/pdf", "txt": "text/plain"},
}
"""SPEC §4 Assets, written out: the allowed formats per type (with the MIME type a sniffer reports)."""


@pytest.mark.parametrize(("kind", "fmt"), [(k, f) for k, formats in SPEC_FORMATS.items() for f in formats])
def test_every_format_spec_allows_is_accepted_as_its_type(kind: str, fmt: str) -> None:
    mime = SPEC_FORMATS[kind][fmt]
    accepted_kind, accepted_format, _ = classify(kind, mime, fmt, f"file.{fmt}")
    assert accepted_kind is AssetType(kind)
    assert accepted_format in SPEC_FORMATS[kind], f"{fmt} stored as {accepted_format}"


def test_no_format_beyond_specs_list_is_accepted() -> None:
    assert {k.value: set(v) for k, v in ALLOWED_FORMATS.items()} == {
        k: set(v) for k, v in SPEC_FORMATS.items()
    }
    assert set(CONTENT_TYPES) <= {f for formats in SPEC_FORMATS.values() for f in formats}


def test_an_unknown_sniffed_extension_falls_back_to_the_sniffed_mime_type() -> None:
    assert classify("audio", "audio/mpeg", "koz", "song.mp3") == (AssetType.AUDIO, "mp3", "audio/mpeg")
    assert classify(None, "", "jfif", None) == (AssetType.IMAGE, "jpg", "image/jpeg")
