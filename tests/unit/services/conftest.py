"""Fakes wired into the account, client and campaign use cases (no I/O, no slow hashing)."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from v3core.ports.security import PasswordHasher, SecretGenerator
from v3core.ports.storage import UnitOfWorkFactory
from v3core.testing.fakes import SequentialIds, SteppingClock


class ReversingPasswordHasher(PasswordHasher):
    """Stores the reversed password: cheap and obviously not the plain text."""

    async def hash(self, password: str) -> str:
        return "rev$" + password[::-1]

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "rev$" + password[::-1]


class CountingSecrets(SecretGenerator):
    """Secrets ``secret-1``, ``secret-2``..."""

    def __init__(self) -> None:
        self.count = 0

    def new_secret(self) -> str:
        self.count += 1
        return f"secret-{self.count}"


@attrs.define
class World:
    """One in-memory store and the fakes around it."""

    uow: UnitOfWorkFactory
    clock: SteppingClock
    ids: SequentialIds
    hasher: ReversingPasswordHasher
    secrets: CountingSecrets


@pytest.fixture
def world() -> World:
    return World(
        InMemoryUnitOfWork.factory(InMemoryStore()),
        SteppingClock(),
        SequentialIds(),
        ReversingPasswordHasher(),
        CountingSecrets(),
    )
