"""Scene warnings at review time and WebVTT captions (SPEC §8 "Sound"), through the real app on
every backend."""

from __future__ import annotations

import html
from typing import Any

import webvtt

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import ready_job, wait_status

THIRTY_WORDS = " ".join(f"word{i}" for i in range(30))
MARKUP = "Save <b>big</b> --> now & later"


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


async def _put_scene(api: Api, job_id: str, number: int, **fields: Any) -> dict[str, Any]:
    response = await api.client.put(f"/api/v3/jobs/{job_id}/scenes/{number}", json=fields, headers=api.alice)
    assert response.status_code == 200, response.text
    scene: dict[str, Any] = response.json()["data"]
    return scene


async def test_a_script_too_long_for_its_scene_is_warned_about_at_review_time(api: Api) -> None:
    job = await ready_job(api, api.alice)
    jid = job["id"]

    edited = await _put_scene(api, jid, 2, script=THIRTY_WORDS, duration=4)
    short = await _put_scene(api, jid, 1, script="Run further.", duration=4)

    # 30 words at about 2.7 words per second need about 11 s, far more than 4 s.
    assert len(edited["warnings"]) == 1
    assert "too long" in edited["warnings"][0]
    assert "30 words" in edited["warnings"][0]
    assert short["warnings"] == []
    read = (await api.client.get(f"/api/v3/jobs/{jid}", headers=api.alice)).json()["data"]
    by_number = {s["sceneNumber"]: s for s in read["scenes"]}
    assert by_number[2]["warnings"] == edited["warnings"]
    assert by_number[1]["warnings"] == []
    listed = (await api.client.get(f"/api/v3/jobs/{jid}/scenes", headers=api.alice)).json()["data"]
    assert [s["warnings"] for s in listed] == [s["warnings"] for s in read["scenes"]]
    lengthened = await _put_scene(api, jid, 2, duration=12)
    assert lengthened["warnings"] == [], "30 words fit in 12 s: the warning goes with the problem"


async def test_the_openapi_schema_documents_scene_warnings_and_the_captions_route(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    scene = schema["components"]["schemas"]["SceneOut"]
    assert scene["properties"]["warnings"]["type"] == "array"
    assert scene["properties"]["notes"]["type"] == "array"
    assert "voiceover" in scene["properties"]
    voiceover = schema["components"]["schemas"]["VoiceoverOut"]
    assert set(voiceover["properties"]) == {"offset", "duration", "plannedDuration"}
    assert schema["components"]["schemas"]["JobOut"]["properties"]["notes"]["type"] == "array"
    assert "lengthened" in scene["properties"]["notes"]["description"]
    operation = schema["paths"]["/api/v3/jobs/{job_id}/captions.vtt"]["get"]
    assert operation["operationId"] == "getJobCaptions"
    assert "text/vtt" in operation["responses"]["200"]["content"]


async def test_captions_are_404_before_the_video_and_for_another_tenant(api: Api) -> None:
    job = await ready_job(api, api.alice)
    url = f"/api/v3/jobs/{job['id']}/captions.vtt"

    early = await api.client.get(url, headers=api.alice)
    assert early.status_code == 404
    assert early.json()["meta"]["code"] == "not_found"
    missing = await api.client.get("/api/v3/jobs/no-such-job/captions.vtt", headers=api.alice)
    assert missing.status_code == 404
    assert (await api.client.head(url, headers=api.alice)).status_code == 404
    assert (
        await api.client.head("/api/v3/jobs/no-such-job/captions.vtt", headers=api.alice)
    ).status_code == 404
    assert (await api.client.get(url)).status_code == 401


async def test_the_captions_of_a_rendered_job_time_each_script_to_its_scene(api: Api) -> None:
    job = await ready_job(api, api.alice, videoSpecs={"duration": 9})
    jid = job["id"]
    await _put_scene(api, jid, 1, script=MARKUP)
    await _put_scene(api, jid, 2, script=THIRTY_WORDS, duration=4)
    scenes = (await api.client.get(f"/api/v3/jobs/{jid}/scenes", headers=api.alice)).json()["data"]
    approved = await api.client.post(
        f"/api/v3/jobs/{jid}/actions", headers=api.alice, json={"action": "approve"}
    )
    assert approved.status_code == 200, approved.text
    done = await wait_status(api, api.alice, jid, "completed", "failed")
    assert done["status"] == "completed", done["error"]

    response = await api.client.get(f"/api/v3/jobs/{jid}/captions.vtt", headers=api.alice)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/vtt; charset=utf-8"
    head = await api.client.head(f"/api/v3/jobs/{jid}/captions.vtt", headers=api.alice)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == response.headers["content-type"]
    assert head.headers["content-length"] == str(len(response.content))
    cues = webvtt.from_string(response.text).captions
    spans, start = [], 0.0
    for scene in scenes:
        spans.append((_ms(start), _ms(start + scene["duration"])))
        start += scene["duration"]
    expected_counts = [-(-len(s["script"].split()) // 12) for s in scenes]  # ceil(words / 12)
    assert len(cues) == sum(expected_counts)
    at = 0
    for scene, count, (begin, end) in zip(scenes, expected_counts, spans, strict=True):
        mine = cues[at : at + count]
        at += count
        for cue in mine:
            assert begin <= cue.start_time.in_milliseconds() < cue.end_time.in_milliseconds() <= end
            assert len(cue.text.split()) <= 12
        spoken = " ".join(html.unescape(cue.raw_text) for cue in mine)
        assert spoken.split() == scene["script"].split()
    assert html.unescape(cues[0].raw_text) == MARKUP
    assert [len(c.raw_text.split()) for c in cues[1:4]] == [10, 10, 10]

    bob = await api.client.get(f"/api/v3/jobs/{jid}/captions.vtt", headers=api.bob)
    assert bob.status_code == 404
    assert bob.json()["meta"]["code"] == "not_found"
