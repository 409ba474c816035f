"""Training courses for the programme's people (sessions, invitations, attendance, completion) and
what is issued after them: appointment letters and ID cards, with the holder's card photo."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import Role, ScopeKind, _enum

# The title of a course and the place of a session, as officials type them.
COURSE_TITLE_LENGTH = 200
SESSION_PLACE_LENGTH = 200


class Course(Base):
    """A training course run by a county or a province for managers, council members or liaisons."""

    __tablename__ = "course"
    __table_args__ = (Index("ix_course_scope", "scope_kind", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(COURSE_TITLE_LENGTH))
    # The county or province that runs it; its officials organise it, its people are invited.
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    scope_id: Mapped[int]
    # Who it is for: role values ("manager", "council_member", "liaison").
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The share of sessions a participant must attend to complete it, in percent.
    min_attendance_percent: Mapped[int] = mapped_column(default=80)
    # Whether completing it qualifies a manager or council member for a letter and a card.
    qualifies: Mapped[bool] = mapped_column(default=True)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class CourseSession(Base):
    """One meeting of a course: when (stored UTC, shown in Tehran's Jalali calendar) and where."""

    __tablename__ = "course_session"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    # 1, 2, … in the order of their times.
    number: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(SESSION_PLACE_LENGTH))


class ParticipantStatus(enum.StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class CourseParticipant(Base):
    """A person invited to a course for one of their roles, their answer and their completion."""

    __tablename__ = "course_participant"
    __table_args__ = (UniqueConstraint("course_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # The role (and its place) they were invited for: what a letter or card issued after it names.
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    scope_id: Mapped[int]
    status: Mapped[ParticipantStatus] = mapped_column(
        _enum(ParticipantStatus, "participant_status"), default=ParticipantStatus.INVITED
    )
    invited_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    # Set when their attendance reaches the course's share; cleared if a correction lowers it.
    completed_at: Mapped[datetime | None]


class SessionAttendance(Base):
    """Whether a participant was at a session, as the organiser recorded it."""

    __tablename__ = "session_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    present: Mapped[bool]
    recorded_at: Mapped[datetime]
    recorded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class DocumentKind(enum.StrEnum):
    LETTER = "letter"  # حکم: the appointment letter, an A4 PDF
    CARD = "card"  # کارت شناسایی: the ID card, a PNG with a signed QR code


class IssuedDocument(Base):
    """An appointment letter or ID card issued to a person for one role assignment. It is revoked
    when `revoked_at` is set, and also whenever that role assignment no longer exists."""

    __tablename__ = "issued_document"
    __table_args__ = (Index("ix_issued_document_holder", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    # «L-1405-00012», «C-1405-00012»: printed on the document; set once the id is known.
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    scope_id: Mapped[int]
    # The completed course it rests on; None when an official overrode the rule (with a reason).
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    issued_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime]
    # The last day (Tehran) a card is valid; letters do not expire.
    expires_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None]


class CardPhoto(Base):
    """The photo a person sent for their ID card (a small JPEG, kept so a card can be redrawn)."""

    __tablename__ = "card_photo"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]
