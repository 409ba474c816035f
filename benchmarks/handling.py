"""CPU per update of the receiving and handling pipeline alone, without the network: where
`benchmarks.throughput`'s ratio comes from, measured steadily enough to compare two commits.

    python -m benchmarks.handling [--users 100 --messages 30 --batch 100] [--database-url URL]

Both bots get the same payloads (each of `--users` onboarded residents sends `--messages`
messages saying `--text`, /help unless told, round robin, in getUpdates batches of `--batch`) and answer through the same fake server:
the aiohttp session's `make_request` builds the request's form as aiogram does and reads a
canned Bot API reply with the session's own `check_response`, so everything but the socket runs.

- the echo bot: a bare aiogram Dispatcher with one handler answering each message with its
  text, each update parsed and handled as a task (aiogram's polling with `handle_as_tasks`);
- Mahalleyar: `bot.app.prepare` (the real Dispatcher, middlewares, request middlewares, FSM
  storage and database), each batch stored in the inbox and handled in the lanes, as the
  polling loop does (`bot.inbox.Inbox`), on a fresh SQLite database in a temporary directory or
  a database of its own on the PostgreSQL server of `--database-url`.

Both run with the bot process's garbage collection (`bot.__main__.GC_THRESHOLDS`, and what is
loaded before a round frozen, as `bot.app` does once started). Prints the process CPU time (every
thread: aiosqlite's too) per update for each, and their ratio.
The throughput ratio is about (echo + network) / (Mahalleyar + network), the network part costing
both bots the same (about 0.5 ms an update on the benchmark machine).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.types import Message, Update
from pydantic import SecretStr

from benchmarks.burst import FIRST_USER, TOKEN, _create_postgres, _drop_postgres, _seed
from bot.__main__ import GC_THRESHOLDS

START = 1_700_000_000


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.handling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--users", type=int, default=100, help="users sending (default 100)")
    parser.add_argument("--messages", type=int, default=30, help="messages each user sends (default 30)")
    parser.add_argument("--batch", type=int, default=100, help="updates per getUpdates batch (default 100)")
    parser.add_argument(
        "--text",
        default="/help",
        help="what each message says (default /help; free text goes the way a resident's request does)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each bot (default 3)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL for Mahalleyar's database; SQLite if not given",
    )
    parser.add_argument(
        "--profile", metavar="FILE", default=None, help="profile Mahalleyar's last round into FILE"
    )
    return parser.parse_args(argv)


def _payloads(users: list[int], messages: int, first_id: int, text: str = "/help") -> list[dict[str, Any]]:
    payloads = []
    update_id = first_id
    for n in range(messages):
        for uid in users:
            user = {"id": uid, "is_bot": False, "first_name": f"User{uid}", "language_code": "en"}
            message = {
                "message_id": update_id,
                "date": START + n,
                "chat": {"id": uid, "type": "private", "first_name": f"User{uid}"},
                "from": user,
                "text": text,
            }
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            payloads.append({"update_id": update_id, "message": message})
            update_id += 1
    return payloads


@contextmanager
def _fake_server() -> Any:
    """Every aiohttp session answers from here: the form built, a canned reply checked."""
    original = AiohttpSession.make_request
    counter = iter(range(10**9))

    async def make_request(
        self: AiohttpSession,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.build_form_data(bot, method)
        chat_id = getattr(method, "chat_id", 0)
        result = {
            "message_id": next(counter),
            "date": START,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": bot.id, "is_bot": True, "first_name": "bot"},
            "text": getattr(method, "text", "") or "",
        }
        content = json.dumps({"ok": True, "result": result})
        return self.check_response(bot=bot, method=method, status_code=200, content=content).result

    AiohttpSession.make_request = make_request  # type: ignore[method-assign]
    try:
        yield
    finally:
        AiohttpSession.make_request = original  # type: ignore[method-assign]


async def _timed(work: Callable[[], Awaitable[None]], count: int) -> float:
    """CPU milliseconds per update that `work` takes, with what is loaded so far frozen out of
    the garbage collector's sight, as `python -m bot run` has it once started."""
    gc.collect()
    gc.freeze()
    before = time.process_time()
    await work()
    return 1000 * (time.process_time() - before) / count


async def _echo_round(batches: list[list[dict[str, Any]]]) -> float:
    bot = Bot(token=TOKEN, session=AiohttpSession())
    dispatcher = Dispatcher()

    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    dispatcher.message.register(echo)

    async def work() -> None:
        tasks = []
        for batch in batches:
            for payload in batch:
                update = Update.model_validate(payload, context={"bot": bot})
                tasks.append(asyncio.create_task(dispatcher.feed_update(bot, update)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    try:
        return await _timed(work, sum(map(len, batches)))
    finally:
        await bot.session.close()


async def _mahalleyar_round(
    database_url: str, batches: list[list[dict[str, Any]]], profile: str | None
) -> float:
    from bot.app import _close, prepare
    from bot.settings import Settings

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(TOKEN),
        bale_bot_token=None,
        database_url=database_url,
        throttle_burst=0,
    )
    runtime = await prepare(settings)
    await runtime.routing.ready()  # loaded in the background: not part of what is measured
    bot = next(iter(runtime.bots.values()))
    inbox = runtime.inbox

    async def work() -> None:
        for batch in batches:
            for update in await inbox.store(bot, batch):
                await inbox.dispatch(bot, update)
        while runtime.lanes.accepted:  # noqa: ASYNC110 (the lanes' own counter)
            await asyncio.sleep(0.005)

    try:
        if profile is None:
            return await _timed(work, sum(map(len, batches)))
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return await _timed(work, sum(map(len, batches)))
        finally:
            profiler.disable()
            profiler.dump_stats(profile)
    finally:
        await _close(runtime)


async def _run(args: argparse.Namespace) -> int:
    users = [FIRST_USER + n for n in range(args.users)]
    with tempfile.TemporaryDirectory(prefix="mahalleyar-handling-") as tmp, _fake_server():
        if args.database_url:
            database_url = await _create_postgres(args.database_url)
        else:
            database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'handling.db'}"
        try:
            await _seed(database_url, users)
            echo, ours = [], []
            first = 1
            for round_ in range(args.rounds):
                payloads = _payloads(users, args.messages, first, args.text)
                first += len(payloads)
                batches = [payloads[i : i + args.batch] for i in range(0, len(payloads), args.batch)]
                echo.append(await _echo_round(batches))
                last = round_ == args.rounds - 1
                ours.append(await _mahalleyar_round(database_url, batches, args.profile if last else None))
        finally:
            if args.database_url:
                await _drop_postgres(args.database_url, database_url)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    count = args.users * args.messages
    print(
        f"{args.users} users × {args.messages} {args.text!r} in batches of {args.batch}, no network; Mahalleyar on {backend}"
    )
    print(
        f"  echo bot     CPU per update: {' '.join(f'{v:.3f}' for v in echo)} ms (median {statistics.median(echo):.3f})"
    )
    print(
        f"  Mahalleyar   CPU per update: {' '.join(f'{v:.3f}' for v in ours)} ms (median {statistics.median(ours):.3f})"
    )
    print(
        f"  ratio (echo / Mahalleyar): {statistics.median(echo) / statistics.median(ours):.2f} over {count} updates a round"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)  # the bot process's (`bot.__main__`)
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
