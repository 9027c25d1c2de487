"""The served OpenAPI document documents failures, and `v3 openapi` writes the same document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from entrypoints.cli import main
from tests.e2e.conftest import Api


async def test_the_served_document_lists_the_failure_envelope_of_each_operation(api: Api) -> None:
    document: dict[str, Any] = (await api.client.get("/schema/openapi.json")).json()
    get_job = document["paths"]["/api/v3/jobs/{job_id}"]["get"]
    assert {"401", "404"} <= set(get_job["responses"])
    envelope = get_job["responses"]["404"]["content"]["application/json"]["schema"]
    assert envelope["$ref"].endswith("/Failure")
    assert "Failure" in document["components"]["schemas"]


async def test_the_document_is_built_once_and_served_the_same_each_time(api: Api) -> None:
    first = (await api.client.get("/schema/openapi.json")).json()
    again = (await api.client.get("/schema/openapi.json")).json()
    assert first == again


async def test_v3_openapi_writes_the_document_the_server_serves(api: Api, tmp_path: Path) -> None:
    served = (await api.client.get("/schema/openapi.json")).json()
    target = tmp_path / "openapi.json"
    result = CliRunner().invoke(main, ["openapi", "--output", str(target)], env={"DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["paths"] == served["paths"]
