"""What belongs to the update being handled, for code that has no handler `data` to read it from.

* its database session: the one the session middleware gives the handlers, so the FSM storage
  reads and writes conversation state through it instead of a second connection per update;
* that API calls made now are direct replies to a person who just wrote, which
  `bot.reply_retry` retries (the outbox's delivery worker runs outside any update, with its own
  retries and records);
* which received update it is, and the replies already sent for it before a crash, so
  `bot.reply_journal` records each reply and does not send one twice (`UpdateReplies`).

Context variables, so each update's task sees its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# The key in the handlers' data saying the update came through the inbox (`bot.inbox`): it was
# de-duplicated when stored and is marked handled there.
FROM_INBOX = "from_inbox"


@dataclass
class UpdateReplies:
    """The replies of one received update: counted as they are made; `earlier` holds those a
    previous attempt sent before the process died, by their place (`models.inbox_repo.RecordedReply`)."""

    bot_id: int
    update_id: int
    earlier: dict[int, Any] = field(default_factory=dict)
    made: int = 0

    def next_place(self) -> int:
        place, self.made = self.made, self.made + 1
        return place


_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
_replying: ContextVar[bool] = ContextVar("update_replying", default=False)
_replies: ContextVar[UpdateReplies | None] = ContextVar("update_replies", default=None)


def update_session() -> AsyncSession | None:
    """The session of the update being handled, if any."""
    return _session.get()


def handling_update() -> bool:
    """Whether an update is being handled in this context (API calls are direct replies)."""
    return _replying.get()


def update_replies() -> UpdateReplies | None:
    """The replies of the received update being handled (None outside one, or when it did not
    come through the inbox)."""
    return _replies.get()


@contextmanager
def update_scope(session: AsyncSession, replies: UpdateReplies | None = None) -> Iterator[AsyncSession]:
    """Handle an update with `session` as its one session, its API calls as direct replies."""
    session_token = _session.set(session)
    replying_token = _replying.set(True)
    replies_token = _replies.set(replies)
    try:
        yield session
    finally:
        _replies.reset(replies_token)
        _replying.reset(replying_token)
        _session.reset(session_token)
