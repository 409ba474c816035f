"""The two small writes that keep a crash from answering an update twice, many to a transaction.

Each update handled from the inbox leaves two kinds of record: each reply the server accepted
(`bot.reply_journal`: a crash before the update is marked must not send it again) and the
update's "handled" mark (`bot.inbox`: a crash after it must not handle it again). One writer takes
both: whatever is queued while a transaction runs goes into the next one, reply records first,
then marks, in the order they came, so an update's mark is never committed before the records of
the replies it sent. Under load that is one transaction for tens of updates, not two or three for
each; on SQLite, where writers take turns, that was most of the database's time per update.

A reply's record matters only while its update is not marked: when the update's mark goes into
the same transaction as the record, the record is not written at all (both would be committed
or lost together, and a marked update is never handled again). Under load that is most records:
the writer is busy, so an update's reply and its mark wait for the next transaction together.
The server's answer is turned into JSON only for a record that is written.

Who waits for what:
- the inbox waits for an update's mark before its lane goes on (the next update of that chat
  starts once the one before is settled, and a stop that lets the running updates finish leaves
  nothing unmarked);
- a reply does not wait for its record. The record is queued the moment the server's answer
  arrives, and the window in which a crash sends that reply again (until the record is
  committed) is the same whether or not the handler waits; waiting only held the handler up.
  The handler's mark, queued after it, still waits for it.

A transaction that fails is logged and its callers told; marks that failed together with reply
records are tried once more on their own, so a record that cannot be written never leaves an
update unmarked (to be handled again at the next start).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import inbox_repo

log = logging.getLogger(__name__)


class DurableWrites:
    """Queues reply records and handled marks and writes them in batches; see the module."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._records: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._marks: list[tuple[int, int, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    def record_reply(self, row: dict[str, Any]) -> asyncio.Future[None]:
        """Queue a reply's record (the columns of `models.plumbing.InboxReply`; `result` may be
        the server's answer as aiogram read it); the future is done when it is committed, or
        when its update's mark is (then it is not needed). Nobody has to await it: a failure is
        logged here."""
        done = self._queued()
        done.add_done_callback(partial(_log_failed_record, row.get("update_id"), row.get("seq")))
        self._records.append((row, done))
        return done

    def mark_handled(self, bot_id: int, update_id: int) -> asyncio.Future[None]:
        """Queue an update's "handled" mark; the future is done when it is committed, with the
        records of every reply queued before it."""
        done = self._queued()
        self._marks.append((bot_id, update_id, done))
        return done

    async def flush(self) -> None:
        """Wait until everything queued so far is written (or has failed): before closing the
        database, so no reply record is dropped at a stop."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait([self._writer])

    def _queued(self) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="durable-writes")
        return done

    async def _write_all(self) -> None:
        while self._records or self._marks:
            records, self._records = self._records, []
            marks, self._marks = self._marks, []
            written = [done for _, done in records]
            marked = [done for _, _, done in marks]
            try:
                await self._write(_still_needed(records, marks), marks)
            except Exception as error:
                _settle(written, error)
                if records and marks:
                    log.warning("could not write %s reply records; writing the marks alone", len(records))
                    await self._write_marks_alone(marks, marked)
                else:
                    _settle(marked, error)
            else:
                _settle(written + marked, None)

    async def _write_marks_alone(
        self, marks: list[tuple[int, int, Any]], marked: list[asyncio.Future[None]]
    ) -> None:
        try:
            await self._write([], marks)
        except Exception as error:
            _settle(marked, error)
        else:
            _settle(marked, None)

    async def _write(self, rows: list[dict[str, Any]], marks: list[tuple[int, int, Any]]) -> None:
        async with self._session_factory() as session, session.begin():
            await inbox_repo.record_replies(session, rows)
            if marks:
                now = self._clock()
                for bot_id in dict.fromkeys(bot for bot, _, _ in marks):
                    ids = [update for bot, update, _ in marks if bot == bot_id]
                    await inbox_repo.mark_handled(session, bot_id, ids, now)


def _still_needed(
    records: list[tuple[dict[str, Any], asyncio.Future[None]]], marks: list[tuple[int, int, Any]]
) -> list[dict[str, Any]]:
    """The rows of the records whose update is not marked in the same transaction, their
    results as JSON."""
    marked = {(bot_id, update_id) for bot_id, update_id, _ in marks}
    return [
        {**row, "result": _as_json(row.get("result"))}
        for row, _ in records
        if (row.get("bot_id"), row.get("update_id")) not in marked
    ]


def _as_json(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", exclude_none=True)
    if isinstance(result, list):
        return [_as_json(item) for item in result]
    return result


def _settle(futures: list[asyncio.Future[None]], error: Exception | None) -> None:
    for done in futures:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


def _log_failed_record(update_id: Any, seq: Any, done: asyncio.Future[None]) -> None:
    if done.cancelled() or done.exception() is None:
        return
    # The reply went out; only its protection against a crash in the next moments is lost.
    log.error("could not record reply %s to update %s in the journal: %s", seq, update_id, done.exception())
