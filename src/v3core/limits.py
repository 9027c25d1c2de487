"""Lengths the service accepts: one source of truth for the database columns, the domain's
checks and the HTTP schema (so a length the OpenAPI document allows always fits its column).

The SQL tables declare their ``String`` columns from these constants, the wire shapes
declare ``max_length`` from them, and the use cases check them for library callers.
"""

from __future__ import annotations

ID_MAX_LENGTH = 64
"""Every id (clients, campaigns, assets, jobs, scenes, keys)."""

NAME_MAX_LENGTH = 200
"""Client and campaign names."""

ASSET_NAME_MAX_LENGTH = 255
"""Display names of assets."""

API_KEY_NAME_MAX_LENGTH = 200
"""The label of an API key."""

EMAIL_MAX_LENGTH = 320
"""A user's email address (RFC 5321's limit)."""

IDEMPOTENCY_KEY_MAX_LENGTH = 255
"""The ``Idempotency-Key`` header of ``POST /jobs``."""

URL_MAX_LENGTH = 2048
"""Homepages, product URLs and URLs to import."""

TEXT_MAX_LENGTH = 10_000
"""Free text (descriptions, goals, campaign briefs)."""

NOT_BLANK_PATTERN = r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""A text that is not blank holds one character outside this class: exactly the characters
Python's ``str.strip()`` removes, the domain's test of blankness. Spelled out rather than ``\\S``,
whose meaning differs between Python (``\\x1c``-``\\x1f`` are space) and JSON Schema's
ECMA-262 dialect (they are not; U+FEFF is), so the OpenAPI document and the server agree."""
