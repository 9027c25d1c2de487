"""Names and tags of new assets."""

from __future__ import annotations

import pytest

from v3core.errors import ValidationFailed
from v3core.services.assets import clean_name, clean_tags, thumbnail_blob_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\logo.png", "logo.png"),
        ("bad\x00na\nme\x1b.png", "badname.png"),
        ("  spaced.jpg  ", "spaced.jpg"),
        ("", "image.png"),
        (None, "image.png"),
        ("/", "image.png"),
    ],
)
def test_strips_path_parts_and_control_characters_from_names(raw: str | None, expected: str) -> None:
    assert clean_name(raw, "image.png") == expected


def test_caps_names_at_255_characters() -> None:
    assert len(clean_name("x" * 1000, "f")) == 255


def test_trims_and_deduplicates_tags_in_order() -> None:
    assert clean_tags((" hero ", "logo", "hero", "", "  ")) == ("hero", "logo")


def test_refuses_too_many_or_too_long_tags() -> None:
    with pytest.raises(ValidationFailed):
        clean_tags(tuple(f"t{i}" for i in range(51)))
    with pytest.raises(ValidationFailed) as err:
        clean_tags(("ok", "x" * 65))
    assert err.value.details[0].loc == ("tags", 1)


def test_derives_a_distinct_thumbnail_key_per_blob() -> None:
    a, b = thumbnail_blob_id("a" * 64), thumbnail_blob_id("b" * 64)
    assert a != b
    assert len(a) == 64
