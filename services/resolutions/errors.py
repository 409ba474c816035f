"""The errors meetings and resolutions raise for input that cannot be taken as it is, or for a
meeting or resolution that does not exist; handlers answer each with a clear message. The text
errors shared with other services (`TextTooShort`, `TextTooLong`, `UnknownAgency`,
`UnknownMember`) live in `services.errors`."""

from __future__ import annotations

from datetime import date

from models.resolutions import ResolutionStatus

__all__ = [
    "CommitteeRequired",
    "DateOutOfRange",
    "InvalidProgress",
    "InvalidResponsible",
    "NothingToUpdate",
    "ResolutionClosed",
    "ResolutionError",
    "UnknownMeeting",
    "UnknownResolution",
]


class ResolutionError(ValueError):
    """Base of the input errors below."""


class DateOutOfRange(ResolutionError):
    """A deadline or meeting date too far in the past or the future; `limit` is the nearest
    acceptable date."""

    def __init__(self, field_name: str, reason: str, limit: date) -> None:
        super().__init__(f"{field_name} too far in the {reason} (limit {limit})")
        self.field = field_name
        self.reason = reason
        self.limit = limit


class CommitteeRequired(ResolutionError):
    """A committee meeting needs its committee."""


class InvalidResponsible(ResolutionError):
    """The responsible body is incomplete (a committee resolution without its committee, …)."""


class InvalidProgress(ResolutionError):
    def __init__(self, text: str) -> None:
        super().__init__(f"progress must be a whole number from 0 to 100: {text!r}")
        self.text = text


class NothingToUpdate(ResolutionError):
    """An update with no new progress, status or note."""


class ResolutionClosed(ResolutionError):
    """Done or cancelled: only the manager (or an official) may reopen it."""

    def __init__(self, status: ResolutionStatus) -> None:
        super().__init__(f"the resolution is {status.value}")
        self.status = status


class UnknownMeeting(LookupError):
    pass


class UnknownResolution(LookupError):
    pass
