"""The error boundary: what went wrong becomes a message in the person's language, or nothing.

Hostile or stale input is ordinary input, so most failures are not bugs and get no traceback:

* **gone**: the update names something that is not there (any more): a forged or stale button
  whose id names nothing (a service's `LookupError`: `UnknownScope`, `UnknownMember`,
  `UnknownNeighbourhood`, …), a row someone else removed or changed meanwhile (SQLAlchemy's
  `StaleDataError`), a message too old to edit → «no longer available» (`error-gone`), logged
  at INFO in one line;
* **unreachable**: the person blocked the bot while it answered → nothing to say, logged at INFO;
* **everything else** is a bug or an outage → the traceback at ERROR and an apology
  (`error-generic`). An answer the messenger still refuses after the retries
  (`bot.reply_retry`: a 5xx, a network error, flood control) is queued in the outbox, whose
  worker keeps trying: nobody is left with neither an answer nor an apology.

Domain errors a form step did not catch are answered here, in one place:

* **denied** (`PermissionDenied`): the catalog message of the operation's area (`DENIED`), and
  the open form ends, since nothing in it can be saved;
* **invalid text** (`TextTooShort`, `TextTooLong` from a service's cleaning): what was wrong,
  and the form's question again at the bottom (`handlers.forms.reask`), the form still open.

Edits that change nothing and callback queries too old to answer never get here: they are
successes (`bot.harmless_refusals`).
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import ErrorEvent, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from models.identity import Platform
from services.authz import PermissionDenied
from services.clock import Clock
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator, Translator
from services.outbox import enqueue

log = logging.getLogger(__name__)

# How the messenger says a message can't be touched any more (too old, deleted, never there).
_MESSAGE_GONE = (
    "message to edit not found",
    "message can't be edited",
    "message to delete not found",
    "message can't be deleted",
    "message to be replied not found",
)


# The message for an operation the person may not do, by the first word of the service's action
# name (`PermissionDenied.action`: "meeting.create", "log action" …); others get `error-denied`.
DENIED = {
    "meeting": "meeting-not-manager",
    "resolution": "resolutions-not-allowed",
    "complete": "resolutions-not-allowed",
    "crisis": "crisis-not-manager",
    "register": "council-not-manager",
    "edit": "council-not-manager",
    "create": "council-not-manager",
    "committee": "council-not-manager",
    "list": "council-not-manager",
    "read": "council-not-manager",
    "set": "liaisons-not-official",
    "county": "report-not-official",
    "province": "report-not-official",
    "see": "report-not-official",
    "import": "admin-import-not-admin",
    "log": "action-not-allowed",
    "moderate": "feed-not-allowed",
    "people": "not-joined-not-allowed",
    "request": "inbox-not-allowed",
    "view": "inbox-not-allowed",
    "survey": "survey-not-allowed",
    "plan": "plan-not-allowed",
    "course": "course-not-official",
}


def denied_key(action: str) -> str:
    """The catalog message for `PermissionDenied(action)`."""
    if action in ("read feed",):
        return "feed-not-allowed"
    if action in ("read profile",):
        return "profile-not-allowed"
    if action in ("list liaisons",):
        return "liaisons-not-official"
    if action == "plan.read":
        return "plan-not-found"
    first = action.replace(".", " ").split(" ", 1)[0]
    return DENIED.get(first, "error-denied")


def is_gone(error: BaseException) -> bool:
    """Whether `error` says the update named something that is not there (any more)."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, LookupError):
        # KeyError and IndexError are lookups in the code's own data: bugs, not stale input.
        return not isinstance(error, KeyError | IndexError)
    if isinstance(error, TelegramBadRequest):
        return any(phrase in error.message.lower() for phrase in _MESSAGE_GONE)
    return False


async def denied(
    event: ErrorEvent,
    translator: Translator,
    t: BoundTranslator | None = None,
    state: FSMContext | None = None,
) -> bool:
    error = event.exception
    assert isinstance(error, PermissionDenied)
    log.info("update %s: %s", event.update.update_id, error)
    if state is not None:
        await state.clear()
    await _say(event.update, (t or translator.bind(translator.default_locale))(denied_key(error.action)))
    return True


async def invalid_text(
    event: ErrorEvent,
    translator: Translator,
    t: BoundTranslator | None = None,
    state: FSMContext | None = None,
) -> bool:
    error = event.exception
    bound = t or translator.bind(translator.default_locale)
    if isinstance(error, TextTooLong):
        text = bound("error-text-too-long", length=error.length, limit=error.maximum)
    else:
        assert isinstance(error, TextTooShort)
        text = bound("error-text-too-short", limit=error.minimum)
    message = event.update.message
    if message is not None and state is not None:
        from handlers.forms import reask  # the toolkit builds on this module

        await reask(message, state, text)
    else:
        await _say(event.update, text)
    return True


async def apologise(
    event: ErrorEvent,
    translator: Translator,
    t: BoundTranslator | None = None,
    session: AsyncSession | None = None,
    platform: Platform | None = None,
    clock: Clock | None = None,
) -> bool:
    error, update = event.exception, event.update
    if isinstance(error, TelegramForbiddenError):
        log.info("update %s: the person can't be reached: %s", update.update_id, error.message)
        return True
    if is_gone(error):
        log.info("update %s names something gone: %s: %s", update.update_id, type(error).__name__, error)
        key = "error-gone"
    else:
        log.error("error while handling update %s", update.update_id, exc_info=error)
        key = "error-generic"
    text = (t or translator.bind(translator.default_locale))(key)
    try:
        await _say(update, text)
    except (TelegramServerError, TelegramNetworkError, TelegramRetryAfter) as failure:
        # Retried already (bot.reply_retry): the messenger is down for a while, so the answer
        # waits in the outbox, whose worker keeps trying, rather than never coming.
        log.warning("could not answer update %s after an error: %s", update.update_id, failure)
        await _leave_to_the_outbox(session, platform, clock, update, text)
    except Exception:  # the answer is best effort; the error is already logged
        log.warning("could not answer update %s after an error", update.update_id, exc_info=True)
    return True


def setup() -> Router:
    router = Router(name=__name__)
    router.errors.register(denied, ExceptionTypeFilter(PermissionDenied))
    router.errors.register(invalid_text, ExceptionTypeFilter(TextTooShort, TextTooLong))
    router.errors.register(apologise)
    return router


async def _say(update: Update, text: str) -> None:
    """Answer the message, or the pressed button, that `update` brought."""
    if update.message is not None:
        await update.message.answer(text)
    elif (query := update.callback_query) is not None:
        if isinstance(query.message, Message):
            await query.answer()
            await query.message.answer(text)
        else:  # an inline message or one too old to be known: only the button can say it
            await query.answer(text, show_alert=True)


async def _leave_to_the_outbox(
    session: AsyncSession | None,
    platform: Platform | None,
    clock: Clock | None,
    update: Update,
    text: str,
) -> None:
    """Queue the answer the messenger would not take now (once per update)."""
    query = update.callback_query
    if update.message is not None:
        chat_id: int | None = update.message.chat.id
    elif query is not None:
        chat_id = query.message.chat.id if isinstance(query.message, Message) else query.from_user.id
    else:
        chat_id = None
    if session is None or platform is None or clock is None or chat_id is None:
        return
    try:
        await session.rollback()  # whatever failed left nothing to keep
        await enqueue(
            session,
            platform=platform,
            chat_id=chat_id,
            text=text,
            now=clock(),
            dedup_key=f"answer:{platform.value}:{update.update_id}",
        )
        await session.commit()
        log.info("the answer to update %s waits in the outbox", update.update_id)
    except Exception:
        log.warning("could not leave the answer to update %s to the outbox", update.update_id, exc_info=True)
