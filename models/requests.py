"""Residents' requests and complaints, their history, followers and SLA reminders; routing
corrections kept as training examples; crisis periods of a neighbourhood."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.council import CommitteeKey
from models.identity import _enum


class RequestStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    # The committee says it is fixed; the resident has not confirmed yet.
    RESOLVED = "resolved"
    # The resident said it was not fixed; back with the committee, escalated to the manager.
    REOPENED = "reopened"
    CLOSED = "closed"
    REJECTED = "rejected"


OPEN_STATUSES: frozenset[RequestStatus] = frozenset(
    {RequestStatus.NEW, RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS, RequestStatus.REOPENED}
)


class CitizenRequest(Base):
    """A resident's request or complaint (درخواست), with its tracking code."""

    __tablename__ = "citizen_request"
    __table_args__ = (Index("ix_citizen_request_queue", "neighbourhood_id", "committee", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    committee: Mapped[CommitteeKey] = mapped_column(_enum(CommitteeKey, "committee_key"))
    text: Mapped[str] = mapped_column(Text)
    # [{"platform": "telegram", "file_id": "..."}]: a file id is only valid on its own messenger.
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Keep the resident's name off anything public (feeds, reports).
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"))
    # What the routing model proposed, kept to measure it and to learn from reroutes.
    suggested_committee: Mapped[CommitteeKey | None] = mapped_column(_enum(CommitteeKey, "committee_key"))
    suggestion_confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    # The SLA clocks run from submission, and again from each reopening or reroute (a new round).
    sla_started_at: Mapped[datetime]
    sla_round: Mapped[int] = mapped_column(Integer, default=0)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None]


class RequestEvent(Base):
    """One step in a request's history: who did what, when, with which note."""

    __tablename__ = "request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("citizen_request.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    # None for the system (SLA escalations).
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[RequestStatus | None] = mapped_column(_enum(RequestStatus, "request_status"))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RequestFollower(Base):
    """A resident who reported the same problem and follows the existing request instead."""

    __tablename__ = "request_follower"
    __table_args__ = (UniqueConstraint("request_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("citizen_request.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class SlaReminder(Base):
    """An SLA reminder or escalation that was sent: (request, clock, level, round) at most once."""

    __tablename__ = "sla_reminder"
    __table_args__ = (UniqueConstraint("request_id", "clock", "level", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("citizen_request.id", ondelete="CASCADE"))
    # "response" or "resolution"
    clock: Mapped[str] = mapped_column(String(16))
    # 1: committee head, 2: manager, 3: county official
    level: Mapped[int]
    # The request's sla_round when sent: a reopened or rerouted request's clocks start again.
    round: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime]


class CommitteeSla(Base):
    """Service-level targets of a committee (defaults: 48 hours to respond, 14 days to resolve)."""

    __tablename__ = "committee_sla"

    committee: Mapped[CommitteeKey] = mapped_column(_enum(CommitteeKey, "committee_key"), primary_key=True)
    first_response_hours: Mapped[int]
    resolution_days: Mapped[int]


class RoutingCorrection(Base):
    """A request a manager or committee rerouted: a labelled example for the next training."""

    __tablename__ = "routing_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizen_request.id", ondelete="SET NULL"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    committee: Mapped[CommitteeKey] = mapped_column(_enum(CommitteeKey, "committee_key"))
    created_at: Mapped[datetime]
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class TrackingAttempt(Base):
    """A look-up of a tracking code that was not the asker's own (nor followed, nor handled by
    them): counted so that codes cannot be tried one after another."""

    __tablename__ = "tracking_attempt"
    __table_args__ = (Index("ix_tracking_attempt_asker", "asker", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "person:<id>", or "account:<id>" for someone who has not shared their phone yet.
    asker: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]


class CrisisPeriod(Base):
    """A time when a neighbourhood is in crisis mode (the crisis committee is active)."""

    __tablename__ = "crisis_period"
    __table_args__ = (Index("ix_crisis_period_active", "neighbourhood_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    started_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None]
    ended_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
