"""Queries for the identity core. Repositories never commit: services own the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, Person, Platform, RoleAssignment


async def account_by_platform_user(session: AsyncSession, platform: Platform, user_id: int) -> Account | None:
    return await session.scalar(
        select(Account).where(Account.platform == platform, Account.platform_user_id == user_id)
    )


async def person_by_phone(session: AsyncSession, phone: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.phone == phone))


async def roles_of(session: AsyncSession, person_id: int) -> list[RoleAssignment]:
    result = await session.scalars(
        select(RoleAssignment).where(RoleAssignment.person_id == person_id).order_by(RoleAssignment.id)
    )
    return list(result)
