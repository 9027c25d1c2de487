"""The job pipeline's use of the asset library: URL imports of a brief."""

from __future__ import annotations

import attrs

from v3core.model import Asset
from v3core.services.assets.common import AssetDraft
from v3core.services.assets.imports import ImportAssetFromUrl
from v3core.services.jobs.ports import UrlAssetImporter, UrlImport


@attrs.frozen
class AssetLibraryImporter(UrlAssetImporter):
    """Imports a brief's URL through the asset library's guarded download and ingestion."""

    imports: ImportAssetFromUrl

    async def import_url(self, request: UrlImport) -> Asset:
        """The imported asset, tagged with the job; failures name the cause (nothing left behind)."""
        draft = AssetDraft(
            owner_id=request.owner_id,
            name=request.name,
            declared_type=request.declared_type,
            client_id=request.client_id,
            campaign_id=request.campaign_id,
            job_id=request.job_id,
        )
        return await self.imports.execute(draft, request.url)
