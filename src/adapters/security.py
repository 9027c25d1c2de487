"""Security adapters: argon2 password hashing, PyJWT access tokens, ``secrets`` for keys."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TypeVar

import jwt
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from v3core.errors import Unauthorized
from v3core.ports.security import IssuedToken, PasswordHasher, SecretGenerator, TokenIssuer

_T = TypeVar("_T")


class Argon2PasswordHasher(PasswordHasher):
    """argon2id with the library's recommended parameters (64 MiB, 4 lanes per hash), run off the
    event loop on its own threads, at most ``concurrency`` hashes at once.

    Callers past the bound wait in line (cancellable: a caller that leaves costs nothing), so a
    burst of logins costs ``concurrency`` x 64 MiB and leaves the shared thread pool and the
    other core to the rest of the service.
    """

    def __init__(self, concurrency: int = 2, argon2: _Argon2 | None = None) -> None:
        if concurrency < 1:
            raise ValueError("password hashing concurrency must be at least 1")
        self._argon2 = argon2 or _Argon2()
        self._slots = asyncio.Semaphore(concurrency)
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="argon2")

    async def hash(self, password: str) -> str:
        return await self._run(lambda: self._argon2.hash(password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(lambda: self._verify(password_hash, password))

    def close(self) -> None:
        """Stop the hashing threads (app shutdown)."""
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def _run(self, work: Callable[[], _T]) -> _T:
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._threads, work)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class PyJwtTokenIssuer(TokenIssuer):
    """HS256 JWTs carrying ``sub`` (the user id), ``iat`` and ``exp``."""

    ALGORITHM = "HS256"

    def __init__(self, secret: str, lifetime: timedelta = timedelta(minutes=30), issuer: str = "v3") -> None:
        self._secret = secret
        self._lifetime = lifetime
        self._issuer = issuer

    def issue(self, user_id: str, now: datetime) -> IssuedToken:
        expires = now + self._lifetime
        claims = {"sub": user_id, "iat": now, "exp": expires, "iss": self._issuer}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=self.ALGORITHM), user_id, expires)

    def verify(self, token: str, now: datetime) -> str:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[self.ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "exp", "iss"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid access token") from exc
        subject, expires = claims.get("sub"), claims.get("exp")
        if not isinstance(subject, str) or not subject or not isinstance(expires, int | float):
            raise Unauthorized("invalid access token")
        if expires <= now.timestamp():
            raise Unauthorized("access token has expired")
        return subject


class TokenUrlsafeSecretGenerator(SecretGenerator):
    """32 random bytes from ``secrets``, URL-safe base64 (43 characters)."""

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)
