"""Hostile input is ordinary input: thousands of seeded random updates of every kind through the
real process (`python -m bot run`) against the emulator. Afterwards: no traceback and no ERROR in
the bot's log, no apology (the error boundary's `error-generic`), and a database that still adds up.

Every kind of update a messenger (or someone forging webhook bodies) can send: texts of any length
in any script (RTL, Arabic letters, emoji, zero-width and bidi marks, Markdown and HTML debris,
5,000 characters), commands with junk arguments, stickers, photos without captions, documents,
dice, contacts of other people and malformed phone numbers, locations, real buttons pressed twice,
forged callback data for every `CallbackData` prefix in `handlers/` (ids ≥ 2^63, negative, text
where a number belongs, missing and extra fields), callbacks of inline messages, messages without
`from` (channel posts, anonymous group admins), group chats, edited messages, block/unblock,
update types the bot does not know, and first-time users whose first messages arrive together.

    FUZZ_SEED=7 FUZZ_UPDATES=5000 FUZZ_RATE=80 python -m pytest -q tests/e2e/test_fuzz_process.py
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

import handlers
from bot.input_guards import callback_data_classes
from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator
from models.base import Base
from models.db import create_engine, create_session_factory
from models.identity import Account, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from services.authz import OPERATOR
from services.demo import DEMO_CAST, seed_demo
from services.i18n import SUPPORTED_LOCALES, Translator
from services.regions import import_regions
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots

pytestmark = pytest.mark.e2e

SEED = int(os.environ.get("FUZZ_SEED", "1102"))
UPDATES = int(os.environ.get("FUZZ_UPDATES", "2400"))
# A steady pace, updates per second: the point here is what is sent, not how fast.
RATE = float(os.environ.get("FUZZ_RATE", "60"))

T = Translator()
APOLOGIES = {T.get(locale, "error-generic") for locale in SUPPORTED_LOCALES}
BALE_IDS = 2**40  # Bale ids may use up to 52 bits
ADMIN_PHONE = "989120000001"  # ADMIN_PHONES in tests/e2e/conftest.py
GROUPS = (
    {"id": -1001234567890, "type": "supergroup", "title": "گروه محله"},
    {"id": -42, "type": "group", "title": "g"},
)
CHANNEL = {"id": -1009876543210, "type": "channel", "title": "کانال"}


def callback_classes() -> dict[str, type[CallbackData]]:
    """Every CallbackData class of the handlers, by prefix: a new one is fuzzed without a word."""
    return {
        prefix: cls
        for prefix, cls in callback_data_classes().items()
        if cls.__module__.startswith(f"{handlers.__name__}.")
    }


def commands() -> list[str]:
    """Every command the handlers register."""
    names: set[str] = set()
    for path in (PROJECT_ROOT / "handlers").rglob("*.py"):
        names.update(re.findall(r'Command\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return sorted(names)


LETTERS = (
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآ",  # Persian
    "يكىةأإؤئء",  # Arabic forms of Persian letters
    "abcdefghijklmnopqrstuvwxyzABCXYZ",
    "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "\u200c\u200d\u200b\u200e\u200f\u202a\u202b\u202e\u2066\u2069\ufeff\u0640\u064b\u0650\u0670",
    "😀🙏🏽👨‍👩‍👧‍👦🇮🇷❤️‍🔥🏠🚒",
    " \n\t",
    "*_`[]()<>&#/\\@!؟،؛%{}$|~",
)
LENGTHS = (0, 1, 2, 3, 5, 8, 12, 20, 40, 99, 150, 151, 200, 301, 1000, 4096, 4097, 5000)


@dataclass
class Fuzzer:
    rng: random.Random
    emulator: BotAPIEmulator
    commands: list[str]
    callbacks: dict[str, type[CallbackData]]
    users: dict[int, list[int]]  # bot id → user ids
    kinds: Counter[str] = field(default_factory=Counter)
    senders: set[tuple[int, int]] = field(default_factory=set)  # (bot, user) that wrote with a `from`
    own_phones: set[str] = field(default_factory=set)
    next_user: int = 500_000
    group_message_id: int = 1

    # ------------------------------------------------------------------ pieces
    def text(self, length: int | None = None) -> str:
        rng = self.rng
        if length is None:
            length = rng.choice(LENGTHS) + rng.randint(0, 3)
        alphabet = "".join(rng.sample(LETTERS, rng.randint(1, 3)))
        return "".join(rng.choice(alphabet) for _ in range(length))

    def number(self) -> str:
        return self.rng.choice(
            [
                str(self.rng.randint(0, 60)),
                str(self.rng.randint(1, 2**31)),
                str(2**63 + self.rng.randint(0, 10**6)),
                str(2**64),
                str(10**30),
                str(-self.rng.randint(1, 2**63)),
                "-0",
                "۱۲",
                "1e9",
                "nan",
                "",
            ]
        )

    def callback_data(self) -> str:
        """Forged data: a known prefix with fields of the right count but hostile values, or junk."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return self.text(rng.randint(0, 80))
        prefix, cls = rng.choice(list(self.callbacks.items()))
        parts = [prefix]
        for name, info in cls.model_fields.items():
            del name
            kind = str(info.annotation)
            if rng.random() < 0.15:
                parts.append(self.text(rng.randint(0, 6)).replace(":", ""))
            elif "int" in kind:
                parts.append(self.number())
            elif "bool" in kind:
                parts.append(rng.choice(["1", "0", "", "true", "x"]))
            else:
                parts.append(
                    rng.choice([self.text(rng.randint(0, 12)), "fa", "en", "health", "1001", ""]).replace(
                        ":", ""
                    )
                )
        if roll > 0.9:
            parts.append(self.number())  # a field too many
        elif roll > 0.8 and len(parts) > 1:
            parts.pop()  # one too few
        return ":".join(parts)

    def user_id(self, bot: int) -> int:
        return self.rng.choice(self.users[bot])

    def fresh_user(self, bot: int) -> int:
        self.next_user += 1
        user_id = self.next_user + (BALE_IDS if bot == BALE_BOT else 0)
        self.make_user(user_id)
        self.users[bot].append(user_id)
        return user_id

    def make_user(self, user_id: int, phone: str | None = None) -> None:
        rng = self.rng
        first = rng.choice(["علی", "Zahra", "", self.text(rng.choice([10, 64, 151, 300])), "👩🏽‍🌾"])
        self.emulator.user(
            user_id,
            first_name=first or " ",
            last_name=rng.choice([None, None, "رضایی", self.text(rng.choice([5, 151]))]),
            username=rng.choice([None, None, f"u{user_id}", "x" * rng.choice([32, 65, 100])]),
            language_code=rng.choice(["fa", "fa", "en", None, "de", "fa-IR", "xx-YY-zz"]),
            phone=phone,
        )

    def group_message(self, user: dict[str, Any] | None, body: dict[str, Any]) -> dict[str, Any]:
        self.group_message_id += 1
        chat = self.rng.choice(GROUPS)
        message: dict[str, Any] = {
            "message_id": self.group_message_id,
            "chat": chat,
            "date": int(time.time()),
            **body,
        }
        if user is not None:
            message["from"] = user
        else:
            message["sender_chat"] = chat  # an anonymous group admin
        return message

    def sim_user(self, user_id: int) -> dict[str, Any]:
        return self.emulator.user(user_id).to_user()

    # ------------------------------------------------------------------ actions
    async def act(self) -> None:
        """Send one random update (sometimes two at once)."""
        rng = self.rng
        bot = TELEGRAM_BOT if rng.random() < 0.7 else BALE_BOT
        actions: list[tuple[float, Callable[[int], Any]]] = [
            (22, self.send_text),
            (12, self.send_command),
            (8, self.press_offered),
            (14, self.press_forged),
            (3, self.double_tap),
            (4, self.send_media),
            (4, self.send_contact),
            (3, self.send_location),
            (4, self.send_without_from),
            (6, self.send_in_group),
            (3, self.send_edited),
            (3, self.send_odd_update),
            (2, self.first_messages_together),
            (4, self.press_menu),
        ]
        weights = [w for w, _ in actions]
        action = rng.choices([a for _, a in actions], weights)[0]
        self.kinds[action.__name__] += 1
        await action(bot)

    async def send_text(self, bot: int) -> None:
        user = self.user_id(bot)
        self.senders.add((bot, user))
        await self.emulator.send_text(bot, user, self.text())

    async def send_command(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        name = rng.choice(self.commands)
        args = rng.choice(
            [
                "",
                "",
                f" {self.text(rng.choice([1, 5, 20, 151, 300]))}",
                f" n_{self.number()}",
                " n_1001",
                " دولت آباد",
                " 2101",
                f" i_{self.text(10)}",
                f" {self.number()}",
            ]
        )
        mention = rng.choice(["", "", "@mahalleyar_bot", "@other_bot"])
        self.senders.add((bot, user))
        await self.emulator.send_text(bot, user, f"/{name}{mention}{args}")

    def offered(self, bot: int, user: int) -> list[tuple[int, str]]:
        """(message id, callback data) of the buttons the bot showed this user lately."""
        buttons: list[tuple[int, str]] = []
        for message in self.emulator.sent_messages(bot, user)[-6:]:
            for button in self.emulator.inline_buttons(message):
                if "callback_data" in button:
                    buttons.append((message["message_id"], button["callback_data"]))
        return buttons

    async def press_offered(self, bot: int) -> None:
        user = self.user_id(bot)
        buttons = self.offered(bot, user)
        if not buttons:
            return await self.press_forged(bot)
        message_id, data = self.rng.choice(buttons)
        self.senders.add((bot, user))
        await self.emulator.press_button(bot, user, message_id, data, strict=False)

    async def double_tap(self, bot: int) -> None:
        user = self.user_id(bot)
        buttons = self.offered(bot, user)
        if not buttons:
            return await self.press_forged(bot)
        message_id, data = self.rng.choice(buttons)
        self.senders.add((bot, user))
        for _ in range(self.rng.choice([2, 2, 3])):
            await self.emulator.press_button(bot, user, message_id, data, strict=False)

    async def press_forged(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        data = self.callback_data()
        if rng.random() < 0.15:  # a button on an inline message: no `message` at all
            query = {
                "id": str(rng.getrandbits(60)),
                "from": self.sim_user(user),
                "chat_instance": "1",
                "inline_message_id": "AAA" + str(rng.getrandbits(30)),
                "data": data,
            }
            self.emulator.inject_update(bot, {"callback_query": query})
            return
        known = [m["message_id"] for m in self.emulator.sent_messages(bot, user)[-5:]]
        message_id = rng.choice([*known, rng.randint(1, 10**6), 1]) if known else rng.randint(1, 10**6)
        await self.emulator.press_button(bot, user, message_id, data, strict=False)

    async def press_menu(self, bot: int) -> None:
        """A button of the reply keyboard the bot last showed (a menu, or the button that shares
        the person's own contact), or a random text."""
        user = self.user_id(bot)
        keyboard = self.emulator.reply_keyboard(bot, user) or {}
        labels = [
            b if isinstance(b, str) else b.get("text", "")
            for row in keyboard.get("keyboard", [])
            for b in row
        ]
        labels = [label for label in labels if label]
        self.senders.add((bot, user))
        if not labels:
            return await self.send_text(bot)
        sim = self.emulator.user(user)
        self.own_phones.add(sim.phone or f"98912{sim.id % 10_000_000:07d}")  # if it shares the contact
        await self.emulator.click(bot, user, self.rng.choice(labels))

    async def send_media(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        kind = rng.choice(["photo", "photo_caption", "sticker", "document", "dice", "voice"])
        if kind == "photo":
            await self.emulator.send_photo(bot, user)
        elif kind == "photo_caption":
            await self.emulator.send_photo(bot, user, caption=self.text())
        elif kind == "sticker":
            await self.emulator.send_sticker(bot, user)
        elif kind == "document":
            data = rng.choice(
                [
                    b"province,county,neighbourhood,code,kind\n" + self.text(200).encode(),
                    rng.randbytes(300),
                    b"",
                ]
            )
            await self.emulator.send_document(
                bot, user, data or b"x", rng.choice(["regions.csv", "a.pdf", "x"])
            )
        elif kind == "dice":
            await self.emulator.send_message(bot, user, {"dice": {"emoji": "🎲", "value": rng.randint(1, 6)}})
        else:
            voice = {
                "file_id": "VOICE" + str(rng.getrandbits(20)),
                "file_unique_id": "v",
                "duration": rng.randint(0, 999),
            }
            await self.emulator.send_message(bot, user, {"voice": voice})

    async def send_contact(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        roll = rng.random()
        if roll < 0.4:  # own contact: a good number, or not a mobile at all
            phone = rng.choice(
                [
                    f"98912{rng.randint(0, 9_999_999):07d}",
                    f"+98 935 {rng.randint(0, 9_999_999):07d}",
                    "12345",
                    "+1 202 555 0100",
                    self.text(12),
                    "",
                ]
            )
            self.own_phones.add(re.sub(r"\D", "", phone))
            await self.emulator.send_contact(
                bot, user, phone or "0", own=True, first_name=self.text(rng.choice([3, 151]))
            )
        else:  # someone else's contact, with or without their user id
            other = rng.choice([None, rng.randint(1, 2**52), self.user_id(bot)])
            await self.emulator.send_contact(
                bot, user, f"98912{rng.randint(0, 9_999_999):07d}", own=False, contact_user_id=other
            )

    async def send_location(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        latitude, longitude = rng.choice(
            [
                (35.6892, 51.389),
                (0.0, 0.0),
                (-90.0, 180.0),
                (90.0, -180.0),
                (rng.uniform(-90, 90), rng.uniform(-180, 180)),
            ]
        )
        await self.emulator.send_location(bot, user, latitude, longitude)

    async def send_without_from(self, bot: int) -> None:
        rng = self.rng
        roll = rng.random()
        now = int(time.time())
        body = {"text": rng.choice(["/start", "/help", "/my_requests", self.text(20)])}
        if roll < 0.35:
            post = {
                "message_id": rng.randint(1, 10**6),
                "sender_chat": CHANNEL,
                "chat": CHANNEL,
                "date": now,
                **body,
            }
            self.emulator.inject_update(bot, {rng.choice(["channel_post", "edited_channel_post"]): post})
        elif roll < 0.7:
            self.emulator.inject_update(bot, {"message": self.group_message(None, body)})
        else:  # a private message whose sender is missing
            user = self.user_id(bot)
            message = {
                "message_id": rng.randint(1, 10**6),
                "chat": {"id": user, "type": "private"},
                "date": now,
                **body,
            }
            self.emulator.inject_update(bot, {"message": message})

    async def send_in_group(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        body: dict[str, Any] = rng.choice(
            [
                {"text": f"/{rng.choice(self.commands)}@mahalleyar_bot"},
                {"text": f"/{rng.choice(self.commands)}"},
                {"text": self.text()},
                {"contact": {"phone_number": "989121110001", "first_name": "x", "user_id": user}},
                {"location": {"latitude": 35.7, "longitude": 51.4}},
                {"new_chat_members": [self.sim_user(user)]},
            ]
        )
        if rng.random() < 0.3:  # a button on a message in the group
            query = {
                "id": str(rng.getrandbits(60)),
                "from": self.sim_user(user),
                "chat_instance": "2",
                "data": self.callback_data(),
                "message": self.group_message(
                    {"id": 700001, "is_bot": True, "first_name": "bot"}, {"text": "x"}
                ),
            }
            self.emulator.inject_update(bot, {"callback_query": query})
            return
        self.emulator.inject_update(bot, {"message": self.group_message(self.sim_user(user), body)})

    async def send_edited(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        self.senders.add((bot, user))
        sim = self.emulator.user(user)
        message = {
            "message_id": rng.randint(1, 10**4),
            "from": sim.to_user(),
            "chat": sim.to_chat(),
            "date": int(time.time()) - 60,
            "edit_date": int(time.time()),
            "text": self.text(),
        }
        if rng.random() < 0.3:
            message = self.group_message(sim.to_user(), {"text": self.text(), "edit_date": int(time.time())})
        self.emulator.inject_update(bot, {"edited_message": message})

    async def send_odd_update(self, bot: int) -> None:
        rng = self.rng
        user = self.user_id(bot)
        sim = self.sim_user(user)
        me = {"id": bot, "is_bot": True, "first_name": "bot", "username": "mahalleyar_bot"}
        now = int(time.time())
        status = rng.choice(["kicked", "member"])
        update: dict[str, Any] = rng.choice(
            [
                {"some_future_update": {"id": 1, "payload": self.text(10)}},
                {
                    "my_chat_member": {
                        "chat": self.emulator.user(user).to_chat(),
                        "from": sim,
                        "date": now,
                        "old_chat_member": {"status": "member", "user": me},
                        "new_chat_member": {
                            "status": status,
                            "user": me,
                            **({"until_date": 0} if status == "kicked" else {}),
                        },
                    }
                },
                {
                    "inline_query": {
                        "id": str(rng.getrandbits(40)),
                        "from": sim,
                        "query": self.text(10),
                        "offset": "",
                    }
                },
                {"poll_answer": {"poll_id": "1", "user": sim, "option_ids": [0]}},
                {
                    "message_reaction": {
                        "chat": self.emulator.user(user).to_chat(),
                        "message_id": 1,
                        "date": now,
                        "old_reaction": [],
                        "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                        "user": sim,
                    }
                },
                {"message": {"message_id": 1, "date": now}},  # no chat: unreadable, dropped
                {
                    "callback_query": {"id": "1", "from": sim, "chat_instance": "1", "game_short_name": "g"}
                },  # no data
            ]
        )
        if any(
            key in update
            for key in ("my_chat_member", "inline_query", "poll_answer", "message_reaction", "callback_query")
        ):
            self.senders.add((bot, user))
        self.emulator.inject_update(bot, update)

    async def first_messages_together(self, bot: int) -> None:
        """A new person's first updates arrive at once (two accounts must not be created)."""
        user = self.fresh_user(bot)
        self.senders.add((bot, user))
        for text_ in self.rng.choice(
            [["/start", "/start"], ["/start", "سلام", "/help"], ["/help", self.text(30)]]
        ):
            await self.emulator.send_text(bot, user, text_)


async def seed(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            now = datetime.now(UTC)
            await seed_demo(session, now=now)
            regions = (PROJECT_ROOT / "data" / "sample_regions.csv").read_text(encoding="utf-8")
            await import_regions(session, regions, actor=OPERATOR, now=now)
    finally:
        await engine.dispose()


async def onboard(emulator: BotAPIEmulator, bot: int, user_id: int, phone: str, locale: str) -> None:
    """/start, a language, the own contact: a registered person for the fuzzing to play."""
    await emulator.send_text(bot, user_id, "/start")
    choose = await emulator.wait_for_message(bot, user_id, T.get("fa", "lang-choose"), timeout=20)
    await emulator.press_button(bot, user_id, choose["message_id"], f"lang:{locale}:1")
    await emulator.wait_for_message(bot, user_id, T.get(locale, "onboarding-share-contact"), timeout=20)
    mark = emulator.last_message_id(bot, user_id)
    await emulator.send_contact(bot, user_id, phone, own=True)
    await emulator.wait_for_message(bot, user_id, after=mark, timeout=20)


async def quiet(emulator: BotAPIEmulator, seconds: float, timeout: float) -> None:
    """Wait until the bot has called nothing but getUpdates for `seconds` (at most `timeout`)."""

    def calls() -> int:
        return sum(1 for call in emulator.calls if call.method != "getUpdates")

    deadline = time.monotonic() + timeout
    last = (calls(), time.monotonic())
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        if calls() != last[0]:
            last = (calls(), time.monotonic())
        elif time.monotonic() - last[1] >= seconds:
            return


# What the bot logs when it meets hostile input, and how it dealt with it: counted for the summary.
HANDLED = {
    "stale button": "answered as stale",
    "something gone": "names something gone",
    "group chat": "chat not handled",
    "unreadable update": "dropping unreadable update",
    "person unreachable": "can't be reached",
}


def problems_in_log(log: str) -> list[str]:
    """Lines that mean an unhandled exception: ERROR/CRITICAL records, tracebacks and the
    exceptions they end with, exceptions nobody retrieved."""
    bad = re.compile(r"Traceback|\b(ERROR|CRITICAL)\b|Task exception was never retrieved|^[A-Za-z_][\w.]*: ")
    return [line for line in log.splitlines() if bad.search(line)]


async def integrity(database_url: str, fuzzer: Fuzzer) -> dict[str, int]:
    """Check the database adds up; return some counts for the summary."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            if make_url(database_url).get_backend_name() == "sqlite":
                assert (await session.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
                assert (await session.execute(text("PRAGMA foreign_key_check"))).all() == []
            # No row points at a row that is not there (every foreign key, both backends).
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    parent = fk.column.table.alias()
                    child_column = fk.parent
                    orphans = await session.scalar(
                        select(func.count())
                        .select_from(table.outerjoin(parent, child_column == parent.c[fk.column.name]))
                        .where(child_column.is_not(None), parent.c[fk.column.name].is_(None))
                    )
                    assert orphans == 0, f"{orphans} rows of {table.name}.{child_column.name} point nowhere"
            # A person's chat is their private chat: never a group's, never a channel's.
            accounts = (
                await session.execute(select(Account.platform, Account.platform_user_id, Account.chat_id))
            ).all()
            wrong_chat = [a for a in accounts if a.chat_id != a.platform_user_id]
            assert wrong_chat == [], wrong_chat[:5]
            bots = {"telegram": TELEGRAM_BOT, "bale": BALE_BOT}
            strangers = [
                a for a in accounts if (bots[a.platform.value], a.platform_user_id) not in fuzzer.senders
            ]
            assert strangers == [], f"accounts for users who never wrote: {strangers[:5]}"
            assert len(accounts) == len({(a.platform, a.platform_user_id) for a in accounts})
            # People: the demo cast, plus at most one per own contact shared, with canonical phones.
            people = list(await session.scalars(select(Person.phone)))
            assert len(people) <= len(DEMO_CAST) + 1 + len(fuzzer.own_phones), len(people)
            assert all(re.fullmatch(r"\+\d{8,15}", phone) for phone in people), people
            # One residence per person, in a neighbourhood that exists.
            residences = (
                await session.execute(
                    select(RoleAssignment.person_id, RoleAssignment.scope_id).where(
                        RoleAssignment.role == Role.RESIDENT
                    )
                )
            ).all()
            assert len(residences) == len({r.person_id for r in residences})
            places = set(await session.scalars(select(Neighbourhood.id)))
            assert all(r.scope_id in places for r in residences)
            neighbourhood_roles = await session.scalars(
                select(RoleAssignment.scope_id).where(RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD)
            )
            assert set(neighbourhood_roles) <= places
            return {"accounts": len(accounts), "people": len(people), "residents": len(residences)}
    finally:
        await engine.dispose()


async def test_thousands_of_hostile_updates_are_ordinary_input(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    rng = random.Random(SEED)
    register_bots(emulator)
    await seed(database_url)
    await bot_process.start()
    started = time.monotonic()
    fuzzer = Fuzzer(rng, emulator, commands(), callback_classes(), {TELEGRAM_BOT: [], BALE_BOT: []})
    assert len(fuzzer.callbacks) >= 60, sorted(fuzzer.callbacks)

    # People with roles to play: the admin and the demo cast on Telegram, two of them on Bale too.
    cast = [(TELEGRAM_BOT, 900_000 + i, p.phone) for i, p in enumerate(DEMO_CAST)]
    cast += [(TELEGRAM_BOT, 900_100, ADMIN_PHONE), (BALE_BOT, BALE_IDS + 900_000, DEMO_CAST[2].phone)]
    cast += [(BALE_BOT, BALE_IDS + 900_001, DEMO_CAST[0].phone)]
    for bot, user_id, phone in cast:
        fuzzer.make_user(user_id)
        fuzzer.users[bot].append(user_id)
        fuzzer.senders.add((bot, user_id))
        phone = "98" + phone.lstrip("0")
        fuzzer.own_phones.add(phone)
    await asyncio.gather(
        *(
            onboard(emulator, bot, user_id, "98" + phone.lstrip("0"), rng.choice(["fa", "en"]))
            for bot, user_id, phone in cast
        )
    )
    for _ in range(40):
        fuzzer.fresh_user(TELEGRAM_BOT)
    for _ in range(15):
        fuzzer.fresh_user(BALE_BOT)

    def updates_so_far() -> int:
        return sum(b.next_update_id for b in emulator.bots.values())

    first = updates_so_far()
    sent = 0
    pace_start = time.monotonic()
    while sent < UPDATES:
        await fuzzer.act()
        sent = updates_so_far() - first
        delay = pace_start + sent / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    fuzz_seconds = time.monotonic() - pace_start
    for bot in (TELEGRAM_BOT, BALE_BOT):
        await emulator.wait_until_consumed(bot, timeout=90)
    consumed = time.monotonic() - pace_start
    await quiet(emulator, seconds=2.0, timeout=60)
    settled = time.monotonic() - pace_start

    # Still alive and well for someone new.
    probe = 990_001
    emulator.user(probe, "Probe", language_code="en")
    fuzzer.senders.add((TELEGRAM_BOT, probe))
    await emulator.send_text(TELEGRAM_BOT, probe, "/help")
    await emulator.wait_for_message(TELEGRAM_BOT, probe, "Mahalleyar help", timeout=20)

    assert await bot_process.stop() == 0
    log = bot_process.log()
    replies = [m for bot in (TELEGRAM_BOT, BALE_BOT) for m in emulator.sent_messages(bot)]
    apologies = [m for m in replies if m.get("text") in APOLOGIES]
    problems = problems_in_log(log)
    print(
        f"\nfuzz seed {SEED}: {sent} updates sent in {fuzz_seconds:.1f} s ({sent / fuzz_seconds:.0f}/s), "
        f"all fetched by {consumed:.1f} s, quiet by {settled:.1f} s; {len(replies)} replies, "
        f"{len(apologies)} apologies, {len(problems)} log problems; onboarding took {pace_start - started:.1f} s\n"
        f"  by kind: {dict(sorted(fuzzer.kinds.items()))}"
    )
    handled = {what: log.count(marker) for what, marker in HANDLED.items()}
    print(f"  handled quietly (log lines): {handled}")
    counts = await integrity(database_url, fuzzer)
    print(f"  database: {counts}; total {time.monotonic() - started:.1f} s")
    assert problems == [], "\n".join(problems[:40])
    assert apologies == [], f"{len(apologies)} apologies"
    assert sent >= UPDATES
