"""The brief: exactly the SPEC's required fields, the seed's minimal body accepted (gaps report, issue 1)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given

from v3core.brief import brief_to_dict, parse_brief
from v3core.errors import ValidationFailed
from v3core.testing.strategies import SEED_MINIMAL_BRIEF, raw_briefs

from .invariants import PROPERTY

SEED_CURL_BODY = (
    '{"context":{"clientId":"test"},"adBasics":{"product":"P","targetAudience":"A","keyMessage":"M",'
    '"callToAction":"C"},"creative":{"direction":{"style":"S"}}}'
)
REQUIRED = [
    ("context", "clientId"),
    ("adBasics", "product"),
    ("adBasics", "targetAudience"),
    ("adBasics", "keyMessage"),
    ("adBasics", "callToAction"),
    ("creative", "direction", "style"),
]


def without(path: tuple[str, ...]) -> dict[str, Any]:
    body = copy.deepcopy(SEED_MINIMAL_BRIEF)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return body


def refusal(body: Any) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationFailed) as refused:
        parse_brief(body)
    return [d.loc for d in refused.value.details]


def test_the_seed_minimal_body_is_accepted() -> None:
    brief = parse_brief(json.loads(SEED_CURL_BODY))
    assert brief.context.client_id == "test"
    assert brief.ad_basics.call_to_action == "C"
    assert brief.creative.direction.style == "S"
    assert brief.creative.video_specs.duration == 30


def test_user_id_tone_and_visual_elements_really_are_optional() -> None:
    brief = parse_brief(SEED_MINIMAL_BRIEF)
    assert brief.context.user_id is None
    assert brief.creative.direction.tone is None
    assert brief.creative.direction.visual_elements == ()


def test_optional_fields_are_kept_when_given() -> None:
    body = copy.deepcopy(SEED_MINIMAL_BRIEF)
    body["context"]["userId"] = "u-1"
    body["creative"]["direction"] |= {"tone": "Warm", "visualElements": [" sun ", "sea"]}
    brief = parse_brief(body)
    assert (brief.context.user_id, brief.creative.direction.tone) == ("u-1", "Warm")
    assert brief.creative.direction.visual_elements == ("sun", "sea")


@pytest.mark.parametrize("path", REQUIRED)
def test_each_missing_required_field_is_rejected_with_its_path(path: tuple[str, ...]) -> None:
    assert refusal(without(path)) == [path]


@pytest.mark.parametrize("path", REQUIRED)
def test_a_blank_required_field_is_rejected_with_its_path(path: tuple[str, ...]) -> None:
    body = without(path)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = "  "
    assert refusal(body) == [path]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({**SEED_MINIMAL_BRIEF, "creative": {}}, ("creative", "direction")),
        ({**SEED_MINIMAL_BRIEF, "context": "test"}, ("context",)),
        (without(("adBasics",)), ("adBasics",)),
        (
            {
                **SEED_MINIMAL_BRIEF,
                "creative": {"direction": {"style": "S"}, "videoSpecs": {"duration": 500}},
            },
            ("creative", "videoSpecs", "duration"),
        ),
    ],
)
def test_malformed_sections_are_rejected_with_their_path(body: dict[str, Any], path: tuple[str, ...]) -> None:
    assert refusal(body) == [path]


def test_every_problem_is_reported_at_once() -> None:
    assert refusal({"context": {}, "adBasics": {"product": "P"}, "creative": {"direction": {}}}) == [
        ("context", "clientId"),
        ("adBasics", "targetAudience"),
        ("adBasics", "keyMessage"),
        ("adBasics", "callToAction"),
        ("creative", "direction", "style"),
    ]


@PROPERTY
@given(raw=raw_briefs())
def test_every_valid_body_parses_and_survives_a_round_trip(raw: dict[str, Any]) -> None:
    brief = parse_brief(raw)
    basics = raw["adBasics"]
    assert (brief.ad_basics.product, brief.ad_basics.call_to_action) == (
        basics["product"].strip(),
        basics["callToAction"].strip(),
    )
    assert brief.creative.direction.style == raw["creative"]["direction"]["style"].strip()
    specs = raw["creative"].get("videoSpecs", {})
    assert brief.creative.video_specs.duration == specs.get("duration", 30)
    assert brief.creative.video_specs.format == specs.get("format", "16:9")
    assert parse_brief(brief_to_dict(brief)) == brief
