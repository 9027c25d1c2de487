"""Schemathesis over the whole API from its own schema: no 5xx, every response as documented.

Each operation gets a bounded, derandomized run of positive cases (half of them on
alice's real ids, so handlers run past the lookup) and negative cases (schema-violating
input, which must be refused with a documented 4xx). All of schemathesis' default checks
run, except ``positive_data_acceptance`` on the operations listed in ``LOOSE_SCHEMAS``.
Before that walk, the operations of ``HAPPY_PATHS`` get positive cases that carry valid
references (``happy_paths``, decision 0195); each must answer 2xx at least once.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.e2e.fuzz.conftest import FuzzTarget
from tests.e2e.fuzz.happy_paths import HappyPaths

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
"""Examples per operation and mode: 8 in the default suite (quick); ``nox -s fuzz`` sets 200."""
HAPPY_EXAMPLES = max(10, EXAMPLES)
"""Examples per operation of the happy-path pass (``happy_paths``): more than the quick budget,
so each of those operations is called with ten different generated requests or more."""
HAPPY_PATHS = frozenset(
    {
        "createCampaign",
        "createJob",
        "applyJobAction",
        "importAssetFromUrl",
        "importAssetsFromUrls",
        "getJobVideo",
        "streamJobEvents",
    }
)
"""Operations that plain generation only ever gets 4xx from (issue 10, item 6)."""
LOOSE_SCHEMAS = {
    "login": "email or username: one of the two is required",
    "listAssets": "the type filter's vocabulary; clientId and client_id that differ",
    "listCampaigns": "clientId and client_id that differ",
    "listJobs": "clientId/client_id and campaignId/campaign_id that differ",
    "createAsset": "the asset type vocabulary; the JSON form refuses unknown fields",
    "importAssetFromUrl": "http(s) URLs of public hosts only (SSRF rules)",
    "importAssetsFromUrls": "at least one URL; http(s) URLs of public hosts only",
    "applyJobAction": "the fields each action needs in the job's state (reject_storyboard's feedback, "
    "regenerate_scene's scene), inside payload or flat; the names themselves are stated",
    "createJob": "asset URLs the fetcher refuses (literal private addresses, localhost, the allow-list: "
    "the SSRF rules of importAssetFromUrl, checked at creation) and a campaign of another client",
    "estimateJobCost": "asset URLs the fetcher refuses (the SSRF rules, as for createJob)",
    "updateScene": "shot type and transition vocabularies, the minimum scene length",
    "patchScene": "shot type and transition vocabularies, the minimum scene length",
    **{
        operation: "a Range past the end of the bytes answers 416 (documented)"
        for operation in (
            "getAssetData",
            "headAssetData",
            "getAssetThumbnail",
            "headAssetThumbnail",
            "getJobVideo",
            "headJobVideo",
        )
    },
    "regenerateScene": "constraints checked by the planning rules",
    "createWebhook": "an absolute http(s) URL with a host and no credentials",
}
"""Operations whose schema documents shapes while the domain adds rules (answered 422 with
details): a schema-valid request may be refused, so ``positive_data_acceptance`` is off for
them. Every other operation must accept whatever its schema allows."""
SEMANTIC_REJECTION: list[CheckFunction] = [positive_data_acceptance]

GENERATED_IDS_ONLY = {
    "streamJobEvents": "on a real job the SSE stream lasts until the job ends (tests/e2e/jobs covers it)",
}
"""Operations fuzzed with generated path parameters only (404s and 422s), never alice's ids."""


def _strategy(operation: Any, mode: GenerationMode, ids: dict[str, str]) -> Any:
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    generated_only = operation.definition.raw["operationId"] in GENERATED_IDS_ONLY
    if mode is GenerationMode.NEGATIVE or not names or generated_only:
        return generated
    real = operation.as_strategy(generation_mode=mode, path_parameters={n: ids[n] for n in names})
    return st.one_of(real, generated)


def _wire_identical_to_valid(case: Any) -> bool:
    """A "negative" query value or multipart field that is a list of at most one item is sent
    exactly like a valid string (``?a=x``, one part) or like no value at all, and a multipart
    field that is a number or a boolean is sent as its text: the server cannot tell, so it is
    not negative."""
    values = list((case.query or {}).values())
    if str(case.media_type or "").startswith("multipart/") and isinstance(case.body, dict):
        values += list(case.body.values())
        # a form field carries text only: a "number" or "boolean" goes out as its text, a valid string
        if any(isinstance(v, int | float) for k, v in case.body.items() if k != "file"):
            return True
    return any(isinstance(v, list) and len(v) <= 1 for v in values)


SUPPRESSED_HEALTH_CHECKS = [
    # every example is a request through the whole app and its database, not a pure function
    HealthCheck.too_slow,
    # the negative walk drops cases whose wire form equals a valid request (``assume``), and
    # schemathesis filters its own negative candidates: many are discarded by design
    HealthCheck.filter_too_much,
    # request bodies of the bulk operations (100 URLs, whole briefs) are large by the schema
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
"""The health checks off, one by one, each for its reason (the others stay on)."""


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    target: FuzzTarget,
    *,
    happy: HappyPaths | None = None,
    answered: dict[str, list[int]] | None = None,
    imported: list[int] | None = None,
) -> None:
    """Fuzz ``operation`` in ``mode``; with ``happy``, through its hooks and prerequisites."""
    operation_id = operation.definition.raw["operationId"]
    excluded = SEMANTIC_REJECTION if operation_id in LOOSE_SCHEMAS else []
    if happy is None:
        strategy = _strategy(operation, mode, target.ids)
    else:
        strategy = operation.as_strategy(
            generation_mode=mode,
            hooks=happy.dispatcher(operation_id),
            path_parameters=happy.path_parameters(operation_id),
        )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES if happy is None else HAPPY_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=SUPPRESSED_HEALTH_CHECKS,
    )
    def run(case: Any) -> None:
        if mode is GenerationMode.NEGATIVE:
            assume(not _wire_identical_to_valid(case))
        if happy is not None:
            happy.before_call(operation_id, case)
        headers = target.headers if happy is None else target.happy_headers
        response = case.call(headers=dict(headers))
        target.answered.setdefault(operation_id, set()).add(response.status_code)
        if imported is not None and operation_id == "importAssetsFromUrls" and response.status_code == 200:
            imported.append(response.json()["data"]["succeeded"])
        if answered is not None:
            answered.setdefault(operation_id, []).append(response.status_code)
        case.validate_response(response, headers=dict(headers), excluded_checks=excluded)

    run()


ONLY = frozenset(filter(None, os.environ.get("FUZZ_OPERATIONS", "").split(",")))
"""Operation ids to fuzz alone (``FUZZ_OPERATIONS=createAsset,listJobs``), e.g. to re-check one
finding with the long budget; empty means all."""


def _operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda op: op.method.upper() == "DELETE")  # deletes last


def test_every_operation_answers_as_documented(fuzz_schema: Any, fuzz_target: FuzzTarget) -> None:
    operations = _operations(fuzz_schema)
    known = {op.definition.raw["operationId"] for op in operations}
    assert set(LOOSE_SCHEMAS) | set(GENERATED_IDS_ONLY) | HAPPY_PATHS <= known, "stale operation ids"
    # first, while every resource is there (the walk below deletes alice's); the app's lifespan
    # (and with it in-memory storage) ends with each test, so this is not a test of its own
    failures, never = _fuzz_happy_paths(operations, fuzz_target)
    for operation in operations:
        if ONLY and operation.definition.raw["operationId"] not in ONLY:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, fuzz_target)
            except Unsatisfiable:
                continue  # nothing to make invalid (e.g. no parameters and no body)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
    assert not never, f"happy paths that never answered 2xx (the statuses they got): {never}"
    succeeded = {op for op, statuses in fuzz_target.answered.items() if any(s < 300 for s in statuses)}
    assert ONLY or len(succeeded) >= 20, f"too few operations reached a 2xx: {sorted(succeeded)}"


def _fuzz_happy_paths(operations: list[Any], target: FuzzTarget) -> tuple[list[str], dict[str, Any]]:
    """Positive cases with valid references (``happy_paths``, decision 0195) for every operation
    that plain generation only gets 4xx from, under all the checks of the walk. Returns the
    failures and, per operation that never answered 2xx, the statuses it got (or why)."""
    happy = target.happy
    assert happy is not None
    assert happy.operations == HAPPY_PATHS, "a happy-path operation without its hooks, or the reverse"
    answered: dict[str, list[int]] = {}
    imported: list[int] = []
    """Files brought in per bulk import (it answers 200 even when every item fails)."""
    failures = []
    for operation in operations:
        operation_id = operation.definition.raw["operationId"]
        if operation_id not in HAPPY_PATHS or (ONLY and operation_id not in ONLY):
            continue
        try:
            _fuzz(
                operation, GenerationMode.POSITIVE, target, happy=happy, answered=answered, imported=imported
            )
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label} [happy path]: {exc}")
    never: dict[str, Any] = {}
    for operation_id in sorted(HAPPY_PATHS & ONLY if ONLY else HAPPY_PATHS):
        statuses = answered.get(operation_id, [])
        if not any(200 <= s < 300 for s in statuses):
            never[operation_id] = sorted(set(statuses))
        elif len(statuses) < HAPPY_EXAMPLES:
            never[operation_id] = f"only {len(statuses)} examples"
    if "importAssetsFromUrls" in answered and not sum(imported):
        never["importAssetsFromUrls"] = "200, but no item imported"
    return failures, never
