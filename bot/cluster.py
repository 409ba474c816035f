"""Several instances on one Redis: who polls a bot, who runs a scheduled job, and a shared pace.

With `REDIS_URL` set, any number of `python -m bot run` processes on the same database cooperate
through three things kept here (without Redis nothing here is used and one process does it all):

- `PollLease`: one process at a time polls each bot token. The holder's key
  (`<prefix>:poll:<platform>:<bot id>`) is set with NX and a TTL of `LEASE_TTL` seconds and renewed
  every `LEASE_RENEW` seconds by a script that renews it only while it still holds the holder's own
  token, so a process never renews a lease it lost; a process that does not hold it tries again
  every `LEASE_RETRY` seconds (at once when the holder is a process of this machine that no
  longer exists: a restart after a crash does not wait for its predecessor's lease). A holder
  that cannot renew (the key is another's, or Redis does not answer until its lease would have
  run out) stops polling before its next getUpdates; when a holder dies, its key expires and
  another process polls within `LEASE_TTL + LEASE_RETRY` seconds.
- `JobLocks`: a scheduled job's run is claimed with SET NX keyed by the job and the run's
  scheduled time, so of several schedulers firing the same run one runs it and the rest skip.
- `SharedLimiter`: the outbox pace per bot token, shared by every delivery worker: the global rate
  (`OUTBOX_GLOBAL_RATE`), one message per chat every `OUTBOX_PER_CHAT_INTERVAL` seconds, and at
  most 20 a minute to a group (one every 3 s), in one atomic script on Redis's own clock (GCRA:
  each key holds the theoretical time of the next allowed send), and a window of the requests'
  ends so that no second as the server counts it holds more than the rate, however late a
  process sends what it was granted.
- `SharedForgetting`: what one process's commits changed about who is talking (accounts, persons,
  roles) is published on `<prefix>:identity`, and every other process forgets it from its
  `services.identity_cache.IdentityCache` as it arrives; a process whose subscription broke
  forgets everything it remembered when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.identity_cache import EVERYTHING, IdentityCache, decode_changes, encode_changes

log = logging.getLogger(__name__)

# The poll lease: its life, how often the holder renews it, how often others try to take it. A
# dead holder's bot is polled again within LEASE_TTL + LEASE_RETRY (under 10 s).
LEASE_TTL = 8.0
LEASE_RENEW = 2.5
LEASE_RETRY = 1.5
# A scheduled run's claim outlives any catch-up of it (a weekly job is caught up within the week).
JOB_LOCK_TTL = 8 * 24 * 3600.0
# The Bot API's limit for groups: 20 messages a minute.
GROUP_INTERVAL = 60.0 / 20

# Renew (PEXPIRE) only while the key still holds our token; 1 if renewed, 0 if lost.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# Delete only our own key.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def new_redis(url: str) -> Any:
    """A client of its own for the cluster's few calls (the FSM's pool is sized for updates)."""
    from redis.asyncio import Redis  # the redis package is a dependency

    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)


class PollLease:
    """The lease on polling one bot; see the module docstring.

    `hold(stop, poll)` waits until this process holds the lease, runs `poll(lost)` while it does
    (`lost` is set when the lease is lost or `stop` is), and starts over when polling ends with
    the lease lost, until `stop` is set. The key is deleted (if still ours) on the way out.
    """

    def __init__(
        self,
        redis: Any,
        key: str,
        token: str,
        *,
        ttl: float = LEASE_TTL,
        renew_every: float = LEASE_RENEW,
        retry_every: float = LEASE_RETRY,
    ) -> None:
        if renew_every >= ttl:
            raise ValueError("the lease must be renewed before it runs out")
        self._redis = redis
        self.key = key
        self._token = token
        self._ttl_ms = int(ttl * 1000)
        self._renew_every = renew_every
        self._retry_every = retry_every
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        # Monotonic time until which the lease is surely ours (counted from before the request).
        self._valid_until = 0.0
        self.acquired = 0  # times this process took the lease
        self.answered = False  # whether Redis answered the last try

    async def try_acquire(self) -> bool:
        started = time.monotonic()
        self.answered = False
        try:
            taken = await self._redis.set(self.key, self._token, nx=True, px=self._ttl_ms)
            if not taken and await self._holder_gone():
                taken = await self._redis.set(self.key, self._token, nx=True, px=self._ttl_ms)
        except Exception as error:
            log.warning("poll lease %s: Redis did not answer (%s)", self.key, error)
            return False
        self.answered = True
        if taken:
            self._valid_until = started + self._ttl_ms / 1000
            self.acquired += 1
        return bool(taken)

    async def _holder_gone(self) -> bool:
        """A holder on this machine whose process no longer exists (killed, and restarted as this
        one) is not waited for: its key is deleted, if it is still that holder's."""
        held = await self._redis.get(self.key)
        if held is None:
            return True
        holder = held.decode(errors="replace") if isinstance(held, bytes) else str(held)
        if not _dead_here(holder, self._token):
            return False
        log.info("poll lease %s: its holder %s is gone from this machine; taking it", self.key, holder)
        await self._release(keys=[self.key], args=[holder])
        return True

    async def renew(self) -> bool:
        """Renew the lease; False once it is surely not ours (another's, or run out unrenewed)."""
        started = time.monotonic()
        try:
            renewed = await self._renew(keys=[self.key], args=[self._token, self._ttl_ms])
        except Exception as error:
            log.warning("poll lease %s: could not renew (%s)", self.key, error)
            # Still ours until it would run out; stop well before that, not after.
            return time.monotonic() < self._valid_until - self._renew_every
        if not renewed:
            return False
        self._valid_until = started + self._ttl_ms / 1000
        return True

    async def release(self) -> None:
        with contextlib.suppress(Exception):
            await self._release(keys=[self.key], args=[self._token])

    async def hold(
        self,
        stop: asyncio.Event,
        poll: Callable[[asyncio.Event], Awaitable[None]],
        standby: Callable[[], None] | None = None,
    ) -> None:
        """`standby()` is called each time Redis answers that another process holds the lease (so
        /healthz can tell a process standing by from one that hears nothing)."""
        waiting_logged = False
        try:
            while not stop.is_set():
                if not await self.try_acquire():
                    if standby is not None and self.answered:
                        standby()
                    if not waiting_logged:
                        log.info("another instance polls (%s); this one waits for the lease", self.key)
                        waiting_logged = True
                    await _sleep_unless(stop, self._retry_every)
                    continue
                waiting_logged = False
                log.info("took the poll lease %s", self.key)
                lost = asyncio.Event()
                keeper = asyncio.create_task(self._keep(stop, lost), name=f"lease-{self.key}")
                try:
                    await poll(lost)
                finally:
                    lost.set()
                    await asyncio.gather(keeper, return_exceptions=True)
                if not stop.is_set():
                    log.warning("lost the poll lease %s; polling stopped, waiting to take it again", self.key)
        finally:
            await self.release()

    async def _keep(self, stop: asyncio.Event, lost: asyncio.Event) -> None:
        """Renew until polling ends; set `lost` (which stops polling) when the lease is gone."""
        while not lost.is_set():
            await _sleep_unless(lost, self._renew_every, also=stop)
            if lost.is_set() or stop.is_set():
                lost.set()
                return
            if not await self.renew():
                lost.set()
                return


def _dead_here(holder: str, own: str) -> bool:
    """Whether the token `holder` (`bot.leases.default_worker_id`: host:pid:random) names a process
    of this machine (the same host as `own`) that does not exist."""
    host, _, rest = holder.partition(":")
    own_host = own.partition(":")[0]
    pid_text = rest.partition(":")[0]
    if host != own_host or not pid_text.isdigit() or holder == own:
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, another user's
        return False
    return False


async def _sleep_unless(event: asyncio.Event, seconds: float, also: asyncio.Event | None = None) -> None:
    waiters = [asyncio.ensure_future(event.wait())]
    if also is not None:
        waiters.append(asyncio.ensure_future(also.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


class JobLocks:
    """Claims of scheduled runs: `claim(job, run_at)` is True for exactly one caller per run."""

    def __init__(self, redis: Any, prefix: str, token: str, *, ttl: float = JOB_LOCK_TTL) -> None:
        self._redis = redis
        self._prefix = prefix
        self._token = token
        self._ttl_ms = int(ttl * 1000)
        self._release = redis.register_script(_RELEASE)

    def key(self, job: str, run_at: datetime) -> str:
        return f"{self._prefix}:job:{job}:{int(run_at.timestamp())}"

    async def claim(self, job: str, run_at: datetime) -> bool:
        """True if this process runs it. Redis unreachable: True (the jobs are idempotent, so a
        run twice is safer than a run missed)."""
        try:
            return bool(await self._redis.set(self.key(job, run_at), self._token, nx=True, px=self._ttl_ms))
        except Exception as error:
            log.warning("job %s: Redis did not answer (%s); running it here", job, error)
            return True

    async def unclaim(self, job: str, run_at: datetime) -> None:
        """A run that failed: let another instance's catch-up (or a restart) try it again."""
        with contextlib.suppress(Exception):
            await self._release(keys=[self.key(job, run_at)], args=[self._token])


# One atomic decision for a send: the pause (after flood control), the bot's global rate and the
# chat's interval, each a GCRA key holding the earliest time (ms, Redis's clock) of the next send;
# and the window: a sorted set of the bot's requests scored by when each ended (while in flight,
# by when it must have ended), so that at most ARGV[3] requests touch any second. A request reaches
# the server between its start and its end, so the server never counts more than that in a second
# however late a process sends what it was granted.
# Returns {0, 0} and books the send when it may go now; else {wait ms, 1 global | 2 chat}.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local global_ms = tonumber(ARGV[1])
local chat_ms = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local max_ms = tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return {paused - now, 1} end
local g = tonumber(redis.call('GET', KEYS[1]) or '0')
if g > now then return {g - now, 1} end
local c = tonumber(redis.call('GET', KEYS[2]) or '0')
if c > now then return {c - now, 2} end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 1000)
if redis.call('ZCARD', KEYS[4]) >= cap then
  local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  return {math.max(1, tonumber(oldest[2]) - (now - 1000) + 1), 1}
end
redis.call('SET', KEYS[1], tostring(math.max(g, now) + global_ms), 'PX', global_ms + 1000)
redis.call('SET', KEYS[2], tostring(now + chat_ms), 'PX', chat_ms + 1000)
redis.call('ZADD', KEYS[4], now + max_ms, ARGV[5])
redis.call('PEXPIRE', KEYS[4], max_ms + 2000)
return {0, 0}
"""
# The chat's interval again from the end of a request (a slow answer squeezes nothing in).
# And the request's end in the window.
_DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chat_ms = tonumber(ARGV[1])
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + chat_ms > c then
  redis.call('SET', KEYS[1], tostring(now + chat_ms), 'PX', chat_ms + 1000)
end
redis.call('ZADD', KEYS[2], 'XX', now, ARGV[2])
return 0
"""
# Pause every send of a bot until now + ARGV[1] ms (flood control that looks bot-wide).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local p = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > p then redis.call('SET', KEYS[1], tostring(until_ms), 'PX', tonumber(ARGV[1]) + 1000) end
return 0
"""


@dataclass(frozen=True, slots=True)
class Granted:
    """Send now; `ticket` names the request in the window (give it back to `done`)."""

    ticket: str


@dataclass(frozen=True, slots=True)
class Wait:
    """Not now: `seconds` to wait, because of the bot's pace (`chat` False) or the chat's."""

    seconds: float
    chat: bool


class SharedLimiter:
    """The outbox pace per bot token across every process on one Redis; see the module docstring.

    Fails open to a short wait when Redis does not answer (nothing is sent unpaced: the worker
    waits and asks again)."""

    def __init__(
        self,
        redis: Any,
        prefix: str,
        *,
        global_rate: float,
        chat_interval: float,
        max_request: float = 30.0,
    ) -> None:
        """`max_request`: how long a request granted may take at most (a process that died with
        it in flight holds its place in the window that long)."""
        if global_rate <= 0:
            raise ValueError("outbox_global_rate must be positive")
        self._prefix = prefix
        self._global_ms = max(1, round(1000 / global_rate))
        self._cap = max(1, int(global_rate))
        self._max_ms = max(1000, round(max_request * 1000))
        self._tickets = itertools.count()
        self._instance = uuid.uuid4().hex[:8]
        self._chat_ms = max(0, round(chat_interval * 1000))
        self._group_ms = max(self._chat_ms, round(GROUP_INTERVAL * 1000))
        self._acquire = redis.register_script(_ACQUIRE)
        self._done = redis.register_script(_DONE)
        self._pause = redis.register_script(_PAUSE)

    def _chat_key(self, bot_id: int, chat_id: int) -> str:
        return f"{self._prefix}:{bot_id}:chat:{chat_id}"

    def _interval_ms(self, chat_id: int) -> int:
        return self._group_ms if chat_id < 0 else self._chat_ms  # groups have negative ids

    def _window_key(self, bot_id: int) -> str:
        return f"{self._prefix}:{bot_id}:window"

    async def acquire(self, bot_id: int, chat_id: int) -> Granted | Wait:
        """Granted: send now (the slot is booked). Else how long to wait, and for what."""
        keys = [
            f"{self._prefix}:{bot_id}:global",
            self._chat_key(bot_id, chat_id),
            f"{self._prefix}:{bot_id}:pause",
            self._window_key(bot_id),
        ]
        ticket = f"{self._instance}:{next(self._tickets)}"
        try:
            wait_ms, reason = await self._acquire(
                keys=keys,
                args=[self._global_ms, self._interval_ms(chat_id), self._cap, self._max_ms, ticket],
            )
        except Exception as error:
            log.warning("outbox pace: Redis did not answer (%s); waiting", error)
            return Wait(1.0, chat=False)
        if int(wait_ms) <= 0:
            return Granted(ticket)
        return Wait(int(wait_ms) / 1000, chat=int(reason) == 2)

    async def done(self, bot_id: int, chat_id: int, ticket: str) -> None:
        """The request granted with `ticket` ended (whatever its outcome)."""
        with contextlib.suppress(Exception):
            await self._done(
                keys=[self._chat_key(bot_id, chat_id), self._window_key(bot_id)],
                args=[self._interval_ms(chat_id), ticket],
            )

    async def pause(self, bot_id: int, seconds: float) -> None:
        with contextlib.suppress(Exception):
            await self._pause(keys=[f"{self._prefix}:{bot_id}:pause"], args=[max(1, round(seconds * 1000))])


def poll_lease_key(prefix: str, platform: str, bot_id: int) -> str:
    return f"{prefix}:poll:{platform}:{bot_id}"


class Cluster:
    """What one process holds to cooperate with the others: one Redis client, the key prefix, and
    this process's token (written into the leases and claims it holds)."""

    def __init__(self, redis: Any, prefix: str, token: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self.token = token

    @classmethod
    def from_settings(cls, redis_url: str | None, prefix: str, token: str) -> Cluster | None:
        """None without Redis: a single instance, nothing to share."""
        return cls(new_redis(redis_url), prefix, token) if redis_url else None

    def poll_lease(self, platform: str, bot_id: int, **timing: float) -> PollLease:
        return PollLease(self.redis, poll_lease_key(self.prefix, platform, bot_id), self.token, **timing)

    def shared_forgetting(self, cache: IdentityCache) -> SharedForgetting:
        return SharedForgetting(self.redis, self.prefix, self.token, cache)

    def job_locks(self) -> JobLocks:
        return JobLocks(self.redis, self.prefix, self.token)

    def limiter(self, *, global_rate: float, chat_interval: float) -> SharedLimiter:
        return SharedLimiter(
            self.redis, f"{self.prefix}:pace", global_rate=global_rate, chat_interval=chat_interval
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.redis.aclose()


class SharedForgetting:
    """Tells the other instances what this one's commits changed about who is talking, and
    forgets what theirs changed (see the module docstring)."""

    def __init__(self, redis: Any, prefix: str, token: str, cache: IdentityCache) -> None:
        self._redis = redis
        self.channel = f"{prefix}:identity"
        self._token = token
        self._cache = cache
        self._sending: set[asyncio.Task[Any]] = set()

    def tell(self, changes: set[Hashable]) -> None:
        """Publish `changes` (called from a session's commit, on the event loop's thread)."""
        message = json.dumps({"from": self._token, "changes": encode_changes(changes)})
        task = asyncio.get_running_loop().create_task(self._redis.publish(self.channel, message))
        self._sending.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[Any]) -> None:
        self._sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not tell the other instances who changed: %s", task.exception())

    async def listen(self, stop: asyncio.Event) -> None:
        """Until `stop`: forget what other instances' commits changed."""
        delay = 1.0
        while not stop.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                # Whatever changed while not listening is unknown.
                self._cache.forget(EVERYTHING)
                delay = 1.0
                while not stop.is_set():
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._receive(message["data"])
            except Exception as error:
                log.warning("identity changes from other instances: %s; again in %gs", error, delay)
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, 30.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _receive(self, data: bytes | str) -> None:
        try:
            message = json.loads(data)
            if message.get("from") == self._token:
                return
            changes = decode_changes(message["changes"])
        except (ValueError, TypeError, KeyError, AttributeError):
            changes = EVERYTHING
        self._cache.forget(changes)
