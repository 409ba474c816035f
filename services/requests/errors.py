"""The errors a resident or a handler can cause with a request; handlers answer each with a clear
message. Text that is too short or too long is `services.errors.TextTooShort`/`TextTooLong`,
shared with the other forms."""

from __future__ import annotations

from models.requests import RequestStatus

__all__ = [
    "DailyLimitReached",
    "InvalidRating",
    "InvalidTransition",
    "NotAResident",
    "NoteRequired",
    "RequestError",
    "TooManyTrackingAttempts",
    "UnknownRequest",
]


class RequestError(Exception):
    """Base of the errors below."""


class NotAResident(RequestError):
    """The person has not joined a neighbourhood yet."""


class DailyLimitReached(RequestError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"daily limit of {limit} requests reached")
        self.limit = limit


class UnknownRequest(RequestError):
    """No request with that id or tracking code (or not one this person may see)."""


class InvalidTransition(RequestError):
    def __init__(self, status: RequestStatus) -> None:
        super().__init__(f"not possible while the request is {status.value}")
        self.status = status


class NoteRequired(RequestError):
    """Resolving needs a note and rejecting a reason."""


class InvalidRating(RequestError):
    pass


class TooManyTrackingAttempts(RequestError):
    """The hour's look-ups of codes that are not the asker's are used up; `minutes` until the next."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f"too many tracking codes tried; next in {minutes} minutes")
        self.minutes = minutes
