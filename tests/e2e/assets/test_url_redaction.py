"""Import URLs carry credentials (``user:pw@``, ``?token=``): no log line, error body, stored
source URL or stored job error shows them; host and path stay, so messages still say where."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.integration.assets.server import SourceServer
from tests.unit.assets import samples

USER_SECRET = "pw-ab12cd"
QUERY_SECRET = "tok-9f8e7d"
SECRETS = (USER_SECRET, QUERY_SECRET)


def with_credentials(source: SourceServer, path: str) -> str:
    return f"http://importer:{USER_SECRET}@127.0.0.1:{source.port}{path}?token={QUERY_SECRET}&size=big"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


async def test_an_imported_url_is_logged_and_stored_without_its_credentials(
    assets_api: Api, source: SourceServer, caplog: pytest.LogCaptureFixture
) -> None:
    source.files["secret.jpg"] = samples.image("JPEG")
    url = with_credentials(source, "/files/secret.jpg")
    with caplog.at_level(logging.DEBUG):
        response = await assets_api.client.post(
            "/api/v3/assets/from-url", json={"url": url, "type": "image"}, headers=assets_api.alice
        )
    assert response.status_code == 201, response.text
    source_url = response.json()["data"]["sourceUrl"]
    assert source_url == f"http://***@127.0.0.1:{source.port}/files/secret.jpg?token=***&size=***"
    logged = everything_logged(caplog)
    assert f"127.0.0.1:{source.port}/files/secret.jpg" in logged, "the download is still logged"
    assert_no_secret(response.text, logged)


async def test_a_failed_import_names_the_url_without_its_credentials(
    assets_api: Api, source: SourceServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = with_credentials(source, "/missing")
    with caplog.at_level(logging.DEBUG):
        single = await assets_api.client.post(
            "/api/v3/assets/from-url", json={"url": url, "type": "image"}, headers=assets_api.alice
        )
        bulk = await assets_api.client.post(
            "/api/v3/assets/from-urls", json={"urls": [url]}, headers=assets_api.alice
        )
    assert single.status_code == 502, single.text
    assert "/missing" in single.json()["error"]
    assert bulk.json()["data"]["failed"] == 1, bulk.text
    assert_no_secret(single.text, bulk.text, everything_logged(caplog))


async def test_a_job_whose_brief_url_failed_stores_its_error_without_credentials(
    assets_api: Api, source: SourceServer
) -> None:
    headers = await assets_api.new_tenant("redaction")
    created = await assets_api.client.post("/api/v3/clients", json={"name": "Acme"}, headers=headers)
    body: dict[str, Any] = {
        "context": {"clientId": created.json()["data"]["id"]},
        "adBasics": {
            "product": "Smart Watch",
            "targetAudience": "Tech enthusiasts",
            "keyMessage": "Stay connected",
            "callToAction": "Buy Now",
        },
        "creative": {
            "direction": {"style": "Modern"},
            "assets": [{"url": with_credentials(source, "/missing"), "type": "image"}],
        },
    }
    response = await assets_api.client.post("/api/v3/jobs", json=body, headers=headers)
    assert response.status_code in (201, 202), response.text
    job_id = response.json()["data"]["id"]
    runner = assets_api.container.task_runner()
    assets_api.client.blocking_portal.call(lambda: asyncio.wait_for(runner.join(), 15))
    job = (await assets_api.client.get(f"/api/v3/jobs/{job_id}", headers=headers)).json()["data"]
    assert job["status"] == "failed", job
    assert "/missing" in job["error"]
    assert_no_secret(job["error"])  # the brief keeps its URL: a retry imports it again
