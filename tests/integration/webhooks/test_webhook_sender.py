"""The webhook sender against real sockets on 127.0.0.1: the outbound guard, the timeout, the
answer's status, and a network failure as an outcome rather than an exception."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from adapters.webhooks.sender import HttpxWebhookSender
from tests.webhook_receiver import always, running_receiver

HEADERS = {"content-type": "application/json", "webhook-id": "msg_1"}


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A server that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "169.254.169.254", "10.0.0.1"])
async def test_private_and_metadata_targets_are_refused_for_good_by_default(host: str) -> None:
    sender = HttpxWebhookSender(timeout_seconds=2)
    try:
        outcome = await sender.post(f"http://{host}:9/hook", "{}", HEADERS)
    finally:
        await sender.aclose()
    assert outcome.status_code is None
    assert outcome.permanent
    assert outcome.error is not None
    assert "refused" in outcome.error


async def test_the_metadata_address_stays_refused_when_private_networks_are_allowed() -> None:
    sender = HttpxWebhookSender(timeout_seconds=2, allow_private_networks=True)
    try:
        outcome = await sender.post("http://169.254.169.254/latest", "{}", HEADERS)
    finally:
        await sender.aclose()
    assert outcome.permanent


async def test_a_receiver_that_never_answers_is_a_timed_out_attempt(silent_port: int) -> None:
    sender = HttpxWebhookSender(timeout_seconds=0.2, allow_private_networks=True)
    try:
        outcome = await sender.post(f"http://127.0.0.1:{silent_port}/hook", "{}", HEADERS)
    finally:
        await sender.aclose()
    assert (outcome.status_code, outcome.permanent) == (None, False)
    assert outcome.error is not None
    assert "0.2 s" in outcome.error


async def test_a_refused_connection_is_a_failed_attempt_worth_retrying() -> None:
    sender = HttpxWebhookSender(timeout_seconds=2, allow_private_networks=True)
    try:
        outcome = await sender.post(f"http://127.0.0.1:{_closed_port()}/hook", "{}", HEADERS)
    finally:
        await sender.aclose()
    assert (outcome.status_code, outcome.permanent, outcome.succeeded) == (None, False, False)
    assert outcome.error


async def test_the_body_and_headers_arrive_as_given_and_a_2xx_succeeds() -> None:
    sender = HttpxWebhookSender(timeout_seconds=2, allow_private_networks=True)
    async with running_receiver(always(202)) as receiver:
        try:
            outcome = await sender.post(receiver.url, '{"type":"job.completed"}', HEADERS)
        finally:
            await sender.aclose()
    [received] = receiver.received
    assert outcome.succeeded
    assert outcome.status_code == 202
    assert received.body == '{"type":"job.completed"}'
    assert received.headers["webhook-id"] == "msg_1"
