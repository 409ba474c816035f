"""Per-chat lanes: in order within a chat, in parallel across chats up to the bound, backpressure
beyond the backlog, a flooding chat holds one slot, and closing finishes what runs."""

from __future__ import annotations

import asyncio

import pytest

from bot.lanes import ChatLanes


class Recorder:
    def __init__(self) -> None:
        self.order: list[tuple[str, int]] = []
        self.running = 0
        self.peak = 0

    def job(self, chat: str, n: int, seconds: float = 0.01):  # type: ignore[no-untyped-def]
        async def run() -> None:
            self.running += 1
            self.peak = max(self.peak, self.running)
            try:
                await asyncio.sleep(seconds)
                self.order.append((chat, n))
            finally:
                self.running -= 1

        return run


async def wait_idle(lanes: ChatLanes) -> None:
    async with asyncio.timeout(5):
        while lanes.accepted:  # noqa: ASYNC110 (polls the lanes' own counter)
            await asyncio.sleep(0.005)


async def test_one_chat_in_order_many_chats_in_parallel_up_to_the_bound() -> None:
    lanes = ChatLanes(concurrency=4, backlog=100)
    recorder = Recorder()
    for n in range(5):
        for chat in ("a", "b", "c", "d", "e", "f"):
            assert await lanes.put(chat, recorder.job(chat, n))
    await wait_idle(lanes)
    assert recorder.peak == 4
    for chat in "abcdef":
        assert [n for c, n in recorder.order if c == chat] == [0, 1, 2, 3, 4]


async def test_put_waits_when_the_backlog_is_full() -> None:
    lanes = ChatLanes(concurrency=1, backlog=3)
    release = asyncio.Event()

    async def blocked() -> None:
        await release.wait()

    for chat in ("a", "b", "c"):
        assert await lanes.put(chat, blocked)
    fourth = asyncio.create_task(lanes.put("d", blocked))
    await asyncio.sleep(0.05)
    assert not fourth.done()  # backpressure: waits, does not fail
    release.set()
    assert await asyncio.wait_for(fourth, 1)
    await wait_idle(lanes)


async def test_a_flooding_chat_holds_one_slot() -> None:
    lanes = ChatLanes(concurrency=2, backlog=1000)
    recorder = Recorder()
    for n in range(200):
        await lanes.put("flood", recorder.job("flood", n, 0.002))
    await asyncio.sleep(0.01)
    started = asyncio.get_running_loop().time()
    done = asyncio.Event()

    async def innocent() -> None:
        done.set()

    await lanes.put("innocent", innocent)
    await asyncio.wait_for(done.wait(), 0.1)
    assert asyncio.get_running_loop().time() - started < 0.1
    assert len([1 for c, _ in recorder.order if c == "flood"]) < 200  # it did not wait for the flood
    await wait_idle(lanes)


async def test_close_finishes_running_jobs_and_drops_waiting_ones() -> None:
    lanes = ChatLanes(concurrency=1, backlog=10)
    recorder = Recorder()
    await lanes.put("a", recorder.job("a", 0, 0.1))
    await lanes.put("a", recorder.job("a", 1, 0.1))
    await lanes.put("b", recorder.job("b", 0, 0.1))
    await asyncio.sleep(0.02)
    assert await lanes.close(grace=1.0) == 0
    assert recorder.order == [("a", 0)]
    assert not await lanes.put("c", recorder.job("c", 0))
    assert lanes.accepted == 0


async def test_close_gives_up_on_a_job_past_the_grace() -> None:
    lanes = ChatLanes(concurrency=2, backlog=10)
    never = asyncio.Event()

    async def stuck() -> None:
        await never.wait()

    await lanes.put("a", stuck)
    await asyncio.sleep(0.01)
    assert await lanes.close(grace=0.05) == 1


async def test_a_failing_job_does_not_stop_its_lane(caplog: pytest.LogCaptureFixture) -> None:
    lanes = ChatLanes(concurrency=1, backlog=10)
    recorder = Recorder()

    async def boom() -> None:
        raise RuntimeError("boom")

    await lanes.put("a", boom)
    await lanes.put("a", recorder.job("a", 1))
    await wait_idle(lanes)
    assert recorder.order == [("a", 1)]
    assert "boom" in caplog.text
