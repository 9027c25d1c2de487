"""Accounts: users, API keys and logins, and turning a credential into a ``Principal``.

API keys are ``v3_`` + a random URL-safe secret. Only the sha256 of the whole key is
stored, so authenticating is one indexed lookup of a fast hash; the secret is shown
once, when issued. Passwords go through the slow ``PasswordHasher`` port.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import timedelta

import attrs

from v3core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from v3core.model import ApiKey, User
from v3core.ports.security import IssuedToken, LoginThrottle, PasswordHasher, SecretGenerator, TokenIssuer
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator

API_KEY_PREFIX = "v3_"
"""Every API key starts with this, so a key is recognisable (and told apart from a JWT)."""

LAST_USED_RESOLUTION = timedelta(minutes=5)
"""``ApiKey.last_used_at`` is written at most this often, so reads almost never write."""

_DUMMY_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWg"
)


@attrs.frozen
class Principal:
    """Who is calling: the user (tenant) every query is scoped by, and the key used if any."""

    user_id: str
    key_id: str | None = None


@attrs.frozen
class IssuedApiKey:
    """A new key record and its secret, which is never available again."""

    key: ApiKey
    secret: str


def hash_api_key(secret: str) -> str:
    """The stored form of an API key: sha256 hex of the whole key text."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_email(email: str) -> str:
    """Trimmed, lower-cased email; ``ValidationFailed`` naming ``email`` when it is not one."""
    text = email.strip().lower()
    local, _, domain = text.partition("@")
    if not local or not domain or " " in text:
        raise ValidationFailed.at(("email",), "not an email address")
    return text


@attrs.frozen
class CreateUserCommand:
    """A new user; without a password the user can only authenticate with API keys."""

    email: str
    password: str | None = None


@attrs.frozen
class CreateUser:
    """Registers a user (tenant). A taken email is a ``Conflict``."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher

    async def execute(self, command: CreateUserCommand) -> User:
        """The stored user."""
        email = normalise_email(command.email)
        if command.password is not None and len(command.password) < 8:
            raise ValidationFailed.at(("password",), "must be at least 8 characters")
        password_hash = await self.hasher.hash(command.password) if command.password else None
        async with self.uow_factory() as uow:
            if await uow.users.get_by_email(email) is not None:
                raise Conflict(f"a user with email {email!r} already exists")
            user = User(self.ids.new_id(), email, self.clock.now(), password_hash)
            await uow.users.add(user)
            await uow.commit()
        return user


@attrs.frozen
class IssueApiKeyCommand:
    """A new key for the user with ``email`` (or, from the API, ``user_id``), optionally named."""

    email: str | None = None
    name: str | None = None
    user_id: str | None = None


async def _key_owner(uow: UnitOfWork, email: str | None, user_id: str | None) -> User:
    """The user named by id (the authenticated caller) or by email (the CLI)."""
    if user_id is not None:
        user = await uow.users.get(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user
    if email is None:
        raise ValidationFailed.at(("email",), "name the user by email", "missing")
    address = normalise_email(email)
    found = await uow.users.get_by_email(address)
    if found is None:
        raise NotFound("user", address, "email")
    return found


@attrs.frozen
class IssueApiKey:
    """Makes a random API key for a user, storing only its hash."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    secrets: SecretGenerator

    async def execute(self, command: IssueApiKeyCommand) -> IssuedApiKey:
        """The key record and the secret (show it once; it cannot be recovered)."""
        secret = API_KEY_PREFIX + self.secrets.new_secret()
        async with self.uow_factory() as uow:
            user = await _key_owner(uow, command.email, command.user_id)
            key = ApiKey(
                id=self.ids.new_id(),
                user_id=user.id,
                key_hash=hash_api_key(secret),
                prefix=secret[: len(API_KEY_PREFIX) + 6],
                created_at=self.clock.now(),
                name=command.name,
            )
            await uow.api_keys.add(key)
            await uow.commit()
        return IssuedApiKey(key, secret)


@attrs.frozen
class AuthenticateApiKey:
    """Turns a presented API key into a ``Principal``; unknown or revoked keys are refused."""

    uow_factory: UnitOfWorkFactory
    clock: Clock

    async def execute(self, secret: str) -> Principal:
        """The key's owner, or ``Unauthorized``. Writes ``last_used_at`` at most every 5 minutes."""
        if not secret.startswith(API_KEY_PREFIX):
            raise Unauthorized("invalid API key")
        presented = hash_api_key(secret)
        async with self.uow_factory() as uow:
            key = await uow.api_keys.get_by_hash(presented)
            if key is None or not hmac.compare_digest(key.key_hash, presented):
                raise Unauthorized("invalid API key")
            if key.revoked_at is not None:
                raise Unauthorized("API key has been revoked")
            now = self.clock.now()
            if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
                key.last_used_at = now
                await uow.api_keys.update(key)
                await uow.commit()
        return Principal(key.user_id, key.id)


@attrs.frozen
class RevokeApiKeyCommand:
    """Revoke key ``key_id`` of the user with ``email`` (or, from the API, ``user_id``)."""

    email: str | None
    key_id: str
    user_id: str | None = None


@attrs.frozen
class RevokeApiKey:
    """Marks a key revoked; it is refused from then on. Revoking twice is harmless."""

    uow_factory: UnitOfWorkFactory
    clock: Clock

    async def execute(self, command: RevokeApiKeyCommand) -> ApiKey:
        """The revoked key; ``NotFound`` when the user has no such key."""
        async with self.uow_factory() as uow:
            try:
                user = await _key_owner(uow, command.email, command.user_id)
            except NotFound:
                raise NotFound("api key", command.key_id) from None
            keys = await uow.api_keys.list_for_user(user.id)
            key = next((k for k in keys if k.id == command.key_id), None)
            if key is None:
                raise NotFound("api key", command.key_id)
            if key.revoked_at is None:
                key.revoked_at = self.clock.now()
                await uow.api_keys.update(key)
                await uow.commit()
        return key


@attrs.frozen
class ListApiKeys:
    """The user's API keys (hashes never leave the core; secrets were never kept)."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, user_id: str) -> Sequence[ApiKey]:
        """Every key of the user, revoked ones included, oldest first."""
        async with self.uow_factory() as uow:
            keys = await uow.api_keys.list_for_user(user_id)
        return sorted(keys, key=lambda k: (k.created_at, k.id))


@attrs.frozen
class LoginCommand:
    """Email (or username) and password, and the client address the attempt came from."""

    email: str
    password: str
    address: str = "unknown"


@attrs.frozen
class Login:
    """Checks a password and issues a short-lived access token.

    With a ``throttle``, failed attempts are budgeted per account and per client address:
    past either budget the attempt is refused with ``RateLimited`` before any hashing.
    """

    uow_factory: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenIssuer
    throttle: LoginThrottle | None = None

    async def execute(self, command: LoginCommand) -> IssuedToken:
        """A token for the user; ``Unauthorized`` (same message) for any wrong email or password;
        ``RateLimited`` once the account's or the address's failures are used up."""
        email = command.email.strip().lower()
        if self.throttle is not None:
            await self.throttle.acquire(email, command.address)
        async with self.uow_factory() as uow:
            user = await uow.users.get_by_email(email)
        stored = user.password_hash if user and user.password_hash else _DUMMY_PASSWORD_HASH
        matches = await self.hasher.verify(stored, command.password)
        if user is None or user.password_hash is None or not matches:
            raise Unauthorized("invalid email or password")
        if self.throttle is not None:
            await self.throttle.succeeded(email, command.address)
        return self.tokens.issue(user.id, self.clock.now())


@attrs.frozen
class AuthenticateToken:
    """Turns a presented access token into a ``Principal`` (no storage access)."""

    tokens: TokenIssuer
    clock: Clock

    def execute(self, token: str) -> Principal:
        """The token's user, or ``Unauthorized`` for a bad, tampered or expired token."""
        return Principal(self.tokens.verify(token, self.clock.now()))


@attrs.frozen
class Authenticate:
    """One entry point for any credential: API keys by prefix, everything else as a token."""

    api_keys: AuthenticateApiKey
    tokens: AuthenticateToken

    async def execute(self, credential: str) -> Principal:
        """The caller, or ``Unauthorized``."""
        if credential.startswith(API_KEY_PREFIX):
            return await self.api_keys.execute(credential)
        return self.tokens.execute(credential)
