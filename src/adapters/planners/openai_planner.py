"""Scene planner on the OpenAI Chat Completions API (and any OpenAI-compatible server).

The official ``openai`` SDK does the HTTP work, including retries with exponential
backoff on 408/409/429/5xx and connection errors (``max_retries`` is always set
explicitly) and a per-attempt timeout. Replies are requested as structured output
(``response_format`` ``json_schema``, strict); a server that refuses JSON schemas
(HTTP 400 naming ``response_format``/``json_schema``) is asked again with
``json_object`` and the planner keeps that mode from then on. See
``adapters.planners.prompt`` for the malformed-output/repair contract.
"""

from __future__ import annotations

from typing import Literal

import openai
from openai.types.chat import ChatCompletion
from openai.types.chat.completion_create_params import ResponseFormat

from adapters.planners.prompt import (
    PromptMessages,
    build_prompt,
    output_schema,
    schema_name,
)
from adapters.planners.replies import parse_reply_text, sdk_error
from v3core.errors import DomainError
from v3core.ports.planner import PlannerReply, PlanRequest, ScenePlanner, TokenUsage

OutputFormat = Literal["json_schema", "json_object"]
PROVIDER = "openai"


class OpenAIScenePlanner(ScenePlanner):
    """Plans storyboards with an OpenAI chat model; ``base_url`` targets any compatible server."""

    name = PROVIDER

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
        *,
        output_format: OutputFormat = "json_schema",
    ) -> None:
        self._api_key = api_key
        self._model = model
        self._timeout = timeout_seconds
        self._max_retries = max_retries
        self._output_format: OutputFormat = output_format
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def output_format(self) -> OutputFormat:
        """The structured-output mode the next call uses."""
        return self._output_format

    async def plan(self, request: PlanRequest) -> PlannerReply:
        """One planning call; provider failures become domain errors without the API key."""
        prompt = build_prompt(request)
        try:
            completion = await self._complete(prompt, request)
        except openai.OpenAIError as exc:
            raise self._domain_error(exc) from None
        return self._reply(completion)

    async def aclose(self) -> None:
        """Close the SDK's connection pool."""
        await self._client.close()

    async def _complete(self, prompt: PromptMessages, request: PlanRequest) -> ChatCompletion:
        try:
            return await self._create(prompt, request, self._output_format)
        except openai.BadRequestError as exc:
            if self._output_format != "json_schema" or not _rejects_json_schema(exc):
                raise
        self._output_format = "json_object"
        return await self._create(prompt, request, "json_object")

    async def _create(
        self, prompt: PromptMessages, request: PlanRequest, fmt: OutputFormat
    ) -> ChatCompletion:
        return await self._client.chat.completions.create(
            model=self._model,
            messages=[
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            response_format=_response_format(request, fmt),
        )

    def _reply(self, completion: ChatCompletion) -> PlannerReply:
        text = ""
        if completion.choices:
            message = completion.choices[0].message
            text = message.content or message.refusal or ""
        usage = TokenUsage()
        if completion.usage is not None:
            usage = TokenUsage(
                input_tokens=completion.usage.prompt_tokens,
                output_tokens=completion.usage.completion_tokens,
            )
        return PlannerReply(raw=parse_reply_text(text), model=completion.model or self._model, usage=usage)

    def _domain_error(self, exc: openai.OpenAIError) -> DomainError:
        return sdk_error(
            openai,
            exc,
            provider=PROVIDER,
            timeout=self._timeout,
            retries=self._max_retries,
            secret=self._api_key,
        )


def _rejects_json_schema(exc: openai.BadRequestError) -> bool:
    text = f"{exc.message} {exc.body}".lower()
    return "response_format" in text or "json_schema" in text


def _response_format(request: PlanRequest, fmt: OutputFormat) -> ResponseFormat:
    if fmt == "json_object":
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": schema_name(request.mode),
            "schema": output_schema(request),
            "strict": True,
        },
    }
