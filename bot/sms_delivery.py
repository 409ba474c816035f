"""The SMS worker: sends the SMS fallback's queue (`sms_message`) through Kavenegar.

Kavenegar (https://kavenegar.com/rest.html): `POST {SMS_API_BASE}/v1/{API-KEY}/sms/send.json`
with `receptor`, `message` and optionally `sender`; the reply is JSON,
`{"return": {"status": 200, "message": "…"}, "entries": [{"messageid": …, "status": …, …}]}`, with
the HTTP status normally equal to `return.status`. What a status means decides what we do
(`classify_reply`):

- 200: accepted; the entry's `messageid` is recorded.
- The message itself is wrong and always will be (bad or missing receptor, empty or too long
  text, characters the gateway refuses…): failed at once, with the reason.
- The account or configuration is wrong (API key, disabled account, sender line, credit, links
  not allowed, a test account…): an operator can fix it, so it is retried with backoff like a
  network error, and logged as a warning each time; after `max_attempts` it is failed.
- Calls too frequent (429, 451): every send waits `rate_limit_wait` seconds; the attempt is not
  counted (up to a cap), as it is not the message's fault.
- Network errors, timeouts, 5xx, a reply that is not Kavenegar's JSON, 402/409 ("try again"):
  retried with exponential backoff and jitter.

Rows are claimed under a lease (`models.sms_repo`), one request at a time at most `SMS_RATE` a
second; each outcome is committed right after its request, only while this worker still holds the
row. A sent row is never claimed again; a process killed mid-request may leave one row to be
retried after its lease, which is the only way an SMS can go twice (as with the outbox).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.leases import LeaseKeeper
from bot.settings import Settings
from models import sms_repo
from models.sms_repo import ClaimedSms

log = logging.getLogger(__name__)

# Rate-limit waits a message may take before they count as failed attempts.
RATE_LIMIT_WAITS_FREE = 10


# ---- what a reply means ----


@dataclass(frozen=True, slots=True)
class Accepted:
    message_id: str | None


@dataclass(frozen=True, slots=True)
class RateLimited:
    error: str


@dataclass(frozen=True, slots=True)
class Transient:
    error: str
    # The account or configuration, not the network: worth a warning to the operator.
    operator: bool = False


@dataclass(frozen=True, slots=True)
class Permanent:
    error: str


SendOutcome = Accepted | RateLimited | Transient | Permanent

# Kavenegar's `return.status` codes (from its REST documentation and its official clients).
# This message can never be sent as it is.
PERMANENT_STATUSES: Mapping[int, str] = {
    400: "parameters incomplete",
    406: "required parameters empty",
    411: "invalid receptor",
    413: "message empty or too long",
    414: "too many records in one request",
    417: "invalid send date",
    419: "receptor and message arrays differ in length",
    422: "message has characters the gateway refuses",
    424: "template not found",
    428: "voice call not possible for this token",
    431: "invalid code structure",
    432: "code parameter not found in the template",
}
# The account or the configuration: an operator can fix it, so these are retried.
ACCOUNT_STATUSES: Mapping[int, str] = {
    401: "account disabled",
    403: "invalid API key",
    404: "unknown method (check SMS_API_BASE)",
    405: "wrong HTTP method",
    407: "access denied",
    412: "invalid sender line (check SMS_SENDER)",
    416: "this server's IP is not allowed for the key",
    418: "insufficient credit",
    420: "links in the message are not allowed for this account",
    426: "this method needs the advanced service",
    427: "this line needs an access level",
    501: "a test account may only send to its owner's number",
}
RATE_LIMIT_STATUSES: Mapping[int, str] = {
    429: "IP restricted",
    451: "too many calls in a short time",
}
TRY_AGAIN_STATUSES: Mapping[int, str] = {
    402: "operation failed",
    409: "server cannot answer now",
}


def classify_reply(http_status: int, body: Any) -> SendOutcome:
    """What Kavenegar's answer to `sms/send.json` means for the message (see the module docstring).

    `body` is the decoded JSON (or None when the body was not JSON)."""
    ret = body.get("return") if isinstance(body, dict) else None
    status = ret.get("status") if isinstance(ret, dict) else None
    if not isinstance(status, int) or isinstance(status, bool):
        # Not Kavenegar speaking (a proxy, an outage page…): nothing says it was sent.
        if http_status == 429:
            return RateLimited(f"HTTP {http_status} without Kavenegar's reply")
        return Transient(f"HTTP {http_status}: not a Kavenegar reply")
    server_says = str(ret.get("message") or "").strip() if isinstance(ret, dict) else ""

    def describe(meaning: str) -> str:
        return f"kavenegar {status}: {meaning}" + (f" ({server_says})" if server_says else "")

    if status == 200:
        entries = body.get("entries") if isinstance(body, dict) else None
        first = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
        message_id = first.get("messageid")
        return Accepted(str(message_id) if message_id is not None else None)
    if status in PERMANENT_STATUSES:
        return Permanent(describe(PERMANENT_STATUSES[status]))
    if status in ACCOUNT_STATUSES:
        return Transient(describe(ACCOUNT_STATUSES[status]), operator=True)
    if status in RATE_LIMIT_STATUSES:
        return RateLimited(describe(RATE_LIMIT_STATUSES[status]))
    if status in TRY_AGAIN_STATUSES:
        return Transient(describe(TRY_AGAIN_STATUSES[status]))
    # Unknown: retried (counted), so a status that always comes back ends failed.
    return Transient(describe("unknown status"), operator=status < 500)


def kavenegar_receptor(phone: str) -> str:
    """A stored phone (+98912…) as Kavenegar's receptor (0912…); other countries as 00<code>…."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return "0" + digits[2:] if digits.startswith("98") else "00" + digits
    return digits


# ---- the gateway ----


class SmsGateway(Protocol):
    async def send(self, phone: str, text: str) -> SendOutcome: ...

    async def close(self) -> None: ...


class KavenegarGateway:
    """Kavenegar's `sms/send.json` over plain aiohttp. The API key is part of the URL, so it is kept
    out of every error text and log line."""

    def __init__(
        self, api_key: str, *, api_base: str = "https://api.kavenegar.com", sender: str | None, timeout: float
    ) -> None:
        self._api_key = api_key
        self._url = f"{api_base.rstrip('/')}/v1/{api_key}/sms/send.json"
        self._sender = sender
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _hide_key(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    async def send(self, phone: str, text: str) -> SendOutcome:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        form = {"receptor": kavenegar_receptor(phone), "message": text}
        if self._sender:
            form["sender"] = self._sender
        try:
            async with self._session.post(
                self._url, data=form, headers={"Accept": "application/json"}
            ) as reply:
                raw = await reply.read()
                http_status = reply.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Transient(self._hide_key(f"{type(exc).__name__}: {exc}"))
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        outcome = classify_reply(http_status, body)
        if isinstance(outcome, Accepted):
            return outcome
        return dataclasses.replace(outcome, error=self._hide_key(outcome.error))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def build_gateway(settings: Settings, *, timeout: float = 15.0) -> SmsGateway | None:
    """The configured gateway, or None when SMS is off."""
    if settings.sms_provider != "kavenegar" or settings.sms_api_key is None:
        return None
    return KavenegarGateway(
        settings.sms_api_key.get_secret_value(),
        api_base=settings.sms_api_base,
        sender=settings.sms_sender,
        timeout=timeout,
    )


# ---- the worker ----


@dataclass
class SmsStats:
    """What a worker did since it started."""

    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    released: int = 0
    lost_leases: int = 0


class SmsWorker(LeaseKeeper[ClaimedSms, SmsStats]):
    """Claims due SMS and sends them through the gateway; see the module docstring."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        gateway: SmsGateway,
        clock: Callable[[], datetime],
        *,
        rate: float,
        worker_id: str | None = None,
        lease_seconds: float = 120.0,
        batch_size: int = 20,
        poll_interval: float = 1.0,
        max_attempts: int = 8,
        retry_base_delay: float = 5.0,
        retry_max_delay: float = 600.0,
        rate_limit_wait: float = 60.0,
        request_timeout: float = 15.0,
        rng: random.Random | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if request_timeout * 2 >= lease_seconds:
            raise ValueError("a request must end well before its lease does")
        super().__init__(
            repo=sms_repo,
            session_factory=session_factory,
            clock=clock,
            worker_id=worker_id,
            stats=SmsStats(),
            log=log,
            worker_name="SMS worker",
            row_name="SMS",
            free_waits=RATE_LIMIT_WAITS_FREE,
            max_attempts=max_attempts,
            retry_base_delay=retry_base_delay,
            retry_max_delay=retry_max_delay,
            rng=rng,
        )
        self._gateway = gateway
        self._interval = 1.0 / rate
        self._lease_seconds = lease_seconds
        self._request_timeout = request_timeout
        # Hold no more than can be sent in half a lease, so claimed rows never outlive it.
        self._batch = max(1, min(batch_size, int(rate * lease_seconds / 2)))
        self._poll_interval = poll_interval
        self._rate_limit_wait = rate_limit_wait
        self._next_slot = 0.0

    async def run(self, stop_event: asyncio.Event) -> None:
        """Send until `stop_event` is set; the request in flight is finished and recorded, and
        claimed rows not yet attempted are handed back."""
        await self._run(stop_event, drain_horizon=None)

    async def _run(self, stop_event: asyncio.Event, drain_horizon: float | None) -> None:
        log.info("SMS worker %s started", self.worker_id)
        try:
            while not stop_event.is_set():
                batch = await self._claim()
                if not batch:
                    if drain_horizon is not None and await self._nothing_due_within(drain_horizon):
                        return
                    await self._sleep(stop_event, self._poll_interval)
                    continue
                await self._send_batch(batch, stop_event)
        finally:
            log.info("SMS worker %s stopped: %s", self.worker_id, self.stats)

    async def _claim(self) -> list[ClaimedSms]:
        try:
            async with self._session_factory() as session, session.begin():
                return await sms_repo.claim_due(
                    session, self.worker_id, self._clock(), self._lease_seconds, self._batch
                )
        except Exception:
            log.exception("SMS worker %s could not claim messages", self.worker_id)
            return []

    async def _send_batch(self, batch: list[ClaimedSms], stop_event: asyncio.Event) -> None:
        remaining = list(batch)
        try:
            while remaining and not stop_event.is_set():
                item = remaining[0]
                await self._pace(stop_event)
                if stop_event.is_set():
                    break
                if item.claimed_until <= self._clock() + timedelta(seconds=self._request_timeout):
                    break  # too little lease left to be sure no one else sends it meanwhile
                remaining.pop(0)
                outcome = await self._gateway.send(item.phone, item.text)
                try:
                    await self._record(item, outcome)
                except Exception:
                    # Only a database failure gets here; the lease expires and the row is retried.
                    log.exception("SMS worker %s could not record SMS %s", self.worker_id, item.id)
        finally:
            await self._release([m.id for m in remaining])

    async def _pace(self, stop_event: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(self._next_slot, now)
        self._next_slot = slot + self._interval
        if slot > now:
            await self._sleep(stop_event, slot - now)

    async def _sleep(self, stop_event: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            pass

    async def _record(self, item: ClaimedSms, outcome: SendOutcome) -> None:
        now = self._clock()
        async with self._session_factory() as session, session.begin():
            if isinstance(outcome, Accepted):
                done = await sms_repo.mark_sent(
                    session,
                    item.id,
                    worker_id=self.worker_id,
                    provider_message_id=outcome.message_id,
                    now=now,
                )
                self.stats.sent += 1
                self._waits.pop(item.id, None)
                log.info("SMS %s sent (gateway id %s)", item.id, outcome.message_id)
            elif isinstance(outcome, RateLimited):
                # Every send waits, not only this one: the limit is the account's.
                self._next_slot = max(
                    self._next_slot, asyncio.get_running_loop().time() + self._rate_limit_wait
                )
                done = await self._wait_uncounted(session, item, outcome.error, now, self._rate_limit_wait)
                log.warning(
                    "SMS gateway rate limit (%s); sending paused %ss", outcome.error, self._rate_limit_wait
                )
            elif isinstance(outcome, Transient):
                level = logging.WARNING if outcome.operator else logging.INFO
                done = await self._retry_or_give_up(
                    session,
                    item,
                    outcome.error,
                    now,
                    lambda attempt, delay: log.log(
                        level, "SMS %s failed (%s); retry %s in %.0fs", item.id, outcome.error, attempt, delay
                    ),
                )
            else:
                done = await self._fail(session, item, outcome.error)
        self._count_if_lost(done, item)

    def _log_failure(self, item: ClaimedSms, error: str) -> None:
        log.warning("SMS %s failed for good: %s", item.id, error)


async def deliver_sms_once(
    session_factory: async_sessionmaker[AsyncSession],
    gateway: SmsGateway,
    clock: Callable[[], datetime],
    *,
    rate: float = 50.0,
    max_wait: float = 30.0,
    **worker_options: Any,
) -> SmsStats:
    """Send until no pending SMS will be due within `max_wait` seconds; the stats. For tests and
    one-shot use; the bot runs `SmsWorker.run`."""
    worker = SmsWorker(session_factory, gateway, clock, rate=rate, **worker_options)
    await worker._run(asyncio.Event(), drain_horizon=max_wait)
    return worker.stats


__all__ = [
    "Accepted",
    "KavenegarGateway",
    "Permanent",
    "RateLimited",
    "SendOutcome",
    "SmsGateway",
    "SmsStats",
    "SmsWorker",
    "Transient",
    "build_gateway",
    "classify_reply",
    "deliver_sms_once",
    "kavenegar_receptor",
]
