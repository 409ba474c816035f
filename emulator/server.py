"""In-process Telegram Bot API emulator (aiohttp) with a simulated-user API and fault injection.

Conventions
-----------
* A *bot reference* (``bot`` argument of the Python API) may be the bot's token string
  (``"111:tg-test"``), its numeric id (``111`` or ``"111"``) or a :class:`BotState`.
* A *user reference* may be a :class:`SimUser` or a user id (an unknown id creates a
  user named ``"User <id>"``).  The private chat id of a user equals the user id.
* Stored bot messages keep ``reply_markup`` exactly as sent (reply keyboards included);
  Bot API responses and updates only carry inline keyboards, like Telegram.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from .errors import UNAUTHORIZED, ApiError, bad_request, default_description, forbidden, method_not_found
from .faults import FaultInjector, norm_method
from .formatting import command_entities, utf16_len
from .media import TINY_PNG, extension_for, guess_mime, image_size, scaled
from .notify import Notifier
from .params import UploadedFile, read_request_params
from .rates import peak_rate as _peak_rate
from .rates import peak_rate_per_chat as _peak_rate_per_chat
from .shapes import TELEGRAM, odd_reply
from .state import (
    ApiCall,
    BotState,
    CallbackRecord,
    ChatState,
    Direction,
    MessageRecord,
    Platform,
    QueuedUpdate,
    Quirks,
    SimUser,
    StoredFile,
)
from .webhook import stop_webhook_pusher

logger = logging.getLogger(__name__)

#: Application key under which the emulator is stored: ``app[EMULATOR_KEY]``.
EMULATOR_KEY: web.AppKey[BotAPIEmulator] = web.AppKey("emulator")
TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,200})$")
BotRef = int | str | BotState
UserRef = int | SimUser
MessagePredicate = Callable[[dict[str, Any]], bool] | str | None

#: Methods whose successful calls create a bot-sent message (used for rate measurement).
SENDING_METHODS: frozenset[str] = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendlocation",
        "sendcontact",
        "sendsticker",
        "sendvenue",
        "copymessage",
        "forwardmessage",
    }
)


def _json_dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def as_int(value: Any) -> int | None:
    """Return ``value`` as int when it is an int or a decimal string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _summary(message: dict[str, Any]) -> str:
    kinds = [k for k in ("photo", "document", "location", "sticker", "contact") if k in message]
    text = _text_of(message)
    extra = f" [{','.join(kinds)}]" if kinds else ""
    markup = message.get("reply_markup")
    buttons = ""
    if isinstance(markup, dict):
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        labels = [b.get("text") if isinstance(b, dict) else str(b) for row in rows for b in row]
        if labels:
            buttons = f" buttons={labels}"
    return f"#{message.get('message_id')}{extra} {text!r}{buttons}"


class BotAPIEmulator:
    """State and HTTP front-end of the emulated Bot API for any number of bots.

    Use :meth:`add_bot` to register bots, :attr:`app` (or :func:`make_app`) to serve it,
    the ``send_*``/``press_button`` coroutines to act as users, and :meth:`wait_for_message`
    / :meth:`sent_messages` to observe what bots send.
    """

    def __init__(self, *, auto_register: bool = False) -> None:
        self.auto_register = auto_register
        self.bots: dict[int, BotState] = {}
        self.users: dict[int, SimUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        #: ``file_id`` of any photo size -> the PhotoSize list it belongs to.
        self.photo_groups: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[ApiCall] = []
        self.faults = FaultInjector()
        #: Like Telegram, answer 409 to a getUpdates while another for the same bot is open (two
        #: processes polling one token). Off by default: a test's restarted bot may overlap its
        #: predecessor's abandoned poll for a moment.
        self.polling_conflicts = False
        self._send_stamps: list[tuple[float, int, int]] = []  # (monotonic, bot_id, chat_id)
        self._seq = 0
        self._file_counter = 0
        self._callback_counter = 0
        self._changes = Notifier()
        self._closing = False
        self._app: web.Application | None = None
        from .api_methods import BotApiMethods

        self.methods = BotApiMethods(self)

    # ------------------------------------------------------------------ bots
    def add_bot(
        self,
        token: str,
        username: str | None = None,
        first_name: str | None = None,
        platform: Platform = "telegram",
        *,
        odd: bool = False,
        profile: str | None = None,
        quirks: Quirks | None = None,
        unsupported_methods: Iterable[str] = (),
    ) -> BotState:
        """Register a bot by token ``"<id>:<secret>"`` and return its state.

        ``odd=True`` or ``profile="odd"`` enables the Bale-like deviations of
        :meth:`Quirks.bale`; pass ``quirks`` for a custom selection.  ``unsupported_methods``
        are answered with 404 "method not found".
        """
        match = TOKEN_RE.match(token)
        if not match:
            raise ValueError(f"malformed bot token {token!r}; expected '<id>:<secret>'")
        bot_id = int(match.group(1))
        if quirks is None:
            quirks = Quirks.bale() if (odd or profile == "odd") else Quirks()
        elif profile not in (None, "odd", "standard"):
            raise ValueError(f"unknown profile {profile!r}")
        state = BotState(
            token=token,
            id=bot_id,
            username=username or f"test{bot_id}_bot",
            first_name=first_name or f"Test Bot {bot_id}",
            platform=platform,
            quirks=quirks,
            unsupported_methods={norm_method(m) for m in (*quirks.unsupported_methods, *unsupported_methods)},
        )
        previous = self.bots.get(bot_id)
        if previous is not None:
            logger.warning("Re-registering bot %s (token changed: %s)", bot_id, previous.token != token)
        self.bots[bot_id] = state
        logger.info("Registered bot %s (@%s, %s, odd=%s)", bot_id, state.username, platform, state.odd)
        return state

    def get_bot(self, bot: BotRef) -> BotState:
        """Resolve a bot reference (token, id or state); raise KeyError when unknown."""
        if isinstance(bot, BotState):
            return bot
        if isinstance(bot, int):
            if bot in self.bots:
                return self.bots[bot]
            raise KeyError(f"unknown bot id {bot}")
        if ":" in bot:
            match = TOKEN_RE.match(bot)
            if match:
                state = self.bots.get(int(match.group(1)))
                if state is not None and state.token == bot:
                    return state
                if self.auto_register and state is None:
                    return self.add_bot(bot)
            raise KeyError(f"unknown bot token {bot!r}")
        bot_id = as_int(bot)
        if bot_id is not None and bot_id in self.bots:
            return self.bots[bot_id]
        raise KeyError(f"unknown bot {bot!r}")

    def _authenticate(self, token: str) -> BotState:
        try:
            return self.get_bot(token) if ":" in token else _raise(UNAUTHORIZED)
        except KeyError:
            raise UNAUTHORIZED from None

    # ----------------------------------------------------------------- users
    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fa",
        phone: str | None = None,
        *,
        blocked: bool | None = None,
    ) -> SimUser:
        """Return (creating or updating) the simulated user ``user_id``.

        For an existing user, only the arguments given explicitly (not None) are updated.
        """
        existing = self.users.get(user_id)
        if existing is None:
            existing = SimUser(
                id=user_id,
                first_name=first_name or f"User {user_id}",
                last_name=last_name,
                username=username,
                language_code=language_code,
                phone=phone,
                blocked=bool(blocked),
            )
            self.users[user_id] = existing
            return existing
        if first_name is not None:
            existing.first_name = first_name
        if last_name is not None:
            existing.last_name = last_name
        if username is not None:
            existing.username = username
        if phone is not None:
            existing.phone = phone
        if blocked is not None:
            existing.blocked = blocked
        return existing

    def set_blocked(self, user: UserRef, blocked: bool = True, bot: BotRef | None = None) -> None:
        """Mark ``user`` as having blocked ``bot`` (or every bot when ``bot`` is None)."""
        sim = self._get_user(user)
        if bot is None:
            sim.blocked = blocked
            return
        bot_id = self.get_bot(bot).id
        if blocked:
            sim.blocked_bots.add(bot_id)
        else:
            sim.blocked_bots.discard(bot_id)

    def _get_user(self, user: UserRef) -> SimUser:
        if isinstance(user, SimUser):
            self.users.setdefault(user.id, user)
            return user
        return self.users.get(user) or self.user(user)

    # ------------------------------------------------------------ internals
    def next_seq(self) -> int:
        """Return the next global change sequence number."""
        self._seq += 1
        return self._seq

    @property
    def current_seq(self) -> int:
        """The sequence number of the latest change (grows with every message, edit, deletion)."""
        return self._seq

    @property
    def file_counter(self) -> int:
        """How many files have been stored (file ids and paths are numbered with it)."""
        return self._file_counter

    def restore_counters(self, *, seq: int, file_counter: int) -> None:
        """Continue numbering after a restored history (:mod:`emulator.archive`), so that change
        cursors and file ids never repeat."""
        self._seq = max(self._seq, seq)
        self._file_counter = max(self._file_counter, file_counter)

    def notify_changes(self) -> None:
        """Wake everything waiting for chat changes (messages, edits, callback answers)."""
        self._changes.notify()

    async def wait_changes(self, max_wait: float | None) -> bool:
        """Wait until the next chat change or ``max_wait`` seconds; return True when something changed."""
        if self._closing:
            return False
        return await self._changes.wait(max_wait)

    def new_file(
        self,
        data: bytes,
        *,
        kind: str,
        mime_type: str | None = None,
        file_name: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        """Store ``data`` and return a :class:`StoredFile` with fresh ids and a file path."""
        self._file_counter += 1
        digest = hashlib.sha1(data + str(self._file_counter).encode()).hexdigest()
        file_id = f"{kind[:3].upper()}{self._file_counter:06d}_{digest[:24]}"
        unique = f"U{self._file_counter:06d}{digest[24:34]}"
        ext = extension_for(mime_type, ".jpg" if kind == "photo" else "")
        folder = {"photo": "photos", "document": "documents", "sticker": "stickers"}.get(kind, kind)
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            data=data,
            file_path=f"{folder}/file_{self._file_counter}{ext}",
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
        )
        self.files[file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def make_photo_sizes(self, data: bytes, mime_type: str | None = None) -> list[dict[str, Any]]:
        """Store photo bytes and return a Telegram PhotoSize list (smallest first)."""
        dims = image_size(data) or (800, 600)
        sizes: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for max_side in (90, 320, 800, 1280):
            w, h = scaled(dims[0], dims[1], max_side)
            if (w, h) in seen:
                continue
            seen.add((w, h))
            stored = self.new_file(data, kind="photo", mime_type=mime_type or "image/jpeg", width=w, height=h)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    "file_size": stored.file_size,
                }
            )
        for size in sizes:
            self.photo_groups[size["file_id"]] = sizes
        return sizes

    def record_message(
        self, bot: BotState, chat: ChatState, message: dict[str, Any], direction: Direction
    ) -> MessageRecord:
        """Append a message to a chat transcript and wake waiters."""
        seq = self.next_seq()
        record = MessageRecord(
            message=message, direction=direction, seq=seq, created_seq=seq, sent_at=time.monotonic()
        )
        chat.records[record.message_id] = record
        if direction == "bot":
            self._send_stamps.append((record.sent_at, bot.id, chat.chat_id))
        self.notify_changes()
        return record

    def flood_check(self, bot: BotState, chat_id: int) -> None:
        """Raise a 429 :class:`ApiError` when a configured flood limit would be exceeded."""
        if not self.faults.rate_limits:
            return
        stamps = [(t, c) for t, b, c in self._send_stamps if b == bot.id]
        error = self.faults.check_flood(bot.id, chat_id, time.monotonic(), stamps)
        if error is not None:
            raise error

    def require_private_chat(self, bot: BotState, chat_id: Any) -> SimUser:
        """Return the user of a private chat the bot may write to, or raise 400/403."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        numeric = as_int(chat_id)
        user = self.users.get(numeric) if numeric is not None else None
        if user is None:
            raise bad_request("chat not found")
        if user.is_blocking(bot.id):
            raise forbidden("bot was blocked by the user")
        return user

    @staticmethod
    def api_message(message: dict[str, Any]) -> dict[str, Any]:
        """Return the Bot API form of a stored message (only inline keyboards in reply_markup)."""
        result = copy.deepcopy(message)
        markup = result.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            result.pop("reply_markup")
        reply = result.get("reply_to_message")
        if isinstance(reply, dict):
            rmarkup = reply.get("reply_markup")
            if isinstance(rmarkup, dict) and "inline_keyboard" not in rmarkup:
                reply.pop("reply_markup")
        return result

    def present(self, bot: BotState, data: Any, *, in_update: bool) -> Any:
        """Apply the bot's quirks to an outgoing result or update (returns a copy)."""
        quirks = bot.quirks
        if not (quirks.omit_file_unique_id or (in_update and quirks.any)):
            return data

        def walk(value: Any, key: str | None = None) -> Any:
            if isinstance(value, dict):
                out = {}
                for k, v in value.items():
                    if k == "file_unique_id" and quirks.omit_file_unique_id:
                        continue
                    if k == "chat_instance" and in_update and quirks.omit_chat_instance:
                        continue
                    if (
                        k == "is_bot"
                        and in_update
                        and quirks.omit_is_bot_in_updates
                        and key in ("from", "user", "forward_from", "sender_user")
                    ):
                        continue
                    out[k] = walk(v, k)
                return out
            if isinstance(value, list):
                return [walk(v, key) for v in value]
            return value

        return walk(data)

    # --------------------------------------------------------------- updates
    def inject_update(self, bot: BotRef, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for ``bot`` (``update_id`` is assigned when missing) and return it."""
        state = self.get_bot(bot)
        update = dict(update)
        if "update_id" not in update:
            update = {"update_id": state.next_update_id, **update}
        state.next_update_id = max(state.next_update_id, int(update["update_id"]) + 1)
        state.pending.append(QueuedUpdate(update=update))
        logger.debug("Queued update %s for bot %s", update["update_id"], state.id)
        state.updates_notifier.notify()
        return update

    def duplicate_last_update(self, bot: BotRef) -> dict[str, Any]:
        """Re-queue the most recently delivered update with the same ``update_id``.

        The copy is delivered by the next getUpdates even though the bot's offset already
        confirmed it, emulating Telegram's at-least-once delivery.
        """
        state = self.get_bot(bot)
        if state.last_delivered is None:
            raise LookupError(f"bot {state.id} has not received any update yet")
        update = copy.deepcopy(state.last_delivered)
        state.pending.append(QueuedUpdate(update=update, forced=True))
        state.updates_notifier.notify()
        return update

    def last_delivered_update(self, bot: BotRef) -> dict[str, Any] | None:
        """Return the last update returned by getUpdates to ``bot`` (None if none yet)."""
        return self.get_bot(bot).last_delivered

    def pending_updates(self, bot: BotRef) -> list[dict[str, Any]]:
        """Return updates not yet confirmed by the bot."""
        return [q.update for q in self.get_bot(bot).pending]

    async def wait_until_consumed(self, bot: BotRef, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every queued update (raise TimeoutError otherwise)."""
        state = self.get_bot(bot)
        deadline = time.monotonic() + timeout
        while any(not q.delivered for q in state.pending):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"bot {state.id} did not fetch {len(state.pending)} pending update(s)")
            await asyncio.sleep(min(0.02, remaining))

    def _confirm_updates(self, state: BotState, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            state.pending = state.pending[offset:]
            return
        state.pending = [q for q in state.pending if q.update_id >= offset or (q.forced and not q.delivered)]

    def _collect_updates(self, state: BotState, limit: int) -> list[QueuedUpdate]:
        forced = [q for q in state.pending if q.forced and not q.delivered]
        normal = [q for q in state.pending if not (q.forced and not q.delivered)]
        return (forced + normal)[:limit]

    async def get_updates(
        self, state: BotState, offset: int | None, limit: int, poll_seconds: float
    ) -> list[dict[str, Any]]:
        """Implementation of getUpdates with long polling (waits up to ``poll_seconds``)."""
        if self.polling_conflicts and state.active_polls > 0:
            raise ApiError(409, default_description(409))
        self._confirm_updates(state, offset)
        deadline = time.monotonic() + max(0.0, poll_seconds)
        state.active_polls += 1
        try:
            while True:
                batch = self._collect_updates(state, limit)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._closing:
                    break
                await state.updates_notifier.wait(remaining)
        finally:
            state.active_polls -= 1
        for queued in batch:
            queued.delivered = True
        if batch:
            state.last_delivered = batch[-1].update
        return [self.present(state, q.update, in_update=True) for q in batch]

    # ------------------------------------------------------- user actions
    def _user_message(self, state: BotState, sim: SimUser, content: dict[str, Any]) -> dict[str, Any]:
        chat = state.chat(sim.id)
        message: dict[str, Any] = {
            "message_id": chat.allocate_message_id(),
            "from": sim.to_user(),
            "chat": sim.to_chat(),
            "date": int(time.time()),
            **content,
        }
        self.record_message(state, chat, message, "user")
        return message

    async def send_message(
        self, bot: BotRef, user: UserRef, content: dict[str, Any], *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Send a user message with arbitrary ``content`` fields (e.g. ``{"voice": {...}}``).

        Returns the queued Update.
        """
        state = self.get_bot(bot)
        sim = self._get_user(user)
        content = dict(content)
        if reply_to is not None:
            record = state.chat(sim.id).records.get(reply_to)
            if record is not None:
                content["reply_to_message"] = self.api_message(record.message)
        message = self._user_message(state, sim, content)
        await asyncio.sleep(0)
        return self.inject_update(state, {"message": copy.deepcopy(message)})

    async def send_text(
        self, bot: BotRef, user: UserRef, text: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Send a text message from ``user`` to ``bot``; commands get a ``bot_command`` entity."""
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return await self.send_message(bot, user, content, reply_to=reply_to)

    async def send_contact(
        self,
        bot: BotRef,
        user: UserRef,
        phone_number: str | None = None,
        own: bool = True,
        *,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Share a contact.  ``own=True`` shares the user's own contact (``contact.user_id``
        equals the sender id, as with a ``request_contact`` button); ``own=False`` shares
        someone else's contact (``contact_user_id`` or no user_id)."""
        sim = self._get_user(user)
        phone = phone_number or sim.phone or f"98912{sim.id % 10_000_000:07d}"
        contact: dict[str, Any] = {"phone_number": phone}
        if own:
            contact["first_name"] = first_name or sim.first_name
            if last_name or sim.last_name:
                contact["last_name"] = last_name or sim.last_name
            contact["user_id"] = sim.id
        else:
            contact["first_name"] = first_name or "Someone"
            if last_name:
                contact["last_name"] = last_name
            if contact_user_id is not None:
                contact["user_id"] = contact_user_id
        return await self.send_message(bot, sim, {"contact": contact})

    async def send_photo(
        self,
        bot: BotRef,
        user: UserRef,
        data: bytes = TINY_PNG,
        caption: str | None = None,
        *,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """Send a photo (bytes are stored; PhotoSize list generated)."""
        sizes = self.make_photo_sizes(
            data, mime_type or ("image/png" if data.startswith(b"\x89PNG") else None)
        )
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return await self.send_message(bot, user, content)

    async def send_document(
        self,
        bot: BotRef,
        user: UserRef,
        data: bytes = b"%PDF-1.4\n%emulator\n",
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Send a document file."""
        mime = guess_mime(file_name, mime_type)
        stored = self.new_file(data, kind="document", mime_type=mime, file_name=file_name)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "file_size": stored.file_size,
        }
        if mime:
            document["mime_type"] = mime
        content: dict[str, Any] = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return await self.send_message(bot, user, content)

    async def send_location(
        self, bot: BotRef, user: UserRef, latitude: float, longitude: float, **extra: Any
    ) -> dict[str, Any]:
        """Share a location (``extra`` may add e.g. ``horizontal_accuracy``)."""
        return await self.send_message(
            bot, user, {"location": {"latitude": float(latitude), "longitude": float(longitude), **extra}}
        )

    async def send_sticker(self, bot: BotRef, user: UserRef, emoji: str = "😀") -> dict[str, Any]:
        """Send a sticker (useful for "wrong kind of input" tests)."""
        stored = self.new_file(TINY_PNG, kind="sticker", mime_type="image/webp", width=512, height=512)
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        return await self.send_message(bot, user, {"sticker": sticker})

    async def send_voice(
        self,
        bot: BotRef,
        user: UserRef,
        data: bytes | None = None,
        *,
        duration: int = 3,
        mime_type: str = "audio/ogg",
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Send a voice note (Telegram's ``Voice``: file ids, duration in seconds, mime type, size).
        Without ``data`` the body is a placeholder: nothing in the emulator plays it."""
        body = data if data is not None else b"OggS" + bytes(60)
        stored = self.new_file(body, kind="voice", mime_type=mime_type)
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": max(1, int(duration)),
            "mime_type": mime_type,
            "file_size": stored.file_size,
        }
        content: dict[str, Any] = {"voice": voice}
        if caption is not None:
            content["caption"] = caption
        return await self.send_message(bot, user, content)

    async def press_button(
        self,
        bot: BotRef,
        user: UserRef,
        message_id: int,
        callback_data: str,
        *,
        strict: bool = True,
    ) -> dict[str, Any]:
        """Press an inline button: queue a ``callback_query`` update and return it.

        With ``strict=True`` the message must be an existing, undeleted bot message in the
        user's chat carrying an inline button with that ``callback_data`` (ValueError
        otherwise); ``strict=False`` allows stale or forged presses.
        """
        state = self.get_bot(bot)
        sim = self._get_user(user)
        chat = state.chat(sim.id)
        record = chat.records.get(message_id)
        if strict:
            if record is None or record.deleted or record.direction != "bot":
                raise ValueError(f"no bot message {message_id} in chat {sim.id}")
            available = self.inline_buttons(record.message)
            if callback_data not in [b.get("callback_data") for b in available]:
                raise ValueError(
                    f"message {message_id} has no inline button with callback_data {callback_data!r}; "
                    f"buttons: {[(b.get('text'), b.get('callback_data')) for b in available]}"
                )
        self._callback_counter += 1
        query_id = f"{state.id}{self._callback_counter:010d}"
        chat_instance = str(int(hashlib.sha1(f"{state.id}:{sim.id}".encode()).hexdigest()[:15], 16))
        query: dict[str, Any] = {
            "id": query_id,
            "from": sim.to_user(),
            "chat_instance": chat_instance,
            "data": callback_data,
        }
        if record is not None:
            query["message"] = self.api_message(record.message)
        else:
            query["message"] = {
                "message_id": message_id,
                "chat": sim.to_chat(),
                "date": 0,
            }
        state.callbacks[query_id] = CallbackRecord(
            id=query_id, chat_id=sim.id, message_id=message_id, data=callback_data
        )
        await asyncio.sleep(0)
        return self.inject_update(state, {"callback_query": query})

    async def click(
        self, bot: BotRef, user: UserRef, button_text: str, *, message_id: int | None = None
    ) -> dict[str, Any]:
        """Press a button by its label.

        Searches the given message (or the newest bot message having such a button) for an
        inline button and presses it; if the current reply keyboard of the chat has a button
        with that text, sends it as a text message (or contact/location for request buttons).
        """
        state = self.get_bot(bot)
        sim = self._get_user(user)
        chat = state.chat(sim.id)
        records = [chat.records[message_id]] if message_id is not None else list(chat.records.values())[::-1]
        for record in records:
            if record.direction != "bot" or record.deleted:
                continue
            for button in self.inline_buttons(record.message):
                if button.get("text") == button_text and "callback_data" in button:
                    return await self.press_button(state, sim, record.message_id, button["callback_data"])
        keyboard = chat.reply_keyboard or {}
        for row in keyboard.get("keyboard", []):
            for button in row:
                label = button if isinstance(button, str) else button.get("text")
                if label != button_text:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    return await self.send_contact(state, sim)
                if isinstance(button, dict) and button.get("request_location"):
                    return await self.send_location(state, sim, 35.6892, 51.3890)
                return await self.send_text(state, sim, button_text)
        raise ValueError(f"no button {button_text!r} visible in chat {sim.id}")

    @staticmethod
    def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        """Return all inline keyboard buttons of a message (flattened)."""
        markup = message.get("reply_markup")
        if not isinstance(markup, dict):
            return []
        return [b for row in markup.get("inline_keyboard", []) for b in row if isinstance(b, dict)]

    # ---------------------------------------------------------- observation
    def chat_records(self, bot: BotRef, chat_id: int | SimUser) -> list[MessageRecord]:
        """Return the transcript (both directions, including deleted) of a chat in creation order."""
        cid = chat_id.id if isinstance(chat_id, SimUser) else int(chat_id)
        state = self.get_bot(bot)
        chat = state.chats.get(cid)
        if chat is None:
            return []
        return sorted(chat.records.values(), key=lambda r: r.created_seq)

    def sent_messages(
        self, bot: BotRef, chat_id: int | SimUser | None = None, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Return messages the bot sent (current state, edits applied) in sending order."""
        state = self.get_bot(bot)
        chats = (
            [state.chats[c] for c in state.chats]
            if chat_id is None
            else [state.chats.get(chat_id.id if isinstance(chat_id, SimUser) else int(chat_id))]
        )
        records = [
            r
            for chat in chats
            if chat is not None
            for r in chat.records.values()
            if r.direction == "bot" and (include_deleted or not r.deleted)
        ]
        records.sort(key=lambda r: r.created_seq)
        return [copy.deepcopy(r.message) for r in records]

    def last_message_id(self, bot: BotRef, chat_id: int | SimUser) -> int:
        """Return the highest message id used in the chat so far (0 if none)."""
        records = self.chat_records(bot, chat_id)
        return max((r.message_id for r in records), default=0)

    def reply_keyboard(self, bot: BotRef, chat_id: int | SimUser) -> dict[str, Any] | None:
        """Return the reply keyboard currently shown in the chat (as last sent by the bot)."""
        cid = chat_id.id if isinstance(chat_id, SimUser) else int(chat_id)
        chat = self.get_bot(bot).chats.get(cid)
        return copy.deepcopy(chat.reply_keyboard) if chat else None

    def callback_answer(self, bot: BotRef, callback_id: str) -> dict[str, Any] | None:
        """Return the answerCallbackQuery parameters for a query, or None when unanswered."""
        record = self.get_bot(bot).callbacks.get(callback_id)
        return record.answer if record else None

    def unanswered_callbacks(self, bot: BotRef) -> list[CallbackRecord]:
        """Return callback queries the bot never answered."""
        return [c for c in self.get_bot(bot).callbacks.values() if not c.answered]

    async def wait_for_callback_answer(
        self,
        bot: BotRef,
        callback_id: str,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the bot answers the callback query ``callback_id``; return the answer params."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.callback_answer(bot, callback_id)
            if answer is not None:
                return answer
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"callback query {callback_id} was not answered within {timeout}s")
            await self.wait_changes(min(remaining, 0.5))

    async def wait_for_message(
        self,
        bot: BotRef,
        chat_id: int | SimUser,
        predicate: MessagePredicate = None,
        timeout: float = 10.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> dict[str, Any]:
        """Wait for a bot-sent message in ``chat_id`` with ``message_id > after`` matching ``predicate``.

        ``predicate`` is a callable taking the message dict, or a string that must occur in
        the message text/caption.  Edits are taken into account (the current state of each
        message is tested).  Returns a copy of the message; raises :class:`TimeoutError`
        listing the bot messages received when nothing matches in time.
        """
        state = self.get_bot(bot)
        cid = chat_id.id if isinstance(chat_id, SimUser) else int(chat_id)
        floor = after or 0
        check: Callable[[dict[str, Any]], bool]
        if isinstance(predicate, str):
            needle = predicate
            check = lambda message: needle in _text_of(message)  # noqa: E731
        else:
            check = predicate or (lambda _m: True)
        deadline = time.monotonic() + timeout
        while True:
            chat = state.chats.get(cid)
            if chat is not None:
                for record in sorted(chat.records.values(), key=lambda r: r.message_id):
                    if (
                        record.direction == "bot"
                        and not record.deleted
                        and record.message_id > floor
                        and check(record.message)
                    ):
                        return copy.deepcopy(record.message)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                break
            # Cap each wait so predicates depending on external state are re-evaluated.
            await self._changes.wait(min(remaining, 0.5))
        received = [
            _summary(r.message)
            for r in self.chat_records(state, cid)
            if r.direction == "bot" and r.message_id > floor
        ]
        errors = [
            f"{c.method} -> {c.status} {c.description}"
            for c in self.calls
            if c.bot_id == state.id and not c.ok and as_int(c.params.get("chat_id")) == cid
        ][-5:]
        raise TimeoutError(
            f"bot {state.id}: no message in chat {cid} after #{floor} matching the predicate within "
            f"{timeout}s. Bot messages received after #{floor}: {received or 'none'}"
            + (f". Failed API calls for this chat: {errors}" if errors else "")
        )

    # ------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: float | None = None,
        count: int = 1,
        description: str | None = None,
        chat_id: int | None = None,
        bot: BotRef | None = None,
        shape: str = TELEGRAM,
        seconds: float | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (``"*"`` = any) fail with ``status``.

        Optional filters: ``chat_id`` and ``bot``.  429 errors carry
        ``parameters.retry_after`` (default 1).  ``shape`` is how the failure is written:
        Telegram's JSON (default), or as other servers fail, see :mod:`emulator.shapes`
        ("no_ok", "html", "text", "empty", "malformed", "timeout" holding ``seconds``).
        Several rules for one method are used in the order they were added.
        """
        self.faults.fail_next(
            method,
            status=status,
            retry_after=retry_after,
            count=count,
            description=description,
            chat_id=chat_id,
            bot_id=self.get_bot(bot).id if bot is not None else None,
            shape=shape,
            seconds=seconds,
        )

    def set_random_failures(
        self,
        method: str,
        rate: float = 0.05,
        statuses: Iterable[int] = (429, 500),
        retry_after: float | None = 1,
        seed: int | None = 0,
        bot: BotRef | None = None,
    ) -> None:
        """Fail ``method`` calls at random with a seeded RNG (``rate=0`` disables)."""
        self.faults.set_random_failures(
            method, rate, statuses, retry_after, seed, self.get_bot(bot).id if bot is not None else None
        )

    def set_delay(self, method: str, seconds: float, bot: BotRef | None = None) -> None:
        """Delay every response of ``method`` by ``seconds`` (0 removes)."""
        self.faults.set_delay(method, seconds, self.get_bot(bot).id if bot is not None else None)

    def set_rate_limit(
        self,
        overall: int | None = None,
        per_chat: int | None = None,
        window: float = 1.0,
        retry_after: float = 1,
        bot: BotRef | None = None,
    ) -> None:
        """Answer 429 when a bot exceeds ``overall`` / ``per_chat`` messages per ``window``."""
        self.faults.set_rate_limit(
            overall, per_chat, window, retry_after, self.get_bot(bot).id if bot is not None else None
        )

    def clear_faults(self) -> None:
        """Remove all configured failures, delays and rate limits."""
        self.faults.clear()

    # --------------------------------------------------------------- rates
    def send_timestamps(self, bot: BotRef | None = None) -> list[tuple[float, int]]:
        """Return ``(monotonic_time, chat_id)`` for each successful bot-sent message."""
        bot_id = self.get_bot(bot).id if bot is not None else None
        return [(t, c) for t, b, c in self._send_stamps if bot_id is None or b == bot_id]

    def peak_rate(self, window: float = 1.0, bot: BotRef | None = None) -> int:
        """Maximum number of bot-sent messages in any sliding ``window`` (all chats)."""
        return _peak_rate((t for t, _ in self.send_timestamps(bot)), window)

    def peak_rate_per_chat(self, window: float = 1.0, bot: BotRef | None = None) -> int:
        """Maximum number of bot-sent messages to a single chat in any sliding ``window``."""
        return _peak_rate_per_chat(self.send_timestamps(bot), window)

    def calls_for(self, method: str | None = None, bot: BotRef | None = None) -> list[ApiCall]:
        """Return recorded calls filtered by method (case-insensitive) and bot."""
        bot_id = self.get_bot(bot).id if bot is not None else None
        key = method.lower() if method else None
        return [
            c
            for c in self.calls
            if (key is None or c.method.lower() == key) and (bot_id is None or c.bot_id == bot_id)
        ]

    def uploads(
        self,
        method: str | None = None,
        bot: BotRef | None = None,
        chat_id: int | None = None,
        *,
        accepted: bool | None = None,
    ) -> list[UploadedFile]:
        """The files bots uploaded (multipart parts: name, content type and bytes as they arrived),
        in the order of the calls, filtered by method, bot, chat and whether the call succeeded
        (`accepted`; None: refused ones too, a 429 included)."""
        return [
            value
            for call in self.calls_for(method, bot)
            if (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
            and (accepted is None or call.ok == accepted)
            for value in call.params.values()
            if isinstance(value, UploadedFile)
        ]

    def file_of(self, message: dict[str, Any]) -> StoredFile | None:
        """The stored file a message carries (a photo's largest size, a document, …), or None."""
        for key in ("photo", "document", "audio", "video", "voice", "animation", "sticker", "video_note"):
            value = message.get(key)
            if isinstance(value, list) and value:
                value = value[-1]
            if isinstance(value, dict) and value.get("file_id") in self.files:
                return self.files[value["file_id"]]
        return None

    # ---------------------------------------------------------------- http
    @property
    def app(self) -> web.Application:
        """The aiohttp application serving this emulator (created on first access)."""
        if self._app is None:
            self._app = self.make_app()
        return self._app

    def make_app(self) -> web.Application:
        """Build a new aiohttp application bound to this emulator."""
        from .control import setup_control_routes

        app = web.Application(client_max_size=60 * 1024 * 1024)
        app[EMULATOR_KEY] = self
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        setup_control_routes(app, self)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, _app: web.Application) -> None:
        self.close()

    def close(self) -> None:
        """Release every long-polling request and waiter (used at server shutdown)."""
        self._closing = True
        for state in self.bots.values():
            stop_webhook_pusher(state)
            state.updates_notifier.notify()
        self._changes.notify()

    @property
    def closing(self) -> bool:
        """True once :meth:`close` was called (server shutting down)."""
        return self._closing

    def reopen(self) -> None:
        """Undo :meth:`close` (e.g. when serving the same emulator again)."""
        self._closing = False

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        call = ApiCall(token=token, bot_id=None, method=method, params={}, time=time.monotonic())
        self.calls.append(call)
        status = 200
        body: dict[str, Any]
        odd: ApiError | None = None  # a failure written in another server's shape
        try:
            if request.method not in ("GET", "POST"):
                raise ApiError(405, "Method Not Allowed")
            state = self._authenticate(token)
            call.bot_id = state.id
            params = await read_request_params(request)
            call.params = params
            key = method.lower()
            handler = self.methods.registry.get(key)
            if handler is None or key in state.unsupported_methods:
                raise method_not_found()
            call.method = handler.canonical
            delay = self.faults.delay_for(state.id, key)
            if delay > 0:
                await asyncio.sleep(delay)
            error = self.faults.check(state.id, key, as_int(params.get("chat_id")))
            if error is not None:
                raise error
            result = await handler.func(state, params)
            body = {"ok": True, "result": self.present(state, result, in_update=False)}
            call.result = result
        except ApiError as exc:
            status = exc.status
            body = exc.to_json()
            call.description = exc.description
            if exc.shape != TELEGRAM:
                odd = exc
                call.description = f"{exc.description} [{exc.shape}]"
            logger.debug("%s %s -> %s %s", token.split(":")[0], method, status, call.description)
        call.status = status
        call.ok = bool(body.get("ok"))
        if odd is not None:
            reply = await odd_reply(request, odd)
            call.duration = time.monotonic() - call.time
            return reply
        call.duration = time.monotonic() - call.time
        return web.json_response(body, status=status, dumps=_json_dumps)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        try:
            self._authenticate(request.match_info["token"])
        except ApiError as exc:
            return web.json_response(exc.to_json(), status=exc.status)
        stored = self.files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _raise(error: ApiError) -> BotState:
    raise error


def make_app(emulator: BotAPIEmulator | None = None, **kwargs: Any) -> web.Application:
    """Return an aiohttp application for ``emulator`` (a new one built from ``kwargs`` if None).

    The emulator is available as ``app[EMULATOR_KEY]``.
    """
    emu = emulator or BotAPIEmulator(**kwargs)
    return emu.make_app()


def new_token(bot_id: int) -> str:
    """Return a random well-formed token for ``bot_id`` (handy for tests)."""
    return f"{bot_id}:{secrets.token_urlsafe(24)}"


__all__ = ["EMULATOR_KEY", "SENDING_METHODS", "BotAPIEmulator", "make_app", "new_token", "utf16_len"]
