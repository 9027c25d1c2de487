"""Users, API keys (hashed, revocable, rarely written on use) and password logins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.security import PyJwtTokenIssuer
from tests.unit.services.conftest import World
from v3core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from v3core.services.accounts import (
    API_KEY_PREFIX,
    Authenticate,
    AuthenticateApiKey,
    AuthenticateToken,
    CreateUser,
    CreateUserCommand,
    IssueApiKey,
    IssueApiKeyCommand,
    Login,
    LoginCommand,
    RevokeApiKey,
    RevokeApiKeyCommand,
    hash_api_key,
)
from v3core.testing.fakes import SteppingClock


async def _user_with_key(world: World, email: str = "a@example.test") -> tuple[str, str]:
    user = await CreateUser(world.uow, world.clock, world.ids, world.hasher).execute(CreateUserCommand(email))
    issued = await IssueApiKey(world.uow, world.clock, world.ids, world.secrets).execute(
        IssueApiKeyCommand(email)
    )
    return user.id, issued.secret


async def test_stores_only_the_hash_of_an_issued_key(world: World) -> None:
    user_id, secret = await _user_with_key(world)
    assert secret.startswith(API_KEY_PREFIX)
    async with world.uow() as uow:
        (key,) = await uow.api_keys.list_for_user(user_id)
    assert key.key_hash == hash_api_key(secret)
    assert secret not in (key.key_hash, key.prefix)


async def test_a_key_authenticates_as_its_user(world: World) -> None:
    user_id, secret = await _user_with_key(world)
    principal = await AuthenticateApiKey(world.uow, world.clock).execute(secret)
    assert principal.user_id == user_id


@pytest.mark.parametrize("secret", ["v3_unknown", "no-prefix", ""])
async def test_an_unknown_key_is_unauthorized(world: World, secret: str) -> None:
    await _user_with_key(world)
    with pytest.raises(Unauthorized):
        await AuthenticateApiKey(world.uow, world.clock).execute(secret)


async def test_a_revoked_key_is_refused(world: World) -> None:
    user_id, secret = await _user_with_key(world)
    async with world.uow() as uow:
        (key,) = await uow.api_keys.list_for_user(user_id)
    revoked = await RevokeApiKey(world.uow, world.clock).execute(
        RevokeApiKeyCommand("a@example.test", key.id)
    )
    assert revoked.revoked_at is not None
    with pytest.raises(Unauthorized, match="revoked"):
        await AuthenticateApiKey(world.uow, world.clock).execute(secret)


async def test_revoking_another_users_key_is_not_found(world: World) -> None:
    user_id, _ = await _user_with_key(world, "a@example.test")
    await _user_with_key(world, "b@example.test")
    async with world.uow() as uow:
        (key,) = await uow.api_keys.list_for_user(user_id)
    with pytest.raises(NotFound):
        await RevokeApiKey(world.uow, world.clock).execute(RevokeApiKeyCommand("b@example.test", key.id))


async def test_last_used_is_written_at_most_once_per_five_minutes(world: World) -> None:
    user_id, secret = await _user_with_key(world)
    authenticate = AuthenticateApiKey(world.uow, world.clock)
    await authenticate.execute(secret)
    first = await _last_used(world, user_id)
    for _ in range(3):
        await authenticate.execute(secret)
    assert await _last_used(world, user_id) == first
    world.clock._now += timedelta(minutes=5)
    await authenticate.execute(secret)
    assert await _last_used(world, user_id) > first  # type: ignore[operator]


async def _last_used(world: World, user_id: str) -> object:
    async with world.uow() as uow:
        (key,) = await uow.api_keys.list_for_user(user_id)
    return key.last_used_at


async def test_emails_are_unique_whatever_their_case(world: World) -> None:
    create = CreateUser(world.uow, world.clock, world.ids, world.hasher)
    await create.execute(CreateUserCommand("Ann@Example.test"))
    with pytest.raises(Conflict):
        await create.execute(CreateUserCommand("ann@example.TEST"))


@pytest.mark.parametrize("email", ["", "no-at-sign", "@example.test", "a b@example.test"])
async def test_an_invalid_email_is_named(world: World, email: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await CreateUser(world.uow, world.clock, world.ids, world.hasher).execute(CreateUserCommand(email))
    assert caught.value.details[0].loc == ("email",)


async def test_login_issues_a_token_that_authenticates(world: World) -> None:
    tokens = PyJwtTokenIssuer("s" * 32)
    user = await CreateUser(world.uow, world.clock, world.ids, world.hasher).execute(
        CreateUserCommand("p@example.test", "long enough")
    )
    issued = await Login(world.uow, world.clock, world.hasher, tokens).execute(
        LoginCommand("P@example.test", "long enough")
    )
    authenticate = Authenticate(
        AuthenticateApiKey(world.uow, world.clock), AuthenticateToken(tokens, world.clock)
    )
    assert (await authenticate.execute(issued.token)).user_id == user.id


async def test_login_refuses_a_wrong_password_and_an_unknown_user_alike(world: World) -> None:
    tokens = PyJwtTokenIssuer("s" * 32)
    await CreateUser(world.uow, world.clock, world.ids, world.hasher).execute(
        CreateUserCommand("p@example.test", "long enough")
    )
    login = Login(world.uow, world.clock, world.hasher, tokens)
    messages = []
    for command in (
        LoginCommand("p@example.test", "wrong one"),
        LoginCommand("x@example.test", "long enough"),
    ):
        with pytest.raises(Unauthorized) as caught:
            await login.execute(command)
        messages.append(caught.value.message)
    assert messages[0] == messages[1]


async def test_a_token_signed_with_another_secret_is_refused() -> None:
    from datetime import UTC, datetime

    forged = PyJwtTokenIssuer("other" * 8).issue("u1", datetime.now(UTC))
    with pytest.raises(Unauthorized):
        AuthenticateToken(PyJwtTokenIssuer("s" * 32), SteppingClock()).execute(forged.token)


async def test_an_expired_token_is_refused() -> None:
    tokens = PyJwtTokenIssuer("s" * 32, lifetime=timedelta(minutes=1))
    clock = SteppingClock()
    issued = tokens.issue("u1", clock.now())
    assert AuthenticateToken(tokens, clock).execute(issued.token).user_id == "u1"
    clock._now += timedelta(minutes=2)
    with pytest.raises(Unauthorized, match="expired"):
        AuthenticateToken(tokens, clock).execute(issued.token)
