"""URL imports against a local HTTP server: success, upstream failures, caps, SSRF guards."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from adapters.fetch.targets import IPAddress, refusal
from adapters.ingest.staging import TempFileStager
from adapters.memory import InMemoryStore
from tests.integration.assets.conftest import CAP, leftovers
from tests.integration.assets.server import SourceServer
from tests.unit.assets import samples
from v3core.errors import ForbiddenTarget, PayloadTooLarge, UpstreamError, UpstreamTimeout
from v3core.model import AssetType
from v3core.services.assets import (
    AssetContext,
    AssetDraft,
    ImportAssetFromUrl,
    ImportAssetsFromUrls,
    UrlImportItem,
)


@pytest.fixture
def png(source: SourceServer) -> str:
    source.files["logo.png"] = samples.image("PNG")
    return f"{source.base}/files/logo.png"


async def test_imports_a_file_with_its_metadata_and_source(ctx: AssetContext, owner: str, png: str) -> None:
    asset = await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner, declared_type="image"), png)
    assert (asset.type, asset.format, asset.width, asset.height) == (AssetType.IMAGE, "png", 64, 48)
    assert (asset.name, asset.source_url) == ("logo.png", png)


async def test_the_remote_content_type_does_not_decide(
    ctx: AssetContext, owner: str, source: SourceServer, store: InMemoryStore
) -> None:
    source.files["page"] = samples.html()
    url = f"{source.base}/files/page?type=image/png"
    with pytest.raises(Exception) as err:
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner, declared_type="image"), url)
    assert err.value.__class__.__name__ == "UnsupportedMediaType"
    assert store.assets == {}


@pytest.mark.parametrize(("path", "status"), [("/missing", "404"), ("/fail", "503")])
async def test_an_upstream_error_status_is_a_clear_upstream_error(
    ctx: AssetContext, owner: str, source: SourceServer, path: str, status: str
) -> None:
    with pytest.raises(UpstreamError) as err:
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), source.base + path)
    assert f"answered {status}" in err.value.message


async def test_refuses_early_when_content_length_exceeds_the_cap(
    ctx: AssetContext, owner: str, source: SourceServer, staging_dir: Path
) -> None:
    with pytest.raises(PayloadTooLarge):
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), f"{source.base}/declared-huge")
    assert leftovers(staging_dir) == []


async def test_aborts_a_body_without_length_at_the_cap(
    ctx: AssetContext, owner: str, source: SourceServer, staging_dir: Path
) -> None:
    with pytest.raises(PayloadTooLarge) as err:
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), f"{source.base}/endless")
    assert str(CAP) in err.value.message
    assert leftovers(staging_dir) == []


async def test_a_stalled_server_times_out(ctx: AssetContext, owner: str, source: SourceServer) -> None:
    with pytest.raises(UpstreamTimeout):
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), f"{source.base}/stall?for=3")


async def test_a_redirect_loop_fails_after_five_redirects(
    ctx: AssetContext, owner: str, source: SourceServer
) -> None:
    before = len(source.hosts)
    with pytest.raises(UpstreamError) as err:
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), f"{source.base}/loop")
    assert "too many redirects" in err.value.message
    assert len(source.hosts) - before == 6


async def test_follows_a_redirect(ctx: AssetContext, owner: str, source: SourceServer, png: str) -> None:
    asset = await ImportAssetFromUrl(ctx).execute(
        AssetDraft(owner_id=owner), f"{source.base}/redirect?to=/files/logo.png&code=307"
    )
    assert asset.source_url == png


async def test_a_redirect_to_the_metadata_address_is_refused(
    ctx: AssetContext, owner: str, source: SourceServer
) -> None:
    url = f"{source.base}/redirect?to=http://169.254.169.254/latest/meta-data/"
    with pytest.raises(ForbiddenTarget):
        await ImportAssetFromUrl(ctx).execute(AssetDraft(owner_id=owner), url)


def _loopback_is_the_internet(ip: IPAddress, allow_private: bool) -> str | None:
    """Treat 127.0.0.1 as a public host so a private-network redirect can be tested locally."""
    return None if ip == ipaddress.ip_address("127.0.0.1") else refusal(ip, allow_private)


@pytest.fixture
async def strict(staging_dir: Path) -> AsyncIterator[HttpxBlobFetcher]:
    fetcher = HttpxBlobFetcher(TempFileStager(CAP, str(staging_dir)), timeout_seconds=2.0)
    yield fetcher
    await fetcher.aclose()


@pytest.mark.parametrize(
    "target", ["http://10.0.0.8/", "http://192.168.1.1/x", "http://[::1]:9/", "http://[fd00::1]/"]
)
async def test_a_redirect_to_a_private_address_is_refused(
    source: SourceServer, staging_dir: Path, target: str
) -> None:
    fetcher = HttpxBlobFetcher(TempFileStager(CAP, str(staging_dir)), policy=_loopback_is_the_internet)
    try:
        with pytest.raises(ForbiddenTarget):
            await fetcher.fetch(f"{source.base}/redirect?to={target}")
    finally:
        await fetcher.aclose()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "http://10.1.2.3/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x.png",
        "http://[::ffff:127.0.0.1]/x.png",
        "http://localhost/x.png",
        "http://0.0.0.0/",
        "http://2130706433/",
    ],
)
async def test_refuses_private_loopback_and_metadata_targets(strict: HttpxBlobFetcher, url: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await strict.fetch(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "not a url", "http://"]
)
async def test_refuses_other_schemes_and_invalid_urls(strict: HttpxBlobFetcher, url: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await strict.fetch(url)


async def test_refuses_hosts_outside_the_allow_list(staging_dir: Path) -> None:
    fetcher = HttpxBlobFetcher(TempFileStager(CAP, str(staging_dir)), allowed_domains="*.example.com")
    with pytest.raises(ForbiddenTarget) as err:
        await fetcher.fetch("https://evil.test/x.png")
    assert "ALLOWED_ASSET_DOMAINS" in err.value.message
    await fetcher.aclose()


async def test_connects_to_the_checked_address_and_keeps_the_host_name(
    source: SourceServer, staging_dir: Path
) -> None:
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    source.files["note.txt"] = samples.text()
    fetcher = HttpxBlobFetcher(
        TempFileStager(CAP, str(staging_dir)), allow_private_networks=True, resolver=resolver
    )
    staged = await fetcher.fetch(f"http://assets.example:{source.port}/files/note.txt")
    await fetcher.aclose()
    assert lookups == ["assets.example"]
    assert source.hosts[-1] == f"assets.example:{source.port}"
    assert Path(staged.path).read_bytes() == samples.text()  # noqa: ASYNC240


async def test_bulk_import_reports_each_item(
    ctx: AssetContext, owner: str, source: SourceServer, png: str
) -> None:
    urls = [png, f"{source.base}/missing", "http://169.254.169.254/", png]
    outcomes = await ImportAssetsFromUrls(ctx).execute(
        [UrlImportItem(u, AssetDraft(owner_id=owner)) for u in urls]
    )
    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert [type(o.error).__name__ for o in outcomes] == [
        "NoneType",
        "UpstreamError",
        "ForbiddenTarget",
        "NoneType",
    ]
    assert outcomes[0].asset is not None
    assert outcomes[3].asset is not None
    assert outcomes[0].asset.blob_id == outcomes[3].asset.blob_id


async def test_bulk_import_refuses_more_than_100_urls(ctx: AssetContext, owner: str) -> None:
    with pytest.raises(Exception, match="at most 100"):
        await ImportAssetsFromUrls(ctx).execute(
            [UrlImportItem("http://x/", AssetDraft(owner_id=owner))] * 101
        )
