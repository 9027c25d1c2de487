"""Running Playwright's sync API from pytest, and small steps every console test shares."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("Debian's chromium is missing and CI is set (.ci/run installs it)", pytrace=False)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI not set)"
)

LONG = 60_000
"""ms: how long an expectation waits for what a job does in the background (the suite runs
with other tests on two shared cores)."""

BRIEF: dict[str, Any] = {
    "adBasics": {
        "product": "Trail shoe",
        "targetAudience": "Weekend runners",
        "keyMessage": "Grip on any ground",
        "callToAction": "Shop now",
    },
    "creative": {"direction": {"style": "energetic"}, "videoSpecs": {"duration": 12, "format": "16:9"}},
}


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


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page: Any, base_url: str, key: str) -> None:
    """Sign in with an API key and wait for the jobs page."""
    page.goto(f"{base_url}/app")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible()


def no_horizontal_overflow(page: Any) -> None:
    """The page is no wider than the window (nothing to scroll sideways)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] == widths[1], f"{page.url}: content {widths[0]} px wide in a {widths[1]} px window"


def create_client(base_url: str, key: str, name: str, **fields: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{base_url}/api/v3/clients", json={"name": name, **fields}, headers={"X-API-Key": key}
    )
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def create_job(base_url: str, key: str, client_id: str, *, wait: bool = True) -> dict[str, Any]:
    """A job of ``BRIEF``; with ``wait``, planned (storyboard_ready) before this returns."""
    headers = {"X-API-Key": key, **({"Prefer": "wait=60"} if wait else {})}
    body = {"context": {"clientId": client_id}, **BRIEF}
    answer = httpx.post(f"{base_url}/api/v3/jobs", json=body, headers=headers, timeout=90)
    assert answer.status_code in (201, 202), answer.text
    data: dict[str, Any] = answer.json()["data"]
    if wait:
        assert data["status"] == "storyboard_ready", data["status"]
    return data
