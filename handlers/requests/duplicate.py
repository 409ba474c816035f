"""The request form's follow-or-new choice: once the committee is known, an open request that
looks like the same problem in the same neighbourhood is offered; the resident follows it (and
is told of its progress) or sends their own anyway."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.keyboards import keyboard
from handlers.menu import main_menu
from handlers.requests.shared import DuplicateChoice, RequestForm, ask_extras
from models.council import CommitteeKey
from services.accounts import Viewer
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.requests import (
    InvalidTransition,
    UnknownRequest,
    describe_request,
    find_similar_open,
    follow_request,
    format_tracking_code,
)


async def offer_similar(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    *,
    neighbourhood_id: int,
    committee: CommitteeKey,
    text: str,
) -> bool:
    """Offer an open request like this one to follow instead; False when there is none."""
    assert viewer.person_id is not None
    similar = await find_similar_open(
        session,
        neighbourhood_id=neighbourhood_id,
        committee=committee,
        text=text,
        now=clock(),
        person_id=viewer.person_id,
    )
    if similar is None:
        return False
    # The offer is kept server-side: the button's id is checked against it, not trusted.
    await state.update_data(offered=similar.id)
    await state.set_state(RequestForm.duplicate)
    await message.answer(
        t("request-similar-found", card=describe_request(t, similar)),
        reply_markup=keyboard(
            [
                [(t("request-button-follow"), DuplicateChoice(follow=True, request_id=similar.id).pack())],
                [
                    (
                        t("request-button-new-anyway"),
                        DuplicateChoice(follow=False, request_id=similar.id).pack(),
                    )
                ],
            ]
        ),
    )
    return True


async def duplicate_choice(
    query: CallbackQuery,
    callback_data: DuplicateChoice,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if callback_data.request_id != data.get("offered"):
        # Not the button this person was offered (forged, or from another form): nothing happens.
        await query.answer(t("request-form-closed"), show_alert=True)
        return
    message = await pressed(query, drop=True)
    if message is None:
        return
    if not callback_data.follow:
        await ask_extras(message, state, t)
        return
    assert viewer.person_id is not None
    try:
        view = await follow_request(
            session,
            translator,
            person_id=viewer.person_id,
            request_id=data["offered"],
            text=data["text"],
            committee=CommitteeKey(data["committee"]),
            now=clock(),
        )
    except (UnknownRequest, InvalidTransition):
        # Closed in the meantime: the resident's own request goes ahead.
        await message.answer(t("request-similar-gone"))
        await ask_extras(message, state, t)
        return
    await state.clear()
    await message.answer(
        t("request-following", code=format_tracking_code(view.code, t.locale)),
        reply_markup=await main_menu(session, viewer, t),
    )


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        duplicate_choice, StateFilter(RequestForm.duplicate), DuplicateChoice.filter()
    )
    return router
