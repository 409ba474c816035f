"""People just talk: a message written outside any form is taken as what it most likely is.

A resident who types «سلام، آب کوچه ما قطع شده» has started a request, whether or not they
pressed 📝 first. Outside every form, a text, a photo with or without a caption, a location or a
voice note is kept and treated as the first step of `/request`
(`handlers.requests.route_request_text`): the bot says what it understood and which committee
it would go to, and asks to confirm; an emergency is sent at once. A photo, location or voice
note without words is kept while the bot asks for one line of text to route it.

Someone who cannot send a request yet is led there without typing it again: the message is kept
(`keep`, FSM data under its own destiny, so the onboarding and joining forms, which clear their
own state, leave it alone), then the contact is asked for (`/start`'s onboarding) and the
neighbourhood (`/join`), and once they have joined, `continue_kept` picks the message up where
it was left. A greeting alone («سلام») gets a greeting and what to do next.

Finished steps end with the next useful things to do as buttons (`handlers.keyboards.next_steps`);
this module answers them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.join import Join
from handlers.keyboards import NextStep, drop_buttons, next_steps
from handlers.menu import AnyMenuPress, main_menu
from handlers.requests import (
    RequestForm,
    daily_limit_text,
    route_request_text,
    show_my_requests,
    start_request_form,
)
from handlers.start import begin_onboarding
from models.identity import Role
from services.accounts import Viewer, reload_viewer
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.persian import excerpt, normalize_prose, normalize_text
from services.requests import (
    MAX_PHOTOS,
    MIN_TEXT_LENGTH,
    DailyLimitReached,
    NotAResident,
    RoutingModel,
    check_can_submit,
)

# The kept message lives under its own FSM destiny: forms clear their own state, not this.
KEPT = "kept_request"
# How much of a kept message is quoted back.
QUOTED = 60


# Words that greet or thank and say nothing about a problem.
_COURTESIES = frozenset(
    normalize_text(w)
    for w in (
        "سلام",
        "درود",
        "سلامتی",
        "وقت",
        "بخیر",
        "به",
        "خیر",
        "صبح",
        "عصر",
        "شب",
        "روز",
        "خسته",
        "نباشید",
        "ممنون",
        "ممنونم",
        "مرسی",
        "متشکرم",
        "تشکر",
        "خدانگهدار",
        "خداحافظ",
        "عزیز",
        "علیکم",
        "hi",
        "hello",
        "thanks",
        "thank",
        "you",
        "good",
        "morning",
        "evening",
    )
)


def says_something(text: str) -> bool:
    """Whether a message could describe a problem: beyond greetings and thanks, two words or more
    with letters and at least MIN_TEXT_LENGTH characters («سلام», «ممنون», a phone number: no)."""
    words = [w for w in normalize_text(text).split() if any(c.isalpha() for c in w)]
    meant = [w for w in words if w not in _COURTESIES]
    return len(meant) >= 2 and len(" ".join(meant)) >= MIN_TEXT_LENGTH


def _kept(state: FSMContext) -> FSMContext:
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=KEPT))


async def keep(state: FSMContext, message: Message, viewer: Viewer) -> dict[str, Any]:
    """Keep what `message` brings (text or caption, photo, location, voice note) for the request,
    added to what was kept before; what is kept now."""
    kept = await _kept(state).get_data()
    words = message.text or message.caption
    if words:
        kept["text"] = words
    attachments = list(kept.get("photos", []))
    if message.photo:
        attachments.append([viewer.platform.value, message.photo[-1].file_id])
    if message.voice:
        attachments.append([viewer.platform.value, message.voice.file_id, "voice"])
    kept["photos"] = attachments[:MAX_PHOTOS]
    if message.location is not None:
        kept["location"] = [message.location.latitude, message.location.longitude]
    await _kept(state).set_data(kept)
    return kept


async def take(state: FSMContext) -> dict[str, Any]:
    """What was kept (nothing: {}), forgotten now that it is used."""
    kept = await _kept(state).get_data()
    if kept:
        await _kept(state).set_data({})
    return kept


def _quoted(t: BoundTranslator, kept: dict[str, Any]) -> str:
    text = kept.get("text")
    return t("talk-kept", text=excerpt(text, QUOTED)) if text else t("talk-kept-attachment")


async def continue_kept(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    routing: RoutingModel,
    settings: Settings,
) -> bool:
    """Start the request form with the kept message, or lead to what is missing first (after
    someone became able to send a request: shared their contact, joined; or as they wrote it);
    whether a message was kept. `viewer` must be current."""
    kept = await _kept(state).get_data()
    if not kept:
        return False
    if viewer.person_id is None:
        # Who they are comes first: the message waits (the onboarding of /start).
        await state.clear()
        await message.answer(_quoted(t, kept) + "\n" + t("talk-register-first"))
        await begin_onboarding(message, state, viewer, t)
        return True
    try:
        await check_can_submit(
            session, person_id=viewer.person_id, now=clock(), daily_limit=settings.request_daily_limit
        )
    except NotAResident:
        if any(grant.role is not Role.RESIDENT for grant in viewer.roles):
            # A manager or an official typing outside a form most likely meant something else.
            await take(state)
            await message.answer(t("talk-staff-hint"), reply_markup=await main_menu(session, viewer, t))
            return True
        await state.set_state(Join.name)
        await message.answer(_quoted(t, kept) + "\n" + t("talk-join-first"))
        return True
    except DailyLimitReached as error:
        await take(state)
        await message.answer(daily_limit_text(t, error))
        return True
    await take(state)
    await state.clear()
    await state.set_state(RequestForm.text)
    await state.set_data(
        {"photos": kept.get("photos", []), **({"location": kept["location"]} if "location" in kept else {})}
    )
    text = kept.get("text")
    if text:
        await message.answer(t("talk-understood", text=excerpt(normalize_prose(text), QUOTED)))
    await route_request_text(message, state, session, viewer, t, translator, clock, routing, settings, text)
    return True


# Outside every form (state None), not a command, not a menu button: the start of a request.
async def talked(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    routing: RoutingModel,
    settings: Settings,
) -> None:
    words = message.text or message.caption
    if words is not None and not message.photo and not says_something(words):
        # «سلام», «ممنون», «؟»: not a request; say hello and what can be done, in one message.
        steps = next_steps(t, "request", "mine") if viewer.is_registered else None
        await message.answer(t("talk-hello"), reply_markup=steps)
        return
    await keep(state, message, viewer)
    await continue_kept(message, state, session, viewer, t, translator, clock, routing, settings)


async def next_step(
    query: CallbackQuery,
    callback_data: NextStep,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
) -> None:
    await query.answer()
    # Spent once pressed: the next step's own question follows at the bottom.
    message = await drop_buttons(query)
    if message is None:
        return
    if callback_data.action == "request":
        await start_request_form(message, state, session, viewer, t, clock, settings)
    elif callback_data.action == "mine":
        await show_my_requests(message, state, session, viewer, t)
    elif callback_data.action == "join":
        await state.clear()
        await state.set_state(Join.name)
        await message.answer(t("join-ask-name"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(talked, StateFilter(None), F.photo | F.location | F.voice)
    router.message.register(talked, StateFilter(None), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(next_step, NextStep.filter())
    return router


async def after_joining(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    routing: RoutingModel,
    settings: Settings,
    joined_text: str,
) -> None:
    """Say they joined, with the menu a resident has now; then go on with a kept message, or offer
    the next steps."""
    viewer = await reload_viewer(session, viewer)
    await message.answer(joined_text, reply_markup=await main_menu(session, viewer, t))
    if not await continue_kept(message, state, session, viewer, t, translator, clock, routing, settings):
        await message.answer(t("talk-what-next"), reply_markup=next_steps(t, "request", "mine"))
