"""The storage contract's builders live in ``v3core.testing.builders`` (shipped with the harness)."""

from v3core.testing.builders import (
    BRIEF,
    T0,
    a_campaign,
    a_client,
    a_job,
    a_scene,
    a_user,
    an_asset,
    later,
    new_id,
)

__all__ = [
    "BRIEF",
    "T0",
    "a_campaign",
    "a_client",
    "a_job",
    "a_scene",
    "a_user",
    "an_asset",
    "later",
    "new_id",
]
