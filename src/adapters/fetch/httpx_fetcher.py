"""``HttpxBlobFetcher``: download a URL into a staged file, safely.

- http/https only; the host must match ``ALLOWED_ASSET_DOMAINS``;
- every TCP connection goes through ``GuardedNetworkBackend`` (resolve → check → connect
  to the checked address), so private/loopback/metadata targets are refused, also
  behind a host name or a redirect, with no DNS-rebinding window;
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each URL re-checked;
- the body is streamed raw (``Accept-Encoding: identity``: no decompression bombs)
  into the stager, whose cap aborts the download; a ``Content-Length`` already over
  the cap is refused before reading; one deadline covers the whole download;
- a URL in an error message or in the asset's ``source_url`` is redacted (userinfo and
  query values masked: they carry credentials), and so is every log line (see
  ``entrypoints.log_redaction``).
"""

from __future__ import annotations

import asyncio
import functools
import posixpath
import ssl
import urllib.parse

import attrs
import httpcore
import httpx

from adapters.fetch.network import GuardedNetworkBackend, Policy, Resolver, system_resolver
from adapters.fetch.targets import host_allowed, refusal
from v3core.errors import ForbiddenTarget, PayloadTooLarge, UpstreamError, UpstreamTimeout
from v3core.ports.blobs import BlobFetcher, FileStager, StagedFile
from v3core.redaction import redact_url, redact_urls

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEADERS = {"User-Agent": "v3-asset-import/1.0", "Accept-Encoding": "identity", "Accept": "*/*"}


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool rebuilt on the guarded network backend (also
    used by the webhook sender)."""

    def __init__(self, backend: GuardedNetworkBackend, max_connections: int = 10) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(), network_backend=backend, max_connections=max_connections
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The default verifying TLS context (loading the CA bundle is slow: do it once)."""
    return httpx.create_ssl_context()


class HttpxBlobFetcher(BlobFetcher):
    """Fetches with one shared ``httpx.AsyncClient``; ``aclose()`` it at shutdown."""

    def __init__(
        self,
        stager: FileStager,
        *,
        timeout_seconds: float = 60.0,
        allowed_domains: str = "*",
        allow_private_networks: bool = False,
        resolver: Resolver = system_resolver,
        policy: Policy = refusal,
    ) -> None:
        self._stager = stager
        self._timeout = timeout_seconds
        self._allowed = allowed_domains
        backend = GuardedNetworkBackend(allow_private_networks, resolver, policy)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(backend),
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            headers=HEADERS,
        )

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    async def fetch(self, url: str) -> StagedFile:
        target = self.checked_url(url)
        try:
            async with asyncio.timeout(self._timeout):
                return await self._follow(target)
        except TimeoutError as exc:
            raise UpstreamTimeout(f"downloading {shown(url)} took longer than {self._timeout:g} s") from exc
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"downloading {shown(url)} timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            reason = redact_urls(f"{type(exc).__name__}: {exc}")
            raise UpstreamError(f"downloading {shown(url)} failed: {reason}") from exc

    def checked_url(self, url: str | httpx.URL) -> httpx.URL:
        """``url`` parsed, with an http(s) scheme and an allowed host (else ``ForbiddenTarget``)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ForbiddenTarget(f"not a valid URL: {shown(url)[:200]!r}") from exc
        if parsed.scheme not in ("http", "https"):
            raise ForbiddenTarget(
                f"only http and https URLs can be imported, not {parsed.scheme or 'none'!r}"
            )
        host = parsed.raw_host.decode("ascii", "replace")
        if not host:
            raise ForbiddenTarget(f"the URL has no host: {shown(url)[:200]!r}")
        if not host_allowed(host.strip("[]"), self._allowed):
            raise ForbiddenTarget(f"host {host!r} is not in ALLOWED_ASSET_DOMAINS")
        return parsed

    async def _follow(self, url: httpx.URL) -> StagedFile:
        for _ in range(MAX_REDIRECTS + 1):
            async with self._client.stream("GET", url) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    url = self.checked_url(url.join(location))
                    continue
                return await self._stage(url, response)
        raise UpstreamError(f"too many redirects (more than {MAX_REDIRECTS}) starting from the given URL")

    async def _stage(self, url: httpx.URL, response: httpx.Response) -> StagedFile:
        if response.status_code >= 400 or response.status_code < 200:
            reason = response.reason_phrase or "error"
            raise UpstreamError(f"the source URL answered {response.status_code} {reason} ({shown(url)})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._stager.max_size:
            raise PayloadTooLarge(
                f"the source declares {declared} bytes, over the limit of {self._stager.max_size} bytes"
            )
        staged = await self._stager.stage(response.aiter_raw(), filename=_filename(url))
        return attrs.evolve(staged, source_url=shown(url))


def shown(url: str | httpx.URL) -> str:
    """``url`` as it may appear in a message or be stored: userinfo and query values masked."""
    return redact_url(str(url))


def _filename(url: httpx.URL) -> str | None:
    name = posixpath.basename(urllib.parse.unquote(url.path))
    return name or None
