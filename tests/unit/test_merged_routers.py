"""handlers.merged: the feature routers' handlers as one router, tried in the order aiogram would
try them across the tree; a router with filters of its own is refused; synchronous filters are
checked on the event loop, and an async filter aiogram would take as always true is refused."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import or_f
from aiogram.types import Message

from handlers import get_routers, merged


def _names(router: Router, kind: str = "message") -> list[str]:
    return [handler.callback.__name__ for handler in router.observers[kind].handlers]


def _tree() -> list[Router]:
    async def a() -> None: ...
    async def b() -> None: ...
    async def c() -> None: ...
    async def d() -> None: ...
    async def failed() -> None: ...
    async def button() -> None: ...

    first, inner, last = Router(name="first"), Router(name="inner"), Router(name="last")
    first.message.register(a)
    inner.message.register(b)
    inner.callback_query.register(button)
    first.include_router(inner)
    first.message.register(c)  # a router's own handlers come before its sub-routers'
    last.message.register(d)
    last.errors.register(failed)
    return [first, last]


def test_handlers_keep_the_order_of_the_tree_for_each_kind_of_event() -> None:
    one = merged(_tree())
    assert _names(one) == ["a", "c", "b", "d"]
    assert _names(one, "callback_query") == ["button"]
    assert _names(one, "error") == ["failed"]
    assert one.sub_routers == []


def test_the_shipped_routers_lose_no_handler() -> None:
    def count(router: Router) -> int:
        return sum(len(o.handlers) for o in router.observers.values()) + sum(map(count, router.sub_routers))

    shipped = get_routers()
    total = sum(map(count, shipped))
    assert total > 100
    assert count(merged(shipped)) == total


def test_a_router_with_filters_of_its_own_is_refused() -> None:
    gated = Router(name="gated")
    gated.message.filter(F.text)
    with pytest.raises(ValueError, match="gated"):
        merged([gated])


def _message(text: str | None) -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": text}
    )


async def test_synchronous_filters_are_checked_on_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    async def handler() -> None: ...

    router = Router(name="texts")
    router.message.register(handler, F.text.startswith("سلام"), ~F.photo, or_f(F.caption, F.text.len() > 3))

    async def no_thread(*_: object, **__: object) -> None:
        raise AssertionError("a filter was sent to a worker thread")

    monkeypatch.setattr(asyncio, "to_thread", no_thread)
    (checked,) = merged([router]).message.handlers
    assert (await checked.check(_message("سلام، چاله کوچه")))[0] is True
    assert (await checked.check(_message("چاله کوچه")))[0] is False
    assert (await checked.check(_message(None)))[0] is False


def test_an_async_filter_that_aiogram_would_take_as_always_true_is_refused() -> None:
    class NotAFilter:  # no aiogram Filter base: aiogram would run it in a thread and get a coroutine
        async def __call__(self, message: Message) -> bool:
            return False

    async def handler() -> None: ...

    router = Router(name="careless")
    router.message.register(handler, NotAFilter())
    with pytest.raises(ValueError, match="careless"):
        merged([router])


def test_no_shipped_filter_is_left_to_a_worker_thread() -> None:
    def sync_filters(check: FilterObject) -> int:
        inner = check.callback
        nested = getattr(inner, "targets", ()) or ((inner.target,) if hasattr(inner, "target") else ())
        return (not check.awaitable) + sum(map(sync_filters, nested))

    one = merged(get_routers())
    checks = [f for observer in one.observers.values() for h in observer.handlers for f in h.filters or ()]
    assert len(checks) > 100
    assert sum(map(sync_filters, checks)) == 0
