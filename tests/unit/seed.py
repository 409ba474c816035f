"""Seeding a service test's database the way several of them do: the three neighbourhoods of the
province «تهران» (`REGIONS`), officials appointed by the operator, council seats and Telegram
accounts, each one call, so that a test module's `build` says who is there rather than how each
is made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, CommitteeKey, Person, Platform, Role, ScopeKind
from services.authz import OPERATOR
from services.council import MemberView, register_member
from services.roles import RoleChange, grant_role

# Two neighbourhoods of the county «شهر ری» and one of «تهران», all in the province «تهران».
REGIONS = """province,county,neighbourhood,code,kind
تهران,شهر ری,دولت‌آباد,1001,urban
تهران,شهر ری,باقرآباد,1002,rural
تهران,تهران,تجریش,2101,urban
"""
PROVINCE = "تهران"


async def appoint(
    session: AsyncSession,
    phone: str,
    role: Role,
    kind: ScopeKind,
    scope: str | None,
    *,
    now: datetime,
    **extra: Any,
) -> RoleChange:
    """`phone` given `role` over `scope` by the operator; a county is looked up in `PROVINCE`.
    `extra`: `grant_role`'s agency and name."""
    return await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=role,
        scope_kind=kind,
        scope_name_or_code=scope,
        now=now,
        province_name=PROVINCE if kind == ScopeKind.COUNTY else None,
        **extra,
    )


async def seat(
    session: AsyncSession,
    name: str,
    phone: str,
    neighbourhood_id: int,
    committee: CommitteeKey,
    *,
    head: bool,
    now: datetime,
) -> MemberView:
    """A council member of one committee (its head, with `head`), registered by the operator."""
    return await register_member(
        session,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        full_name=name,
        phone=phone,
        now=now,
        committees=[committee],
        head_of=committee if head else None,
    )


async def add_telegram_account(
    session: AsyncSession, person_id: int, user_id: int, *, now: datetime, locale: str | None = None
) -> None:
    """The person's Telegram account (its chat is the user's), opened and last seen at `now`;
    committed."""
    session.add(
        Account(
            platform=Platform.TELEGRAM,
            platform_user_id=user_id,
            chat_id=user_id,
            person_id=person_id,
            locale=locale,
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.commit()


async def person_id_of(session: AsyncSession, phone: str) -> int:
    """The person with this mobile number, as typed (09…)."""
    person_id = await session.scalar(select(Person.id).where(Person.phone == "+98" + phone[1:]))
    assert person_id is not None
    return person_id
