"""The command line's announcement commands (`python -m bot …`, wired in `bot.__main__`):
`broadcast --neighbourhood CODE --text T` queues an announcement to every resident of a
neighbourhood, as the operator, and prints how many were queued; `seed-demo --residents N
[--neighbourhood CODE]` adds N residents with messenger accounts for load tests."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from services.announcements import Announced

T = TypeVar("T")


def add_broadcast_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    broadcast = commands.add_parser(
        "broadcast",
        help="send an announcement to every resident of a neighbourhood",
        description=(
            "Queue an announcement to every resident of the neighbourhood, as the operator (no weekly "
            "limit). Residents who have not opened the bot get it when they do. Prints how many were "
            "queued: sent now and waiting. Exit 1 for an unknown code or a text of the wrong length."
        ),
    )
    broadcast.add_argument("--neighbourhood", required=True, metavar="CODE", help="the neighbourhood's code")
    broadcast.add_argument("--text", required=True, metavar="TEXT", help="the announcement")


def add_seed_arguments(seed: argparse.ArgumentParser) -> None:
    seed.add_argument(
        "--residents",
        type=int,
        metavar="N",
        default=None,
        help="also add N residents with messenger accounts (alternately Telegram and Bale), for load tests",
    )
    seed.add_argument(
        "--neighbourhood",
        metavar="CODE",
        default=None,
        help="where the residents go (default: the demo's urban neighbourhood)",
    )


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` on a session of the configured database (migrating the embedded SQLite first),
    as `bot.__main__` does for its own commands."""
    from models.db import create_engine, create_session_factory, upgrade_database

    engine = create_engine(settings.database_url)
    try:
        if settings.is_sqlite:
            await upgrade_database(settings.database_url)
        async with create_session_factory(engine)() as session:
            return await work(session)
    finally:
        await engine.dispose()


def broadcast(settings: Settings, args: argparse.Namespace) -> int:
    from services.announcements import UnknownNeighbourhood, broadcast_to_neighbourhood
    from services.clock import utc_now
    from services.errors import TextTooLong, TextTooShort
    from services.i18n import Translator

    translator = Translator(default_locale=settings.default_locale)

    async def work(session: AsyncSession) -> Announced:
        return await broadcast_to_neighbourhood(
            session, translator, code=args.neighbourhood, text=args.text, now=utc_now()
        )

    try:
        announced = asyncio.run(_with_session(settings, work))
    except UnknownNeighbourhood:
        print(f"no neighbourhood with code {args.neighbourhood!r}", file=sys.stderr)
        return 1
    except (TextTooShort, TextTooLong) as error:
        print(f"the text will not do: {error}", file=sys.stderr)
        return 1
    told = announced.told
    print(f"queued {announced.queued} (now {len(told.now)}, waiting for {len(told.waiting)} to join)")
    return 0


def seed_residents(settings: Settings, args: argparse.Namespace) -> int:
    """The `--residents` part of seed-demo (nothing without it)."""
    if args.residents is None:
        return 0
    if args.residents < 0:
        print("--residents must be 0 or more", file=sys.stderr)
        return 2
    from services.clock import utc_now
    from services.demo import seed_residents as add_residents

    async def work(session: AsyncSession) -> int:
        return await add_residents(session, count=args.residents, code=args.neighbourhood, now=utc_now())

    try:
        total = asyncio.run(_with_session(settings, work))
    except LookupError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"added {args.residents} residents; the neighbourhood has {total}")
    return 0
