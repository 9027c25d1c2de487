"""The review console (SPEC §12) walked in a real headless Chromium, finding every element by
role and label as a person with a screen reader would: sign in, create a client, fill a brief,
review 3-7 scene cards with their generated frames, edit scene 2, regenerate scene 3 with
feedback, approve, watch the progress reach completed (through a dropped event stream), play
the video with its captions and download it. Screenshots of each step go to docs/console/ when
``UPDATE_CONSOLE_SHOTS=1`` (docs/testing.md), else to the test's temporary folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import av
import httpx

from tests.e2e.console.browser import LONG, expect, in_browser, needs_chromium, no_horizontal_overflow, shot
from tests.e2e.console.conftest import Console

pytestmark = needs_chromium


def _frames_are_shown(scenes: Any, count: int) -> None:
    """Every scene card shows its generated frame, decoded by the browser."""
    for number in range(1, count + 1):
        frame = scenes.page.get_by_role("article", name=f"Scene {number}").get_by_role(
            "img", name=f"Frame of Scene {number}"
        )
        expect(frame).to_be_visible(timeout=LONG)
        frame.evaluate("img => img.decode()")
        assert frame.evaluate("img => img.naturalWidth") > 0


def test_a_reviewer_takes_a_brief_to_a_playing_video(served: Console, shots: Path, tmp_path: Path) -> None:
    server, key = served.server, served.key

    def walk(browser: Any) -> None:
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())

        page.goto(f"{server.base_url}/app")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        # signed out there is nothing to sign out of, and no page to go to
        expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        expect(page.get_by_role("link", name="Clients")).to_be_hidden()
        shot(page, shots, "01-sign-in")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
        page.get_by_label("Client name", exact=True).fill("Acme Shoes")
        page.get_by_label("Brand colours", exact=True).fill("#ff5500, #14161a")
        page.get_by_role("button", name="Create client").click()
        expect(page.get_by_role("heading", name="Acme Shoes")).to_be_visible()
        shot(page, shots, "02-clients")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="New brief").click()
        # the console renders pages client-side: wait for the brief page before touching its fields
        expect(page.get_by_role("heading", name="New brief", exact=True)).to_be_visible()
        page.get_by_label("Client", exact=True).select_option(label="Acme Shoes")
        page.get_by_label("Product").fill("Trail shoe")
        page.get_by_label("Target audience").fill("Weekend runners")
        page.get_by_label("Key message").fill("Grip on any ground")
        page.get_by_label("Call to action").fill("Shop now")
        page.get_by_label("Style").fill("energetic")
        page.get_by_label("Duration").fill("12")
        page.get_by_label("Format").select_option("16:9")
        expect(page.get_by_label("Estimated cost")).to_have_text(re.compile(r"^[0-9.]+ USD$"))
        shot(page, shots, "03-brief")
        page.get_by_role("button", name="Create storyboard").click()

        scenes = page.get_by_role("article", name=re.compile(r"^Scene \d+$"))
        expect(page.get_by_role("button", name="Approve")).to_be_visible(timeout=LONG)
        count = scenes.count()
        assert 3 <= count <= 7
        _frames_are_shown(scenes, count)
        shot(page, shots, "04-storyboard-review")

        job_id = page.url.rsplit("/", 1)[1]
        messages = page.get_by_role("status")
        # someone else edits scene 2 first: the reviewer's save must show their change, not overwrite it
        theirs = httpx.put(
            f"{server.base_url}/api/v3/jobs/{job_id}/scenes/2",
            json={"script": "Their change."},
            headers={"X-API-Key": key, "If-Match": '"v1"'},
        )
        assert theirs.status_code == 200, theirs.text
        second = page.get_by_role("article", name="Scene 2")
        second.get_by_label("Script").fill("Mud, rock, rain: one shoe.")
        second.get_by_role("button", name="Save").click()
        expect(messages).to_contain_text("changed by someone else")
        expect(second.get_by_label("Script")).to_have_value("Their change.")
        second.get_by_label("Script").fill("Mud, rock, rain: one shoe.")
        second.get_by_role("button", name="Save").click()
        expect(messages).to_have_text("Scene 2 saved.")
        saved = page.get_by_role("article", name="Scene 2").get_by_label("Script")
        expect(saved).to_have_value("Mud, rock, rain: one shoe.")
        shot(page, shots, "05-scene-2-edited")

        third = page.get_by_role("article", name="Scene 3")
        before = third.get_by_label("Script").input_value()
        third.get_by_label("Feedback").fill("closer on the sole")
        third.get_by_role("button", name="Regenerate").click()
        expect(messages).to_have_text("Scene 3 regenerated.")
        scene_url = f"{server.base_url}/api/v3/jobs/{job_id}/scenes/3"
        scene = httpx.get(scene_url, headers={"X-API-Key": key}).json()["data"]
        assert scene["version"] > 1 or scene["script"] != before
        _frames_are_shown(scenes, count)
        shot(page, shots, "06-scene-3-regenerated")

        # the first event stream breaks after one event: the console must resume after it
        streams: list[dict[str, str]] = []

        def drop_the_first_stream(route: Any) -> None:
            streams.append(route.request.headers)
            if len(streams) == 1:
                route.fulfill(status=200, headers={"content-type": "text/event-stream"}, body="id: 1\n\n")
            else:
                route.continue_()

        page.route(f"**/api/v3/jobs/{job_id}/events", drop_the_first_stream)
        page.get_by_role("button", name="Approve").click()
        main = page.get_by_role("main")
        expect(main).to_contain_text("Status: video processing")
        progress = page.get_by_role("progressbar", name="Progress")
        expect(progress).to_be_visible()
        # approved scenes are locked: nothing left to give feedback on
        expect(page.get_by_role("article", name="Scene 1").get_by_label("Feedback")).to_be_disabled()
        _frames_are_shown(scenes, count)
        expect(messages).to_have_text("", timeout=LONG)  # reconnected: the notice is gone
        shot(page, shots, "07-progress")

        expect(main).to_contain_text("Status: completed", timeout=3 * LONG)
        expect(progress).to_have_js_property("value", 100)
        assert len(streams) >= 2
        assert "last-event-id" not in streams[0]
        assert streams[1].get("last-event-id") == "1"

        video = page.get_by_label("Video of Trail shoe")
        expect(video).to_be_visible(timeout=LONG)
        duration = video.evaluate(
            "v => v.readyState >= 1 ? v.duration : new Promise(done => "
            "v.addEventListener('loadedmetadata', () => done(v.duration), { once: true }))"
        )
        assert duration > 0
        # the captions: one English track whose cues the browser parsed from the WebVTT
        tracks = video.evaluate("v => Array.from(v.textTracks, t => [t.kind, t.language, t.mode])")
        assert tracks == [["captions", "en", "showing"]]
        cues = video.evaluate(
            "v => new Promise(done => { const check = () => { const cues = v.textTracks[0].cues; "
            "if (cues && cues.length) done(Array.from(cues, c => c.text)); else setTimeout(check, 50); }; "
            "check(); })"
        )
        assert "Mud, rock, rain: one shoe." in " ".join(cues)
        expect(page.get_by_role("region", name="Video")).to_contain_text(re.compile(r"Cost: [0-9.]+ USD"))
        shot(page, shots, "08-video")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download video").click()
        download = download_info.value
        assert download.suggested_filename == "Trail shoe.mp4"
        saved_video = tmp_path / "downloaded.mp4"
        download.save_as(saved_video)
        with av.open(str(saved_video)) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == (1280, 720)
            assert sum(1 for _ in container.decode(stream)) > 0

        page.set_viewport_size({"width": 375, "height": 800})
        no_horizontal_overflow(page)
        shot(page, shots, "09-video-375px")
        assert errors == []
        context.close()

    in_browser(walk)


def test_the_console_shows_markup_as_text_and_forbids_inline_script(served: Console) -> None:
    server, key = served.server, served.key

    def walk(browser: Any) -> None:
        hostile = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
        created = httpx.post(
            f"{server.base_url}/api/v3/clients", json={"name": hostile[:200]}, headers={"X-API-Key": key}
        )
        assert created.status_code == 201
        context = browser.new_context(viewport={"width": 375, "height": 800})
        page = context.new_page()
        response = page.goto(f"{server.base_url}/app")
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
        expect(page.get_by_role("heading", name=hostile[:200])).to_be_visible()
        assert page.evaluate("() => window.pwned === undefined")
        context.close()

    in_browser(walk)


def test_a_wrong_key_is_refused_with_a_message(served: Console) -> None:
    server = served.server

    def walk(browser: Any) -> None:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.base_url}/app")
        page.get_by_label("API key").fill("v3_not-a-key")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("That API key was not accepted.")
        context.close()

    in_browser(walk)
