"""Notifications to people, in their own language, through the outbox.

A service that must tell someone something (a committee head of a new request, a resident of a
status change, an official of an escalation) calls `notify_person` inside its transaction: the text
is rendered in the language of the person's last-used messenger account and queued with
`services.outbox.enqueue`, so it is sent once the change commits, and never without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from services.outbox import enqueue


@dataclass(frozen=True)
class Button:
    """An inline button: its label is a catalog key, rendered in the recipient's language."""

    label_key: str
    callback_data: str
    label_args: tuple[tuple[str, Any], ...] = ()


Render = Callable[[BoundTranslator], str]


def inline_keyboard(t: BoundTranslator, rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    """The Bot API JSON of an inline keyboard, or None for no buttons."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": t(b.label_key, **dict(b.label_args)), "callback_data": b.callback_data} for b in row]
            for row in rows
        ]
    }


async def last_account(session: AsyncSession, person_id: int) -> Account | None:
    """The messenger account the person used last: where notifications go."""
    account: Account | None = await session.scalar(
        select(Account)
        .where(Account.person_id == person_id)
        .order_by(Account.last_seen_at.desc(), Account.id.desc())
        .limit(1)
    )
    return account


async def notify_person(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    render: Render,
    now: datetime,
    buttons: Sequence[Sequence[Button]] = (),
    dedup_key: str | None = None,
) -> bool:
    """Queue a message to the person in their language; False when they have no account yet or
    the `dedup_key` was already queued. Only adds to the caller's transaction."""
    account = await last_account(session, person_id)
    if account is None:
        return False
    locale = account.locale if account.locale in SUPPORTED_LOCALES else translator.default_locale
    t = translator.bind(locale)
    message = await enqueue(
        session,
        platform=account.platform,
        chat_id=account.chat_id,
        text=render(t),
        reply_markup=inline_keyboard(t, buttons),
        person_id=person_id,
        now=now,
        dedup_key=dedup_key,
    )
    return message is not None
