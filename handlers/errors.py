"""The error boundary: log the traceback, apologise to the user in their language."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from services.i18n import BoundTranslator, Translator

log = logging.getLogger(__name__)


def setup() -> Router:
    router = Router(name=__name__)

    @router.errors()
    async def apologise(event: ErrorEvent, translator: Translator, t: BoundTranslator | None = None) -> bool:
        log.error("error while handling update %s", event.update.update_id, exc_info=event.exception)
        text = (t or translator.bind(translator.default_locale))("error-generic")
        update = event.update
        try:
            if update.message is not None:
                await update.message.answer(text)
            elif update.callback_query is not None:
                await update.callback_query.answer()
                if update.callback_query.message is not None:
                    await update.callback_query.message.answer(text)  # type: ignore[union-attr]
        except Exception:  # the apology is best effort; the original error is already logged
            log.warning("could not send the apology for update %s", update.update_id, exc_info=True)
        return True

    return router
