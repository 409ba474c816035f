"""In-repo Telegram Bot API emulator used by end-to-end tests and the sandbox web chat.

Main entry points: :class:`BotAPIEmulator`, :func:`make_app`, :func:`start_emulator`.
"""

from .errors import ApiError
from .rates import peak_rate, peak_rate_per_chat
from .runner import start_emulator
from .server import BotAPIEmulator, make_app, new_token
from .state import ApiCall, BotState, MessageRecord, Quirks, SimUser, StoredFile

__all__ = [
    "ApiCall",
    "ApiError",
    "BotAPIEmulator",
    "BotState",
    "MessageRecord",
    "Quirks",
    "SimUser",
    "StoredFile",
    "make_app",
    "new_token",
    "peak_rate",
    "peak_rate_per_chat",
    "start_emulator",
]
