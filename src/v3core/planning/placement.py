"""Where the job's assets go, and where the call to action is spoken."""

from __future__ import annotations

from collections.abc import Sequence

from v3core.ports.planner import PlanAsset


def mentions_call_to_action(script: str, call_to_action: str) -> bool:
    """Whether ``script`` contains the call to action (case-insensitive)."""
    return call_to_action.strip().casefold() in script.casefold()


def with_call_to_action(script: str, call_to_action: str) -> str:
    """``script`` ending with the call to action unless it already mentions it."""
    cta = call_to_action.strip()
    if mentions_call_to_action(script, cta):
        return script
    return f"{script.rstrip()} {cta}" if script.strip() else cta


def place_assets(
    assignments: Sequence[Sequence[str]], assets: Sequence[PlanAsset]
) -> tuple[tuple[str, ...], ...]:
    """``assignments`` (asset ids per scene) with every asset not yet used added to one scene.

    The role steers the scene: background, music and voiceover open the video, the logo closes
    it, product shots and b-roll go to the middle scenes, lifestyle anywhere but the end; among
    the candidates the scene with the fewest assets wins, earliest first.
    """
    lists = [list(ids) for ids in assignments]
    if not lists:
        return ()
    used = {asset_id for ids in lists for asset_id in ids}
    for asset in assets:
        if asset.id not in used:
            lists[_slot_for(asset, lists)].append(asset.id)
            used.add(asset.id)
    return tuple(tuple(ids) for ids in lists)


def _slot_for(asset: PlanAsset, lists: Sequence[Sequence[str]]) -> int:
    n = len(lists)
    middle = list(range(1, n - 1)) or list(range(n))
    by_role = {
        "background": [0],
        "music": [0],
        "voiceover": [0],
        "logo": [n - 1],
        "product_shot": middle,
        "b_roll": middle,
        "lifestyle": list(range(max(1, n - 1))),
    }
    fallback = [0] if asset.type.lower() == "audio" else list(range(n))
    candidates = by_role.get((asset.role or "").lower(), fallback)
    return min(candidates, key=lambda i: (len(lists[i]), candidates.index(i)))
