"""Meetings and their resolutions (مصوبات) with progress history; actions (اقدامات) with the
public feed's comments and reports; reminder marks that make every scheduled reminder
once-only."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.council import CommitteeKey
from models.identity import _enum


class MeetingKind(enum.StrEnum):
    COUNCIL = "council"
    COMMITTEE = "committee"
    COUNTY_SESSION = "county_session"
    # A governor's trip or another official visit (سفر استاندار/فرماندار).
    OFFICIAL_VISIT = "official_visit"


class Meeting(Base):
    """A council or committee meeting, a county session or an official visit, with its minutes."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind, "meeting_kind"))
    # For committee meetings.
    committee: Mapped[CommitteeKey | None] = mapped_column(_enum(CommitteeKey, "committee_key"))
    held_on: Mapped[date]
    # Council members present (CouncilMember ids) and anyone else, as typed.
    attendee_member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    guests: Mapped[str | None] = mapped_column(Text)
    minutes_text: Mapped[str | None] = mapped_column(Text)
    # {"platform": "telegram", "file_id": "..."}: a photo of the signed minutes.
    minutes_photo: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class ResponsibleKind(enum.StrEnum):
    COMMITTEE = "committee"
    # The agency's liaison in the neighbourhood's county.
    AGENCY = "agency"
    MEMBER = "member"


class ResolutionPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ResolutionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_RESOLUTION_STATUSES: frozenset[ResolutionStatus] = frozenset(
    {ResolutionStatus.OPEN, ResolutionStatus.IN_PROGRESS}
)


class Resolution(Base):
    """A decision with a responsible body and a deadline; the bot exists so none is forgotten."""

    __tablename__ = "resolution"
    __table_args__ = (Index("ix_resolution_due", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    responsible_kind: Mapped[ResponsibleKind] = mapped_column(_enum(ResponsibleKind, "responsible_kind"))
    responsible_committee: Mapped[CommitteeKey | None] = mapped_column(_enum(CommitteeKey, "committee_key"))
    responsible_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    responsible_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_member.id", ondelete="SET NULL")
    )
    # A calendar date (Tehran); overdue from the day after.
    deadline: Mapped[date]
    priority: Mapped[ResolutionPriority] = mapped_column(_enum(ResolutionPriority, "resolution_priority"))
    status: Mapped[ResolutionStatus] = mapped_column(_enum(ResolutionStatus, "resolution_status"))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class ResolutionUpdate(Base):
    """One entry of a resolution's history: progress, status and a note, by whom and when."""

    __tablename__ = "resolution_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # "created", "progress", "status", "action" (an action was logged against it), ...
    kind: Mapped[str] = mapped_column(String(32))
    progress: Mapped[int | None]
    status: Mapped[ResolutionStatus | None] = mapped_column(_enum(ResolutionStatus, "resolution_status"))
    note: Mapped[str | None] = mapped_column(Text)


class Action(Base):
    """Something the council did (اقدام), public unless marked internal."""

    __tablename__ = "council_action"
    __table_args__ = (Index("ix_council_action_feed", "neighbourhood_id", "public", "done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    committee: Mapped[CommitteeKey | None] = mapped_column(_enum(CommitteeKey, "committee_key"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # One of services.council.PROGRAMME_KEYS, or None.
    programme: Mapped[str | None] = mapped_column(String(40))
    done_on: Mapped[date]
    # [{"platform": "telegram", "file_id": "..."}]
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolution.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("citizen_request.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class CommentHidden(enum.StrEnum):
    # Hidden automatically after enough reports, until the manager reviews it.
    REPORTS = "reports"
    MANAGER = "manager"


class Comment(Base):
    """A resident's comment on a public action."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("council_action.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    hidden: Mapped[CommentHidden | None] = mapped_column(_enum(CommentHidden, "comment_hidden"))
    # Set when the manager has looked at it (kept visible or hidden for good).
    reviewed_at: Mapped[datetime | None]
    reviewed_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class CommentReport(Base):
    __tablename__ = "comment_report"
    __table_args__ = (UniqueConstraint("comment_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class ReminderMark(Base):
    """A scheduled reminder that was sent, by its key (e.g. `digest:<person>:<date>`): claimed
    with INSERT … ON CONFLICT DO NOTHING in the transaction that queues the message, so a rerun,
    a restart or a second instance never sends it twice."""

    __tablename__ = "reminder_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime]
