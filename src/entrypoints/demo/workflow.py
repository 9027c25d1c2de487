"""The demo workflow, as an embedding program would drive it: use cases from the container only."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console

from entrypoints.container import Container
from entrypoints.demo.display import (
    DemoFailed,
    render_with_progress,
    scene_change_table,
    storyboard_table,
    wait_for_storyboard,
)
from entrypoints.demo.media import BRAND_COLORS, product_png
from v3core.model import Asset, BrandGuidelines, Campaign, Client, Job
from v3core.services.accounts import CreateUserCommand
from v3core.services.assets import AssetDraft
from v3core.services.campaigns import CreateCampaignCommand
from v3core.services.clients import CreateClientCommand
from v3core.services.jobs import CreateJobCommand, JobActionCommand, RegenerateSceneCommand

FEEDBACK = "make it a close-up of the product"
PRODUCT = "Aurora Sparkling Water"
SCENE_COUNT = 4


def demo_brief(client_id: str, campaign_id: str, asset_id: str, duration: float) -> dict[str, Any]:
    """The brief the demo job is created from (the body ``POST /jobs`` would take)."""
    return {
        "context": {"clientId": client_id, "campaignId": campaign_id},
        "adBasics": {
            "product": PRODUCT,
            "targetAudience": "health-minded commuters aged 25-40",
            "keyMessage": "All the sparkle, none of the sugar",
            "callToAction": "Grab a can at aurora.example",
        },
        "creative": {
            "direction": {"style": "bright, clean product showcase", "tone": "upbeat"},
            "videoSpecs": {"duration": duration, "format": "16:9", "resolution": "1280x720"},
            "assets": [{"assetId": asset_id, "type": "image", "role": "product_shot"}],
        },
        "advanced": {"sceneCount": SCENE_COUNT},
    }


async def _png_chunks() -> AsyncIterator[bytes]:
    yield product_png()


@attrs.frozen
class DemoLibrary:
    """What the demo sets up before the job: its tenant, client, campaign and product image."""

    owner_id: str
    client: Client
    campaign: Campaign
    asset: Asset


async def set_up_library(container: Container) -> DemoLibrary:
    """A fresh demo user with a branded client, a campaign and the product image ingested."""
    email = f"demo-{secrets.token_hex(4)}@demo.v3.invalid"
    owner = (await container.create_user().execute(CreateUserCommand(email))).id
    guidelines = BrandGuidelines(colors=BRAND_COLORS, tone="upbeat, fresh")
    client = await container.create_client().execute(
        CreateClientCommand(
            owner, "Aurora Beverages", "Sparkling water without sugar", brand_guidelines=guidelines
        )
    )
    campaign = await container.create_campaign().execute(
        CreateCampaignCommand(owner, client.id, "Summer launch", goal="awareness")
    )
    draft = AssetDraft(owner, "aurora-can.png", "image", client.id, campaign.id, ("demo", "product"))
    asset = await container.upload_asset().from_stream(draft, _png_chunks(), "aurora-can.png")
    return DemoLibrary(owner, client, campaign, asset)


async def run_demo(container: Container, console: Console, output: Path, duration: float) -> Job:
    """Run the workflow as an embedding program would; the completed job (``DemoFailed`` otherwise)."""
    lib = await set_up_library(container)
    owner, asset = lib.owner_id, lib.asset
    console.print(
        f"client [bold]{lib.client.name}[/] (colours {', '.join(BRAND_COLORS)}), "
        f"campaign [bold]{lib.campaign.name}[/], asset {asset.name} "
        f"({asset.width}x{asset.height} {asset.format}, {asset.size} bytes)"
    )
    body = demo_brief(lib.client.id, lib.campaign.id, asset.id, duration)
    job_id = (await container.create_job().execute(CreateJobCommand(owner, body))).job.id
    console.print(f"job {job_id} created from the brief")
    view = await wait_for_storyboard(container.wait_for_storyboard(), owner, job_id, console)
    names = {asset.id: asset.name}
    console.print(storyboard_table(view.scenes, f"Storyboard of {PRODUCT}", names))

    target = next((s for s in view.scenes if asset.id in s.asset_ids), view.scenes[0])
    constraints = {"mustIncludeAssets": [asset.id]}
    changed = await container.regenerate_scene().execute(
        RegenerateSceneCommand(owner, job_id, str(target.number), FEEDBACK, constraints)
    )
    console.print(scene_change_table(target, changed, FEEDBACK, names))

    await container.apply_job_action().execute(JobActionCommand(owner, job_id, "approve"))
    console.print("storyboard approved; rendering")
    job = await render_with_progress(
        container.follow_job_events(), container.get_job(), owner, job_id, console
    )
    await _copy_video(container, owner, job, output)
    return job


async def _copy_video(container: Container, owner: str, job: Job, output: Path) -> None:
    if job.video_asset_id is None:
        raise DemoFailed(job.id, "no_video", "the job completed without a video", "video_rendering")
    video = await container.get_asset().execute(owner, job.video_asset_id)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as handle:
        async for chunk in container.blob_store().read(video.blob_id):
            await asyncio.to_thread(handle.write, chunk)
    partial.replace(output)
