"""Scene planner on the Anthropic Messages API.

The official ``anthropic`` SDK does the HTTP work, including retries with
exponential backoff on 408/409/429/5xx and connection errors (``max_retries`` is
always set explicitly) and a per-attempt timeout. Structured output is tool use:
one tool whose ``input_schema`` is the expected reply, forced with ``tool_choice``;
the ``tool_use`` block's input is the raw reply. A reply without that block falls
back to the JSON found in its text. See ``adapters.planners.prompt`` for the
malformed-output/repair contract.
"""

from __future__ import annotations

from collections.abc import Sequence

import anthropic
from anthropic.types import ContentBlock, Message

from adapters.planners.prompt import (
    build_prompt,
    output_schema,
    schema_name,
)
from adapters.planners.replies import parse_reply_text, sdk_error
from v3core.errors import DomainError
from v3core.ports.planner import PlannerReply, PlanRequest, ScenePlanner, TokenUsage

PROVIDER = "anthropic"


class AnthropicScenePlanner(ScenePlanner):
    """Plans storyboards with a Claude model through a forced tool call."""

    name = PROVIDER

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
        *,
        max_tokens: int = 4096,
    ) -> None:
        self._api_key = api_key
        self._model = model
        self._timeout = timeout_seconds
        self._max_retries = max_retries
        self._max_tokens = max_tokens
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    async def plan(self, request: PlanRequest) -> PlannerReply:
        """One planning call; provider failures become domain errors without the API key."""
        try:
            message = await self._create(request)
        except anthropic.AnthropicError as exc:
            raise self._domain_error(exc) from None
        usage = TokenUsage(input_tokens=message.usage.input_tokens, output_tokens=message.usage.output_tokens)
        return PlannerReply(raw=_raw_output(message.content), model=message.model or self._model, usage=usage)

    async def aclose(self) -> None:
        """Close the SDK's connection pool."""
        await self._client.close()

    async def _create(self, request: PlanRequest) -> Message:
        prompt = build_prompt(request)
        tool = f"submit_{schema_name(request.mode)}"
        return await self._client.messages.create(
            model=self._model,
            max_tokens=self._max_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            tools=[
                {
                    "name": tool,
                    "description": f"Submit the {schema_name(request.mode)} you planned.",
                    "input_schema": output_schema(request),
                }
            ],
            tool_choice={"type": "tool", "name": tool},
        )

    def _domain_error(self, exc: anthropic.AnthropicError) -> DomainError:
        return sdk_error(
            anthropic,
            exc,
            provider=PROVIDER,
            timeout=self._timeout,
            retries=self._max_retries,
            secret=self._api_key,
        )


def _raw_output(content: Sequence[ContentBlock]) -> object:
    for block in content:
        if block.type == "tool_use":
            return block.input
    text = "".join(block.text for block in content if block.type == "text")
    return parse_reply_text(text)
