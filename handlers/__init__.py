"""aiogram routers, one module per feature; `get_routers()` assembles them in order."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    common,
    council,
    errors,
    fallback,
    inbox,
    join,
    liaisons,
    poster,
    profile,
    report,
    requests,
    start,
)


def get_routers() -> list[Router]:
    # Order matters: commands that work in every state come before the flows, the fallback last.
    return [
        errors.setup(),
        common.setup(),
        start.setup(),
        council.setup(),
        # Before the flows that take free text, so the officials' menu buttons work in their middle.
        report.setup(),
        liaisons.setup(),
        join.setup(),
        profile.setup(),
        requests.setup(),
        inbox.setup(),
        poster.setup(),
        admin.setup(),
        fallback.setup(),
    ]
