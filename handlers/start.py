"""/start and onboarding: language, then the person's own contact, then their menu."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from pydantic import field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.keyboards import drop_buttons, next_steps
from handlers.menu import main_menu
from services.accounts import NotOwnContact, Viewer, display_phone, link_contact, reload_viewer, set_locale
from services.clock import Clock
from services.council import (
    AlreadyMember,
    HeadSeatTaken,
    InvitationExpired,
    InvitationNotFound,
    InvitationUsed,
    PositionTaken,
    accept_invitation,
)
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from services.identity_validation import InvalidPhone
from services.regions import neighbourhood_name
from services.requests import RoutingModel
from services.residents import (
    UnknownNeighbourhood,
    invitation_token_from_payload,
    join_neighbourhood,
    neighbourhood_code_from_payload,
)
from services.roles import RoleTitle, role_titles

log = logging.getLogger(__name__)


class Onboarding(StatesGroup):
    language = State()
    contact = State()


class LanguageChoice(CallbackData, prefix="lang"):
    code: str
    # Whether onboarding continues after the choice (from /start) or not (from /lang).
    onboarding: bool = False

    @field_validator("code")
    @classmethod
    def _supported(cls, code: str) -> str:
        # Forged data such as `lang:xx` matches no handler and is answered as a stale button.
        if code not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {code!r}")
        return code


def language_keyboard(t: BoundTranslator, onboarding: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("lang-button-fa"),
                    callback_data=LanguageChoice(code="fa", onboarding=onboarding).pack(),
                ),
                InlineKeyboardButton(
                    text=t("lang-button-en"),
                    callback_data=LanguageChoice(code="en", onboarding=onboarding).pack(),
                ),
            ]
        ]
    )


def contact_keyboard(t: BoundTranslator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("onboarding-contact-button"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def role_title(t: BoundTranslator, title: RoleTitle) -> str:
    """«رئیس کمیتهٔ بهداشت و درمان — دولت‌آباد»: the role with its committee, agency and place."""
    role = t(f"role-{title.role.value}")
    if title.place is None:
        return role
    if title.committee is not None:
        return t(
            "role-title-committee_head", committee=t(f"committee-{title.committee.value}"), place=title.place
        )
    if title.agency_fa is not None:
        agency = title.agency_fa if t.locale == "fa" else title.agency_en or title.agency_fa
        return t("role-title-liaison", agency=agency, place=title.place)
    return t("role-title", role=role, place=title.place)


async def roles_line(session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> str:
    if not viewer.roles or viewer.person_id is None:
        return t("start-no-roles") + "\n" + t("join-hint")
    titles = await role_titles(session, viewer.person_id, viewer.roles)
    names = list(dict.fromkeys(role_title(t, title) for title in titles))
    return t("start-your-roles", roles=t.join(names))


async def begin_onboarding(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    """Ask who they are: the language first if they never chose one, then the contact."""
    if viewer.stored_locale is None:
        await state.set_state(Onboarding.language)
        await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, onboarding=True))
    else:
        await state.set_state(Onboarding.contact)
        await message.answer(t("onboarding-share-contact"), reply_markup=contact_keyboard(t))


async def act_on_start_payload(
    message: Message,
    session: AsyncSession,
    viewer: Viewer,
    payload: str | None,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    """Deep links, once the person is known: `n_<code>` joins a neighbourhood as resident,
    `i_<token>` accepts a council invitation."""
    if viewer.person_id is None:
        return
    if (token := invitation_token_from_payload(payload)) is not None:
        await message.answer(await _accept_invitation(session, viewer.person_id, token, t, clock))
        return
    code = neighbourhood_code_from_payload(payload)
    if code is None:
        return
    try:
        joined = await join_neighbourhood(session, person_id=viewer.person_id, code=code, now=clock())
    except UnknownNeighbourhood:
        await message.answer(t("join-unknown-link"))
        return
    viewer = await reload_viewer(session, viewer)
    await message.answer(
        t("join-already" if joined.already_member else "join-done", name=joined.neighbourhood_name),
        reply_markup=await main_menu(session, viewer, t),
    )
    await message.answer(t("talk-what-next"), reply_markup=next_steps(t, "request", "mine"))


async def _accept_invitation(
    session: AsyncSession, person_id: int, token: str, t: BoundTranslator, clock: Clock
) -> str:
    try:
        member = await accept_invitation(session, token, person_id, clock())
    except InvitationNotFound:
        return t("invite-unknown")
    except InvitationExpired:
        return t("invite-expired")
    except InvitationUsed:
        return t("invite-used")
    except AlreadyMember:
        return t("invite-already-member")
    except (PositionTaken, HeadSeatTaken):
        return t("invite-seat-taken")
    name = await neighbourhood_name(session, member.neighbourhood_id)
    return t("invite-accepted", name=name, position=t(f"position-{member.position.value}"))


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    await state.clear()
    if viewer.is_registered:
        await message.answer(
            t("start-welcome-back", name=viewer.full_name or "")
            + "\n"
            + await roles_line(session, viewer, t),
            reply_markup=await main_menu(session, viewer, t),
        )
        await act_on_start_payload(message, session, viewer, command.args, t, clock)
        return
    if command.args:
        # Deep-link payloads (n_<code>, i_<token>) are acted on once the person is known.
        await state.update_data(start_payload=command.args)
    await message.answer(t("start-welcome", name=viewer.full_name or ""))
    await begin_onboarding(message, state, viewer, t)


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    state: FSMContext,
    viewer: Viewer,
    translator: Translator,
) -> None:
    await set_locale(session, viewer.account_id, callback_data.code)
    t = translator.bind(callback_data.code)
    await query.answer()
    if viewer.is_registered:
        # The keyboard is in the old language: the answer brings the menu in the new one.
        if (message := await drop_buttons(query)) is not None:
            await message.answer(t("lang-set"), reply_markup=await main_menu(session, viewer, t))
        return
    if query.message is not None and isinstance(query.message, Message):
        await query.message.edit_text(t("lang-set"))
    if callback_data.onboarding:
        await state.set_state(Onboarding.contact)
        await query.bot.send_message(  # type: ignore[union-attr]
            viewer.chat_id, t("onboarding-share-contact"), reply_markup=contact_keyboard(t)
        )


async def contact_shared(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    admin_phones: frozenset[str],
    translator: Translator,
    routing: RoutingModel,
    settings: Settings,
) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    try:
        linked = await link_contact(
            session,
            account_id=viewer.account_id,
            sender_user_id=message.from_user.id,
            contact_user_id=contact.user_id,
            phone_number=contact.phone_number,
            contact_name=" ".join(filter(None, [contact.first_name, contact.last_name])) or None,
            admin_phones=admin_phones,
            now=clock(),
            translator=translator,
        )
    except NotOwnContact:
        await message.answer(t("onboarding-contact-not-own"), reply_markup=contact_keyboard(t))
        return
    except InvalidPhone:
        await message.answer(t("onboarding-invalid-phone"), reply_markup=contact_keyboard(t))
        return
    payload = (await state.get_data()).get("start_payload")
    await state.clear()
    # With a neighbourhood or invitation link to act on next, «no role yet, join…» would
    # contradict the message that follows it.
    roles = "" if payload and not linked.roles else "\n" + await roles_line(session, linked, t)
    await message.answer(
        t("onboarding-linked", phone=display_phone(linked.phone or "")) + roles,
        reply_markup=await main_menu(session, linked, t),
    )
    await act_on_start_payload(message, session, linked, payload, t, clock)
    # A message written before they were known goes on now (`handlers.talk` imports this module).
    from handlers.talk import continue_kept

    linked = await reload_viewer(session, linked)
    await continue_kept(message, state, session, linked, t, translator, clock, routing, settings)


async def contact_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-contact-expected"), reply_markup=contact_keyboard(t))


async def language_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, onboarding=True))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.callback_query.register(choose_language, LanguageChoice.filter())
    router.message.register(contact_shared, StateFilter(Onboarding.contact), F.contact)
    router.message.register(contact_expected, StateFilter(Onboarding.contact))
    router.message.register(language_expected, StateFilter(Onboarding.language))
    return router
