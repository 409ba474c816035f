"""Meetings and their resolutions (مصوبات): recording a meeting with its attendance and minutes,
adding resolutions with a responsible body and a deadline, listing them by state, and the
responsible people's progress reports, with the whole history kept.

Who may do what:
- the neighbourhood's manager and the officials above it record meetings and add resolutions;
- the council (members, committee heads), the manager and the officials read the neighbourhood's
  resolutions;
- the people who answer for a resolution (`services.responsibility.is_responsible`: the named
  member, the agency's liaison in the county, the responsible committee) report its progress,
  as do the manager and the officials; only the latter cancel or reopen one.

Every operation is one transaction: the change, its history entry, the audit entry and the
notifications it causes (queued in the outbox) commit together or not at all.

One module per part, every name re-exported here (`from services.resolutions import
add_resolution` keeps working):

- `errors`: what the operations raise for input they cannot take;
- `rules`: cleaning and checking typed input (texts, deadlines, meeting dates, percentages);
- `views`: the views callers get (`Responsible`, `MeetingView`, `ResolutionView`) and their loading;
- `rendering`: labels, list lines, cards, history and buttons in the reader's language;
- `notices`: telling people about a new or updated resolution;
- `meetings`: recording and reading meetings;
- `adding`: adding a resolution;
- `progress`: progress reports, completion, cancelling and reopening;
- `listing`: the neighbourhood's resolutions, a person's, one with its history.

The queries live in `models.resolutions_repo`.
"""

from services.errors import TextTooLong, TextTooShort, UnknownAgency, UnknownMember
from services.resolutions.adding import add_resolution
from services.resolutions.errors import (
    CommitteeRequired,
    DateOutOfRange,
    InvalidProgress,
    InvalidResponsible,
    NothingToUpdate,
    ResolutionClosed,
    ResolutionError,
    UnknownMeeting,
    UnknownResolution,
)
from services.resolutions.listing import get_resolution, list_resolutions, resolutions_for_person
from services.resolutions.meetings import create_meeting, get_meeting
from services.resolutions.notices import who_was_told_of_new
from services.resolutions.progress import may_update, update_progress
from services.resolutions.rendering import (
    describe_history,
    describe_meeting,
    describe_resolution,
    resolution_buttons,
    resolution_line,
    responsible_label,
)
from services.resolutions.rules import (
    DEADLINE_FUTURE_LIMIT,
    DEADLINE_PAST_LIMIT,
    MAX_GUESTS_LENGTH,
    MAX_MINUTES_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_TEXT_LENGTH,
    MEETING_PAST_LIMIT,
    MIN_TEXT_LENGTH,
    DeadlineDoubt,
    DeadlineDoubtReason,
    check_deadline,
    check_meeting_date,
    clean_guests,
    clean_minutes,
    clean_note,
    clean_resolution_text,
    doubt_deadline,
    parse_progress,
)
from services.resolutions.views import (
    DUE_SOON_DAYS,
    MeetingView,
    ResolutionFilter,
    ResolutionUpdateView,
    ResolutionView,
    Responsible,
)

__all__ = [
    "DEADLINE_FUTURE_LIMIT",
    "DEADLINE_PAST_LIMIT",
    "DUE_SOON_DAYS",
    "MAX_GUESTS_LENGTH",
    "MAX_MINUTES_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_TEXT_LENGTH",
    "MEETING_PAST_LIMIT",
    "MIN_TEXT_LENGTH",
    "CommitteeRequired",
    "DateOutOfRange",
    "DeadlineDoubt",
    "DeadlineDoubtReason",
    "InvalidProgress",
    "InvalidResponsible",
    "MeetingView",
    "NothingToUpdate",
    "ResolutionClosed",
    "ResolutionError",
    "ResolutionFilter",
    "ResolutionUpdateView",
    "ResolutionView",
    "Responsible",
    "TextTooLong",
    "TextTooShort",
    "UnknownAgency",
    "UnknownMeeting",
    "UnknownMember",
    "UnknownResolution",
    "add_resolution",
    "check_deadline",
    "check_meeting_date",
    "clean_guests",
    "clean_minutes",
    "clean_note",
    "clean_resolution_text",
    "create_meeting",
    "describe_history",
    "describe_meeting",
    "describe_resolution",
    "doubt_deadline",
    "get_meeting",
    "get_resolution",
    "list_resolutions",
    "may_update",
    "parse_progress",
    "resolution_buttons",
    "resolution_line",
    "resolutions_for_person",
    "responsible_label",
    "update_progress",
    "who_was_told_of_new",
]
