"""The yardstick for `benchmarks.throughput`: a bare aiogram bot that answers each message with
its text, polling one Bot API server (the emulator), with nothing else on the way.

    python -m benchmarks.echo_bot TOKEN API_BASE
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def _echo(message: Message) -> None:
    await message.answer(message.text or "?")


async def _run(token: str, api_base: str) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    bot = Bot(token=token, session=session)
    dispatcher = Dispatcher()
    dispatcher.message.register(_echo)
    await dispatcher.start_polling(bot, polling_timeout=2, handle_signals=True)


def main(argv: list[str] | None = None) -> int:
    token, api_base = (argv if argv is not None else sys.argv[1:])[:2]
    asyncio.run(_run(token, api_base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
