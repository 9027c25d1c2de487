"""What the server really accepts, written into the OpenAPI document (after Litestar built it),
so generated clients and fuzzers see it.

- Bounds are exact integers (``offset`` ≤ 2**63 - 1, not a float that rounds past it).
- Query and header parameters are plain strings/integers (neither can carry ``null``).
- The brief's required sections and fields (``v3core.brief.REQUIRED_FIELDS``) are required,
  as non-blank strings; a brief asset's ``url`` is an http(s) URL of bounded length, and each
  asset gives a ``url`` or an ``assetId``.
- The brief's ``videoSpecs`` states its formats and duration bounds (``v3core.brief``), the
  action endpoint its action names (``v3core.lifecycle.ACTION_NAME_PATTERN``): the same
  constants the domain checks, so the document allows exactly what the server accepts.
- The blob downloads declare the conditional and range headers ``serve_blob`` reads.
"""

from __future__ import annotations

from typing import Any

from entrypoints.http.streaming import BLOB_HEADERS
from v3core.brief import MAX_VIDEO_SECONDS, MIN_VIDEO_SECONDS, REQUIRED_FIELDS, VIDEO_FORMATS
from v3core.lifecycle import ACTION_NAME_PATTERN, ACTION_NAMES
from v3core.limits import NOT_BLANK_PATTERN, URL_MAX_LENGTH

BRIEF_SCHEMA = "JobCreate"
ACTION_OPERATION = "applyJobAction"
BLOB_OPERATIONS = frozenset(
    {
        "getAssetData",
        "headAssetData",
        "getAssetThumbnail",
        "headAssetThumbnail",
        "getJobVideo",
        "headJobVideo",
    }
)
"""Operations answered by ``serve_blob``: they read ``BLOB_HEADERS``."""
NON_BLANK = {"type": "string", "minLength": 1, "pattern": NOT_BLANK_PATTERN}
HTTP_URL = {
    "type": "string",
    "minLength": 1,
    "maxLength": URL_MAX_LENGTH,
    "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/\s?#]",  # parse_brief strips surrounding blanks
}
_METHODS = ("get", "head", "put", "post", "delete", "patch")


def _exact_bounds(node: Any) -> None:
    if isinstance(node, dict):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            value = node.get(key)
            if isinstance(value, float) and value.is_integer():
                node[key] = int(value)
        for child in node.values():
            _exact_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _exact_bounds(child)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("oneOf")
    if not isinstance(options, list):
        return schema
    kept = [o for o in options if o != {"type": "null"}]
    if len(kept) != 1:
        return schema
    flat = {k: v for k, v in schema.items() if k != "oneOf"}
    return {**kept[0], **flat}


def _ref_name(schema: dict[str, Any]) -> str | None:
    for option in [schema, *schema.get("oneOf", [])]:
        ref = option.get("$ref") if isinstance(option, dict) else None
        if isinstance(ref, str):
            return ref.rsplit("/", 1)[-1]
    return None


def _brief_components(schemas: dict[str, Any]) -> dict[tuple[str, ...], str]:
    """The component schema of each object path of the brief (``()`` is ``JobCreate``)."""
    found: dict[tuple[str, ...], str] = {(): BRIEF_SCHEMA}
    for path in sorted(REQUIRED_FIELDS, key=len):
        name = found.get(path)
        if name is None:
            continue
        for key, prop in schemas.get(name, {}).get("properties", {}).items():
            ref = _ref_name(prop) if isinstance(prop, dict) else None
            if ref is not None:
                found[(*path, key)] = ref
    return found


def _require_brief_fields(schemas: dict[str, Any]) -> None:
    components = _brief_components(schemas)
    for path, fields in REQUIRED_FIELDS.items():
        schema = schemas.get(components.get(path, ""))
        if schema is None:
            continue
        schema["required"] = sorted(set(schema.get("required", [])) | set(fields))
        for field in fields:
            child = components.get((*path, field))
            props = schema.setdefault("properties", {})
            props[field] = {"$ref": f"#/components/schemas/{child}"} if child else dict(NON_BLANK)
    asset = components.get(("creative", "assets"))
    if asset is None:
        creative = schemas.get(components.get(("creative",), ""), {})
        items = _without_null(creative.get("properties", {}).get("assets", {})).get("items", {})
        asset = _ref_name(items) if isinstance(items, dict) else None
    if asset and asset in schemas:
        schemas[asset].setdefault("properties", {})["url"] = {"oneOf": [dict(HTTP_URL), {"type": "null"}]}
        # each supplied asset names a URL to import or an asset id (parse_brief: "Give a url or an assetId")
        schemas[asset]["anyOf"] = [
            {"required": ["url"], "properties": {"url": dict(HTTP_URL)}},
            {"required": ["assetId"], "properties": {"assetId": dict(NON_BLANK)}},
        ]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _state_video_specs(schemas: dict[str, Any]) -> None:
    specs = _brief_components(schemas).get(("creative", "videoSpecs"))
    if specs is None or specs not in schemas:
        return
    props = schemas[specs].setdefault("properties", {})
    props["duration"] = _nullable(
        {
            "type": "number",
            "minimum": MIN_VIDEO_SECONDS,
            "maximum": MAX_VIDEO_SECONDS,
            "description": "Seconds (default 30).",
        }
    )
    props["format"] = _nullable(
        {"type": "string", "enum": list(VIDEO_FORMATS), "description": "Aspect ratio (default 16:9)."}
    )


def _state_actions(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    empty: dict[str, Any] = {}
    operation = next((o for o in _operations(document) if o.get("operationId") == ACTION_OPERATION), empty)
    content = operation.get("requestBody", {}).get("content", {})
    first: dict[str, Any] = next(iter(content.values()), empty)
    body = first.get("schema", empty)
    name = _ref_name(body) if isinstance(body, dict) else None
    if name is None or name not in schemas:
        return
    schemas[name].setdefault("properties", {})["action"] = {
        "type": "string",
        "anyOf": [{"enum": list(ACTION_NAMES)}, {"pattern": ACTION_NAME_PATTERN}],
        "description": f"One of {', '.join(ACTION_NAMES)}; case-insensitive, `-` or a space "
        "may stand for `_`.",
    }


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        item[method]
        for item in document.get("paths", {}).values()
        for method in _METHODS
        if isinstance(item.get(method), dict)
    ]


def _parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") in ("query", "header") and isinstance(parameter.get("schema"), dict):
            parameter["schema"] = _without_null(parameter["schema"])
    if operation.get("operationId") in BLOB_OPERATIONS:
        names = {p.get("name", "").lower() for p in operation.get("parameters", [])}
        extra = [
            {
                "name": name,
                "in": "header",
                "required": False,
                "description": text,
                "schema": {"type": "string"},
            }
            for name, text in BLOB_HEADERS.items()
            if name.lower() not in names
        ]
        operation["parameters"] = [*operation.get("parameters", []), *extra]


def tighten(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrites the served document in place (see the module docstring); idempotent."""
    schemas = document.get("components", {}).get("schemas", {})
    _require_brief_fields(schemas)
    _state_video_specs(schemas)
    _state_actions(document, schemas)
    for operation in _operations(document):
        _parameters(operation)
    _exact_bounds(document)
    return document
