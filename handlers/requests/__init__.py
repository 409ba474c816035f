"""Residents' side of requests: /request (a short guided form), /track CODE, "my requests", and
the answers to "was it really fixed?" and the rating.

One module per flow: `commands` (the ways in, first so that they work in the middle of a form),
`tracking` (/track and «my requests»), `duplicate` (following a similar open request instead),
`form` (the request form's steps, then its stale buttons), `closing` («was it fixed?» and the
rating); `shared` holds the form's states and buttons, the committee keyboard and a request's
card, which the committee's side (`handlers.inbox`) uses too."""

from __future__ import annotations

from aiogram import Router

from handlers.keyboards import committee_keyboard  # re-exported: its home before handlers.keyboards
from handlers.requests import closing, commands, duplicate, form, tracking
from handlers.requests.closing import FixedAnswer, Rating
from handlers.requests.form import route_request_text, start_request_form, submit_emergency
from handlers.requests.shared import (
    CommitteePick,
    DuplicateChoice,
    ExtrasDone,
    Privacy,
    RequestForm,
    daily_limit_text,
    not_now_text,
    track_text,
)
from handlers.requests.tracking import TrackForm, TrackPick, show_my_requests

__all__ = [
    "CommitteePick",
    "DuplicateChoice",
    "ExtrasDone",
    "FixedAnswer",
    "Privacy",
    "Rating",
    "RequestForm",
    "TrackForm",
    "TrackPick",
    "committee_keyboard",
    "daily_limit_text",
    "not_now_text",
    "route_request_text",
    "setup",
    "show_my_requests",
    "start_request_form",
    "submit_emergency",
    "track_text",
]


def setup() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        commands.setup(),
        tracking.setup(),
        # The follow-or-new choice before the form, whose stale-button catch-all covers its
        # button too; it answers only that button, so coming first takes nothing from the form.
        duplicate.setup(),
        form.setup(),
        closing.setup(),
    )
    return router
