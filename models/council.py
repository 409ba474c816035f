"""The neighbourhood council, its committees, executive agencies and their liaisons, invitations,
the neighbourhood profile, and the audit log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import _enum


class CommitteeKey(enum.StrEnum):
    """The specialist committees of every council (DESIGN.md §1); `crisis` is activated only in
    emergencies."""

    HEALTH = "health"
    LIVELIHOOD = "livelihood"
    SECURITY = "security"
    CULTURE = "culture"
    SERVICES = "services"
    ENVIRONMENT = "environment"
    CRISIS = "crisis"


# The six standing committees whose staffing is reported (crisis is temporary).
STANDING_COMMITTEES: tuple[CommitteeKey, ...] = tuple(c for c in CommitteeKey if c is not CommitteeKey.CRISIS)


class CouncilPosition(enum.StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"


class CouncilMember(Base):
    """A person on a neighbourhood's progress council."""

    __tablename__ = "council_member"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    position: Mapped[CouncilPosition] = mapped_column(_enum(CouncilPosition, "council_position"))
    national_code: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    deactivated_at: Mapped[datetime | None]


class CommitteeMembership(Base):
    """A council member's seat on a committee; at most one active head per committee and
    neighbourhood (a partial unique index on both backends)."""

    __tablename__ = "committee_membership"
    __table_args__ = (
        UniqueConstraint("council_member_id", "committee"),
        Index(
            "uq_committee_membership_head",
            "neighbourhood_id",
            "committee",
            unique=True,
            sqlite_where=text("is_head"),
            postgresql_where=text("is_head"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_member_id: Mapped[int] = mapped_column(
        ForeignKey("council_member.id", ondelete="CASCADE"), index=True
    )
    # Repeated from the member so the one-head rule can be a simple index.
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    committee: Mapped[CommitteeKey] = mapped_column(_enum(CommitteeKey, "committee_key"))
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)


class Agency(Base):
    """An executive agency (دستگاه اجرایی) that names a liaison per county."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_fa: Mapped[str] = mapped_column(String(150))
    name_en: Mapped[str] = mapped_column(String(150))


class Liaison(Base):
    __tablename__ = "liaison"
    __table_args__ = (UniqueConstraint("agency_id", "county_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class Invitation(Base):
    """A single-use, expiring invitation to join a council (`/start i_<token>`)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    position: Mapped[CouncilPosition] = mapped_column(_enum(CouncilPosition, "council_position"))
    # [{"committee": "health", "is_head": true}, ...]
    committees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class NeighbourhoodProfile(Base):
    """شناسنامه محله: what officials need to know about a neighbourhood."""

    __tablename__ = "neighbourhood_profile"

    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), primary_key=True
    )
    population: Mapped[int | None]
    households: Mapped[int | None]
    area_hectares: Mapped[float | None]
    # {"schools": 2, "health_centres": 1, "mosques": 3, "parks": 1}
    facilities: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    main_problems: Mapped[str | None] = mapped_column(Text)
    # Keys of the national programmes active here (see services).
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    council_formed_on: Mapped[date | None]
    updated_at: Mapped[datetime]
    updated_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class AuditEntry(Base):
    """Who changed what, for every privileged operation."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # None for the operator's CLI; `actor_label` then says who (e.g. "cli").
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
