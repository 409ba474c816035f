"""The values requests are described by: the limits on what a resident writes, the steps a handler
may take (and from which statuses), what a resident composes before it is saved, what submitting
returns, and the views of a request its readers are given."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from models.council import CommitteeKey
from models.requests import OPEN_STATUSES, RequestStatus
from services.requests.attachments import Photo
from services.routing_data import RouteGuess

__all__ = [
    "MAX_TEXT_LENGTH",
    "MIN_TEXT_LENGTH",
    "NOTE_REQUIRED",
    "TRANSITIONS",
    "EventView",
    "HandlerAction",
    "Holder",
    "NewRequest",
    "RequestStatusView",
    "RequestView",
    "Submitted",
]

MIN_TEXT_LENGTH = 10
MAX_TEXT_LENGTH = 2000


class HandlerAction(enum.StrEnum):
    ACKNOWLEDGE = "ack"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"


# action → (statuses it may start from, the status it leads to, the history event)
TRANSITIONS: dict[HandlerAction, tuple[frozenset[RequestStatus], RequestStatus, str]] = {
    HandlerAction.ACKNOWLEDGE: (
        frozenset({RequestStatus.NEW, RequestStatus.REOPENED}),
        RequestStatus.ACKNOWLEDGED,
        "acknowledged",
    ),
    HandlerAction.START: (
        frozenset({RequestStatus.NEW, RequestStatus.ACKNOWLEDGED, RequestStatus.REOPENED}),
        RequestStatus.IN_PROGRESS,
        "in_progress",
    ),
    HandlerAction.RESOLVE: (OPEN_STATUSES, RequestStatus.RESOLVED, "resolved"),
    HandlerAction.REJECT: (OPEN_STATUSES, RequestStatus.REJECTED, "rejected"),
}
NOTE_REQUIRED: frozenset[HandlerAction] = frozenset({HandlerAction.RESOLVE, HandlerAction.REJECT})


@dataclass(frozen=True)
class NewRequest:
    """What the resident composed, before it is saved."""

    text: str
    committee: CommitteeKey
    suggestion: RouteGuess | None = None
    photos: tuple[Photo, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    anonymous: bool = False
    emergency: bool = False
    # Urgent though not an emergency (the router's verdict); the text is checked again anyway.
    urgent: bool = False


@dataclass(frozen=True)
class Holder:
    """Who has a request, as the resident is told: their level and names, and whether any of
    them can be reached now (else it waits for them to open the bot)."""

    level: str | None
    names: tuple[str, ...]
    reachable: bool


@dataclass(frozen=True)
class Submitted:
    id: int
    code: str
    committee: CommitteeKey
    urgent: bool
    # Whether the crisis committee got it (crisis mode on); else an emergency went to the manager.
    crisis_committee: bool
    notified: int
    # Who has it now (the first rung of the ladder with someone reachable), as the resident is told.
    holder: Holder
    # An emergency that repeated an open one joined it: id and code are the first one's.
    attached: bool = False


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    status: RequestStatus | None
    note: str | None
    actor_name: str | None


@dataclass(frozen=True)
class RequestView:
    id: int
    code: str
    neighbourhood_id: int
    neighbourhood_name: str
    committee: CommitteeKey
    status: RequestStatus
    created_at: datetime
    urgent: bool
    is_emergency: bool
    anonymous: bool
    photos: tuple[Photo, ...]
    latitude: float | None
    longitude: float | None
    rating: int | None
    # None when the viewer may not see the text (not theirs, not followed, not handling it).
    text: str | None
    # Only for the people handling the request (and the resident themself).
    resident_name: str | None = None
    resident_phone: str | None = None
    events: tuple[EventView, ...] = field(default=())


@dataclass(frozen=True)
class RequestStatusView:
    """A request as someone sees it who is neither its author, a follower nor a handler: its status
    and dates, nothing that tells what it is about or who is involved."""

    code: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
