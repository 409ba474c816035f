"""/grant and /revoke: appoint or remove an official, manager or liaison by phone. The form asks
for the phone, the role, the place the role covers (a province, a county, or a neighbourhood found
by name or code) and, for a liaison, the agency; it offers only what the services would allow
(and they check again), and saves nothing before the confirmation."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.admin.appoint_view import (
    ALL_AGENCIES,
    AgencyPick,
    Appoint,
    AppointConfirm,
    NeighbourhoodPick,
    PlacePick,
    RolePick,
    agencies_keyboard,
    agency_name,
    change_text,
    confirm_keyboard,
    neighbourhoods_keyboard,
    places_keyboard,
    roles_keyboard,
    summary,
)
from handlers.forms import confirmation, pressed
from handlers.menu import MenuPress
from handlers.steps import neighbourhood_matches, searchable, the_one_named, typed_phone
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.appointing import appointable_roles, counties_for, may_appoint_in, provinces_for
from services.authz import Actor, PermissionDenied, UnknownScope
from services.clock import Clock
from services.council import list_agencies
from services.i18n import BoundTranslator
from services.persian import normalize_text
from services.roles import SCOPE_OF_ROLE, RoleError, UnknownPerson, grant_role, revoke_role


async def _start_form(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    mode: str,
) -> None:
    await state.clear()  # a command ends whatever form was open
    if not await appointable_roles(session, Actor.from_viewer(viewer)):
        await message.answer(t("admin-not-allowed"))
        return
    await state.set_state(Appoint.phone)
    await state.update_data(mode=mode)
    await message.answer(t(f"admin-ask-phone-{mode}"))


async def grant(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await _start_form(message, state, session, viewer, t, "grant")


async def revoke(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await _start_form(message, state, session, viewer, t, "revoke")


async def got_phone(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    if (phone := await typed_phone(message, t, "admin-bad-phone")) is None:
        return
    data = await state.update_data(phone=phone)
    roles = await appointable_roles(session, Actor.from_viewer(viewer))
    await state.set_state(Appoint.role)
    await message.answer(
        t(f"admin-ask-role-{data['mode']}", phone=display_phone(phone)),
        reply_markup=roles_keyboard(roles, t),
    )


async def _ask_place(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    role: Role,
    data: dict[str, Any],
    t: BoundTranslator,
) -> None:
    """Ask for the place the role covers: a neighbourhood by name, else a province or a county
    by buttons (a province first, unless the person reaches only one)."""
    kind = SCOPE_OF_ROLE[role]
    if kind == ScopeKind.NEIGHBOURHOOD:
        await state.set_state(Appoint.neighbourhood)
        await message.answer(t("admin-ask-neighbourhood"))
        return
    if kind == ScopeKind.COUNTY and "province_id" in data:
        places = await counties_for(session, actor, role, data["province_id"])
    else:
        places = await provinces_for(session, actor, role)
        if kind == ScopeKind.COUNTY and len(places) == 1:
            # One province in reach: straight to its counties.
            places = await counties_for(session, actor, role, places[0].id)
    if not places:
        await state.clear()
        await message.answer(t("admin-no-places"))
        return
    asking_county = places[0].kind == ScopeKind.COUNTY
    await state.set_state(Appoint.county if asking_county else Appoint.province)
    await message.answer(
        t("admin-ask-county" if asking_county else "admin-ask-province"),
        reply_markup=places_keyboard(places),
    )


async def _next_step(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    """Ask for what the form still lacks (the place, then the agency), or show the summary."""
    data = await state.get_data()
    role = Role(data["role"])
    if SCOPE_OF_ROLE[role] != ScopeKind.GLOBAL and "place" not in data:
        await _ask_place(message, state, session, Actor.from_viewer(viewer), role, data, t)
        return
    if role == Role.LIAISON and "agency" not in data:
        agencies = await list_agencies(session)
        await state.set_state(Appoint.agency)
        await message.answer(t("admin-ask-agency"), reply_markup=agencies_keyboard(agencies, data["mode"], t))
        return
    await state.set_state(Appoint.confirm)
    await message.answer(summary(data, t), reply_markup=confirm_keyboard(data["mode"], t))


async def got_role(
    query: CallbackQuery,
    callback_data: RolePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    roles = await appointable_roles(session, Actor.from_viewer(viewer))
    if callback_data.role not in {r.value for r in roles}:
        await query.answer(t("admin-not-allowed"), show_alert=True)
        return
    await state.update_data(role=callback_data.role)
    if (message := await pressed(query)) is not None:
        await _next_step(message, state, session, viewer, t)


async def got_place(
    query: CallbackQuery,
    callback_data: PlacePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    data = await state.get_data()
    role, actor = Role(data["role"]), Actor.from_viewer(viewer)
    # Only what was offered (recomputed now) is accepted: a forged or stale button is refused.
    offered = (
        await counties_for(session, actor, role)
        if callback_data.kind == ScopeKind.COUNTY.value
        else await provinces_for(session, actor, role)
    )
    place = next(
        (p for p in offered if p.kind.value == callback_data.kind and p.id == callback_data.id), None
    )
    if place is None:
        await query.answer(t("admin-outside-scope"), show_alert=True)
        return
    message = await pressed(query)
    if place.kind == ScopeKind.PROVINCE and SCOPE_OF_ROLE[role] == ScopeKind.COUNTY:
        await state.update_data(province_id=place.id)  # narrowing down to its counties
    else:
        await state.update_data(
            place={"kind": place.kind.value, "name": place.name, "province": place.province_name}
        )
    if message is not None:
        await _next_step(message, state, session, viewer, t)


async def _choose_neighbourhood(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    name: str,
    code: str,
    county: str,
) -> None:
    place = {"kind": ScopeKind.NEIGHBOURHOOD.value, "name": name, "code": code, "county": county}
    await state.update_data(place=place)
    await _next_step(message, state, session, viewer, t)


async def got_neighbourhood(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    query = normalize_text(message.text or "")
    if not searchable(query):
        await message.answer(t("admin-ask-neighbourhood"))
        return
    data = await state.get_data()
    role, actor = Role(data["role"]), Actor.from_viewer(viewer)
    found = await neighbourhood_matches(session, query)
    if not found:
        await message.answer(t("admin-no-neighbourhood", query=query))
        return
    matches = [m for m in found if await may_appoint_in(session, actor, role, ScopeKind.NEIGHBOURHOOD, m.id)]
    if not matches:
        await message.answer(t("admin-outside-scope"))
        return
    if (match := the_one_named(matches, query)) is not None:
        await _choose_neighbourhood(
            message, state, session, viewer, t, match.name, match.code, match.county_name
        )
        return
    await state.update_data(matches={str(m.id): [m.name, m.code, m.county_name] for m in matches})
    await message.answer(t("admin-pick-neighbourhood"), reply_markup=neighbourhoods_keyboard(matches, t))


async def picked_neighbourhood(
    query: CallbackQuery,
    callback_data: NeighbourhoodPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    data = await state.get_data()
    offered = data.get("matches", {}).get(str(callback_data.id))
    if offered is None:
        await query.answer(t("admin-outside-scope"), show_alert=True)
        return
    name, code, county = offered
    if (message := await pressed(query)) is not None:
        await _choose_neighbourhood(message, state, session, viewer, t, name, code, county)


async def got_agency(
    query: CallbackQuery,
    callback_data: AgencyPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    data = await state.get_data()
    agencies = {a.key: a for a in await list_agencies(session)}
    key = callback_data.key
    if key == ALL_AGENCIES and data["mode"] == "revoke":
        await state.update_data(agency=None, agency_name=None)
    elif key in agencies:
        await state.update_data(agency=key, agency_name=agency_name(agencies[key], t))
    else:
        await query.answer(t("council-use-buttons"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        await _next_step(message, state, session, viewer, t)


async def _change_role(
    session: AsyncSession, data: dict[str, Any], viewer: Viewer, clock: Clock, t: BoundTranslator
) -> str:
    """Grant or revoke what the form gathered; the answer to give, whether it was saved or not."""
    role = Role(data["role"])
    place: dict[str, str] | None = data.get("place")
    scope_name = None if place is None else place.get("code") or place["name"]
    change_args: dict[str, Any] = {
        "actor": Actor.from_viewer(viewer),
        "phone": data["phone"],
        "role": role,
        "scope_kind": SCOPE_OF_ROLE[role],
        "scope_name_or_code": scope_name,
        "province_name": place["province"] if place and place["kind"] == ScopeKind.COUNTY.value else None,
        "agency_key": data.get("agency"),
        "now": clock(),
    }
    try:
        if data["mode"] == "grant":
            change = await grant_role(session, **change_args)
        else:
            change = await revoke_role(session, **change_args)
    except PermissionDenied:
        return t("admin-denied")
    except UnknownPerson:
        return t("admin-unknown-person", phone=display_phone(data["phone"]))
    except (RoleError, LookupError, UnknownScope):
        return t("admin-not-saved")
    return change_text(data["mode"], change, data, t)


async def confirmed(
    query: CallbackQuery,
    callback_data: AppointConfirm,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if (done := await confirmation(query, callback_data.save, state, t)) is None:
        return
    await state.clear()
    await done.message.answer(await _change_role(session, done.data, viewer, clock, t))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(grant, MenuPress("grant"))
    router.message.register(grant, Command("grant"))
    router.message.register(revoke, Command("revoke"))
    router.message.register(got_phone, StateFilter(Appoint.phone), F.text, ~F.text.startswith("/"))
    router.message.register(got_phone, StateFilter(Appoint.phone), F.contact)
    router.callback_query.register(got_role, StateFilter(Appoint.role), RolePick.filter())
    router.callback_query.register(
        got_place, StateFilter(Appoint.province, Appoint.county), PlacePick.filter()
    )
    router.message.register(
        got_neighbourhood, StateFilter(Appoint.neighbourhood), F.text, ~F.text.startswith("/")
    )
    router.callback_query.register(
        picked_neighbourhood, StateFilter(Appoint.neighbourhood), NeighbourhoodPick.filter()
    )
    router.callback_query.register(got_agency, StateFilter(Appoint.agency), AgencyPick.filter())
    router.callback_query.register(confirmed, StateFilter(Appoint.confirm), AppointConfirm.filter())
    return router
