"""A dedicated app for schemathesis, with alice and one of each of her resources.

Schemathesis drives the app in-process through its ASGI transport, which runs the
app's lifespan on an event loop thread of its own; so this is not the session ``api``
fixture (whose objects live on pytest's loop). Alice is made by a startup hook on that
loop (users have no HTTP route); her resources are made over HTTP like a user would.
Carol, a second tenant, holds what the happy-path pass needs (``happy_paths``: a completed
job among them), and a local source server serves the files its URL imports fetch.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
import schemathesis
from litestar import Litestar
from schemathesis.python import asgi

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import e2e_settings
from tests.e2e.fuzz.happy_paths import HappyPaths, ReadyJobs
from tests.e2e.security.world import API, brief, png
from tests.integration.assets.server import SourceServer, running_source_server
from v3core.events import JobEvent
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand
from v3core.services.webhooks import CreateWebhookCommand

EMAIL = "fuzz-alice@example.test"
HAPPY_EMAIL = "fuzz-carol@example.test"


@attrs.define
class FuzzTarget:
    """The app under fuzzing, alice's auth headers and the ids of her resources."""

    app: Litestar
    headers: dict[str, str] = attrs.Factory(dict)
    ids: dict[str, str] = attrs.Factory(dict)
    answered: dict[str, set[int]] = attrs.Factory(dict)
    """Statuses seen per operation id (proof the fuzzer got past auth and lookups)."""
    happy_headers: dict[str, str] = attrs.Factory(dict)
    """Carol's auth headers: the tenant of the happy-path pass."""
    happy: HappyPaths | None = None
    """Hooks that carry valid references for the operations plain generation never gets right."""


def _make_resources(target: FuzzTarget) -> None:
    with asgi.get_client(target.app) as http:
        http.headers.update(target.headers)
        client = http.post(f"{API}/clients", json={"name": "Fuzz Co"}).json()["data"]
        campaign = http.post(f"{API}/campaigns", json={"clientId": client["id"], "name": "Fuzz"})
        asset = http.post(f"{API}/assets", files={"file": ("logo.png", png(), "image/png")})
        job = http.post(f"{API}/jobs", json=brief(client["id"]), headers={"Prefer": "wait=20"})
        assert job.status_code == 201, job.text
        # a key of its own, so that fuzzing its revocation never revokes the key the fuzzer uses
        key = http.post(f"{API}/auth/keys", json={"name": "fuzzed"}).json()["data"]["key"]
        target.ids.update(
            client_id=client["id"],
            campaign_id=campaign.json()["data"]["id"],
            asset_id=asset.json()["data"]["id"],
            job_id=job.json()["data"]["id"],
            scene_ref=job.json()["data"]["scenes"][0]["id"],
            key_id=key["id"],
        )


def _make_happy_resources(target: FuzzTarget, source: SourceServer) -> HappyPaths:
    """Carol's client, campaign, asset and completed job, for the happy-path pass: a tenant of
    her own, so that the fuzzing of alice's resources (deletes included) never touches them."""
    with asgi.get_client(target.app) as http:
        http.headers.update(target.happy_headers)
        client = http.post(f"{API}/clients", json={"name": "Happy Co"}).json()["data"]
        campaign = http.post(f"{API}/campaigns", json={"clientId": client["id"], "name": "Happy"})
        asset = http.post(f"{API}/assets", files={"file": ("logo.png", png(), "image/png")})
        ids = {
            "client_id": client["id"],
            "campaign_id": campaign.json()["data"]["id"],
            "asset_id": asset.json()["data"]["id"],
            "completed_job_id": _completed_job(http, client["id"]),
        }
    ready = ReadyJobs(target.app, dict(target.happy_headers), client["id"])
    return HappyPaths(ids, source.base, tuple(source.files), ready)


def _completed_job(http: Any, client_id: str) -> str:
    """A job of alice's taken to ``completed`` (planned, approved, rendered): 5 seconds of video,
    the shortest SPEC allows, so that the render stays quick."""
    body = brief(client_id, videoSpecs={"duration": 5})
    job = http.post(f"{API}/jobs", json=body, headers={"Prefer": "wait=20"}).json()["data"]
    approved = http.post(f"{API}/jobs/{job['id']}/actions", json={"action": "approve"})
    assert approved.status_code == 200, approved.text
    http.get(f"{API}/jobs/{job['id']}/events")  # the stream ends when the job does
    done = http.get(f"{API}/jobs/{job['id']}").json()["data"]
    assert done["status"] == "completed", done
    return str(job["id"])


def _app_with_alice(container: Container) -> FuzzTarget:
    target = FuzzTarget(create_app(container))

    async def make_alice() -> None:
        user = await container.create_user().execute(CreateUserCommand(EMAIL))
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(EMAIL))
        target.headers["Authorization"] = f"Bearer {issued.secret}"
        # a webhook endpoint with one delivery (on loopback: refused at once by the default guard)
        command = CreateWebhookCommand(user.id, "http://127.0.0.1:9/fuzz", ["job.*"])
        webhook = (await container.create_webhook().execute(command)).webhook
        event = JobEvent("fuzz-job", user.id, 1, "job.completed", {"id": "fuzz-job"}, datetime.now(UTC))
        [delivery] = await container.webhook_dispatcher().dispatch(event)
        target.ids.update(webhook_id=webhook.id, delivery_id=delivery.id)
        await container.create_user().execute(CreateUserCommand(HAPPY_EMAIL))
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(HAPPY_EMAIL))
        target.happy_headers["Authorization"] = f"Bearer {issued.secret}"

    target.app.on_startup.append(make_alice)
    return target


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzz_target(request: pytest.FixtureRequest) -> Iterator[FuzzTarget]:
    """The app on its own SQLite file or a PostgreSQL database (the two production backends; the
    in-memory fake is held to the same behaviour by the storage contract and the e2e tests),
    started on schemathesis' loop."""
    data_dir = Path(tempfile.mkdtemp(prefix="v3-fuzz-"))
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'fuzz.db'}"
        upgrade_database(url)
    else:
        url = request.getfixturevalue("postgres_url")
    # URL imports reach the local source server; a random URL still meets the other SSRF rules
    settings = e2e_settings(url, data_dir).model_copy(
        update={"asset_allow_private_networks": True, "asset_download_timeout_seconds": 2.0}
    )
    target = _app_with_alice(build_container(settings))
    with asgi.get_client(target.app):  # runs the lifespan (startup hooks) once
        pass
    with running_source_server() as source:
        source.files.update({f"logo-{size}.png": png((size, size)) for size in (4, 6, 8)})
        _make_resources(target)
        target.happy = _make_happy_resources(target, source)
        yield target
    asgi.shutdown_lifespans()


@pytest.fixture(scope="session")
def fuzz_schema(fuzz_target: FuzzTarget) -> Any:
    """The app's own OpenAPI document, loaded through the app.

    Strings never carry NUL: the app refuses it everywhere by design (422, PostgreSQL text
    cannot hold it; tests/e2e/security covers that), so a positive case must not contain it.
    """
    config = schemathesis.Config.from_dict({"generation": {"allow-x00": False}})
    return schemathesis.openapi.from_asgi("/schema/openapi.json", fuzz_target.app, config=config)
