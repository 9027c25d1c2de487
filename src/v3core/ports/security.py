"""Security ports: password hashing, access tokens and secret generation."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs


@attrs.frozen
class IssuedToken:
    """A signed access token for ``user_id`` and the moment it stops being accepted."""

    token: str
    user_id: str
    expires_at: datetime


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2 in production); never blocks the event loop."""

    async def hash(self, password: str) -> str:
        """A self-describing hash of ``password`` (salt and parameters included)."""
        ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash`` (False on any mismatch)."""
        ...


class TokenIssuer(Protocol):
    """Short-lived signed access tokens (JWT in production)."""

    def issue(self, user_id: str, now: datetime) -> IssuedToken:
        """A token naming ``user_id`` that expires a fixed time after ``now``."""
        ...

    def verify(self, token: str, now: datetime) -> str:
        """The user id a valid token unexpired at ``now`` names; raises ``Unauthorized`` otherwise."""
        ...


class SecretGenerator(Protocol):
    """Unpredictable secrets from a cryptographic source."""

    def new_secret(self) -> str:
        """A fresh URL-safe secret with at least 256 bits of entropy."""
        ...


class LoginThrottle(Protocol):
    """Budgets of failed logins per account and per client address (a sliding or fixed window).

    ``acquire`` reserves one attempt before any password is hashed, so a burst of concurrent
    guesses is refused without the slow work; ``succeeded`` hands the reservation back, so only
    failures use the budget.
    """

    async def acquire(self, account: str, address: str) -> None:
        """Reserve an attempt; ``RateLimited`` (with ``retry_after``) when either budget is spent."""
        ...

    async def succeeded(self, account: str, address: str) -> None:
        """The reserved attempt was a successful login: it does not count as a failure."""
        ...
