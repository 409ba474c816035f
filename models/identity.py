"""Regions, people, their messenger accounts and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

# Column sizes of what people and messengers write: longer values are cut to fit
# (`services.accounts`), never refused by the database.
NAME_LENGTH = 150
USERNAME_LENGTH = 64


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the value (e.g. "telegram"), not the member name, and keep it a plain VARCHAR with a
    # CHECK so adding a member later is a simple migration on both SQLite and PostgreSQL.
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Platform(enum.StrEnum):
    TELEGRAM = "telegram"
    BALE = "bale"


class NeighbourhoodKind(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class Role(enum.StrEnum):
    ADMIN = "admin"
    PROVINCE_OFFICIAL = "province_official"
    COUNTY_OFFICIAL = "county_official"
    MANAGER = "manager"
    LIAISON = "liaison"
    COUNCIL_MEMBER = "council_member"
    COMMITTEE_HEAD = "committee_head"
    RESIDENT = "resident"


class ScopeKind(enum.StrEnum):
    GLOBAL = "global"
    PROVINCE = "province"
    COUNTY = "county"
    NEIGHBOURHOOD = "neighbourhood"


class Province(Base):
    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    counties: Mapped[list[County]] = relationship(back_populates="province")


class County(Base):
    __tablename__ = "county"
    __table_args__ = (UniqueConstraint("province_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(100))

    province: Mapped[Province] = relationship(back_populates="counties")
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(back_populates="county")


class Neighbourhood(Base):
    __tablename__ = "neighbourhood"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[NeighbourhoodKind] = mapped_column(_enum(NeighbourhoodKind, "neighbourhood_kind"))
    # One of the programme's «محلات منتخب»: first actions are started and reported there first.
    selected: Mapped[bool] = mapped_column(default=False, server_default=false())

    county: Mapped[County] = relationship(back_populates="neighbourhoods")


class Person(Base):
    """A human, identified by a verified phone number (+98…), whatever messengers they use."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime]

    accounts: Mapped[list[Account]] = relationship(back_populates="person")
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="person")


class Account(Base):
    """One messenger identity (a Telegram or Bale user) and, once the contact is shared, its person."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform, "platform"))
    platform_user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    first_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    username: Mapped[str | None] = mapped_column(String(USERNAME_LENGTH))
    # The language the user picked with /lang; None means "follow the messenger's language_code".
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Set when the messenger said the user blocked the bot; cleared when they write again.
    blocked_at: Mapped[datetime | None]

    person: Mapped[Person | None] = relationship(back_populates="accounts")


class RoleAssignment(Base):
    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "scope_kind", "scope_id"),
        Index("ix_role_assignment_scope", "scope_kind", "scope_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    # Province, county or neighbourhood id, by scope_kind; 0 for the global scope (a NULL would
    # defeat the unique constraint on both backends).
    scope_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="roles")
