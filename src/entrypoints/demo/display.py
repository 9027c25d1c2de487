"""What the demo shows while it waits: a spinner for planning, tables of scenes, a render progress bar."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from v3core.model import Job, JobStatus, Scene
from v3core.services.jobs import FollowJobEvents, GetJob, JobView, WaitForStoryboard

PLANNING_TIMEOUT_SECONDS = 60.0
RENDER_TIMEOUT_SECONDS = 300.0


class DemoFailed(Exception):
    """The demo job failed (or stalled): its stable error code, message and the step."""

    def __init__(self, job_id: str, code: str, message: str, step: str) -> None:
        super().__init__(f"job {job_id} failed during {step}: [{code}] {message}")
        self.job_id = job_id
        self.code = code
        self.message = message
        self.step = step

    @classmethod
    def of(cls, job: Job, step: str) -> DemoFailed:
        """The failure of ``job`` (its recorded error; a cancelled job says so)."""
        if job.error is not None:
            return cls(job.id, job.error.code, job.error.message, job.error.step)
        return cls(job.id, job.status.value, f"the job ended {job.status.value}", step)


async def wait_for_storyboard(wait: WaitForStoryboard, owner: str, job_id: str, console: Console) -> JobView:
    """Until planning is over (woken by the job's events); the job in review (``DemoFailed``
    when it failed or stalled)."""
    with console.status("Planning the storyboard..."):
        view = await wait.execute(owner, job_id, PLANNING_TIMEOUT_SECONDS)
    if view is None:
        raise DemoFailed(job_id, "timeout", "planning took too long", "storyboard_generation")
    if view.job.status != JobStatus.STORYBOARD_READY:
        raise DemoFailed.of(view.job, "storyboard_generation")
    return view


async def render_with_progress(
    follow: FollowJobEvents, get_job: GetJob, owner: str, job_id: str, console: Console
) -> Job:
    """Follow the rendering job's events, feeding its progress to a bar; the completed job or
    ``DemoFailed``."""
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("Rendering", total=100)
        try:
            async with asyncio.timeout(RENDER_TIMEOUT_SECONDS):
                async for event in follow.follow(owner, job_id):
                    progress = None if event is None else event.data.get("progress")
                    if event is not None and isinstance(progress, dict):
                        done = 100 if event.data.get("status") == "completed" else progress["percent"]
                        bar.update(task, completed=done, description=progress["message"])
        except TimeoutError:
            raise DemoFailed(job_id, "timeout", "rendering took too long", "video_rendering") from None
    job = (await get_job.execute(owner, job_id)).job
    if job.status != JobStatus.COMPLETED:
        raise DemoFailed.of(job, "video_rendering")
    return job


def _visual(scene: Scene, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(a, a[:8]) for a in scene.asset_ids) or "title card"


def _story(scene: Scene) -> Text:
    text = Text(scene.description)
    if scene.script:
        text.append(f"\n“{scene.script}”", style="italic")
    return text


def storyboard_table(scenes: tuple[Scene, ...], title: str, names: Mapping[str, str]) -> Table:
    """One row per scene: number, seconds, shot, transition, visual (asset name), description and script."""
    total = sum(s.duration for s in scenes)
    table = Table(title=title, caption=f"{len(scenes)} scenes, {total:g} s in total", show_lines=True)
    for name in ("#", "Sec", "Shot", "Transition", "Visual"):
        table.add_column(name, no_wrap=True)
    table.add_column("Description / script", ratio=1, overflow="fold")
    for s in scenes:
        table.add_row(
            str(s.number), f"{s.duration:g}", s.shot_type, s.transition, _visual(s, names), _story(s)
        )
    return table


def scene_change_table(before: Scene, after: Scene, feedback: str, names: Mapping[str, str]) -> Table:
    """Scene ``before`` and its regenerated version side by side."""
    table = Table(title=f'Scene {after.number} regenerated: "{feedback}"', show_lines=True)
    table.add_column("Field", no_wrap=True)
    table.add_column("Before", ratio=1, overflow="fold")
    table.add_column("After", ratio=1, overflow="fold")
    rows = (
        ("Seconds", f"{before.duration:g}", f"{after.duration:g}"),
        ("Shot", before.shot_type, after.shot_type),
        ("Transition", before.transition, after.transition),
        ("Visual", _visual(before, names), _visual(after, names)),
        ("Description", before.description, after.description),
        ("Script", before.script, after.script),
        ("Version", str(before.version), str(after.version)),
    )
    for field, old, new in rows:
        table.add_row(field, Text(old), Text(new, style="bold" if new != old else ""))
    return table
