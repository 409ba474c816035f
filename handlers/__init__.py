"""aiogram routers, one module (or package) per feature; `get_routers()` assembles them in groups,
and `merged()` gives the dispatcher their handlers as one router."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.filters.logic import _AndFilter, _InvertFilter, _OrFilter

from handlers import (
    actions,
    admin,
    announce,
    common,
    council,
    courses,
    credentials,
    crisis,
    errors,
    fallback,
    feed,
    inbox,
    jalali_calendar,
    join,
    liaisons,
    meetings,
    plans,
    poster,
    profile,
    reach,
    report,
    requests,
    resolutions,
    start,
    surveys,
    talk,
)


def _group(_name: str, *features: Router) -> list[Router]:
    # A group names a place in the order, not a router: the dispatcher gets the handlers merged.
    return list(features)


def get_routers() -> list[Router]:
    """The routers, in order. A message goes to the first handler whose filters match;
    the groups say why each feature stands where it does:

    1. **errors**: the error boundary (it handles no updates, only what handlers raise);
    2. **always**: what works in any state, in the middle of any form: /help, /cancel, /start,
       the language and contact buttons, a form calendar's month arrows;
    3. **officials**: the features whose commands and menu buttons (council, report, reach,
       liaisons, crisis, action log, feed) must work in the middle of a form that takes free text;
    4. **forms**: the flows that take free text in their states (meetings, resolutions, joining,
       profile, requests, inbox, poster, admin, surveys, plans, courses, credentials); each
       module's own steps come before its catch-alls;
    5. **fallback**: outside every form, what a person writes starts a request (`talk`); the
       rest gets the fallback's answer.
    """
    return [
        errors.setup(),
        *_group("always", common.setup(), jalali_calendar.setup(), start.setup()),
        *_group(
            "officials",
            council.setup(),
            report.setup(),
            reach.setup(),
            liaisons.setup(),
            crisis.setup(),
            announce.setup(),
            actions.setup(),
            feed.setup(),
        ),
        *_group(
            "forms",
            meetings.setup(),
            resolutions.setup(),
            join.setup(),
            profile.setup(),
            requests.setup(),
            inbox.setup(),
            poster.setup(),
            admin.setup(),
            surveys.setup(),
            plans.setup(),
            courses.setup(),
            credentials.setup(),
        ),
        *_group("fallback", talk.setup(), fallback.setup()),
    ]


def merged(routers: Iterable[Router], name: str = "handlers") -> Router:
    """One router with every handler of `routers` and their sub-routers, for each kind of event
    (errors included), in the order aiogram tries them: a router's own handlers, then each of its
    sub-routers' in turn. What handles an update is unchanged; what it costs is not: aiogram
    propagates an update through each router it passes (the data copied several times, the
    middlewares resolved), and a resident's free text passed some sixty of them on its way to
    `talk` (`python -m benchmarks.handling --text`).

    Synchronous filters (`F.text` and other magic filters) are called on the event loop
    (:class:`OnTheLoop`), and a filter that aiogram would take as always true is refused.

    A router with filters or middlewares of its own cannot be merged (they hold for its handlers
    only): refused."""
    into = Router(name=name)

    def take(router: Router) -> None:
        for kind, observer in router.observers.items():
            if observer._handler.filters or len(observer.outer_middleware) or len(observer.middleware):
                raise ValueError(f"router {router.name!r} has {kind} filters or middlewares of its own")
            for handler in observer.handlers:
                handler.filters = [on_the_loop(f, where=router.name) for f in handler.filters or ()] or None
            into.observers[kind].handlers.extend(observer.handlers)
        for sub in router.sub_routers:
            take(sub)

    for router in routers:
        take(router)
    return into


class OnTheLoop(Filter):
    """A synchronous filter (a magic filter such as `F.text`, or a plain function) called on the
    event loop's thread. aiogram calls a filter it cannot await in a worker thread
    (`asyncio.to_thread`): a thread hop, about as costly as the whole check of a command, for a
    test that takes microseconds; a resident's free text met one or two on every message."""

    __slots__ = ("source",)

    def __init__(self, source: FilterObject) -> None:
        self.source = source

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        source = self.source
        return source.callback(*args, **source._prepare_kwargs(kwargs))


def on_the_loop(check: FilterObject, where: str = "?") -> FilterObject:
    """`check`, with every synchronous filter in it (inside `~`, `&` and `|` too) made one that
    is called on the event loop. An object with an async `__call__` that is not an aiogram
    `Filter` is refused: aiogram would call it in a thread and take the coroutine it gets back
    as a pass, so the filter would silently always match."""
    callback = check.callback
    if isinstance(callback, _InvertFilter):
        callback.target = on_the_loop(callback.target, where)
    elif isinstance(callback, (_AndFilter, _OrFilter)):
        callback.targets = tuple(on_the_loop(target, where) for target in callback.targets)
    if check.awaitable:
        return check
    if inspect.iscoroutinefunction(type(callback).__call__):
        raise ValueError(
            f"router {where!r}: filter {callback!r} is async but not an aiogram Filter; "
            "aiogram would take it as always true"
        )
    return FilterObject(OnTheLoop(check))
