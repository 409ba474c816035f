"""A tiny loop-agnostic "something changed" notification primitive."""

from __future__ import annotations

import asyncio


class Notifier:
    """Wake every waiter when :meth:`notify` is called.

    Unlike :class:`asyncio.Condition` it does not bind to an event loop at construction
    time: each waiter creates a future in its own running loop, so one emulator instance
    may be used from several (sequential) event loops, e.g. across pytest tests.
    """

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake all current waiters (must be called from the waiters' event loop thread)."""
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                if fut.get_loop().is_closed():
                    continue
                fut.set_result(None)

    async def wait(self, max_wait: float | None) -> bool:
        """Wait until notified or ``max_wait`` seconds pass; return True when notified."""
        if max_wait is not None and max_wait <= 0:
            return False
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, max_wait)
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(fut)
        return True
