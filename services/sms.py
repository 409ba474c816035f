"""The optional SMS fallback: a short text message for what must not wait, when the person cannot
be reached on a messenger now.

Three things may use it: an emergency to the manager, an escalation, and the morning digest to
someone who has had a role for more than `SmsPolicy.after_days` days and never opened the bot.
Each SMS is a row in `sms_message`, written in the caller's transaction (so it exists exactly when
the change that caused it commits) and sent later by the SMS worker (`bot.sms_delivery`) through
the configured gateway. Every row has a `dedup_key`: one key is at most one SMS, across reruns,
restarts and several instances. Off unless the policy says otherwise; services never read the
settings, the policy is passed in.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CouncilMember, Liaison
from models.identity import Person, RoleAssignment
from models.inserts import insert_unless_present
from models.resolutions import ReminderMark
from models.sms import SmsMessage, SmsStatus
from services.i18n import SUPPORTED_LOCALES, Translator
from services.jalali import tehran_today
from services.notify import last_account, reachable_account

log = logging.getLogger(__name__)

# One Persian (UCS-2) SMS segment; the texts in locales/*/sms.ftl are written to fit with a link.
SEGMENT_CHARS = 70
_DEDUP_KEY_MAX = 200  # SmsMessage.dedup_key's length


@dataclass(frozen=True)
class SmsPolicy:
    """Whether and how the SMS fallback is used (built from the settings by the bot)."""

    enabled: bool = False
    # The digest goes by SMS to someone who has had a role for MORE than this many days and has
    # still not opened the bot.
    after_days: int = 3
    # Where the SMS sends people: the bot's link on their messenger (e.g. https://ble.ir/<bot>).
    join_link: str = ""


SMS_OFF = SmsPolicy()


async def queue_sms(
    session: AsyncSession, policy: SmsPolicy, *, person_id: int, text: str, now: datetime, dedup_key: str
) -> bool:
    """Queue an SMS to the person's phone in the caller's transaction (nothing is committed).

    Nothing is queued, and False returned, when the policy is off, when the person can be reached
    on a messenger now (`services.notify.reachable_account`), when the person is unknown, or when
    `dedup_key` was queued before (whatever became of it); two transactions racing with the same
    key end with one row.
    """
    if not policy.enabled:
        return False
    if not text:
        raise ValueError("an SMS needs a non-empty text")
    if len(dedup_key) > _DEDUP_KEY_MAX:
        raise ValueError(f"dedup_key longer than {_DEDUP_KEY_MAX} characters")
    if await reachable_account(session, person_id) is not None:
        return False
    phone = await session.scalar(select(Person.phone).where(Person.id == person_id))
    if phone is None:
        return False
    values: dict[str, Any] = {
        "person_id": person_id,
        "phone": phone,
        "text": text,
        "dedup_key": dedup_key,
        "status": SmsStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    queued = await insert_unless_present(session, SmsMessage, values, unique=["dedup_key"]) is not None
    if queued:
        log.info("SMS %s queued for person %s", dedup_key, person_id)
    return queued


async def _render(
    session: AsyncSession, translator: Translator, policy: SmsPolicy, person_id: int, key: str, **args: Any
) -> str:
    # The language of the account they used last if they ever had one, else the default (fa).
    account = await last_account(session, person_id)
    locale = (
        account.locale if account is not None and account.locale in SUPPORTED_LOCALES else None
    ) or translator.default_locale
    text = translator.get(locale, key, link=policy.join_link, **args)
    if len(text) > SEGMENT_CHARS:
        log.debug("SMS %s in %s is %s characters (more than one segment)", key, locale, len(text))
    return text


async def queue_emergency_sms(
    session: AsyncSession,
    translator: Translator,
    policy: SmsPolicy,
    *,
    request_id: int,
    people: Iterable[int],
    now: datetime,
) -> int:
    """An emergency request told to `people` (its managers): an SMS to each of them who cannot be
    reached now, at most one per person and request. How many were queued."""
    if not policy.enabled:
        return 0
    queued = 0
    for person_id in dict.fromkeys(people):
        text = await _render(session, translator, policy, person_id, "sms-emergency")
        queued += await queue_sms(
            session,
            policy,
            person_id=person_id,
            text=text,
            now=now,
            dedup_key=f"sms:emergency:{request_id}:{person_id}",
        )
    return queued


async def queue_escalation_sms(
    session: AsyncSession,
    translator: Translator,
    policy: SmsPolicy,
    *,
    person_id: int,
    escalations: Iterable[str],
    now: datetime,
) -> bool:
    """Escalations (each named by a stable key, e.g. `request:12:response:2:0` or
    `resolution:7:1`) that reached a person who cannot be reached now: one SMS counting those not
    told by SMS before. Each escalation is told to each person by SMS at most once (a mark per
    escalation and person), so a rerun that finds the same ones sends nothing."""
    if not policy.enabled or await reachable_account(session, person_id) is not None:
        return False
    new: list[str] = []
    for escalation in dict.fromkeys(escalations):
        mark = {"key": f"sms:escalation:{person_id}:{escalation}"[:_DEDUP_KEY_MAX], "sent_at": now}
        if await insert_unless_present(session, ReminderMark, mark, unique=["key"]) is not None:
            new.append(escalation)
    if not new:
        return False
    digest = hashlib.sha1(repr(sorted(new)).encode(), usedforsecurity=False).hexdigest()[:16]
    text = await _render(session, translator, policy, person_id, "sms-escalation", count=len(new))
    return await queue_sms(
        session,
        policy,
        person_id=person_id,
        text=text,
        now=now,
        dedup_key=f"sms:escalation:{person_id}:{digest}",
    )


async def role_since(session: AsyncSession, person_id: int) -> datetime | None:
    """When the person was first given a role (an appointment, a council seat, a liaison post)."""
    starts = union_all(
        select(RoleAssignment.created_at.label("at")).where(RoleAssignment.person_id == person_id),
        select(CouncilMember.created_at.label("at")).where(CouncilMember.person_id == person_id),
        select(Liaison.created_at.label("at")).where(Liaison.person_id == person_id),
    ).subquery()
    earliest: datetime | None = await session.scalar(select(func.min(starts.c.at)))
    return earliest


async def queue_digest_sms(
    session: AsyncSession,
    translator: Translator,
    policy: SmsPolicy,
    *,
    person_id: int,
    count: int,
    now: datetime,
) -> bool:
    """The morning digest for a person who has had a role for more than `policy.after_days` days
    and never opened the bot (no messenger account at all; someone who blocked it chose to): one
    short SMS counting what waits for them, at most one per person and Tehran day."""
    if not policy.enabled or count <= 0:
        return False
    if await last_account(session, person_id) is not None:
        return False
    since = await role_since(session, person_id)
    if since is None or now - since <= timedelta(days=policy.after_days):
        return False
    text = await _render(session, translator, policy, person_id, "sms-digest", count=count)
    return await queue_sms(
        session,
        policy,
        person_id=person_id,
        text=text,
        now=now,
        dedup_key=f"sms:digest:{person_id}:{tehran_today(now).isoformat()}",
    )
