"""Schemathesis hooks that carry valid references, so the fuzzer reaches the happy paths.

Plain positive generation gets only 4xx from the operations below: a random ``clientId`` is
unknown (404), a random brief misses its required sections (422), a random URL is not an
importable host, a random action name is not an action, and alice's one job is not completed
(no video; its event stream would last until it ends). Each hook keeps what the schema
generated where SPEC accepts any schema-valid value and draws the rest from what SPEC allows
(decision 0195). The references are carol's, a tenant the walk of every operation never
touches:

- ``createCampaign``: the generated body on carol's client;
- ``createJob``: the generated brief with carol's client (and sometimes her campaign), the
  required texts kept when not blank, SPEC's durations and formats, and assets by id or by a
  URL on the local source server;
- ``applyJobAction``: an action allowed in ``storyboard_ready`` with the fields it needs, on a
  job in that state (``ReadyJobs`` makes a new one when the last one moved on);
- ``importAssetFromUrl`` / ``importAssetsFromUrls``: URLs of files on the local source server
  (private networks are allowed in the fuzzed app's settings for that);
- ``getJobVideo`` / ``streamJobEvents``: a completed job (its stream ends at once).

Hooks go in a test-scoped ``HookDispatcher`` passed to ``as_strategy`` for these positive
cases only, so negative cases are never "repaired" into valid ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st
from schemathesis.hooks import HookContext, HookDispatcher, HookScope
from schemathesis.python import asgi

from tests.e2e.security.world import API, brief

FORMATS = ("16:9", "9:16", "1:1", "4:5")
"""SPEC §4: the video formats a brief may ask for."""
READY_ACTIONS = ("approve", "reject_storyboard", "regenerate_all_scenes", "regenerate_scene", "cancel")
"""SPEC §5: the actions allowed in ``storyboard_ready`` (and their aliases below)."""
ALIASES = {"approve": "approve_storyboard", "reject_storyboard": "reject", "regenerate_scene": "regenerate"}
ASSET_TYPES = (None, "image")
"""The source server's files are PNGs: no type (detected) or ``image``."""


@attrs.define
class ReadyJobs:
    """Hands out a job of carol's (the happy-path tenant) in ``storyboard_ready``: the last one
    while it still is, else a new one planned with ``Prefer: wait`` (approve moves it on)."""

    app: Any
    headers: dict[str, str]
    client_id: str
    current: str | None = None
    made: int = 0

    def take(self) -> str:
        with asgi.get_client(self.app) as http:
            http.headers.update(self.headers)
            if self.current is not None:
                job = http.get(f"{API}/jobs/{self.current}").json()["data"]
                if job["status"] == "storyboard_ready" and job["scenes"]:
                    return self.current
            made = http.post(f"{API}/jobs", json=brief(self.client_id), headers={"Prefer": "wait=20"})
            assert made.status_code == 201, made.text
            self.current = str(made.json()["data"]["id"])
            self.made += 1
            return self.current


def _text(value: Any, fallback: str) -> Any:
    """A generated text SPEC accepts as is (a string with something in it), else ``fallback``."""
    return value if isinstance(value, str) and value.strip() else fallback


def _dict(value: Any, known: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``value`` as a dict (of the ``known`` keys only, for a body that refuses unknown fields)."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if known is None or k in known}


IMPORT_FIELDS = ("url", "name", "type", "clientId", "campaignId", "tags")
"""``UrlImportBody``: the import endpoints refuse unknown fields (422), which the schema allows."""
BULK_FIELDS = ("items", "urls", "type", "clientId", "campaignId", "tags")


@attrs.frozen
class HappyPaths:
    """The hooks and fixed parameters per operation id, built from alice's resources."""

    ids: dict[str, str]
    source: str
    """Base URL of the local source server, which serves ``/files/<name>`` for ``FILES``."""
    files: tuple[str, ...]
    ready_jobs: ReadyJobs

    @property
    def operations(self) -> frozenset[str]:
        return frozenset(self._hooks()) | {"getJobVideo", "streamJobEvents"}

    def path_parameters(self, operation_id: str) -> dict[str, str] | None:
        if operation_id in ("getJobVideo", "streamJobEvents"):
            return {"job_id": self.ids["completed_job_id"]}
        return None

    def before_call(self, operation_id: str, case: Any) -> None:
        """The prerequisite made just before the call: a job in ``storyboard_ready``."""
        if operation_id == "applyJobAction":
            case.path_parameters = {**(case.path_parameters or {}), "job_id": self.ready_jobs.take()}

    def dispatcher(self, operation_id: str) -> HookDispatcher | None:
        hooks = self._hooks().get(operation_id)
        if hooks is None:
            return None
        dispatcher = HookDispatcher(scope=HookScope.TEST)
        for name, hook in hooks.items():
            dispatcher.register_hook_with_name(hook, name)
        return dispatcher

    def _hooks(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "createCampaign": {"map_body": self._campaign},
            "createJob": {"flatmap_body": self._job},
            "applyJobAction": {"flatmap_body": self._action},
            "importAssetFromUrl": {"flatmap_body": self._import},
            "importAssetsFromUrls": {"flatmap_body": self._bulk_import},
        }

    def _url(self) -> st.SearchStrategy[str]:
        return st.sampled_from([f"{self.source}/files/{name}" for name in self.files])

    def _owner(self) -> st.SearchStrategy[dict[str, Any]]:
        """Alice's client, and her campaign or none."""
        return st.fixed_dictionaries(
            {
                "clientId": st.just(self.ids["client_id"]),
                "campaignId": st.sampled_from([None, self.ids["campaign_id"]]),
            }
        )

    def _campaign(self, context: HookContext, body: Any) -> Any:
        return {**_dict(body), "clientId": self.ids["client_id"]}

    def _job(self, context: HookContext, body: Any) -> st.SearchStrategy[Any]:
        body = _dict(body)
        basics = _dict(body.get("adBasics"))
        creative = _dict(body.get("creative"))
        direction = _dict(creative.get("direction"))
        example = brief(self.ids["client_id"])
        body["adBasics"] = {
            **basics,
            **{key: _text(basics.get(key), fallback) for key, fallback in example["adBasics"].items()},
        }
        creative["direction"] = {**direction, "style": _text(direction.get("style"), "Bold")}
        body.pop("advanced", None)  # free-form (sceneCount, maxCost): its rules are tested in tests/e2e/jobs
        specs = st.none() | st.fixed_dictionaries(
            {},
            optional={"duration": st.integers(5, 120), "format": st.sampled_from(FORMATS)},
        )
        asset = st.sampled_from([{"assetId": self.ids["asset_id"]}]) | st.fixed_dictionaries(
            {"url": self._url()},
            optional={"type": st.sampled_from(ASSET_TYPES), "name": st.text(max_size=20)},
        )
        return st.builds(
            lambda owner, video_specs, assets: {
                **body,
                "context": {**_dict(body.get("context")), **owner},
                "creative": {**creative, "videoSpecs": video_specs, "assets": assets},
            },
            self._owner(),
            specs,
            st.none() | st.lists(asset, max_size=2),
        )

    def _action(self, context: HookContext, body: Any) -> st.SearchStrategy[Any]:
        body = _dict(body)
        body.pop("payload", None)  # the same fields nested; the flat ones are the ones drawn here
        body.pop("constraints", None)  # planning rules (tests/e2e/jobs); the action itself is fuzzed here
        feedback = _text(body.get("feedback"), "Brighter, please")

        def action(name: str, alias: bool) -> dict[str, Any]:
            out = {**body, "action": ALIASES.get(name, name) if alias else name}
            out.pop("sceneId", None)
            if name in ("reject_storyboard", "regenerate_scene", "regenerate_all_scenes"):
                out["feedback"] = feedback
            if name == "regenerate_scene":
                out["sceneNumber"] = 1
            else:
                out.pop("sceneNumber", None)
            return out

        return st.builds(action, st.sampled_from(READY_ACTIONS), st.booleans())

    def _import_item(self, body: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(
            lambda url, owner, kind: {**body, "url": url, **owner, "type": kind},
            self._url(),
            self._owner(),
            st.sampled_from(ASSET_TYPES),
        )

    def _import(self, context: HookContext, body: Any) -> st.SearchStrategy[Any]:
        return self._import_item(_dict(body, IMPORT_FIELDS))

    def _bulk_import(self, context: HookContext, body: Any) -> st.SearchStrategy[Any]:
        body = _dict(body, BULK_FIELDS)
        items = [_dict(item, IMPORT_FIELDS) for item in body.get("items") or []][:3]
        return st.builds(
            lambda drawn, urls, owner, kind: {
                **body,
                "items": drawn,
                "urls": urls,
                **owner,
                "type": kind,
            },
            st.tuples(*(self._import_item(item) for item in items)).map(list),
            st.lists(self._url(), min_size=0 if items else 1, max_size=3),
            self._owner(),
            st.sampled_from(ASSET_TYPES),
        )
