"""Content-Disposition values that cannot smuggle paths, quotes or header breaks."""

from __future__ import annotations

import pytest

from entrypoints.http.streaming import content_disposition


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("logo.png", "inline; filename=\"logo.png\"; filename*=UTF-8''logo.png"),
        ("../../etc/passwd", "inline; filename=\"passwd\"; filename*=UTF-8''passwd"),
        (
            'a"b\r\nSet-Cookie: x.txt',
            "inline; filename=\"a_bSet-Cookie_ x.txt\"; filename*=UTF-8''a%22bSet-Cookie%3A%20x.txt",
        ),
        ("résumé.pdf", "inline; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"),
        ("", "inline; filename=\"download\"; filename*=UTF-8''download"),
    ],
)
def test_makes_a_safe_header_value(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


def test_supports_attachment() -> None:
    assert content_disposition("x.mp4", "attachment").startswith("attachment; ")
