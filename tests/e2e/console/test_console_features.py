"""The console's other features (SPEC §12), each in a real headless Chromium, elements found by
role and label: signing in by keyboard alone and with email and password, signing out, brand
guidelines (set, shown as swatches, cleared, refused when not colours), campaigns, a brief's
errors next to its fields, deleting a scene, rejecting with feedback, the jobs list's status
filter and pages, and no sideways scrolling at 375 px."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.e2e.console.browser import (
    LONG,
    create_client,
    create_job,
    expect,
    in_browser,
    needs_chromium,
    no_horizontal_overflow,
    sign_in,
)
from tests.e2e.console.conftest import Console

pytestmark = needs_chromium


def test_a_keyboard_alone_signs_in_and_out(served: Console) -> None:
    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        page.goto(f"{served.base_url}/app")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_hidden()
        # skip link, the console's name, then the key: the hidden menu takes no focus
        for _ in range(3):
            page.keyboard.press("Tab")
        expect(page.get_by_label("API key")).to_be_focused()
        page.keyboard.type(served.key)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible()
        # the page moved focus to its content; the menu's last item is one step back
        page.keyboard.press("Shift+Tab")
        expect(sign_out).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Signed out.")
        expect(sign_out).to_be_hidden()
        page.context.close()

    in_browser(walk)


def test_email_and_password_sign_in_and_signing_out_forgets_the_session(served: Console) -> None:
    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        page.goto(f"{served.base_url}/app")
        page.get_by_label("Email").fill(served.email)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in with password").click()
        expect(page.get_by_role("status")).to_have_text("Email or password not accepted.")
        # a refused sign-in keeps what was typed: only the password needs typing again
        expect(page.get_by_label("Email")).to_have_value(served.email)
        page.get_by_label("Password").fill(served.password)
        page.get_by_role("button", name="Sign in with password").click()
        # password hashing is slow on purpose
        expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=LONG)
        # the token works for the API calls behind the page: the second tenant's (empty) clients
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
        expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        # signed out means signed out: a page of the console now asks to sign in again
        page.goto(f"{served.base_url}/app/clients")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        page.context.close()

    in_browser(walk)


def test_brand_guidelines_are_shown_changed_cleared_and_checked_and_campaigns_added(
    served: Console,
) -> None:
    client = create_client(
        served.base_url,
        served.key,
        "Northwind",
        brandGuidelines={"colors": ["#000000"], "tone": "calm", "fonts": ["Inter"]},
    )
    url = f"{served.base_url}/api/v3/clients/{client['id']}"

    def stored() -> dict[str, Any]:
        guidelines: dict[str, Any] = httpx.get(url, headers={"X-API-Key": served.key}).json()["data"][
            "brandGuidelines"
        ]
        return guidelines

    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        sign_in(page, served.base_url, served.key)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
        card = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="Northwind", exact=True)
        )
        swatches = card.get_by_role("list", name="Swatches of Northwind").get_by_role("listitem")
        colours, tone = (
            page.get_by_label("Brand colours of Northwind"),
            page.get_by_label("Tone of Northwind"),
        )
        expect(swatches).to_have_text(["#000000"])

        colours.fill("#ff5500, navy")
        tone.fill("bold")
        page.get_by_role("button", name="Save Northwind").click()
        expect(page.get_by_role("status")).to_have_text("Brand guidelines of Northwind saved.")
        expect(swatches).to_have_text(["#ff5500", "navy"])
        painted = swatches.evaluate_all(
            "items => items.map(i => getComputedStyle(i.firstElementChild).backgroundColor)"
        )
        assert painted == ["rgb(255, 85, 0)", "rgb(0, 0, 128)"]
        assert stored() == {**stored(), "colors": ["#ff5500", "navy"], "tone": "bold", "fonts": ["Inter"]}

        # emptied fields clear what was saved; fonts, which the page does not edit, stay
        colours.fill("")
        tone.fill("")
        page.get_by_role("button", name="Save Northwind").click()
        expect(page.get_by_role("status")).to_have_text("Brand guidelines of Northwind saved.")
        expect(swatches).to_have_count(0)
        expect(colours).to_have_value("")
        expect(tone).to_have_value("")
        guidelines = stored()
        assert (guidelines["colors"], guidelines["tone"], guidelines["fonts"]) == ([], None, ["Inter"])

        # a word that is no colour is refused next to its field, and nothing is saved
        colours.fill("#123456, notacolour")
        page.get_by_role("button", name="Save Northwind").click()
        expect(colours).to_have_attribute("aria-invalid", "true")
        expect(colours).to_have_accessible_description(re.compile(r"Not a colour: notacolour\b"))
        expect(page.get_by_role("status")).to_have_text("Some fields need attention.")
        assert stored()["colors"] == []

        card.get_by_label("New campaign for Northwind").fill("Spring launch")
        card.get_by_role("button", name="Add campaign").click()
        expect(page.get_by_role("status")).to_have_text("Campaign Spring launch created.")
        campaigns = card.get_by_role("list", name="Campaigns of Northwind").get_by_role("listitem")
        expect(campaigns).to_have_text(["Spring launch (draft)"])
        page.context.close()

    in_browser(walk)


def test_a_brief_with_mistakes_shows_each_error_next_to_its_field(served: Console) -> None:
    create_client(served.base_url, served.key, "Errata")

    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        sign_in(page, served.base_url, served.key)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="New brief").click()
        expect(page.get_by_role("heading", name="New brief", exact=True)).to_be_visible()
        page.get_by_label("Client", exact=True).select_option(label="Errata")
        page.get_by_label("Product").fill("Rain jacket")
        page.get_by_label("Key message").fill("   ")
        page.get_by_label("Style").fill("calm")
        page.get_by_label("Duration").fill("500")
        page.get_by_role("button", name="Create storyboard").click()

        missing = re.compile(r"required|empty", re.IGNORECASE)
        for label, error in [
            ("Target audience", missing),
            ("Key message", missing),
            ("Call to action", missing),
            ("Duration", re.compile(r"\b5\b.*\b120\b")),
        ]:
            control = page.get_by_label(label, exact=True)
            expect(control).to_have_attribute("aria-invalid", "true")
            expect(control).to_have_accessible_description(error)
        for label in ["Product", "Style", "Format"]:
            expect(page.get_by_label(label, exact=True)).not_to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Target audience")).to_be_focused()
        expect(page.get_by_role("heading", name="New brief", exact=True)).to_be_visible()

        # fixing the fields clears their errors and creates the job
        page.get_by_label("Target audience").fill("Hikers")
        page.get_by_label("Key message").fill("Dry in any storm")
        page.get_by_label("Call to action").fill("Try it on")
        page.get_by_label("Duration").fill("15")
        page.get_by_role("button", name="Create storyboard").click()
        expect(page.get_by_role("heading", name="Rain jacket")).to_be_visible(timeout=LONG)
        page.context.close()

    in_browser(walk)


def test_a_reviewer_deletes_a_scene_and_rejects_the_storyboard_with_feedback(served: Console) -> None:
    client = create_client(served.base_url, served.key, "Deleters")
    job = create_job(served.base_url, served.key, client["id"])
    count = len(job["scenes"])

    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, served.base_url, served.key)

        def first_scene_without_frame(route: Any) -> None:
            # as a job planned without an image provider shows it: scene 1 has no frame
            answer = route.fetch()
            body = answer.json()
            body["data"]["scenes"][0]["previewUrl"] = None
            route.fulfill(response=answer, json=body)

        job_url = f"**/api/v3/jobs/{job['id']}"
        page.route(job_url, first_scene_without_frame)
        page.goto(f"{served.base_url}/app/jobs/{job['id']}")
        scenes = page.get_by_role("article", name=re.compile(r"^Scene \d+$"))
        expect(scenes).to_have_count(count)
        first = page.get_by_role("article", name="Scene 1")
        expect(first).to_contain_text("No frame yet")
        expect(first.get_by_role("img")).to_have_count(0)
        expect(
            page.get_by_role("article", name="Scene 2").get_by_role("img", name="Frame of Scene 2")
        ).to_be_visible()
        page.unroute(job_url)
        page.get_by_role("article", name=f"Scene {count}").get_by_role("button", name="Delete").click()
        expect(page.get_by_role("status")).to_have_text(f"Scene {count} deleted.")
        expect(scenes).to_have_count(count - 1)
        left = httpx.get(f"{served.base_url}/api/v3/jobs/{job['id']}", headers={"X-API-Key": served.key})
        assert len(left.json()["data"]["scenes"]) == count - 1

        page.get_by_label("Feedback on the whole storyboard").fill("More close-ups of the sole")
        with page.expect_request(lambda r: r.url.endswith("/actions") and r.method == "POST") as sent:
            page.get_by_role("button", name="Reject").click()
        assert json.loads(sent.value.post_data or "{}") == {
            "action": "reject_storyboard",
            "feedback": "More close-ups of the sole",
        }
        expect(page.get_by_role("status")).to_have_text("reject storyboard: done.")
        # the storyboard is planned again from the feedback and comes back for review
        expect(page.get_by_role("button", name="Approve")).to_be_visible(timeout=LONG)
        expect(page.get_by_role("main")).to_contain_text("Status: storyboard ready")
        page.context.close()

    in_browser(walk)


def test_the_jobs_list_filters_by_status_and_pages(served: Console) -> None:
    # the second tenant's jobs only: three of them, one cancelled
    client = create_client(served.base_url, served.user_key, "Pager")
    jobs = [create_job(served.base_url, served.user_key, client["id"], wait=False) for _ in range(3)]
    cancelled = httpx.post(
        f"{served.base_url}/api/v3/jobs/{jobs[0]['id']}/actions",
        json={"action": "cancel"},
        headers={"X-API-Key": served.user_key},
    )
    assert cancelled.status_code == 200, cancelled.text

    def walk(browser: Any) -> None:
        page = browser.new_context().new_page()
        sign_in(page, served.base_url, served.user_key)
        page.goto(f"{served.base_url}/app/jobs?limit=2")
        table = page.get_by_role("table")
        body_rows = table.get_by_role("row").filter(has=page.get_by_role("cell"))
        pages = page.get_by_role("navigation", name="Pages")
        expect(table).to_contain_text("3 jobs")
        expect(body_rows).to_have_count(2)
        expect(pages).to_contain_text("Page 1 of 2")
        expect(pages.get_by_role("button", name="Previous")).to_be_disabled()
        pages.get_by_role("button", name="Next").click()
        expect(pages).to_contain_text("Page 2 of 2")
        expect(body_rows).to_have_count(1)
        expect(pages.get_by_role("button", name="Next")).to_be_disabled()
        pages.get_by_role("button", name="Previous").click()
        expect(pages).to_contain_text("Page 1 of 2")
        expect(body_rows).to_have_count(2)

        page.get_by_label("Status").select_option(label="cancelled")
        expect(table).to_contain_text("1 jobs")
        expect(body_rows).to_have_count(1)
        expect(body_rows.get_by_role("cell").nth(1)).to_have_text("cancelled")
        expect(page.get_by_label("Status")).to_have_value("cancelled")
        page.reload()  # the address holds the filter
        expect(table).to_contain_text("1 jobs")
        expect(page.get_by_label("Status")).to_have_value("cancelled")
        page.get_by_label("Status").select_option(label="All")
        expect(table).to_contain_text("3 jobs")
        page.context.close()

    in_browser(walk)


def test_no_page_scrolls_sideways_at_375_px(served: Console) -> None:
    client = create_client(served.base_url, served.key, "Narrow screens with a rather long client name")
    job = create_job(served.base_url, served.key, client["id"])

    def walk(browser: Any) -> None:
        page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
        page.goto(f"{served.base_url}/app")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        no_horizontal_overflow(page)
        sign_in(page, served.base_url, served.key)
        no_horizontal_overflow(page)
        for link, heading in [("Clients", "Clients"), ("New brief", "New brief")]:
            page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            no_horizontal_overflow(page)
        page.goto(f"{served.base_url}/app/jobs/{job['id']}")
        expect(page.get_by_role("button", name="Approve")).to_be_visible()
        no_horizontal_overflow(page)
        page.context.close()

    in_browser(walk)
