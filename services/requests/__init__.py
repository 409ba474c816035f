"""Residents' requests: submitting, routing to a committee, the committee's workflow, closing the
loop with the resident, following duplicates, and SLA reminders.

Who handles a request: the active members of its committee in its neighbourhood, the
neighbourhood's managers, and the officials above it. Who is *notified* of a new request: the
committee's head, or the managers when the committee has no head (or is the crisis committee
while crisis mode is off).

Every change is one transaction: the request, its history event and the notifications it causes
(queued in the outbox) commit together or not at all. The queries are in `models.requests_repo`.

One module per part:

- `submission`: who may submit, the text as stored, a new request saved and its handlers told;
- `emergencies`: a repeated emergency joining the first, and urgent outages;
- `duplicates`: a similar open request offered to follow, and following it;
- `tracking`: looking a request up by its code, with a limit on others' codes;
- `reading`: a resident's requests, a handler's inbox and the number on its button;
- `handling`: the committee's workflow (acknowledge, start, resolve, reject, reroute, emergency
  verdicts);
- `closing`: the resident's "was it fixed?" (close or reopen) and rating;
- `sla`: reminders and escalations, and the committees' targets;
- `people`: who handles a request, who is told, the ladder it climbs;
- `routing_model`: the routing model, retrained with handlers' corrections;
- `views`, `cards`, `notices`: a request as a reader sees it, its card and buttons, and the
  history event and notices a change leaves;
- `values`, `codes`, `attachments`, `errors`: the values passed around, tracking codes, photos
  and voice notes, and the errors handlers answer.

Every name is re-exported here, so `from services.requests import submit_request` keeps working.
"""

from services.errors import TextTooLong, TextTooShort
from services.requests.attachments import MAX_PHOTOS, Photo
from services.requests.cards import (
    describe_history,
    describe_request,
    fixed_buttons,
    handler_buttons,
    rating_buttons,
)
from services.requests.closing import confirm_fixed, rate_request
from services.requests.codes import (
    TRACKING_CODE_DIGITS,
    format_tracking_code,
    parse_tracking_code,
    reversed_tracking_code,
)
from services.requests.duplicates import (
    DUPLICATE_SIMILARITY,
    DUPLICATE_WINDOW,
    find_similar_open,
    follow_request,
)
from services.requests.emergencies import EMERGENCY_REPEAT_WINDOW, EMERGENCY_SAME_PLACE_METRES
from services.requests.errors import (
    DailyLimitReached,
    InvalidRating,
    InvalidTransition,
    NotAResident,
    NoteRequired,
    RequestError,
    TooManyTrackingAttempts,
    UnknownRequest,
)
from services.requests.handling import act_on_request, mark_emergency, reroute_request
from services.requests.people import (
    administrators,
    committee_heads,
    county_officials_of,
    crisis_active,
    first_responders,
    managers_of,
    may_handle,
    province_officials_of,
    request_ladder,
    resident_neighbourhood,
)
from services.requests.reading import (
    AWAITING_ANSWER,
    awaiting_answer_count,
    inbox,
    my_requests,
    request_for_handler,
)
from services.requests.routing_model import (
    MARKED_EMERGENCY,
    MARKED_NOT_EMERGENCY,
    RoutingModel,
    emergency_corrections,
    routing_corrections,
)
from services.requests.sla import (
    URGENT_SLA_SHARE,
    SlaRunSummary,
    committee_slas,
    run_sla_reminders,
    set_committee_sla,
)
from services.requests.submission import (
    DEFAULT_DAILY_LIMIT,
    check_can_submit,
    clean_request_text,
    submit_request,
)
from services.requests.tracking import TRACK_ATTEMPT_WINDOW, TRACK_ATTEMPTS_PER_HOUR, track_request
from services.requests.values import (
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    NOTE_REQUIRED,
    EventView,
    HandlerAction,
    Holder,
    NewRequest,
    RequestStatusView,
    RequestView,
    Submitted,
)

__all__ = [
    "AWAITING_ANSWER",
    "DEFAULT_DAILY_LIMIT",
    "DUPLICATE_SIMILARITY",
    "DUPLICATE_WINDOW",
    "EMERGENCY_REPEAT_WINDOW",
    "EMERGENCY_SAME_PLACE_METRES",
    "MARKED_EMERGENCY",
    "MARKED_NOT_EMERGENCY",
    "MAX_PHOTOS",
    "MAX_TEXT_LENGTH",
    "MIN_TEXT_LENGTH",
    "NOTE_REQUIRED",
    "TRACKING_CODE_DIGITS",
    "TRACK_ATTEMPTS_PER_HOUR",
    "TRACK_ATTEMPT_WINDOW",
    "URGENT_SLA_SHARE",
    "DailyLimitReached",
    "EventView",
    "HandlerAction",
    "Holder",
    "InvalidRating",
    "InvalidTransition",
    "NewRequest",
    "NotAResident",
    "NoteRequired",
    "Photo",
    "RequestError",
    "RequestStatusView",
    "RequestView",
    "RoutingModel",
    "SlaRunSummary",
    "Submitted",
    "TextTooLong",
    "TextTooShort",
    "TooManyTrackingAttempts",
    "UnknownRequest",
    "act_on_request",
    "administrators",
    "awaiting_answer_count",
    "check_can_submit",
    "clean_request_text",
    "committee_heads",
    "committee_slas",
    "confirm_fixed",
    "county_officials_of",
    "crisis_active",
    "describe_history",
    "describe_request",
    "emergency_corrections",
    "find_similar_open",
    "first_responders",
    "fixed_buttons",
    "follow_request",
    "format_tracking_code",
    "handler_buttons",
    "inbox",
    "managers_of",
    "mark_emergency",
    "may_handle",
    "my_requests",
    "parse_tracking_code",
    "province_officials_of",
    "rate_request",
    "rating_buttons",
    "request_for_handler",
    "request_ladder",
    "reroute_request",
    "resident_neighbourhood",
    "reversed_tracking_code",
    "routing_corrections",
    "run_sla_reminders",
    "set_committee_sla",
    "submit_request",
    "track_request",
]
