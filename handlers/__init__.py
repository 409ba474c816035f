"""aiogram routers, one module per feature; `get_routers()` assembles them in order."""

from __future__ import annotations

from aiogram import Router

from handlers import common, council, errors, fallback, join, profile, start


def get_routers() -> list[Router]:
    # Order matters: commands that work in every state come before the flows, the fallback last.
    return [
        errors.setup(),
        common.setup(),
        start.setup(),
        council.setup(),
        join.setup(),
        profile.setup(),
        fallback.setup(),
    ]
