"""The review console (SPEC §12) walked in a real headless Chromium, finding every element by
role and label as a person with a screen reader would: sign in, create a client, fill a brief,
review 3-7 scene cards, edit scene 2, regenerate scene 3 with feedback, approve, watch the
progress reach completed and play the video. Screenshots of each step go to docs/console/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.jobs.server import ServeProcess

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "console"

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("Debian's chromium is missing and CI is set (.ci/run installs it)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (CI not set)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, str]]:
    root = tmp_path_factory.mktemp("console")
    server = ServeProcess(
        root, {"DATABASE_URL": f"sqlite:///{root / 'v3.db'}", "DATA_DIR": str(root / "data")}
    )
    key = server.start(timeout=120)
    assert key, "\n".join(server.lines)
    yield server, key
    server.kill()


def in_browser(walk: Callable[[Any], None]) -> None:
    """Run ``walk(browser)`` in its own thread: Playwright's sync API refuses to run where an
    asyncio loop is running, and the suite's session loop may be."""

    def run() -> None:
        with playwright_api.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                walk(chromium)
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_a_reviewer_takes_a_brief_to_a_playing_video(served: tuple[ServeProcess, str]) -> None:
    server, key = served

    def walk(browser: Any) -> None:
        expect = playwright_api.expect
        context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())

        page.goto(f"{server.base_url}/app")
        _shot(page, "01-sign-in")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", name="Jobs")).to_be_visible()

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
        page.get_by_label("Client name").fill("Acme Shoes")
        page.get_by_label("Brand colours").first.fill("#ff5500, #14161a")
        page.get_by_role("button", name="Create client").click()
        expect(page.get_by_role("heading", name="Acme Shoes")).to_be_visible()
        _shot(page, "02-clients")

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
        expect(page.get_by_text(re.compile(r"Estimated cost: [0-9.]+ USD"))).to_be_visible()
        _shot(page, "03-brief")
        page.get_by_role("button", name="Create storyboard").click()

        scenes = page.get_by_role("article", name=re.compile(r"^Scene \d+$"))
        expect(page.get_by_role("button", name="Approve")).to_be_visible(timeout=30_000)
        assert 3 <= scenes.count() <= 7
        _shot(page, "04-storyboard-review")

        job_id = page.url.rsplit("/", 1)[1]
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
        expect(page.get_by_role("status")).to_contain_text("changed by someone else")
        expect(second.get_by_label("Script")).to_have_value("Their change.")
        second.get_by_label("Script").fill("Mud, rock, rain: one shoe.")
        second.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Scene 2 saved.")
        saved = page.get_by_role("article", name="Scene 2").get_by_label("Script")
        expect(saved).to_have_value("Mud, rock, rain: one shoe.")

        third = page.get_by_role("article", name="Scene 3")
        before = third.get_by_label("Script").input_value()
        third.get_by_label("Feedback").fill("closer on the sole")
        third.get_by_role("button", name="Regenerate").click()
        expect(page.get_by_role("status")).to_have_text("Scene 3 regenerated.")
        scene_url = f"{server.base_url}/api/v3/jobs/{job_id}/scenes/3"
        scene = httpx.get(scene_url, headers={"X-API-Key": key}).json()["data"]
        assert scene["version"] > 1 or scene["script"] != before
        _shot(page, "05-scene-edited")

        page.get_by_role("button", name="Approve").click()
        video = page.locator("video")
        expect(video).to_be_visible(timeout=60_000)
        duration = page.wait_for_function(
            "() => { const v = document.querySelector('video'); "
            "return v && v.duration > 0 ? v.duration : null; }",
            timeout=30_000,
        ).json_value()
        assert duration > 0
        expect(page.get_by_text(re.compile(r"^Cost: [0-9.]+ USD"))).to_be_visible()
        _shot(page, "06-video")

        page.set_viewport_size({"width": 375, "height": 800})
        _shot(page, "07-video-375px")
        assert errors == []
        context.close()

    in_browser(walk)


def test_the_console_shows_markup_as_text_and_forbids_inline_script(served: tuple[ServeProcess, str]) -> None:
    server, key = served

    def walk(browser: Any) -> None:
        expect = playwright_api.expect
        hostile = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
        created = httpx.post(
            f"{server.base_url}/api/v3/clients", json={"name": hostile[:200]}, headers={"X-API-Key": key}
        )
        assert created.status_code == 201
        context = browser.new_context(viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
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


def test_a_wrong_key_is_refused_with_a_message(served: tuple[ServeProcess, str]) -> None:
    server, _ = served

    def walk(browser: Any) -> None:
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"{server.base_url}/app")
        page.get_by_label("API key").fill("v3_not-a-key")
        page.get_by_role("button", name="Sign in", exact=True).click()
        playwright_api.expect(page.get_by_role("status")).to_have_text("That API key was not accepted.")
        context.close()

    in_browser(walk)
