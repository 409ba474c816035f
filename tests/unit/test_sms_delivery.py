"""The SMS worker against the Kavenegar fake over real HTTP: what each reply means, retries with
backoff, giving up on permanent errors with the reason, rate limits that cost no attempt, a clean
stop, and two workers never sending one row twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sms_delivery import (
    Accepted,
    KavenegarGateway,
    Permanent,
    RateLimited,
    SmsWorker,
    Transient,
    classify_reply,
    deliver_sms_once,
    kavenegar_receptor,
)
from emulator.sms_fake import KavenegarFake, start_sms_fake
from models import SmsMessage, SmsStatus

FAST: dict[str, Any] = {"retry_base_delay": 0.05, "retry_max_delay": 0.2, "poll_interval": 0.05}


def now() -> datetime:
    return datetime.now(UTC)


def reply(status: int, **extra: Any) -> dict[str, Any]:
    return {"return": {"status": status, "message": "پیام"}, "entries": None, **extra}


@pytest.mark.parametrize(
    ("http_status", "body", "expected"),
    [
        (200, reply(200, entries=[{"messageid": 8792343, "status": 1}]), Accepted("8792343")),
        (200, reply(200, entries=[]), Accepted(None)),
        (411, reply(411), Permanent),
        (413, reply(413), Permanent),
        (422, reply(422), Permanent),
        (418, reply(418), Transient),
        (403, reply(403), Transient),
        (412, reply(412), Transient),
        (501, reply(501), Transient),
        (451, reply(451), RateLimited),
        (429, reply(429), RateLimited),
        (409, reply(409), Transient),
        (402, reply(402), Transient),
        (200, reply(430), Transient),  # a status we do not know: retried, counted
        (502, None, Transient),  # an HTML page from a proxy
        (429, None, RateLimited),
        (200, {"unexpected": True}, Transient),
    ],
)
def test_what_a_reply_means(http_status: int, body: Any, expected: Any) -> None:
    outcome = classify_reply(http_status, body)
    if isinstance(expected, type):
        assert isinstance(outcome, expected), outcome
        status = body["return"]["status"] if isinstance(body, dict) and "return" in body else None
        if status is not None:
            assert f"kavenegar {status}" in outcome.error  # type: ignore[union-attr]
    else:
        assert outcome == expected


def test_account_problems_are_flagged_for_the_operator() -> None:
    credit = classify_reply(418, reply(418))
    busy = classify_reply(409, reply(409))
    assert isinstance(credit, Transient) and credit.operator and "insufficient credit" in credit.error
    assert isinstance(busy, Transient) and not busy.operator


def test_receptor_format() -> None:
    assert kavenegar_receptor("+989121234567") == "09121234567"
    assert kavenegar_receptor("09121234567") == "09121234567"
    assert kavenegar_receptor("+447700900123") == "00447700900123"


@pytest.fixture
async def fake() -> AsyncIterator[KavenegarFake]:
    fake, runner, _ = await start_sms_fake()
    try:
        yield fake
    finally:
        await runner.cleanup()


@pytest.fixture
async def gateway(fake: KavenegarFake) -> AsyncIterator[KavenegarGateway]:
    gateway = KavenegarGateway(fake.api_key, api_base=fake.base_url, sender="10004346", timeout=2.0)
    yield gateway
    await gateway.close()


async def queue(
    session_factory: async_sessionmaker[AsyncSession], *phones: str, text: str = "محله‌یار: آزمون"
) -> list[int]:
    async with session_factory() as session, session.begin():
        rows = [
            SmsMessage(
                phone=phone,
                text=text,
                dedup_key=f"test:{index}:{phone}",
                status=SmsStatus.PENDING,
                attempts=0,
                next_attempt_at=now(),
                created_at=now(),
            )
            for index, phone in enumerate(phones)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def rows(session_factory: async_sessionmaker[AsyncSession]) -> list[SmsMessage]:
    async with session_factory() as session:
        return list(await session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


async def test_each_message_goes_once_with_the_gateway_id(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    await queue(session_factory, "+989120000001", "+989120000002")
    stats = await deliver_sms_once(session_factory, gateway, now, max_wait=0.5, **FAST)
    again = await deliver_sms_once(session_factory, gateway, now, max_wait=0.5, **FAST)
    assert (stats.sent, again.sent, fake.calls) == (2, 0, 2)
    assert [(m.receptor, m.message, m.sender) for m in fake.messages] == [
        ("09120000001", "محله‌یار: آزمون", "10004346"),
        ("09120000002", "محله‌یار: آزمون", "10004346"),
    ]
    stored = await rows(session_factory)
    assert [r.status for r in stored] == [SmsStatus.SENT] * 2
    assert [r.provider_message_id for r in stored] == [str(m.messageid) for m in fake.messages]
    assert all(r.attempts == 1 and r.sent_at is not None and r.claimed_until is None for r in stored)


async def test_network_errors_5xx_and_try_again_are_retried(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    await queue(session_factory, "+989120000001")
    fake.break_next()  # an HTML 502 from a proxy
    fake.fail_next(409)
    fake.fail_next(502)
    stats = await deliver_sms_once(session_factory, gateway, now, max_wait=2.0, **FAST)
    [row] = await rows(session_factory)
    assert (stats.retried, stats.sent, fake.calls, len(fake.messages)) == (3, 1, 4, 1)
    assert (row.status, row.attempts, row.last_error) == (SmsStatus.SENT, 4, None)


async def test_a_permanent_error_fails_at_once_with_the_reason(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    await queue(session_factory, "+989120000001", "+98123")  # the second is no mobile number
    fake.fail_next(422)
    stats = await deliver_sms_once(session_factory, gateway, now, max_wait=1.0, **FAST)
    first, second = await rows(session_factory)
    assert (stats.failed, stats.sent, fake.messages) == (2, 0, [])
    assert (first.status, first.attempts) == (SmsStatus.FAILED, 1)
    assert first.last_error is not None and first.last_error.startswith("kavenegar 422")
    assert second.status == SmsStatus.FAILED and "kavenegar 411: invalid receptor" in (
        second.last_error or ""
    )


async def test_account_problems_are_retried_then_given_up_without_the_key(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake
) -> None:
    await queue(session_factory, "+989120000001")
    wrong = KavenegarGateway("not-the-key-71", api_base=fake.base_url, sender=None, timeout=2.0)
    try:
        stats = await deliver_sms_once(session_factory, wrong, now, max_wait=2.0, max_attempts=3, **FAST)
    finally:
        await wrong.close()
    [row] = await rows(session_factory)
    assert (stats.retried, stats.failed, fake.calls, row.status, row.attempts) == (
        2,
        1,
        3,
        SmsStatus.FAILED,
        3,
    )
    assert "kavenegar 403: invalid API key" in (row.last_error or "") and "after 3 attempts" in (
        row.last_error or ""
    )
    assert "not-the-key-71" not in (row.last_error or "")


async def test_an_unreachable_gateway_is_retried_and_the_key_never_shown(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await queue(session_factory, "+989120000001")
    closed = KavenegarGateway("secret-key-93", api_base="http://127.0.0.1:9", sender=None, timeout=1.0)
    try:
        stats = await deliver_sms_once(session_factory, closed, now, max_wait=1.0, max_attempts=2, **FAST)
    finally:
        await closed.close()
    [row] = await rows(session_factory)
    assert (stats.retried, stats.failed, row.status) == (1, 1, SmsStatus.FAILED)
    assert "secret-key-93" not in (row.last_error or "") and "Client" in (row.last_error or "")


async def test_a_rate_limit_pauses_sending_without_using_up_attempts(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    await queue(session_factory, "+989120000001")
    fake.fail_next(451, times=3)
    stats = await deliver_sms_once(
        session_factory, gateway, now, max_wait=2.0, max_attempts=2, rate_limit_wait=0.1, **FAST
    )
    [row] = await rows(session_factory)
    assert (stats.rate_limited, stats.sent, row.status, row.attempts) == (3, 1, SmsStatus.SENT, 1)


async def test_a_timeout_is_retried(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake
) -> None:
    await queue(session_factory, "+989120000001")
    fake.delay_next(1.0)
    slow = KavenegarGateway(fake.api_key, api_base=fake.base_url, sender=None, timeout=0.3)
    try:
        stats = await deliver_sms_once(session_factory, slow, now, max_wait=2.0, **FAST)
    finally:
        await slow.close()
    [row] = await rows(session_factory)
    assert (stats.retried, stats.sent, row.status, row.attempts) == (1, 1, SmsStatus.SENT, 2)
    # A timeout is ambiguous: the gateway may have taken the first call after all. For what must
    # not wait, a possible second SMS is preferred to a lost one.
    assert fake.calls == 2


async def test_two_workers_never_send_a_row_twice(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    phones = [f"+98912{n:07d}" for n in range(30)]
    await queue(session_factory, *phones)
    # Small batches, so both workers claim while the other is sending.
    shared: dict[str, Any] = {"rate": 100.0, "max_wait": 0.5, "batch_size": 3, **FAST}
    first, second = await asyncio.gather(
        deliver_sms_once(session_factory, gateway, now, **shared, worker_id="a"),
        deliver_sms_once(session_factory, gateway, now, **shared, worker_id="b"),
    )
    receptors = [m.receptor for m in fake.messages]
    assert first.sent + second.sent == 30 and first.sent and second.sent
    assert sorted(receptors) == sorted(kavenegar_receptor(p) for p in phones)
    assert {r.status for r in await rows(session_factory)} == {SmsStatus.SENT}


async def test_a_stop_hands_back_what_was_not_attempted(
    session_factory: async_sessionmaker[AsyncSession], fake: KavenegarFake, gateway: KavenegarGateway
) -> None:
    await queue(session_factory, *[f"+98912{n:07d}" for n in range(5)])
    worker = SmsWorker(session_factory, gateway, now, rate=2.0, worker_id="w", **FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    async with asyncio.timeout(5):
        while not fake.messages:  # noqa: ASYNC110 (the worker runs on this loop)
            await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    stored = await rows(session_factory)
    sent = [r for r in stored if r.status == SmsStatus.SENT]
    assert len(sent) == len(fake.messages) >= 1
    assert all(r.claimed_by is None and r.attempts == 0 for r in stored if r.status == SmsStatus.PENDING)
    assert worker.stats.released == 5 - len(sent)
