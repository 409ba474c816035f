"""Composition root: builds settings-driven objects and runs the bot. Nothing happens at import."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiohttp import web
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cluster import Cluster
from bot.delivery import DeliveryWorker
from bot.dispatcher import build_dispatcher, publish_commands
from bot.durable_writes import DurableWrites
from bot.fsm_storage import build_fsm_storage
from bot.inbox import Inbox, webhook_handler
from bot.lanes import ChatLanes
from bot.leases import default_worker_id
from bot.metrics import Metrics
from bot.ops import OpsContext, add_ops_routes, serve_ops
from bot.platforms import CAPABILITIES, best_effort, make_bot, until_answered
from bot.reply_journal import ReplyJournalMiddleware
from bot.reply_retry import ReplyRetryMiddleware
from bot.scheduler import build_scheduler, catch_up, job_schedules, reminder_policy, stop_scheduler
from bot.settings import Settings
from bot.sms_delivery import SmsWorker, build_gateway
from bot.verify_page import add_verify_route
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Platform
from services.clock import Clock, utc_now
from services.i18n import Translator
from services.identity_cache import IdentityCache
from services.requests import RoutingModel
from services.requests.routing_model import ROUTER_START_DELAY
from services.routing_cache import RouterCache

log = logging.getLogger(__name__)


def build_bots(settings: Settings, journal: ReplyJournalMiddleware | None = None) -> dict[Platform, Bot]:
    bots: dict[Platform, Bot] = {}

    def retry() -> ReplyRetryMiddleware:
        return ReplyRetryMiddleware(
            attempts=settings.reply_retry_attempts, within=settings.reply_retry_seconds
        )

    if settings.telegram_bot_token is not None:
        bots[Platform.TELEGRAM] = make_bot(
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_api_base,
            label="telegram",
            reply_retry=retry(),
            journal=journal,
        )
    if settings.bale_bot_token is not None:
        bots[Platform.BALE] = make_bot(
            settings.bale_bot_token.get_secret_value(),
            settings.bale_api_base,
            label="bale",
            reply_retry=retry(),
            journal=journal,
        )
    return bots


@dataclass
class Runtime:
    """What a running bot holds, so it can be shut down cleanly."""

    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    bots: dict[Platform, Bot]
    translator: Translator
    routing: RoutingModel
    # Received updates: stored, then handled in per-chat lanes (bot.inbox, bot.lanes).
    lanes: ChatLanes
    inbox: Inbox
    # GET /metrics (bot.metrics, bot.ops).
    metrics: Metrics
    # Who is talking, remembered between updates (services.identity_cache).
    identity_cache: IdentityCache
    # With REDIS_URL: the poll leases, job claims and shared outbox pace of several instances.
    cluster: Cluster | None = None


# Redis connections beyond UPDATE_CONCURRENCY (the throttle and FSM calls of updates being
# handled share one client; this covers the rest).
REDIS_POOL_SPARE = 8


async def prepare(settings: Settings, clock: Clock = utc_now) -> Runtime:
    engine = create_engine(settings.database_url, concurrency=settings.update_concurrency)
    if settings.is_sqlite:
        # The embedded database migrates itself; a PostgreSQL deployment runs `migrate` explicitly.
        await upgrade_database(settings.database_url)
    session_factory = create_session_factory(engine)
    writes = DurableWrites(session_factory, clock)
    bots = build_bots(settings, ReplyJournalMiddleware(writes, clock))
    storage = build_fsm_storage(
        settings.redis_url,
        settings.redis_prefix,
        session_factory,
        clock,
        max_connections=settings.update_concurrency + REDIS_POOL_SPARE,
    )
    translator = Translator(default_locale=settings.default_locale, cache_dir=settings.catalog_cache_path)
    cache_dir = settings.router_cache_path
    routing = RoutingModel(cache=RouterCache(cache_dir) if cache_dir is not None else None)
    metrics = Metrics()
    # Loaded (or, at a first start, trained) while the bot already answers what needs no routing;
    # a couple of seconds after the start, or at once when a request needs it.
    routing.prepare_in_background(session_factory, delay=ROUTER_START_DELAY, on_ready=_freeze_heap)
    identity_cache = IdentityCache(settings.identity_cache_seconds)
    dispatcher = build_dispatcher(
        settings=settings,
        storage=storage,
        session_factory=session_factory,
        translator=translator,
        clock=clock,
        platforms={bot.id: platform for platform, bot in bots.items()},
        routing=routing,
        metrics=metrics,
        identity_cache=identity_cache,
    )
    lanes = ChatLanes(settings.update_concurrency, settings.update_backlog)
    return Runtime(
        engine=engine,
        session_factory=session_factory,
        dispatcher=dispatcher,
        bots=bots,
        translator=translator,
        routing=routing,
        lanes=lanes,
        inbox=Inbox(dispatcher, session_factory, lanes, clock, writes),
        metrics=metrics,
        identity_cache=identity_cache,
        cluster=Cluster.from_settings(settings.redis_url, settings.redis_prefix, default_worker_id()),
    )


def ops_context(runtime: Runtime, settings: Settings, clock: Clock, mode: str) -> OpsContext:
    """What /healthz and /metrics read, for a runtime receiving in `mode` (polling or webhook)."""
    runtime.inbox.liveness.mode = mode
    runtime.inbox.liveness.bots = tuple(bot.id for bot in runtime.bots.values())
    return OpsContext(settings, runtime.session_factory, clock, runtime.inbox.liveness, runtime.metrics)


class BackgroundWork:
    """What runs beside the bots in either mode: the outbox delivery worker and the scheduler."""

    def __init__(self, runtime: Runtime, settings: Settings, clock: Clock) -> None:
        self._schedules = job_schedules(settings)
        self._scheduler = build_scheduler(
            settings.timezone,
            runtime.session_factory,
            clock,
            runtime.translator,
            schedules=self._schedules,
            reminders=reminder_policy(settings),
            sms=settings.sms_policy(),
            locks=runtime.cluster.job_locks() if runtime.cluster is not None else None,
        )
        self._timezone = settings.timezone
        self._clock = clock
        self._scheduler.add_job(
            _retrain_routing(runtime),
            CronTrigger(timezone=settings.timezone, hour=3, minute=30),
            id="retrain_routing",
            name="retrain the request router with the day's reroutes",
            coalesce=True,
            max_instances=1,
        )
        limiter = (
            runtime.cluster.limiter(
                global_rate=settings.outbox_global_rate, chat_interval=settings.outbox_per_chat_interval
            )
            if runtime.cluster is not None
            else None
        )
        self._worker = DeliveryWorker(runtime.session_factory, runtime.bots, settings, clock, limiter=limiter)
        runtime.metrics.watch_delivery(self._worker.stats)
        # The SMS fallback's worker runs only when an SMS gateway is configured.
        self._sms_gateway = build_gateway(settings)
        self._sms_worker = (
            SmsWorker(runtime.session_factory, self._sms_gateway, clock, rate=settings.sms_rate)
            if self._sms_gateway is not None
            else None
        )
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sms_task: asyncio.Task[None] | None = None
        # Several instances tell each other who changed (bot.cluster.SharedForgetting).
        self._forgetting = (
            runtime.cluster.shared_forgetting(runtime.identity_cache)
            if runtime.cluster is not None and runtime.identity_cache.enabled
            else None
        )
        self._identity_cache = runtime.identity_cache
        self._forgetting_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._scheduler.start()
        # A digest missed while the bot was down runs now (its marks make a repeat harmless).
        catch_up(self._scheduler, self._clock(), self._timezone, self._schedules)
        self._task = asyncio.create_task(self._worker.run(self._stop), name="outbox-delivery")
        if self._sms_worker is not None:
            self._sms_task = asyncio.create_task(self._sms_worker.run(self._stop), name="sms-delivery")
        if self._forgetting is not None:
            self._identity_cache.share(self._forgetting.tell)
            self._forgetting_task = asyncio.create_task(
                self._forgetting.listen(self._stop), name="identity-changes"
            )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                # The worker bounds its own wait for requests in flight; this is a last resort.
                await asyncio.wait_for(self._task, timeout=60)
        if self._sms_task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._sms_task, timeout=30)
        if self._sms_gateway is not None:
            await self._sms_gateway.close()
        if self._forgetting_task is not None:
            self._identity_cache.share(None)
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._forgetting_task, timeout=5)
        # A job still running (a catch-up at start, say) ends before the pool is closed under it.
        await stop_scheduler(self._scheduler, seconds=30)


def _retrain_routing(runtime: Runtime) -> Callable[[], Awaitable[None]]:
    # Process-local (the model lives in this process), so not one of services.jobs.JOBS.
    async def retrain() -> None:
        try:
            async with runtime.session_factory() as session:
                examples = await runtime.routing.retrain(session)
            log.info("request router retrained on %s examples", examples)
            _freeze_heap()
        except Exception:
            log.exception("retraining the request router failed; the previous model stays")

    return retrain


def _freeze_heap() -> None:
    """Move what the process holds so far out of the garbage collector's sight. What it keeps
    for its life (modules, aiogram's and pydantic's models, catalogs, the request router) would
    otherwise be walked by every full collection, again and again while updates are handled: a
    fifth of the CPU per update under load, and two seconds more at exit. Called once the bots
    have started, and again each time the router is ready: it is prepared after the start, and
    its vocabularies alone made each full collection take 70 ms (14 of them while 3,000 updates
    were handled). Frozen objects are still freed when nothing refers to them (a replaced router
    is)."""
    gc.freeze()


def _started(bots: dict[Platform, Bot], mode: str) -> None:
    _freeze_heap()
    log.info("started (%s): %s", mode, ", ".join(f"{p.value} bot {b.id}" for p, b in bots.items()))


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, _signalled, signum, stop)


def _signalled(signum: int, stop: asyncio.Event) -> None:
    if not stop.is_set():
        log.info(
            "received %s: taking no new updates, finishing those being handled", signal.Signals(signum).name
        )
    stop.set()


async def _finish_updates(runtime: Runtime, settings: Settings) -> None:
    """Let the updates being handled finish, up to SHUTDOWN_GRACE seconds; what waited in the
    lanes is in the inbox and is handled at the next start."""
    waiting = runtime.lanes.accepted - runtime.lanes.running
    unfinished = await runtime.lanes.close(settings.shutdown_grace)
    if unfinished:
        log.warning(
            "%s updates were still being handled after %ss; they are handled again at the next start",
            unfinished,
            settings.shutdown_grace,
        )
    if waiting > 0:
        log.info("%s received updates wait in the inbox for the next start", waiting)


async def run_polling(settings: Settings, clock: Clock = utc_now) -> None:
    """Run both bots with long polling, the delivery worker and the scheduler until stopped.

    Each bot has its own polling loop (`bot.inbox.Inbox.poll`): a batch is stored before it is
    acknowledged, and handled in per-chat lanes. SIGTERM or SIGINT: no new updates are taken, the
    ones being handled finish (at most SHUTDOWN_GRACE seconds), then everything closes.
    """
    runtime = await prepare(settings, clock)
    if not runtime.bots:
        raise RuntimeError("no bot token configured")
    dispatcher, bots = runtime.dispatcher, runtime.bots
    translator: Translator = dispatcher["translator"]
    background = BackgroundWork(runtime, settings, clock)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    ops_runner: web.AppRunner | None = None

    async def prepare_bot(platform: Platform, bot: Bot) -> None:
        await best_effort(f"deleteWebhook/{platform.value}", bot.delete_webhook)
        await publish_commands(bot, platform, translator)

    try:
        # Optional calls only, each bounded by best_effort, both platforms at once: whatever a
        # server answers, the start goes on. getMe, which polling needs, is retried by the bot
        # itself (PatientBot), each platform on its own, so one broken server stops no other.
        await asyncio.gather(*(prepare_bot(platform, bot) for platform, bot in bots.items()))
        await dispatcher.emit_startup(bots=list(bots.values()))
        background.start()
        ops_runner = await serve_ops(
            ops_context(runtime, settings, clock, "polling"),
            also=lambda app: add_verify_route(app, runtime.session_factory, settings, clock),
        )
        _started(bots, "polling")
        allowed_updates = dispatcher.resolve_used_update_types()
        pollers = [
            asyncio.create_task(
                _poll(runtime, platform, bot, stop, settings.polling_timeout, allowed_updates),
                name=f"polling-{platform.value}",
            )
            for platform, bot in bots.items()
        ]
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([stopping, *pollers], return_when=asyncio.FIRST_COMPLETED)
        stop.set()  # a poller that ended on its own (a bug) stops the process, to be restarted
        await asyncio.gather(stopping, *pollers, return_exceptions=True)
        await _finish_updates(runtime, settings)
        for task in pollers:
            if not task.cancelled() and task.exception() is not None:
                raise RuntimeError(f"{task.get_name()} failed") from task.exception()
    finally:
        stop.set()
        if ops_runner is not None:
            await ops_runner.cleanup()
        await background.stop()
        await _close(runtime)


async def _poll(
    runtime: Runtime,
    platform: Platform,
    bot: Bot,
    stop: asyncio.Event,
    timeout: int,  # noqa: ASYNC109 (the long-polling wait)
    allowed_updates: list[str],
) -> None:
    """Poll `bot` until `stop`: alone, or with Redis only while this process holds the bot's poll
    lease (`bot.cluster.PollLease`), so that of several instances exactly one polls each token."""

    def poll(until: asyncio.Event) -> Awaitable[None]:
        return runtime.inbox.poll(bot, until, timeout=timeout, allowed_updates=allowed_updates)

    if runtime.cluster is None:
        await poll(stop)
        return
    lease = runtime.cluster.poll_lease(platform.value, bot.id)
    await lease.hold(stop, poll, standby=lambda: runtime.inbox.liveness.touch(bot.id))


async def _close(runtime: Runtime) -> None:
    """The dispatcher's shutdown (which closes the FSM storage), the bots' HTTP sessions, the pool."""
    await runtime.routing.close()
    if runtime.cluster is not None:
        await runtime.cluster.close()
    with contextlib.suppress(Exception):
        await runtime.dispatcher.emit_shutdown(bots=list(runtime.bots.values()))
    for bot in runtime.bots.values():
        await bot.session.close()
    # The records of replies sent by updates that were stopped mid-way.
    await runtime.inbox.writes.flush()
    await runtime.engine.dispose()


def webhook_path(settings: Settings, platform: Platform) -> str:
    """Where a platform's updates arrive. Bale may not send the secret header, so for Bale the
    secret is part of the path instead."""
    path = f"{settings.webhook_path.rstrip('/')}/{platform.value}"
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if secret and not CAPABILITIES[platform].webhook_secret_header:
        path += f"/{secret}"
    return path


async def run_webhook(settings: Settings, clock: Clock = utc_now) -> None:
    """Serve both bots' webhooks on one aiohttp server, with the delivery worker and scheduler.

    An update is answered 200 once it is stored in the inbox (`bot.inbox.webhook_handler`), then
    handled in per-chat lanes; SIGTERM or SIGINT stops the server taking requests, lets the
    updates being handled finish (at most SHUTDOWN_GRACE seconds), then closes everything.
    """
    runtime = await prepare(settings, clock)
    if not runtime.bots:
        raise RuntimeError("no bot token configured")
    if not settings.webhook_base_url or settings.webhook_secret is None:
        # Without a secret anyone who guesses the URL could forge updates.
        raise RuntimeError("webhook mode needs WEBHOOK_BASE_URL and WEBHOOK_SECRET")
    dispatcher, bots = runtime.dispatcher, runtime.bots
    translator: Translator = dispatcher["translator"]
    background = BackgroundWork(runtime, settings, clock)
    secret = settings.webhook_secret.get_secret_value()
    app = web.Application()
    for platform, bot in bots.items():
        header_secret = secret if CAPABILITIES[platform].webhook_secret_header else None
        app.router.add_post(
            webhook_path(settings, platform), webhook_handler(runtime.inbox, bot, header_secret)
        )
    add_ops_routes(app, ops_context(runtime, settings, clock, "webhook"))
    add_verify_route(app, runtime.session_factory, settings, clock)
    allowed_updates = dispatcher.resolve_used_update_types()

    async def register_webhook(platform: Platform, bot: Bot) -> None:
        url = settings.webhook_base_url.rstrip("/") + webhook_path(settings, platform)  # type: ignore[union-attr]
        header_secret = secret if CAPABILITIES[platform].webhook_secret_header else None

        async def set_webhook() -> None:
            if not await bot.set_webhook(url, secret_token=header_secret, allowed_updates=allowed_updates):
                raise RuntimeError("setWebhook answered false")

        # Not optional: without it no update arrives, so it is retried until the server takes it,
        # each platform on its own, while the other is already served.
        await until_answered(f"setWebhook for {platform.value} bot {bot.id}", set_webhook)
        log.info("%s webhook registered", platform.value)

    stop = asyncio.Event()
    _stop_on_signals(stop)
    runner = web.AppRunner(app, access_log=None)
    registering: list[asyncio.Task[None]] = []
    try:
        await asyncio.gather(*(publish_commands(bot, platform, translator) for platform, bot in bots.items()))
        await dispatcher.emit_startup(bots=list(bots.values()))
        background.start()
        # What was stored and not handled before a restart goes into its lane before anything new.
        for bot in bots.values():
            await runtime.inbox.recover(bot)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        # Only once the server listens: updates may arrive as soon as a webhook is set.
        registering = [
            asyncio.create_task(register_webhook(platform, bot), name=f"set-webhook-{platform.value}")
            for platform, bot in bots.items()
        ]
        _started(bots, "webhook")
        await stop.wait()
    finally:
        stop.set()
        for task in registering:
            task.cancel()
        await asyncio.gather(*registering, return_exceptions=True)
        for site in list(runner.sites):
            await site.stop()  # no new requests
        await _finish_updates(runtime, settings)
        await runner.cleanup()
        await background.stop()
        await _close(runtime)
