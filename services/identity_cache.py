"""Who is talking, remembered between updates: the viewer of each messenger account, in memory.

Every update needs its sender's account, person and roles (`services.accounts.identify`): three
reads, most of an update's database work when the person is simply talking to the bot. An
`IdentityCache` keeps the viewer of each account it has read for `seconds`, so a conversation
costs one identification, not one per message.

It is never wrong about a change made in this process: every session flush that adds, changes or
deletes an account, a person or a role assignment forgets the viewers it touches, at the flush
and again at the commit (a read between the two saw the old rows); a bulk UPDATE or DELETE of
those tables, whose rows are unknown, forgets everything. A viewer read while something it was
read from was forgotten (its account, its person or their roles, or everything) is not kept;
other accounts' changes meanwhile do not stop it (under load, someone's account is always being
written). What another process changes (an operator's command line, another
instance) is seen within `seconds`; `IDENTITY_CACHE_SECONDS=0` turns the memory off.
"""

from __future__ import annotations

import json
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from models.identity import Account, Person, Platform, RoleAssignment

if TYPE_CHECKING:
    from services.accounts import Viewer

# Accounts remembered at most; the least recently seen are forgotten first.
CACHED_ACCOUNTS = 100_000

_TABLES = frozenset({Account.__tablename__, Person.__tablename__, RoleAssignment.__tablename__})
# Forgettings remembered, so a read overtaken by one is judged by what it touched: a read that
# began further back than this is not kept.
FORGETTINGS_KEPT = 1024
# In a session's `info`: what its flushes forgot, forgotten again when it commits.
_FORGOTTEN = "identity_cache_forgotten"
_EVERYTHING = "everything"


@dataclass(frozen=True)
class Remembered:
    """An account as it was read (what `identify` compares with the update) and its viewer."""

    viewer: Viewer
    chat_id: int
    first_name: str | None
    username: str | None
    last_seen_at: datetime
    blocked_at: datetime | None
    expires: float  # on `time.monotonic`


class IdentityCache:
    """Viewers by (platform, messenger user id), for `seconds` each; see the module."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: OrderedDict[tuple[Platform, int], Remembered] = OrderedDict()
        # Moves whenever anything is forgotten; with what each move forgot, the last ones: a
        # viewer read across a move that touched it is not kept.
        self.generation = 0
        self._forgotten: deque[tuple[int, frozenset[Hashable]]] = deque(maxlen=FORGETTINGS_KEPT)
        # Told what each commit of this process forgot (`share`).
        self._tell: Callable[[set[Hashable]], None] | None = None
        _live.add(self)

    def share(self, tell: Callable[[set[Hashable]], None] | None) -> None:
        """Have `tell` called with what each commit of this process forgot (for other instances)."""
        self._tell = tell

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def get(self, platform: Platform, user_id: int) -> Remembered | None:
        key = (platform, user_id)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, platform: Platform, account: Account, viewer: Viewer, *, read_since: int) -> None:
        """Keep `viewer`, read from `account`, unless what was forgotten since `read_since` (the
        `generation` when the read began) touched this account or its person."""
        if not self.enabled or self._overtaken(platform, account.platform_user_id, viewer, read_since):
            return
        key = (platform, account.platform_user_id)
        self._entries[key] = Remembered(
            viewer=viewer,
            chat_id=account.chat_id,
            first_name=account.first_name,
            username=account.username,
            last_seen_at=account.last_seen_at,
            blocked_at=account.blocked_at,
            expires=self._clock() + self.seconds,
        )
        self._entries.move_to_end(key)
        if len(self._entries) > CACHED_ACCOUNTS:
            self._entries.popitem(last=False)

    def _overtaken(self, platform: Platform, user_id: int, viewer: Viewer, read_since: int) -> bool:
        """Whether a forgetting since `read_since` may have changed what the read saw: one that
        touched the account, its person (and roles) or everything, or one too far back to tell."""
        if read_since == self.generation:
            return False
        if not self._forgotten or self._forgotten[0][0] > read_since + 1:
            return True
        touching: set[Hashable] = {_EVERYTHING, ("account", platform, user_id)}
        if viewer.person_id is not None:
            touching.add(("person", viewer.person_id))
        return any(
            generation > read_since and not touching.isdisjoint(changes)
            for generation, changes in self._forgotten
        )

    def forget(self, changes: set[Hashable]) -> None:
        """Forget what `changes` touch: ("account", platform, user id), ("person", id) or
        `_EVERYTHING`."""
        self.generation += 1
        self._forgotten.append((self.generation, frozenset(changes)))
        if not self._entries:
            return
        if _EVERYTHING in changes:
            self._entries.clear()
            return
        persons = {change[1] for change in changes if isinstance(change, tuple) and change[0] == "person"}
        for change in changes:
            if isinstance(change, tuple) and change[0] == "account":
                self._entries.pop((change[1], change[2]), None)
        if persons:
            for key in [k for k, e in self._entries.items() if e.viewer.person_id in persons]:
                del self._entries[key]


_live: weakref.WeakSet[IdentityCache] = weakref.WeakSet()


def encode_changes(changes: set[Hashable]) -> str:
    """`changes` as JSON, to tell another process (`decode_changes` reads it)."""
    items: list[Any] = []
    for change in changes:
        if change == _EVERYTHING:
            items.append(_EVERYTHING)
        elif isinstance(change, tuple) and change[0] == "account":
            items.append(["account", Platform(change[1]).value, change[2]])
        elif isinstance(change, tuple):
            items.append(list(change))
    return json.dumps(items)


def decode_changes(text: str | bytes) -> set[Hashable]:
    """What `encode_changes` wrote; anything unreadable means everything."""
    try:
        changes: set[Hashable] = set()
        for item in json.loads(text):
            if item == _EVERYTHING:
                changes.add(_EVERYTHING)
            elif item[0] == "account":
                changes.add(("account", Platform(item[1]), int(item[2])))
            elif item[0] == "person":
                changes.add(("person", int(item[1])))
            else:
                return {_EVERYTHING}
        return changes
    except (ValueError, TypeError, IndexError, KeyError):
        return {_EVERYTHING}


EVERYTHING: set[Hashable] = {_EVERYTHING}


def _forget_everywhere(changes: set[Hashable]) -> None:
    for cache in list(_live):
        cache.forget(changes)


def _changes_in(objects: Any) -> set[Hashable]:
    changes: set[Hashable] = set()
    for obj in objects:
        if isinstance(obj, Account):
            # An account's viewer holds its own row only: the person's other accounts stay.
            changes.add(("account", obj.platform, obj.platform_user_id))
        elif isinstance(obj, Person) and obj.id is not None:
            changes.add(("person", obj.id))
        elif isinstance(obj, RoleAssignment):
            changes.add(("person", obj.person_id))
    return changes


def _note(session: Session, changes: set[Hashable]) -> None:
    if changes:
        session.info.setdefault(_FORGOTTEN, set()).update(changes)
        _forget_everywhere(changes)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context: Any) -> None:
    if _live:
        _note(session, _changes_in([*session.new, *session.dirty, *session.deleted]))


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if _live and (state.is_update or state.is_delete or state.is_insert):
        name = getattr(getattr(state.statement, "table", None), "name", None)
        if name in _TABLES and not (name in _NEW_ROWS_ONLY and _adds_rows_only(state)):
            _note(state.session, {_EVERYTHING})


# Tables whose new rows change no viewer read before: a new account or person is nobody's yet (a
# new role assignment does change its person's viewer).
_NEW_ROWS_ONLY = frozenset({Account.__tablename__, Person.__tablename__})


def _adds_rows_only(state: ORMExecuteState) -> bool:
    """An INSERT that changes no existing row: plain, or ON CONFLICT DO NOTHING (not an upsert)."""
    if not state.is_insert:
        return False
    on_conflict = getattr(state.statement, "_post_values_clause", None)
    return on_conflict is None or type(on_conflict).__name__ == "OnConflictDoNothing"


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changes = session.info.pop(_FORGOTTEN, None)
    if changes:
        _forget_everywhere(changes)
        for cache in list(_live):
            if cache._tell is not None:
                cache._tell(changes)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    # What was flushed and rolled back was forgotten already; nothing to do again.
    session.info.pop(_FORGOTTEN, None)
