"""End-to-end: the real bot process (`python -m bot run`) polling the Bot API emulator over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator, start_emulator
from models.db import create_engine, create_session_factory
from models.plumbing import OutboxMessage, OutboxStatus
from services.requests.routing_model import READY_LINE
from tests.conftest import OUTBOX_LEDGER, REDIS_URL

TELEGRAM_TOKEN = "700001:tg-e2e"
BALE_TOKEN = "700002:bale-e2e"
TELEGRAM_BOT, BALE_BOT = 700001, 700002


@dataclass
class BotProcess:
    """Starts, kills and restarts `python -m bot run` with a given environment."""

    env: dict[str, str]
    log_path: Path
    emulator: BotAPIEmulator
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _log_files: list[object] = field(default_factory=list)

    async def start(self, ready_method: str = "getUpdates") -> None:
        """Start the process; ready when both bots have called `ready_method` (getUpdates when
        polling, setWebhook in webhook mode)."""
        polls_before = {
            bot: len(self.emulator.calls_for(ready_method, bot)) for bot in (TELEGRAM_BOT, BALE_BOT)
        }
        routers_before = self.log().count(READY_LINE)
        log = self.log_path.open("ab")
        self._log_files.append(log)
        self.process = subprocess.Popen(  # noqa: ASYNC220 (Popen returns at once)
            [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
        )
        self.starts += 1
        # Ready when both bots are polling and the request router is loaded (in the background: a
        # first start trains it): seconds on a quiet machine; the wait allows for a machine busy
        # with other work (imports alone can take a minute there).
        for _ in range(1200):
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited with {self.process.returncode}:\n{self.log()}")
            if all(
                len(self.emulator.calls_for(ready_method, bot)) > polls_before[bot] for bot in polls_before
            ) and (self.log().count(READY_LINE) > routers_before):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"bot did not start polling:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup, like a power cut."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    async def stop(self) -> int:
        """SIGTERM and wait, without blocking the loop: the emulator serving the bot's last
        requests runs on this same loop."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(300):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                self.process.kill()
                self.process.wait()
        for log in self._log_files:
            log.close()  # type: ignore[attr-defined]
        self._log_files.clear()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu, runner, base_url = await start_emulator()
    emu.base_url = base_url  # type: ignore[attr-defined]
    try:
        yield emu
    finally:
        await runner.cleanup()


def bot_env(database_url: str, base_url: str, redis_prefix: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BALE_", "REDIS_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_BASE=base_url,
        BALE_BOT_TOKEN=BALE_TOKEN,
        BALE_API_BASE=base_url,
        DATABASE_URL=database_url,
        POLLING_TIMEOUT="2",
        ADMIN_PHONES="09120000001",
        LOG_LEVEL="INFO",
    )
    # Scripted people answer in milliseconds, faster than the per-person throttle lets anyone
    # (bot/fairness.py); a test or benchmark of the throttle sets THROTTLE_BURST itself.
    env.setdefault("THROTTLE_BURST", "0")
    # No health/metrics server unless a test asks for one on its own port: bots started side by
    # side would all try the default 8081.
    env.setdefault("OPS_PORT", "0")
    if redis_prefix:
        env.update(REDIS_URL=REDIS_URL, REDIS_PREFIX=redis_prefix)
    return env


@pytest.fixture
def e2e_redis_prefix(request: pytest.FixtureRequest) -> str | None:
    # FSM state lives in Redis when the suite runs with Redis, else in the database.
    return request.getfixturevalue("redis_prefix") if REDIS_URL else None


@pytest.fixture
async def bot_process(
    emulator: BotAPIEmulator, database_url: str, tmp_path: Path, e2e_redis_prefix: str | None
) -> AsyncIterator[BotProcess]:
    process = BotProcess(
        env=bot_env(database_url, emulator.base_url, e2e_redis_prefix),  # type: ignore[attr-defined]
        log_path=tmp_path / "bot.log",
        emulator=emulator,
    )
    try:
        yield process
    finally:
        if process.process is not None:
            code = await process.stop()
            await record_outbox_outcomes(database_url)
            log = process.log()
            assert "Traceback" not in log or "error while handling" in log, log
            assert code in (0, -signal.SIGKILL, -signal.SIGTERM), log


async def record_outbox_outcomes(database_url: str) -> None:
    """Add what became of this test's notifications to the run's ledger (printed at the end by
    tests/conftest.py): how many were queued, sent, merged, waiting, pending, failed, and why."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.last_error))).all()
    finally:
        await engine.dispose()
    entry = {"statuses": {}, "failed": {}}
    for status, error in rows:
        entry["statuses"][status.value] = entry["statuses"].get(status.value, 0) + 1
        if status is OutboxStatus.FAILED:
            reason = re.sub(r"\d+", "N", error or "unknown")[:90]
            entry["failed"][reason] = entry["failed"].get(reason, 0) + 1
    OUTBOX_LEDGER.parent.mkdir(parents=True, exist_ok=True)
    with OUTBOX_LEDGER.open("a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(entry, ensure_ascii=False) + "\n")
