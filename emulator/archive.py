"""The emulator's chats kept on disk, so that a restarted sandbox shows the same conversations.

A real messenger keeps a chat's history on its servers; the emulator keeps it in memory. For the
sandbox the transcripts (messages with their ids, edits and keyboards), the simulated users and
the files those messages refer to are written to a JSON file (``<database>.chats.json``) and a
folder of content-addressed file bodies beside it, after every change (debounced), and read back
at start. Bounded: the newest ``max_messages_per_chat`` messages of the ``max_chats`` most recently
active chats, and file bodies up to ``max_file_bytes`` in all (newest first); what falls outside
is simply not kept, as an old message a client no longer caches.

What is deliberately not kept: pending updates (the bot stores what it received before the
offset moves on), callback answers (toasts), faults and call logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .state import ChatState, MessageRecord, SimUser, StoredFile

if TYPE_CHECKING:
    from .server import BotAPIEmulator

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
SEQ_MARGIN = 10_000


def file_ids_in(value: Any) -> list[str]:
    """Every ``file_id`` inside a message (photo sizes, documents, stickers, voice, thumbnails)."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            file_id = item.get("file_id")
            if isinstance(file_id, str):
                found.append(file_id)
            for key, child in item.items():
                if key != "reply_to_message":
                    walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(value)
    return found


@dataclass
class ChatArchive:
    """Saves and restores the chats of a :class:`BotAPIEmulator` at ``path`` (a JSON file)."""

    path: Path
    max_messages_per_chat: int = 500
    max_chats: int = 300
    max_file_bytes: int = 64 * 1024 * 1024
    #: Identifies this history: the same across restarts, new when the file is new (the web chat
    #: forgets what it had seen when it changes).
    instance: str = ""

    @property
    def blob_dir(self) -> Path:
        """Where file bodies are kept, one file per SHA-1 of the content."""
        return self.path.with_name(self.path.name.removesuffix(".json") + ".files")

    # ------------------------------------------------------------------ reading
    def load(self, emu: BotAPIEmulator) -> int:
        """Restore the saved chats into ``emu`` (whose bots must be registered already) and
        return how many messages came back. A missing or unreadable file starts a new history."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown format version {data.get('version')!r}")
        except FileNotFoundError:
            self.instance = secrets.token_hex(8)
            return 0
        except (OSError, ValueError, AttributeError) as error:
            logger.warning("cannot read the sandbox chats %s (%s): starting a new history", self.path, error)
            self.instance = secrets.token_hex(8)
            return 0
        self.instance = str(data.get("instance") or secrets.token_hex(8))
        for raw in data.get("users", []):
            emu.users[int(raw["id"])] = SimUser(
                id=int(raw["id"]),
                first_name=str(raw.get("first_name") or ""),
                last_name=raw.get("last_name"),
                username=raw.get("username"),
                language_code=raw.get("language_code"),
                phone=raw.get("phone"),
                blocked=bool(raw.get("blocked")),
                blocked_bots={int(b) for b in raw.get("blocked_bots", [])},
            )
        bodies: dict[str, bytes] = {}
        for raw in data.get("files", []):
            blob = str(raw["blob"])
            try:
                body = bodies.get(blob) or (self.blob_dir / blob).read_bytes()
            except OSError:
                continue  # a body removed by hand: the message stays, its file is gone
            bodies[blob] = body
            stored = StoredFile(
                file_id=raw["file_id"],
                file_unique_id=raw["file_unique_id"],
                data=body,
                file_path=raw["file_path"],
                mime_type=raw.get("mime_type"),
                file_name=raw.get("file_name"),
                width=raw.get("width"),
                height=raw.get("height"),
            )
            emu.files[stored.file_id] = stored
            emu.files_by_path[stored.file_path] = stored
        restored = 0
        now = time.monotonic()
        for bot_key, chats in data.get("bots", {}).items():
            bot = emu.bots.get(int(bot_key))
            if bot is None:
                continue  # a bot this sandbox no longer runs
            for chat_key, raw_chat in chats.items():
                chat = bot.chats[int(chat_key)] = ChatState(
                    chat_id=int(chat_key),
                    next_message_id=int(raw_chat["next_message_id"]),
                    reply_keyboard=raw_chat.get("reply_keyboard"),
                )
                for raw_record in raw_chat["records"]:
                    record = MessageRecord(
                        message=raw_record["message"],
                        direction=raw_record["direction"],
                        seq=int(raw_record["seq"]),
                        created_seq=int(raw_record["created_seq"]),
                        sent_at=now,
                        edited=bool(raw_record.get("edited")),
                    )
                    chat.records[record.message_id] = record
                    photo = record.message.get("photo")
                    if isinstance(photo, list):
                        for size in photo:
                            emu.photo_groups[size["file_id"]] = photo
                    restored += 1
        # Changes made in the last moments before a hard stop were never written, but a page still
        # open may have seen their cursors: continue well past them, so nothing new hides below.
        emu.restore_counters(
            seq=int(data.get("seq", 0)) + SEQ_MARGIN,
            file_counter=int(data.get("file_counter", 0)) + SEQ_MARGIN,
        )
        return restored

    # ------------------------------------------------------------------ writing
    def snapshot(self, emu: BotAPIEmulator) -> tuple[dict[str, Any], dict[str, StoredFile]]:
        """The bounded, JSON-ready state of ``emu`` and the files its kept messages refer to.
        Cheap enough to run in the event loop; writing happens in :meth:`write`."""
        chats: list[tuple[int, int, ChatState, list[MessageRecord]]] = []
        for bot in emu.bots.values():
            for chat in bot.chats.values():
                alive = sorted(
                    (r for r in chat.records.values() if not r.deleted), key=lambda r: r.created_seq
                )
                if alive:
                    chats.append(
                        (bot.id, max(r.seq for r in alive), chat, alive[-self.max_messages_per_chat :])
                    )
        chats.sort(key=lambda item: item[1], reverse=True)
        chats = chats[: self.max_chats]
        bots: dict[str, dict[str, Any]] = {}
        users: set[int] = set()
        newest_first: list[MessageRecord] = []
        for bot_id, _, chat, records in chats:
            users.add(chat.chat_id)
            newest_first.extend(records)
            bots.setdefault(str(bot_id), {})[str(chat.chat_id)] = {
                "next_message_id": chat.next_message_id,
                "reply_keyboard": chat.reply_keyboard,
                "records": [
                    {
                        "message": record.message,
                        "direction": record.direction,
                        "seq": record.seq,
                        "created_seq": record.created_seq,
                        "edited": record.edited,
                    }
                    for record in records
                ],
            }
        newest_first.sort(key=lambda r: r.created_seq, reverse=True)
        files: dict[str, StoredFile] = {}
        # The sizes of one photo share one body (one bytes object, here and after a restore):
        # counted once against the budget, written once.
        counted: set[int] = set()
        budget = self.max_file_bytes
        for record in newest_first:
            for file_id in file_ids_in(record.message):
                stored = emu.files.get(file_id)
                if stored is None or file_id in files:
                    continue
                if id(stored.data) not in counted:
                    if stored.file_size > budget:
                        continue
                    budget -= stored.file_size
                    counted.add(id(stored.data))
                files[file_id] = stored
        data = {
            "version": FORMAT_VERSION,
            "instance": self.instance,
            "seq": emu.current_seq,
            "file_counter": emu.file_counter,
            "users": [
                {
                    "id": sim.id,
                    "first_name": sim.first_name,
                    "last_name": sim.last_name,
                    "username": sim.username,
                    "language_code": sim.language_code,
                    "phone": sim.phone,
                    "blocked": sim.blocked,
                    "blocked_bots": sorted(sim.blocked_bots),
                }
                for sim in emu.users.values()
                if sim.id in users
            ],
            "bots": bots,
            "files": [],
        }
        # Serialised now, so that later changes to the live messages cannot tear the copy.
        return json.loads(json.dumps(data, ensure_ascii=False, default=str)), files

    def write(self, data: dict[str, Any], files: dict[str, StoredFile]) -> None:
        """Write a snapshot atomically: file bodies first (each once), then the JSON, then drop the
        bodies nothing refers to any more."""
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        kept: set[str] = set()
        entries = []
        for stored in files.values():
            blob = hashlib.sha1(stored.data).hexdigest()
            target = self.blob_dir / blob
            if blob not in kept and not target.exists():
                partial = target.with_suffix(".part")
                partial.write_bytes(stored.data)
                os.replace(partial, target)
            kept.add(blob)
            entries.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_path": stored.file_path,
                    "mime_type": stored.mime_type,
                    "file_name": stored.file_name,
                    "width": stored.width,
                    "height": stored.height,
                    "blob": blob,
                }
            )
        data = {**data, "files": entries}
        partial = self.path.with_name(self.path.name + ".part")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.path)
        for body in self.blob_dir.iterdir():
            if body.name not in kept:
                with contextlib.suppress(OSError):
                    body.unlink()

    def save(self, emu: BotAPIEmulator) -> None:
        """Snapshot and write now (blocking)."""
        self.write(*self.snapshot(emu))

    async def keep(self, emu: BotAPIEmulator, *, debounce: float = 0.5) -> None:
        """Run until cancelled: after every change, wait ``debounce`` seconds for the burst to
        settle, then write. Cancelled, it writes what changed since the last write."""
        saved = emu.current_seq
        try:
            while not emu.closing:
                if emu.current_seq == saved:
                    # The timeout also catches a change made while the last write ran.
                    await emu.wait_changes(5.0)
                    continue
                await asyncio.sleep(debounce)
                saved = emu.current_seq
                data, files = self.snapshot(emu)
                try:
                    await asyncio.to_thread(self.write, data, files)
                except OSError:
                    logger.exception("cannot write the sandbox chats to %s", self.path)
        finally:
            if emu.current_seq != saved:
                try:
                    self.save(emu)
                except OSError:
                    logger.exception("cannot write the sandbox chats to %s", self.path)


__all__ = ["ChatArchive", "file_ids_in"]
