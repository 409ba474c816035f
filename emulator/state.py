"""State objects of the Bot API emulator: bots, simulated users, chats, messages, files, calls."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from .notify import Notifier

Platform = Literal["telegram", "bale"]
Direction = Literal["bot", "user"]

#: Methods a Bale-like ("odd") bot answers with 404 "method not found". Bale's published method
#: list (docs.bale.ai) has no command-menu methods; bots that run on Bale report that
#: setMyName/setMyDescription/setMyShortDescription fail on the real server (answered 501 there;
#: names and descriptions are set with @botfather). sendChatAction is listed by some client
#: libraries (Balethon) but not relied on by any; the profile treats it as missing, the harder case.
BALE_UNSUPPORTED_METHODS: frozenset[str] = frozenset(
    {
        "setmycommands",
        "deletemycommands",
        "getmycommands",
        "sendchataction",
        "setmyname",
        "setmydescription",
        "setmyshortdescription",
    }
)


@dataclass
class Quirks:
    """Deviations from the Telegram Bot API, used to emulate Bale ("odd" profile).

    Every flag can be toggled individually; :meth:`bale` returns the default odd profile.
    """

    #: getMe answers only ``id``, ``first_name`` and ``username`` (no ``is_bot``,
    #: ``can_join_groups``, ``can_read_all_group_messages``, ``supports_inline_queries``...).
    minimal_get_me: bool = False
    #: User objects inside updates (``message.from``, ``callback_query.from``...) lack ``is_bot``.
    omit_is_bot_in_updates: bool = False
    #: ``callback_query`` objects lack ``chat_instance``.
    omit_chat_instance: bool = False
    #: PhotoSize / Document / Sticker / File objects lack ``file_unique_id``.
    omit_file_unique_id: bool = False
    #: Methods answered with 404 "Not Found: method not found" (lower-case names).
    unsupported_methods: frozenset[str] = frozenset()
    #: Webhook pushes carry no X-Telegram-Bot-Api-Secret-Token header even when one was set.
    ignore_webhook_secret: bool = False
    #: Every message text and caption is read as Bale Markdown (``*bold*``, ``_italic_``,
    #: backtick code, ``[text](url)``); ``parse_mode`` and ``entities`` are ignored, HTML stays
    #: literal text, and the stored text is the parsed text (markers removed, entities kept).
    #: Sources: bale-mcp (github.com/sepehr071/bale-mcp, README "Text is Markdown. Bale formats
    #: every message: *bold*, _italic_" and src/bale_mcp/bot.py, which never sends parse_mode);
    #: Balethon's send_message/edit_message_text take no parse_mode, and its User.mention writes
    #: ``[name](uid:id)`` into plain text; bots that run on Bale convert HTML to this Markdown and
    #: strip parse_mode before sending. See :func:`emulator.formatting.parse_bale_markdown`.
    markdown_text: bool = False
    #: With ``markdown_text``: a marker that opens an entity but is never closed (a stray ``*``,
    #: ``_``, backtick or ``[``) makes the send fail with 400 "Bad Request: can't parse entities".
    #: Not documented by Bale; public bots on Bale replace stray markers with look-alikes
    #: (``*``->``∗``, ``_``->``＿``) before every send, which is what this emulates the need for.
    #: When False, unclosed markers stay literal text.
    reject_unbalanced_markdown: bool = False
    #: editMessageText edits the message but answers a stub ``{"message_id": 0}`` (no chat, no
    #: text) instead of the edited Message. bale-mcp records what tapi.bale.ai answered in a live
    #: test (tests/test_bot.py: message_id 0, date, a bare chat, edit_date, no text); the profile
    #: answers the barest form, which aiogram cannot read as a Message at all.
    edit_text_stub: bool = False
    #: setWebhook reads only ``url``: ``secret_token`` (so no secret header on pushes),
    #: ``drop_pending_updates``, ``allowed_updates`` and ``max_connections`` are ignored, not
    #: rejected. Balethon's set_webhook sends only ``{"url": url}``; docs.bale.ai lists only url.
    webhook_url_only: bool = False
    #: ReplyKeyboardMarkup is only ``keyboard`` and a KeyboardButton only ``text``,
    #: ``request_contact``, ``request_location`` (and ``web_app``): other fields
    #: (``resize_keyboard``, ``one_time_keyboard``, ``is_persistent``, ``input_field_placeholder``,
    #: ``selective``...) are accepted and dropped, not rejected — Balethon's ReplyKeyboard still sends
    #: resize_keyboard/one_time_keyboard, and its ReplyKeyboardButton has exactly those four fields.
    #: request_contact keeps working (the bot's onboarding needs the contact).
    plain_reply_keyboard: bool = False

    @classmethod
    def bale(cls) -> Quirks:
        """Return the Bale profile (all quirks on), after Bale's published Bot API
        (https://docs.bale.ai, base ``https://tapi.bale.ai/bot<token>/METHOD``) and bots and
        libraries that run on it; every flag above notes its source. Bale user and chat ids may
        use up to 52 bits (bale-mcp: "chat ids ... can exceed 32 bits"): tests give Bale users
        ids above 2**40; the emulator keeps any int."""
        return cls(
            minimal_get_me=True,
            omit_is_bot_in_updates=True,
            omit_chat_instance=True,
            omit_file_unique_id=True,
            unsupported_methods=BALE_UNSUPPORTED_METHODS,
            ignore_webhook_secret=True,
            markdown_text=True,
            reject_unbalanced_markdown=True,
            edit_text_stub=True,
            webhook_url_only=True,
            plain_reply_keyboard=True,
        )

    @property
    def any(self) -> bool:
        """True when at least one deviation is enabled."""
        return (
            self.minimal_get_me
            or self.omit_is_bot_in_updates
            or self.omit_chat_instance
            or self.omit_file_unique_id
            or bool(self.unsupported_methods)
            or self.markdown_text
            or self.edit_text_stub
            or self.webhook_url_only
            or self.plain_reply_keyboard
        )


@dataclass
class SimUser:
    """A simulated human user.  Its private chat id equals its user id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "fa"
    phone: str | None = None
    #: When True every bot gets 403 "Forbidden: bot was blocked by the user" sending to this user.
    blocked: bool = False
    #: Bot ids that this user blocked individually.
    blocked_bots: set[int] = field(default_factory=set)

    def is_blocking(self, bot_id: int) -> bool:
        """Return True when this user has blocked the given bot."""
        return self.blocked or bot_id in self.blocked_bots

    def to_user(self) -> dict[str, Any]:
        """Return the Telegram ``User`` object of this user."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def to_chat(self) -> dict[str, Any]:
        """Return the Telegram ``Chat`` object of the private chat with this user."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by a bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def file_size(self) -> int:
        """Size of the stored bytes."""
        return len(self.data)

    def to_file(self) -> dict[str, Any]:
        """Return the Telegram ``File`` object (as answered by getFile)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class MessageRecord:
    """A message in a chat transcript, either sent by the bot or by the user."""

    message: dict[str, Any]
    direction: Direction
    #: Global sequence number of the last change (creation, edit or deletion).
    seq: int
    #: Global sequence number at creation (orders messages across chats).
    created_seq: int
    sent_at: float
    deleted: bool = False
    edited: bool = False

    @property
    def message_id(self) -> int:
        """The message id within its chat."""
        return int(self.message["message_id"])

    def snapshot(self) -> dict[str, Any]:
        """Return a JSON-friendly copy for the control API."""
        return {
            "direction": self.direction,
            "seq": self.seq,
            "message_id": self.message_id,
            "deleted": self.deleted,
            "edited": self.edited,
            "message": copy.deepcopy(self.message),
        }


@dataclass
class ChatState:
    """Per (bot, chat) state: message id counter, transcript and current reply keyboard."""

    chat_id: int
    next_message_id: int = 1
    records: dict[int, MessageRecord] = field(default_factory=dict)
    #: The last reply keyboard (``ReplyKeyboardMarkup`` / ``ReplyKeyboardRemove`` / ``ForceReply``)
    #: the bot sent in this chat, or None.
    reply_keyboard: dict[str, Any] | None = None
    #: answerCallbackQuery answers for queries from this chat, with their ``seq``.
    callback_answers: list[dict[str, Any]] = field(default_factory=list)

    def allocate_message_id(self) -> int:
        """Return the next message id of this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class QueuedUpdate:
    """An update waiting in a bot's getUpdates queue."""

    update: dict[str, Any]
    #: Re-queued by ``duplicate_last_update``: delivered even if the offset already passed it.
    forced: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        """The update id."""
        return int(self.update["update_id"])


@dataclass
class CallbackRecord:
    """A callback query sent by a simulated user."""

    id: str
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class BotState:
    """Everything the emulator knows about one bot."""

    token: str
    id: int
    username: str
    first_name: str
    platform: Platform = "telegram"
    quirks: Quirks = field(default_factory=Quirks)
    #: Lower-case method names answered with 404 for this bot.
    unsupported_methods: set[str] = field(default_factory=set)
    pending: list[QueuedUpdate] = field(default_factory=list)
    next_update_id: int = 1
    last_delivered: dict[str, Any] | None = None
    updates_notifier: Notifier = field(default_factory=Notifier)
    chats: dict[int, ChatState] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    #: ``{(scope_json, language_code): [BotCommand, ...]}``
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_pusher: Any = None  # the asyncio.Task pushing updates while a webhook is set
    settings: dict[Any, Any] = field(default_factory=dict)
    #: Number of getUpdates requests currently waiting (long polling).
    active_polls: int = 0

    @property
    def odd(self) -> bool:
        """True when this bot emulates Bale-style deviations."""
        return self.quirks.any

    def chat(self, chat_id: int) -> ChatState:
        """Return (creating) the chat state for ``chat_id``."""
        state = self.chats.get(chat_id)
        if state is None:
            state = self.chats[chat_id] = ChatState(chat_id=chat_id)
        return state

    def to_user(self) -> dict[str, Any]:
        """Return the bot's ``User`` object as used in ``message.from``."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}


@dataclass
class ApiCall:
    """One recorded Bot API request."""

    token: str
    bot_id: int | None
    method: str
    params: dict[str, Any]
    time: float
    status: int = 0
    ok: bool = False
    result: Any = None
    description: str | None = None
    duration: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        from .params import jsonable

        return {
            "bot_id": self.bot_id,
            "method": self.method,
            "params": jsonable(self.params),
            "time": self.time,
            "status": self.status,
            "ok": self.ok,
            "description": self.description,
            "duration": self.duration,
        }
