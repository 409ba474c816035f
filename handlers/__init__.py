"""aiogram routers, one module per feature; `get_routers()` assembles them in order."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    actions,
    admin,
    common,
    council,
    crisis,
    errors,
    fallback,
    feed,
    inbox,
    jalali_calendar,
    join,
    liaisons,
    meetings,
    poster,
    profile,
    reach,
    report,
    requests,
    resolutions,
    start,
    talk,
)


def get_routers() -> list[Router]:
    # Order matters: commands that work in every state come before the flows, the fallback last.
    return [
        errors.setup(),
        common.setup(),
        # Month navigation of every form's Jalali calendar, in any state.
        jalali_calendar.setup(),
        start.setup(),
        council.setup(),
        # Before the flows that take free text, so the officials' menu buttons work in their middle.
        report.setup(),
        reach.setup(),
        liaisons.setup(),
        crisis.setup(),
        # Before the free-text flows too: their menu buttons (feed, action) work mid-form.
        actions.setup(),
        feed.setup(),
        meetings.setup(),
        resolutions.setup(),
        join.setup(),
        profile.setup(),
        requests.setup(),
        inbox.setup(),
        poster.setup(),
        admin.setup(),
        # Outside every form, what a person writes is the start of a request (after every flow,
        # whose own states come first; before the fallback).
        talk.setup(),
        fallback.setup(),
    ]
