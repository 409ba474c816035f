"""Who is talking, remembered between updates (`services.identity_cache`): no read while nothing
changed, every change made in this process seen at the next update, a change made by another
process seen within the cache's time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import Account, Person, Platform, Role, ScopeKind
from services.accounts import Viewer, identify, set_locale
from services.identity_cache import FORGETTINGS_KEPT, IdentityCache
from services.roles import ensure_person, ensure_role, remove_role

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
USER = 5_550_001
Factory = async_sessionmaker[AsyncSession]


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def who(factory: Factory, cache: IdentityCache, *, name: str = "Maryam", at: datetime = T0) -> Viewer:
    async with factory() as session:
        return await identify(
            session,
            platform=Platform.TELEGRAM,
            user_id=USER,
            chat_id=USER,
            first_name=name,
            username=None,
            now=at,
            cache=cache,
        )


async def registered(factory: Factory) -> int:
    """A person with a phone whose Telegram account is USER; their person id."""
    async with factory() as session, session.begin():
        person, _ = await ensure_person(session, "09121234567", full_name="مریم", now=T0)
        session.add(
            Account(
                platform=Platform.TELEGRAM,
                platform_user_id=USER,
                chat_id=USER,
                person_id=person.id,
                first_name="Maryam",
                created_at=T0,
                last_seen_at=T0,
            )
        )
        return person.id


async def grant_resident(factory: Factory, person_id: int) -> None:
    """Another update makes `person_id` a resident of neighbourhood 7 and commits."""
    async with factory() as session, session.begin():
        await ensure_role(
            session,
            person_id=person_id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=7,
            now=T0,
        )


async def read_account(session: AsyncSession, person_id: int, name: str) -> tuple[Account, Viewer]:
    """USER's account as a read found it, and a viewer made from that read."""
    account = await session.get(Account, 1)
    assert account is not None
    return account, Viewer(account.id, Platform.TELEGRAM, USER, person_id, None, name, None, ())


async def test_a_person_talking_is_read_once(engine: AsyncEngine, session_factory: Factory) -> None:
    await registered(session_factory)
    cache = IdentityCache(10, clock=Ticks())
    first = await who(session_factory, cache)
    with counted(engine) as statements:
        again = await who(session_factory, cache, at=T0 + timedelta(minutes=1))
    assert again == first and first.phone == "+989121234567"
    assert statements == []
    # A new name is a change to store: written, and what was written remembered at once (the
    # first message of a person whose profile changed costs one write, not a read more after it).
    renamed = await who(session_factory, cache, name="Maryam R")
    assert renamed == first
    with counted(engine) as statements:
        await who(session_factory, cache, name="Maryam R")
    assert statements == []


async def test_changes_made_here_are_seen_at_the_next_update(session_factory: Factory) -> None:
    person_id = await registered(session_factory)
    cache = IdentityCache(10, clock=Ticks())
    assert (await who(session_factory, cache)).roles == ()

    # A role given (an ORM insert), then taken away (a bulk DELETE).
    await grant_resident(session_factory, person_id)
    assert [g.role for g in (await who(session_factory, cache)).roles] == [Role.RESIDENT]
    async with session_factory() as session, session.begin():
        await remove_role(
            session,
            person_id=person_id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=7,
        )
    assert (await who(session_factory, cache)).roles == ()

    # A block (the outbox's bulk UPDATE, 403 from the server) is lifted by the next message.
    async with session_factory() as session, session.begin():
        await session.execute(update(Account).where(Account.platform_user_id == USER).values(blocked_at=T0))
    await who(session_factory, cache)
    async with session_factory() as session:
        account = await session.get(Account, (await who(session_factory, cache)).account_id)
        assert account is not None and account.blocked_at is None

    # The person's name, the account's language.
    async with session_factory() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        person.full_name = "مریم رضایی"
    assert (await who(session_factory, cache)).full_name == "مریم رضایی"
    async with session_factory() as session:
        viewer = await who(session_factory, cache)
        await set_locale(session, viewer.account_id, "en")
    assert (await who(session_factory, cache)).stored_locale == "en"


async def test_a_change_rolled_back_or_made_elsewhere(engine: AsyncEngine, session_factory: Factory) -> None:
    person_id = await registered(session_factory)
    ticks = Ticks()
    cache = IdentityCache(10, clock=ticks)
    await who(session_factory, cache)

    # Rolled back: nothing changed, and the next read is remembered again.
    async with session_factory() as session:
        await ensure_role(
            session,
            person_id=person_id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=7,
            now=T0,
        )
        await session.rollback()
    assert (await who(session_factory, cache)).roles == ()

    # Another process (here: SQL on a connection, past any session) renames the person: the
    # memory holds the old name until its time is up.
    async with engine.begin() as connection:
        await connection.execute(update(Person).where(Person.id == person_id).values(full_name="دیگری"))
    assert (await who(session_factory, cache)).full_name == "مریم"
    ticks.now += 10
    assert (await who(session_factory, cache)).full_name == "دیگری"


async def test_a_read_overtaken_by_a_change_is_not_kept(session_factory: Factory) -> None:
    person_id = await registered(session_factory)
    cache = IdentityCache(10, clock=Ticks())
    async with session_factory() as session:
        started = cache.generation
        account, stale = await read_account(session, person_id, "old")
        # Meanwhile another update grants a role and commits.
        await grant_resident(session_factory, person_id)
        cache.put(Platform.TELEGRAM, account, stale, read_since=started)
    assert cache.get(Platform.TELEGRAM, USER) is None
    assert [g.role for g in (await who(session_factory, cache)).roles] == [Role.RESIDENT]


async def test_a_read_is_kept_though_other_accounts_changed_meanwhile(session_factory: Factory) -> None:
    """Under load someone's account is always being written (a new name, the last-seen time): that
    must not keep everyone else's viewer out of the memory."""
    person_id = await registered(session_factory)
    cache = IdentityCache(10, clock=Ticks())
    async with session_factory() as session:
        started = cache.generation
        account, viewer = await read_account(session, person_id, "Maryam")
        # Meanwhile another person's first message creates their account, and a third person's
        # roles change.
        async with session_factory() as other:
            await identify(
                other,
                platform=Platform.TELEGRAM,
                user_id=USER + 1,
                chat_id=USER + 1,
                first_name="Reza",
                username=None,
                now=T0,
            )
        async with session_factory() as other, other.begin():
            third, _ = await ensure_person(other, "09120000003", full_name="سوم", now=T0)
        await grant_resident(session_factory, third.id)
        assert cache.generation > started
        cache.put(Platform.TELEGRAM, account, viewer, read_since=started)
    remembered = cache.get(Platform.TELEGRAM, USER)
    assert remembered is not None and remembered.viewer == viewer


async def test_a_read_from_too_far_back_is_not_kept(session_factory: Factory) -> None:
    person_id = await registered(session_factory)
    cache = IdentityCache(10, clock=Ticks())
    async with session_factory() as session:
        account, viewer = await read_account(session, person_id, "Maryam")
        started = cache.generation
        for n in range(FORGETTINGS_KEPT + 1):  # more than are remembered: cannot tell what changed
            cache.forget({("person", 10_000 + n)})
        cache.put(Platform.TELEGRAM, account, viewer, read_since=started)
        assert cache.get(Platform.TELEGRAM, USER) is None
        started = cache.generation
        cache.forget({("person", 99_999)})
        cache.put(Platform.TELEGRAM, account, viewer, read_since=started)
        assert cache.get(Platform.TELEGRAM, USER) is not None


async def test_off(engine: AsyncEngine, session_factory: Factory) -> None:
    await registered(session_factory)
    cache = IdentityCache(0)
    await who(session_factory, cache)
    with counted(engine) as statements:
        await who(session_factory, cache)
    assert statements
