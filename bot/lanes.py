"""Ordered per chat, parallel across chats, bounded: how received updates are run.

Every update goes into the lane of its chat (`ChatLanes.put` with the chat's key). A lane runs
its updates one after another, in the order they were put, so one person's messages are
answered in the order they were written. Different lanes run side by side, at most
`concurrency` jobs at a time; a lane gives its slot back after each job and queues for the next,
so a chat with hundreds of updates waiting holds one slot, never all of them. At most `backlog`
jobs wait or run at once; `put` beyond that waits (backpressure: the poller stops fetching, a
webhook request is answered later) rather than fail. Whatever waits here is already stored in
the inbox (`bot.inbox`), so dropping it at shutdown loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class ChatLanes:
    """One lane per chat key; see the module docstring."""

    def __init__(self, concurrency: int, backlog: int) -> None:
        if concurrency < 1 or backlog < 1:
            raise ValueError("concurrency and backlog must be positive")
        self._slots = asyncio.Semaphore(concurrency)
        self._backlog = max(backlog, concurrency)
        self._lanes: dict[Hashable, deque[Job]] = {}
        self._lane_tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._accepted = 0  # jobs put and neither finished nor dropped
        self._running = 0
        self._room = asyncio.Condition()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    @property
    def accepted(self) -> int:
        """Jobs waiting or running."""
        return self._accepted

    @property
    def running(self) -> int:
        return self._running

    async def put(self, key: Hashable, job: Job) -> bool:
        """Queue `job` in the lane of `key`; waits while the backlog is full. False (and the job
        is not queued) once the lanes are closing."""
        async with self._room:
            await self._room.wait_for(lambda: self._accepted < self._backlog or self._closing)
            if self._closing:
                return False
            self._accepted += 1
        self._lanes.setdefault(key, deque()).append(job)
        if key not in self._lane_tasks:
            self._lane_tasks[key] = asyncio.create_task(self._run_lane(key), name=f"lane-{key}")
        return True

    async def _run_lane(self, key: Hashable) -> None:
        lane = self._lanes[key]
        try:
            while lane and not self._closing:
                async with self._slots:
                    if self._closing:
                        break
                    job = lane.popleft()
                    self._running += 1
                    self._idle.clear()
                    try:
                        await job()
                    except Exception:
                        # Jobs handle their own errors; this keeps the lane alive if one did not.
                        log.exception("an update job in lane %s failed", key)
                    finally:
                        self._running -= 1
                        if self._running == 0:
                            self._idle.set()
                await self._release(1)
        finally:
            self._lane_tasks.pop(key, None)
            left = self._lanes.pop(key, deque())
            if left:
                # Closing: what never started stays in the inbox for the next start.
                await self._release(len(left))

    async def _release(self, count: int) -> None:
        async with self._room:
            self._accepted -= count
            self._room.notify_all()

    async def close(self, grace: float) -> int:
        """Start no more jobs; wait up to `grace` seconds for the running ones. Returns how many
        were still running then (they are cancelled)."""
        self._closing = True
        async with self._room:
            self._room.notify_all()
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            pass
        unfinished = self._running
        tasks = list(self._lane_tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return unfinished
