"""Partial updates as JSON Merge Patch (RFC 7386): nested objects merge, ``null`` removes.

``PUT`` and ``PATCH`` of clients and campaigns send a merge patch: a key left out keeps
its value, a nested object (brand guidelines, metadata, a campaign's object brief) merges
key by key, ``null`` removes a key (or resets a field), and arrays and scalars replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from v3core.model import BrandGuidelines

_GUIDELINE_LISTS = frozenset({"colors", "fonts", "restrictions", "examples"})


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` applied as RFC 7386 says (neither argument is changed)."""
    if not isinstance(patch, Mapping):
        return patch
    merged: dict[str, Any] = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def patch_brand_guidelines(
    current: BrandGuidelines, patch: BrandGuidelines | Mapping[str, Any] | None
) -> BrandGuidelines:
    """``current`` with ``patch`` applied: a ``BrandGuidelines`` replaces, ``None`` resets, a
    mapping (snake_case field names) changes only the fields it names (``None`` resets one)."""
    if patch is None:
        return BrandGuidelines()
    if isinstance(patch, BrandGuidelines):
        return patch
    changes: dict[str, Any] = {}
    for name, value in patch.items():
        if name in _GUIDELINE_LISTS:
            changes[name] = tuple(value or ())
        elif name == "tone":
            changes[name] = value
    return attrs.evolve(current, **changes)
