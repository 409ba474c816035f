"""Fixtures for the Bot API emulator tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from emulator import BotAPIEmulator, start_emulator

TG_TOKEN = "111:tg-test"
BALE_TOKEN = "222:bale-test"


@pytest.fixture
async def served() -> AsyncIterator[tuple[BotAPIEmulator, str]]:
    """A running emulator with a Telegram bot (111) and an odd Bale bot (222)."""
    emu, runner, base_url = await start_emulator()
    emu.add_bot(TG_TOKEN, "mahalleyar_bot", "Mahalleyar")
    emu.add_bot(BALE_TOKEN, "mahalleyar_bale_bot", "Mahalleyar Bale", platform="bale", odd=True)
    try:
        yield emu, base_url
    finally:
        await runner.cleanup()


@pytest.fixture
def emu(served: tuple[BotAPIEmulator, str]) -> BotAPIEmulator:
    """The emulator instance."""
    return served[0]


@pytest.fixture
def base_url(served: tuple[BotAPIEmulator, str]) -> str:
    """Base URL of the running emulator."""
    return served[1]


def make_bot(base_url: str, token: str = TG_TOKEN) -> Bot:
    """Return an aiogram Bot pointed at the emulator."""
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    """An aiogram Bot for the Telegram test bot."""
    tg_bot = make_bot(base_url)
    try:
        yield tg_bot
    finally:
        await tg_bot.session.close()


@pytest.fixture
async def bale_bot(base_url: str) -> AsyncIterator[Bot]:
    """An aiogram Bot for the odd (Bale-like) bot."""
    b = make_bot(base_url, BALE_TOKEN)
    try:
        yield b
    finally:
        await b.session.close()
