"""Run the Bot API emulator standalone.

Example::

    python -m emulator --port 8081 --token 111:tg --token 222:bale --odd-token 222:bale
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .runner import start_emulator
from .server import BotAPIEmulator

logger = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="ID:SECRET[=USERNAME]",
        help="register a bot (repeatable); optional '=username' suffix",
    )
    parser.add_argument(
        "--odd-token",
        action="append",
        default=[],
        metavar="ID:SECRET",
        help="use the Bale-like odd profile (and platform 'bale') for this token; registers it if needed",
    )
    parser.add_argument("--auto-register", action="store_true", help="accept any well-formed token")
    parser.add_argument("--log-level", default="INFO")
    return parser


def configure(emu: BotAPIEmulator, tokens: list[str], odd_tokens: list[str]) -> None:
    """Register bots given on the command line."""
    odd = {t.split("=", 1)[0] for t in odd_tokens}
    seen: set[str] = set()
    for spec in [*tokens, *odd_tokens]:
        token, _, username = spec.partition("=")
        if token in seen:
            continue
        seen.add(token)
        is_odd = token in odd
        emu.add_bot(token, username or None, platform="bale" if is_odd else "telegram", odd=is_odd)


async def _serve(args: argparse.Namespace) -> None:
    emu = BotAPIEmulator(auto_register=args.auto_register)
    configure(emu, args.token, args.odd_token)
    _, runner, base_url = await start_emulator(args.host, args.port, emulator=emu)
    print(f"Bot API emulator running at {base_url}", flush=True)
    for bot in emu.bots.values():
        print(f"  bot {bot.id} @{bot.username} platform={bot.platform} odd={bot.odd}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
