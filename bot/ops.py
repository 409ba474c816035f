"""Operations endpoints on the bot's web app: `GET /healthz` (JSON; 200 when healthy, 503 when
not) and `GET /metrics` (Prometheus text). In webhook mode they are routes of the webhook server;
in polling mode a small server of their own listens on OPS_HOST:OPS_PORT (`serve_ops`).

Healthy means: the database answers; Redis answers when REDIS_URL is set; every polling loop has
had a successful getUpdates within HEALTH_RECEIVE_WINDOW seconds (or the process started less
than that ago); and the oldest due outbox row has waited at most HEALTH_OUTBOX_MAX_AGE seconds
(0: reported, never judged). A webhook that has not been called lately is reported, not judged:
a quiet neighbourhood at night sends no updates, and restarting the bot would not bring any."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import CONTENT_TYPE_LATEST, Metrics
from bot.settings import Settings
from models import health_repo
from models.outbox_repo import count_by_status
from services.clock import Clock

log = logging.getLogger(__name__)

__all__ = ["Liveness", "OpsContext", "add_ops_routes", "health_report", "serve_ops"]

# A check that takes longer than this counts as failed: a hung database is a dead one.
CHECK_TIMEOUT = 3.0


@dataclass
class Liveness:
    """When each bot last heard from its server: a successful getUpdates (polling) or a stored
    webhook update. Monotonic seconds, written by `bot.inbox`."""

    mode: str = "polling"
    started: float = field(default_factory=time.monotonic)
    heard: dict[int, float] = field(default_factory=dict)
    bots: tuple[int, ...] = ()

    def touch(self, bot_id: int) -> None:
        self.heard[bot_id] = time.monotonic()


@dataclass
class OpsContext:
    """What the two endpoints read."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock
    liveness: Liveness
    metrics: Metrics


async def _bounded(check: Callable[[], Awaitable[Any]]) -> str | None:
    """None when `check` finished in time, else what went wrong."""
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g}s"
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:300]
    return None


async def _check_database(ops: OpsContext) -> dict[str, Any]:
    async def query() -> None:
        async with ops.session_factory() as session:
            await health_repo.ping(session)

    error = await _bounded(query)
    return {"ok": error is None} | ({"error": error} if error else {})


async def _check_redis(ops: OpsContext) -> dict[str, Any] | None:
    if not ops.settings.redis_url:
        return None
    from redis.asyncio import Redis  # only when configured

    client = Redis.from_url(ops.settings.redis_url)

    async def ping() -> None:
        await client.ping()

    try:
        error = await _bounded(ping)
    finally:
        await client.aclose()
    return {"ok": error is None} | ({"error": error} if error else {})


def _check_receiving(ops: OpsContext) -> dict[str, Any]:
    live, now = ops.liveness, time.monotonic()
    window = ops.settings.health_receive_window
    bots: dict[str, Any] = {}
    ok = True
    for bot_id in live.bots:
        heard = live.heard.get(bot_id)
        age = None if heard is None else round(now - heard, 1)
        # Polling: a loop that has not reached its server for a whole window is stuck or cut off.
        fresh = (age is not None and age <= window) or (heard is None and now - live.started <= window)
        bot_ok = fresh or live.mode != "polling"
        ok = ok and bot_ok
        bots[str(bot_id)] = {"ok": bot_ok, "last_heard_seconds_ago": age}
    return {"ok": ok, "mode": live.mode, "window_seconds": window, "bots": bots}


async def _check_outbox(ops: OpsContext, now: datetime) -> dict[str, Any]:
    found: list[datetime | None] = []

    async def query() -> None:
        async with ops.session_factory() as session:
            found.append(await health_repo.oldest_due_at(session, now))

    error = await _bounded(query)
    if error is not None:
        return {"ok": False, "error": error}
    oldest = found[0]
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    limit = ops.settings.health_outbox_max_age
    return {"ok": not limit or age <= limit, "oldest_due_seconds": round(age, 1), "max_age_seconds": limit}


async def health_report(ops: OpsContext) -> dict[str, Any]:
    """Every check, and `ok` when all passed."""
    checks: dict[str, Any] = {"database": await _check_database(ops)}
    redis = await _check_redis(ops)
    if redis is not None:
        checks["redis"] = redis
    checks["receiving"] = _check_receiving(ops)
    checks["outbox"] = (
        await _check_outbox(ops, ops.clock())
        if checks["database"]["ok"]
        else {"ok": False, "error": "database unavailable"}
    )
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}


def healthz_handler(ops: OpsContext) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def healthz(request: web.Request) -> web.StreamResponse:
        report = await health_report(ops)
        if not report["ok"]:
            log.warning("health check failed: %s", report["checks"])
        return web.json_response(report, status=200 if report["ok"] else 503)

    return healthz


async def _refresh_outbox_gauges(ops: OpsContext) -> None:
    # Counted at scrape time: the database is the truth across instances and restarts.
    now = ops.clock()
    async with ops.session_factory() as session:
        counts = await count_by_status(session)
        oldest = await health_repo.oldest_due_at(session, now)
    for status in ("pending", "sent", "failed", "waiting", "merged"):
        ops.metrics.outbox.labels(status).set(getattr(counts, status))
    ops.metrics.oldest_due.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)


def metrics_handler(ops: OpsContext) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def metrics(request: web.Request) -> web.StreamResponse:
        try:
            await asyncio.wait_for(_refresh_outbox_gauges(ops), timeout=CHECK_TIMEOUT)
        except Exception:
            # The process's own metrics are still worth serving; the outbox gauges keep their values.
            log.warning("metrics: could not count the outbox", exc_info=True)
        return web.Response(body=ops.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics


def add_ops_routes(app: web.Application, ops: OpsContext) -> None:
    app.router.add_get("/healthz", healthz_handler(ops))
    app.router.add_get("/metrics", metrics_handler(ops))


async def serve_ops(
    ops: OpsContext, also: Callable[[web.Application], None] | None = None
) -> web.AppRunner | None:
    """Polling mode: a small server with the two endpoints, and the routes `also` adds (the ID
    cards' `/verify/<token>` page); None when OPS_PORT is 0."""
    if not ops.settings.ops_port:
        return None
    app = web.Application()
    add_ops_routes(app, ops)
    if also is not None:
        also(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, ops.settings.ops_host, ops.settings.ops_port).start()
    except OSError as error:
        # A port taken (another instance on this machine) must not stop the bot itself.
        log.error("health and metrics server could not listen on port %s: %s", ops.settings.ops_port, error)
        await runner.cleanup()
        return None
    log.info("health and metrics on http://%s:%s", ops.settings.ops_host, ops.settings.ops_port)
    return runner
