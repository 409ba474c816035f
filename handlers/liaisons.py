"""/liaisons: the executive agencies' liaisons (رابطان) in a county, for the county's officials and
those above it. Every agency is listed with its liaison; pressing an agency names or replaces its
liaison in a short form: the liaison's phone (typed or a shared contact), their name, confirm."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import NAME_LIMIT, ConfirmMember, confirm_keyboard, member_name, typed_name
from handlers.forms import confirmation, pressed, reask
from handlers.keyboards import drop_buttons, in_rows
from handlers.menu import AnyMenuPress, MenuPress
from handlers.steps import typed_phone
from services.accounts import Viewer, display_phone
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    AgencyView,
    CountyLiaisons,
    CountyRef,
    county_liaisons,
    overseen_regions,
    set_liaison,
)
from services.i18n import BoundTranslator
from services.roles import UnknownAgency


class LiaisonForm(StatesGroup):
    phone = State()
    name = State()
    confirm = State()


class LiaisonProvince(CallbackData, prefix="li_prv"):
    province_id: int


class LiaisonCounty(CallbackData, prefix="li_cty"):
    county_id: int


class LiaisonAgency(CallbackData, prefix="li_ag"):
    county_id: int
    agency: str  # the agency's key


class LiaisonUseName(CallbackData, prefix="li_nm"):
    pass


def agency_name(agency: AgencyView, t: BoundTranslator) -> str:
    return agency.name_fa if t.locale == "fa" else agency.name_en


def render_liaisons(liaisons: CountyLiaisons, t: BoundTranslator) -> str:
    lines = [t("liaisons-title", county=liaisons.county.name)]
    for entry in liaisons.agencies:
        name = agency_name(entry.agency, t)
        if entry.liaison is None:
            lines.append(t("liaisons-line-empty", agency=name))
        else:
            lines.append(
                t(
                    "liaisons-line",
                    agency=name,
                    name=entry.liaison.full_name or "—",
                    phone=display_phone(entry.liaison.phone),
                )
            )
    lines += ["", t("liaisons-hint")]
    return "\n".join(lines)


def _two_a_row(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=in_rows(buttons, 2))


def agencies_keyboard(liaisons: CountyLiaisons, t: BoundTranslator) -> InlineKeyboardMarkup:
    return _two_a_row(
        [
            InlineKeyboardButton(
                text=agency_name(entry.agency, t),
                callback_data=LiaisonAgency(county_id=liaisons.county.id, agency=entry.agency.key).pack(),
            )
            for entry in liaisons.agencies
        ]
    )


def counties_keyboard(counties: list[CountyRef]) -> InlineKeyboardMarkup:
    return _two_a_row(
        [
            InlineKeyboardButton(text=county.name, callback_data=LiaisonCounty(county_id=county.id).pack())
            for county in counties
        ]
    )


def provinces_keyboard(counties: list[CountyRef]) -> InlineKeyboardMarkup:
    provinces = dict.fromkeys((county.province_id, county.province_name) for county in counties)
    return _two_a_row(
        [
            InlineKeyboardButton(text=name, callback_data=LiaisonProvince(province_id=province_id).pack())
            for province_id, name in provinces
        ]
    )


def use_name_keyboard(name: str, t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("liaisons-button-use-name", name=name), callback_data=LiaisonUseName().pack()
                )
            ]
        ]
    )


async def _show_county(
    message: Message, session: AsyncSession, viewer: Viewer, county_id: int, t: BoundTranslator
) -> None:
    """The county's agencies and liaisons, with a button per agency to name its liaison."""
    try:
        liaisons = await county_liaisons(session, actor=Actor.from_viewer(viewer), county_id=county_id)
    except (PermissionDenied, LookupError):
        await message.answer(t("liaisons-not-allowed"))
        return
    await message.answer(render_liaisons(liaisons, t), reply_markup=agencies_keyboard(liaisons, t))


async def liaisons(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()  # a command ends whatever form was open
    try:
        overseen = await overseen_regions(session, actor=Actor.from_viewer(viewer))
    except PermissionDenied:
        await message.answer(t("liaisons-not-official"))
        return
    counties = list(overseen.counties)
    if not counties:
        await message.answer(t("liaisons-no-counties"))
    elif len(counties) == 1:
        await _show_county(message, session, viewer, counties[0].id, t)
    elif len({county.province_id for county in counties}) > 1:
        await message.answer(t("liaisons-pick-province"), reply_markup=provinces_keyboard(counties))
    else:
        await message.answer(t("liaisons-pick-county"), reply_markup=counties_keyboard(counties))


async def picked_province(
    query: CallbackQuery,
    callback_data: LiaisonProvince,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    if (message := await pressed(query)) is None:
        return
    try:
        overseen = await overseen_regions(session, actor=Actor.from_viewer(viewer))
    except PermissionDenied:
        await message.answer(t("liaisons-not-official"))
        return
    counties = [c for c in overseen.counties if c.province_id == callback_data.province_id]
    if not counties:
        await message.answer(t("liaisons-not-allowed"))
        return
    await message.answer(t("liaisons-pick-county"), reply_markup=counties_keyboard(counties))


async def picked_county(
    query: CallbackQuery,
    callback_data: LiaisonCounty,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    message = await pressed(query)
    await state.clear()
    if message is not None:
        await _show_county(message, session, viewer, callback_data.county_id, t)


async def picked_agency(
    query: CallbackQuery,
    callback_data: LiaisonAgency,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    # Asked of the service first, so a forged or stale button starts no form.
    try:
        liaisons = await county_liaisons(
            session, actor=Actor.from_viewer(viewer), county_id=callback_data.county_id
        )
    except (PermissionDenied, LookupError):
        await state.clear()
        await query.answer(t("liaisons-not-allowed"), show_alert=True)
        return
    entry = next((e for e in liaisons.agencies if e.agency.key == callback_data.agency), None)
    if entry is None:
        await query.answer(t("liaisons-unknown-agency"), show_alert=True)
        return
    message = await pressed(query)
    await state.clear()
    await state.set_state(LiaisonForm.phone)
    data = await state.update_data(
        county_id=liaisons.county.id,
        county=liaisons.county.name,
        agency_key=entry.agency.key,
        agency=agency_name(entry.agency, t),
        current_name=(entry.liaison.full_name or "—") if entry.liaison else None,
        current_phone=entry.liaison.phone if entry.liaison else None,
    )
    if message is not None:
        await message.answer(t("liaisons-ask-phone", agency=data["agency"], county=data["county"]))


async def got_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (phone := await typed_phone(message, t)) is None:
        return
    contact = message.contact
    # A shared contact carries a name: offered as the answer to the next question.
    contact_name = (
        member_name(" ".join(filter(None, (contact.first_name, contact.last_name)))) if contact else None
    )
    await state.update_data(phone=phone, contact_name=contact_name)
    await state.set_state(LiaisonForm.name)
    await message.answer(
        t("liaisons-ask-name"), reply_markup=use_name_keyboard(contact_name, t) if contact_name else None
    )


async def _show_summary(message: Message, state: FSMContext, t: BoundTranslator, name: str) -> None:
    data = await state.update_data(name=name)
    await state.set_state(LiaisonForm.confirm)
    text = t(
        "liaisons-summary",
        agency=data["agency"],
        county=data["county"],
        name=name,
        phone=display_phone(data["phone"]),
    )
    if data.get("current_phone") and data["current_phone"] != data["phone"]:
        text += "\n" + t("liaisons-replaces", name=data["current_name"])
    await message.answer(text, reply_markup=confirm_keyboard(t))


async def got_name(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (name := await typed_name(message, t)) is not None:
        await _show_summary(message, state, t, name)


async def used_contact_name(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    name = (await state.get_data()).get("contact_name")
    if (message := await pressed(query)) is not None and name:
        await drop_buttons(query)
        await _show_summary(message, state, t, name)


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmMember,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if (done := await confirmation(query, callback_data.save, state, t)) is None:
        return
    await state.clear()  # saved or refused below, the form is over
    message, data = done.message, done.data
    try:
        liaison = await set_liaison(
            session,
            actor=Actor.from_viewer(viewer),
            county_id=data["county_id"],
            agency_key=data["agency_key"],
            phone=data["phone"],
            full_name=data["name"],
            now=clock(),
        )
    except (PermissionDenied, LookupError) as refused:
        # Kept here: handlers.errors would say «not an official», and an agency gone meanwhile is
        # worth naming.
        key = "liaisons-unknown-agency" if isinstance(refused, UnknownAgency) else "liaisons-not-allowed"
        await message.answer(t(key))
        return
    await message.answer(
        t(
            "liaisons-saved",
            name=liaison.full_name or data["name"],
            agency=data["agency"],
            county=data["county"],
        )
    )
    await _show_county(message, session, viewer, data["county_id"], t)


async def form_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    current = await state.get_state()
    if current == LiaisonForm.phone.state:
        await message.answer(t("member-bad-phone"))
    elif current == LiaisonForm.name.state:
        data = await state.get_data()
        name = data.get("contact_name")
        await message.answer(
            t("member-bad-name", limit=NAME_LIMIT),
            reply_markup=use_name_keyboard(name, t) if name else None,
        )
    else:
        await reask(message, state, t("council-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    # Commands and menu buttons typed in the form go on to their own routers.
    typed = (~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(liaisons, MenuPress("liaisons"))
    router.message.register(liaisons, Command("liaisons"))
    router.callback_query.register(picked_province, LiaisonProvince.filter())
    router.callback_query.register(picked_county, LiaisonCounty.filter())
    router.callback_query.register(picked_agency, LiaisonAgency.filter())
    router.message.register(got_phone, StateFilter(LiaisonForm.phone), F.text | F.contact, *typed)
    router.message.register(got_name, StateFilter(LiaisonForm.name), F.text, *typed)
    router.callback_query.register(used_contact_name, StateFilter(LiaisonForm.name), LiaisonUseName.filter())
    router.callback_query.register(confirmed, StateFilter(LiaisonForm.confirm), ConfirmMember.filter())
    # After the steps: anything else typed in the form is answered here.
    router.message.register(form_expects_something_else, StateFilter(LiaisonForm), *typed)
    return router
