"""GET /healthz and GET /metrics (bot.ops, bot.metrics), served by a real aiohttp app."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Chat, Message, Update, User
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import DeliveryStats
from bot.metrics import Metrics, UpdateMetricsMiddleware
from bot.ops import Liveness, OpsContext, add_ops_routes
from bot.settings import Settings
from models.db import create_engine, create_session_factory
from models.identity import Platform
from services.outbox import enqueue
from services.uow import committing

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _ops(
    session_factory: async_sessionmaker[AsyncSession], liveness: Liveness | None = None, **settings: Any
) -> OpsContext:
    return OpsContext(
        settings=Settings(_env_file=None, **settings),  # type: ignore[call-arg]
        session_factory=session_factory,
        clock=lambda: NOW,
        liveness=liveness or Liveness(mode="polling", bots=(700001,)),
        metrics=Metrics(),
    )


async def _client(ops: OpsContext) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    add_ops_routes(app, ops)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def served(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[Any]:
    clients: list[TestClient[web.Request, web.Application]] = []

    async def serve(ops: OpsContext) -> TestClient[web.Request, web.Application]:
        clients.append(await _client(ops))
        return clients[-1]

    yield serve
    for client in clients:
        await client.close()


async def test_healthy_when_database_answers_and_polling_is_fresh(
    served: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    live = Liveness(mode="polling", bots=(700001,))
    live.touch(700001)
    client = await served(_ops(session_factory, live))
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 200, body
    assert body["ok"] is True
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["receiving"]["bots"]["700001"]["ok"] is True
    assert body["checks"]["outbox"]["oldest_due_seconds"] == 0.0
    assert "redis" not in body["checks"]


def _aiosqlite_workers() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if "_connection_worker_thread" in thread.name}


async def test_unhealthy_when_the_database_is_gone(served: Any, tmp_path: Path) -> None:
    # The database "file" is a folder: every connection fails, as when a server has gone.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}")
    before = _aiosqlite_workers()
    try:
        client = await served(_ops(create_session_factory(engine)))
        response = await client.get("/healthz")
        body = await response.json()
    finally:
        await engine.dispose()
        # aiosqlite stops the worker of a connection that failed to open without waiting for it;
        # one still running when this test's event loop closes raises «Event loop is closed» in
        # its thread (omnilib/aiosqlite#241), which a loaded CI machine made happen.
        for worker in _aiosqlite_workers() - before:
            await asyncio.to_thread(worker.join, 10)
    assert response.status == 503
    assert body["ok"] is False
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]
    assert body["checks"]["outbox"]["ok"] is False


async def test_unhealthy_when_polling_has_not_reached_its_server(
    served: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    live = Liveness(mode="polling", bots=(700001, 700002), started=time.monotonic() - 1000)
    live.touch(700001)  # the Telegram loop is fine, the Bale one never got through
    client = await served(_ops(session_factory, live, health_receive_window=60))
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503
    bots = body["checks"]["receiving"]["bots"]
    assert bots["700001"]["ok"] is True
    assert bots["700002"] == {"ok": False, "last_heard_seconds_ago": None}


async def test_quiet_webhook_is_reported_not_judged(
    served: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    live = Liveness(mode="webhook", bots=(700001,), started=time.monotonic() - 1000)
    client = await served(_ops(session_factory, live, health_receive_window=60))
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["checks"]["receiving"]["mode"] == "webhook"


async def test_unhealthy_when_the_outbox_is_stuck(
    served: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session, committing(session):
        await enqueue(
            session, platform=Platform.TELEGRAM, chat_id=42, text="hello", now=NOW - timedelta(hours=2)
        )
    live = Liveness(mode="polling", bots=())
    client = await served(_ops(session_factory, live, health_outbox_max_age=600))
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503
    assert body["checks"]["outbox"]["oldest_due_seconds"] == 7200.0
    # 0 means reported only.
    client = await served(_ops(session_factory, live, health_outbox_max_age=0))
    assert (await client.get("/healthz")).status == 200


def _update() -> Update:
    user = User(id=5, is_bot=False, first_name="R")
    message = Message(message_id=1, date=NOW, chat=Chat(id=5, type="private"), from_user=user, text="سلام")
    return Update(update_id=1, message=message)


async def test_metrics_text_has_every_metric(
    served: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session, committing(session):
        await enqueue(session, platform=Platform.TELEGRAM, chat_id=42, text="hello", now=NOW)
    ops = _ops(session_factory)
    stats = DeliveryStats(sent=7, rate_limited=2, failed=1)
    ops.metrics.watch_delivery(stats)

    async def handler(event: Any, data: dict[str, Any]) -> str:
        return "done"

    assert await UpdateMetricsMiddleware(ops.metrics)(handler, _update(), {}) == "done"
    client = await served(ops)
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert 'mahalleyar_updates_handled_total{type="message"} 1.0' in text
    assert 'mahalleyar_update_handling_seconds_bucket{le="0.005",type="message"}' in text
    assert "mahalleyar_outbox_sent_total 7.0" in text
    assert "mahalleyar_outbox_rate_limited_total 2.0" in text
    assert "mahalleyar_outbox_failed_total 1.0" in text
    assert 'mahalleyar_outbox_messages{status="pending"} 1.0' in text
    assert 'mahalleyar_outbox_messages{status="waiting"} 0.0' in text
    assert "mahalleyar_outbox_oldest_due_seconds 0.0" in text
    assert "process_cpu_seconds_total" in text
    # Counted at scrape time: what the worker does later shows in the next scrape.
    stats.sent += 1
    assert "mahalleyar_outbox_sent_total 8.0" in await (await client.get("/metrics")).text()
