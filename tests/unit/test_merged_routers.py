"""handlers.merged: the feature routers' handlers as one router, tried in the order aiogram would
try them across the tree; a router with filters of its own is refused."""

from __future__ import annotations

import pytest
from aiogram import F, Router

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
