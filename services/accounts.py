"""Who is talking: messenger accounts, the person behind them (by verified phone) and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import (
    NAME_LENGTH,
    USERNAME_LENGTH,
    Account,
    Person,
    Platform,
    Role,
    RoleAssignment,
    ScopeKind,
)
from models.inserts import insert_unless_present
from models.repositories import account_by_platform_user, person_by_phone, roles_of
from services.i18n import SUPPORTED_LOCALES, Translator
from services.identity_cache import IdentityCache, Remembered
from services.identity_validation import normalize_any_phone
from services.notify import release_waiting
from services.uow import committing

# Writing last_seen_at on every message would turn every read into a write; a coarse value is
# enough to pick "the account last used" for notifications.
LAST_SEEN_RESOLUTION = timedelta(minutes=10)


class NotOwnContact(ValueError):
    """A shared contact that belongs to someone else (or carries no user id)."""


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    scope_kind: ScopeKind
    scope_id: int


@dataclass(frozen=True)
class Viewer:
    """The person behind the current update, as services and handlers see them."""

    account_id: int
    platform: Platform
    chat_id: int
    person_id: int | None
    phone: str | None
    full_name: str | None
    stored_locale: str | None
    roles: tuple[RoleGrant, ...]

    @property
    def is_registered(self) -> bool:
        return self.person_id is not None

    def has_role(self, role: Role) -> bool:
        return any(grant.role == role for grant in self.roles)


async def identify(
    session: AsyncSession,
    *,
    platform: Platform,
    user_id: int,
    chat_id: int,
    first_name: str | None,
    username: str | None,
    now: datetime,
    translator: Translator | None = None,
    private_chat: bool = True,
    cache: IdentityCache | None = None,
) -> Viewer:
    """Load (or, on first contact, create) the account and its person and roles; commits.

    With a `cache` (`services.identity_cache`), a viewer read before and still true to this
    update (same chat, names, and a last-seen time recent enough) is returned without a read.

    A person writing from an account that had blocked the bot is back: the block is forgotten
    and what waited for them is sent (given a `translator`). Only a private chat is a person's
    chat: from a group, supergroup or channel (`private_chat=False`) the account's chat is never
    changed (their notifications would go to the group) and a block is not taken as lifted."""
    first_name, username = fitted(first_name, NAME_LENGTH), fitted(username, USERNAME_LENGTH)
    if cache is not None:
        remembered = cache.get(platform, user_id)
        if remembered is not None:
            own_chat = chat_id if private_chat else remembered.chat_id
            if not _stale(remembered, own_chat, first_name, username, now, private_chat):
                return remembered.viewer
        read_since = cache.generation
    account = await account_by_platform_user(session, platform, user_id)
    if not private_chat:
        # Keep the account's chat; a new account gets the private chat, whose id is the user's.
        chat_id = account.chat_id if account is not None else user_id
    if account is not None and not _stale(account, chat_id, first_name, username, now, private_chat):
        # The common case, a person writing again: a read, nothing to commit.
        viewer = await _viewer(session, account)
        if cache is not None:
            cache.put(platform, account, viewer, read_since=read_since)
        return viewer
    async with committing(session):
        if account is None:
            account = await _new_account(session, platform, user_id, chat_id, first_name, username, now)
        elif account.blocked_at is not None and private_chat:
            account.blocked_at = None
            account.chat_id, account.last_seen_at = chat_id, now
            if account.person_id is not None and translator is not None:
                await session.flush()
                await release_waiting(session, translator, person_id=account.person_id, now=now)
        else:
            account.chat_id, account.first_name, account.username = chat_id, first_name, username
            account.last_seen_at = now
    # Committed: the account as written is what the next updates compare with.
    read_since = cache.generation if cache is not None else 0
    viewer = await _viewer(session, account)
    if cache is not None:
        cache.put(platform, account, viewer, read_since=read_since)
    return viewer


def _stale(
    account: Account | Remembered,
    chat_id: int,
    first_name: str | None,
    username: str | None,
    now: datetime,
    private_chat: bool,
) -> bool:
    """Whether the stored account must change: a block lifted (a private chat only), another chat
    or name, or its last-seen time older than `LAST_SEEN_RESOLUTION`."""
    return (
        (account.blocked_at is not None and private_chat)
        or account.chat_id != chat_id
        or account.first_name != first_name
        or account.username != username
        or now - account.last_seen_at >= LAST_SEEN_RESOLUTION
    )


async def _new_account(
    session: AsyncSession,
    platform: Platform,
    user_id: int,
    chat_id: int,
    first_name: str | None,
    username: str | None,
    now: datetime,
) -> Account:
    """The account of a person's first update (no commit)."""
    # A person's first updates may be handled at the same time: one insert makes the account,
    # the others find it (no duplicate, no IntegrityError).
    account = await insert_unless_present(
        session,
        Account,
        {
            "platform": platform,
            "platform_user_id": user_id,
            "chat_id": chat_id,
            "first_name": first_name,
            "username": username,
            "created_at": now,
            "last_seen_at": now,
        },
        unique=("platform", "platform_user_id"),
    )
    account = account or await account_by_platform_user(session, platform, user_id)
    if account is None:
        raise LookupError(f"the {platform.value} account of user {user_id} vanished")
    return account


def fitted(text: str | None, limit: int) -> str | None:
    """`text` cut to `limit` characters if longer, its last one then «…» to say so. Names come
    from messenger profiles and contacts, whose limits are not ours (nor always respected)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


async def reload_viewer(session: AsyncSession, viewer: Viewer) -> Viewer:
    """The viewer as the database has them now (after joining a neighbourhood, say: new roles)."""
    account = await session.get(Account, viewer.account_id, populate_existing=True)
    return viewer if account is None else await _viewer(session, account)


async def _viewer(session: AsyncSession, account: Account) -> Viewer:
    person = await session.get(Person, account.person_id) if account.person_id else None
    # Council seats are kept in step as council_member / committee_head role assignments.
    grants = (
        [RoleGrant(g.role, g.scope_kind, g.scope_id) for g in await roles_of(session, person.id)]
        if person
        else []
    )
    return Viewer(
        account_id=account.id,
        platform=account.platform,
        chat_id=account.chat_id,
        person_id=person.id if person else None,
        phone=person.phone if person else None,
        full_name=person.full_name if person else account.first_name,
        stored_locale=account.locale,
        roles=tuple(grants),
    )


async def set_locale(session: AsyncSession, account_id: int, locale: str) -> None:
    """Remember the language the user picked; commits."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    async with committing(session):
        account = await session.get(Account, account_id)
        if account is None:
            raise LookupError(account_id)
        account.locale = locale


async def link_contact(
    session: AsyncSession,
    *,
    account_id: int,
    sender_user_id: int,
    contact_user_id: int | None,
    phone_number: str,
    contact_name: str | None,
    admin_phones: frozenset[str],
    now: datetime,
    translator: Translator | None = None,
) -> Viewer:
    """Verify a shared contact and attach the account to the person with that phone; commits.

    Only the sender's own contact counts (the messenger's contact button sets its user id); a
    person pre-registered by phone (as manager, liaison, …) is found and linked, on either
    messenger, and what waited for them is sent (`services.notify.release_waiting`, given a
    `translator`). Raises `NotOwnContact` or `InvalidPhone`; nothing is saved then.
    """
    if contact_user_id is None or contact_user_id != sender_user_id:
        raise NotOwnContact
    phone = normalize_any_phone(phone_number)
    async with committing(session):
        account = await session.get(Account, account_id)
        if account is None:
            raise LookupError(account_id)
        person = await person_by_phone(session, phone)
        if person is None:
            contact_name = fitted(contact_name, NAME_LENGTH)
            person = Person(phone=phone, full_name=contact_name or account.first_name, created_at=now)
            session.add(person)
            await session.flush()
        elif not person.full_name and contact_name:
            person.full_name = fitted(contact_name, NAME_LENGTH)
        account.person_id = person.id
        account.last_seen_at = now
        account.blocked_at = None
        await session.flush()
        if translator is not None:
            await release_waiting(session, translator, person_id=person.id, now=now)
        if phone in admin_phones and not any(
            g.role == Role.ADMIN for g in await roles_of(session, person.id)
        ):
            session.add(
                RoleAssignment(
                    person_id=person.id,
                    role=Role.ADMIN,
                    scope_kind=ScopeKind.GLOBAL,
                    scope_id=0,
                    created_at=now,
                )
            )
    return await _viewer(session, account)


def normalized_admin_phones(raw: list[str]) -> frozenset[str]:
    """ADMIN_PHONES as typed by an operator (09…, +989…, Persian digits) in canonical form."""
    return frozenset(normalize_any_phone(p) for p in raw)


def display_phone(phone: str) -> str:
    """+989121234567 → 09121234567, the way Iranians read and write mobile numbers."""
    return "0" + phone[3:] if phone.startswith("+98") else phone
