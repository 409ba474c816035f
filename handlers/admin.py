"""Officials' tools in the chat: /grant and /revoke (appoint or remove an official, manager or
liaison by phone, with a short form), and /import_regions (an administrator sends the regions CSV
as a document). The services decide who may do what; the form only offers what they would allow
and saves nothing before the confirmation."""

from __future__ import annotations

import io
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Document, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiohttp import ClientError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import reask
from handlers.keyboards import message_of
from handlers.menu import MenuPress
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.appointing import Place, appointable_roles, counties_for, may_appoint_in, provinces_for
from services.authz import Actor, PermissionDenied, UnknownScope
from services.clock import Clock
from services.council import list_agencies
from services.i18n import BoundTranslator
from services.identity_validation import InvalidPhone, normalize_mobile
from services.persian import normalize_text
from services.regions import (
    ImportReport,
    NeighbourhoodMatch,
    RegionImportError,
    RowProblem,
    find_neighbourhoods,
    import_regions,
    normalize_code,
)
from services.roles import SCOPE_OF_ROLE, RoleChange, RoleError, UnknownPerson, grant_role, revoke_role

# The regions of a whole country fit in well under a megabyte; more is a wrong file.
IMPORT_SIZE_LIMIT_MB = 2
IMPORT_SIZE_LIMIT = IMPORT_SIZE_LIMIT_MB * 1024 * 1024
CSV_MIME_TYPES = frozenset({"text/csv", "application/csv", "text/comma-separated-values", "text/x-csv"})
# Problems listed in one answer (the message must stay under 4096 characters).
PROBLEMS_SHOWN = 20
QUERY_LIMIT = 150
MATCHES_SHOWN = 5
ALL_AGENCIES = "*"


class Appoint(StatesGroup):
    phone = State()
    role = State()
    province = State()
    county = State()
    neighbourhood = State()
    agency = State()
    confirm = State()


class ImportRegions(StatesGroup):
    file = State()


class RolePick(CallbackData, prefix="ad_role"):
    role: str


class PlacePick(CallbackData, prefix="ad_place"):
    kind: str  # "province" or "county"
    id: int


class NeighbourhoodPick(CallbackData, prefix="ad_nb"):
    id: int


class AgencyPick(CallbackData, prefix="ad_ag"):
    key: str  # an agency key, or ALL_AGENCIES (revoking only)


class AppointConfirm(CallbackData, prefix="ad_ok"):
    save: bool


class FileTooLarge(Exception):
    """The download went past the size limit."""


class _CappedBuffer(io.BytesIO):
    """A download destination that refuses to grow past `limit` bytes (the messenger may not
    say a document's size beforehand, and Bale often doesn't)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any, /) -> int:
        if self.tell() + len(data) > self.limit:
            raise FileTooLarge
        return super().write(data)


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def roles_keyboard(roles: list[Role], t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(text=t(f"role-{r.value}"), callback_data=RolePick(role=r.value).pack())
            for r in roles
        ],
        1,
    )


def places_keyboard(places: list[Place]) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(text=p.name, callback_data=PlacePick(kind=p.kind.value, id=p.id).pack())
            for p in places
        ],
        2,
    )


def neighbourhoods_keyboard(matches: list[NeighbourhoodMatch], t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                text=t("join-match-button", name=m.name, county=m.county_name),
                callback_data=NeighbourhoodPick(id=m.id).pack(),
            )
            for m in matches
        ],
        1,
    )


def confirm_keyboard(mode: str, t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                text=t(f"admin-button-{mode}"), callback_data=AppointConfirm(save=True).pack()
            ),
            InlineKeyboardButton(text=t("button-cancel"), callback_data=AppointConfirm(save=False).pack()),
        ],
        2,
    )


def place_label(place: dict[str, str] | None, t: BoundTranslator) -> str:
    if place is None:
        return t("admin-scope-global")
    if place["kind"] == ScopeKind.COUNTY.value:
        return t("admin-place-county", county=place["name"], province=place["province"])
    if place["kind"] == ScopeKind.NEIGHBOURHOOD.value:
        return t("admin-place-neighbourhood", name=place["name"], code=place["code"], county=place["county"])
    return place["name"]


def summary(data: dict[str, Any], t: BoundTranslator) -> str:
    lines = [
        t(f"admin-summary-{data['mode']}"),
        t("admin-summary-phone", phone=display_phone(data["phone"])),
        t("admin-summary-role", role=t(f"role-{data['role']}")),
        t("admin-summary-place", place=place_label(data.get("place"), t)),
    ]
    if data["role"] == Role.LIAISON.value:
        lines.append(t("admin-summary-agency", agency=data.get("agency_name") or t("admin-agency-all")))
    return "\n".join(lines)


def change_text(mode: str, change: RoleChange, data: dict[str, Any], t: BoundTranslator) -> str:
    args = {
        "phone": display_phone(change.phone),
        "role": t(f"role-{change.role.value}"),
        "place": place_label(data.get("place"), t),
    }
    if mode == "grant":
        text = t("admin-granted" if change.changed else "admin-grant-unchanged", **args)
        return text + ("\n" + t("admin-granted-new-person") if change.person_created else "")
    return t("admin-revoked" if change.changed else "admin-revoke-unchanged", **args)


def problem_text(problem: RowProblem, t: BoundTranslator) -> str:
    return t(
        f"admin-import-problem-{problem.kind.value}",
        line=problem.line,
        field=problem.field or "",
        value=problem.value or "",
        other=problem.other or "",
    )


def report_text(report: ImportReport, t: BoundTranslator) -> str:
    return t(
        "admin-import-done",
        rows=report.rows,
        provinces=report.provinces_created,
        counties=report.counties_created,
        created=report.neighbourhoods_created,
        updated=report.neighbourhoods_updated,
        unchanged=report.neighbourhoods_unchanged,
    )


def looks_like_csv(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".csv") or (document.mime_type or "").lower() in CSV_MIME_TYPES


def setup() -> Router:
    router = Router(name=__name__)

    # ---- appointing and removing people: /grant, /revoke ----

    async def start_form(
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

    @router.message(Command("grant"))
    @router.message(MenuPress("grant"))
    async def grant(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await start_form(message, state, session, viewer, t, "grant")

    @router.message(Command("revoke"))
    async def revoke(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await start_form(message, state, session, viewer, t, "revoke")

    @router.message(StateFilter(Appoint.phone), F.contact)
    @router.message(StateFilter(Appoint.phone), F.text, ~F.text.startswith("/"))
    async def got_phone(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        raw = message.contact.phone_number if message.contact else (message.text or "")
        try:
            phone = normalize_mobile(raw)
        except InvalidPhone:
            await message.answer(t("admin-bad-phone"))
            return
        data = await state.update_data(phone=phone)
        roles = await appointable_roles(session, Actor.from_viewer(viewer))
        await state.set_state(Appoint.role)
        await message.answer(
            t(f"admin-ask-role-{data['mode']}", phone=display_phone(phone)),
            reply_markup=roles_keyboard(roles, t),
        )

    async def next_step(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        """Ask for what the form still lacks (the place, then the agency), or show the summary."""
        data = await state.get_data()
        role = Role(data["role"])
        kind = SCOPE_OF_ROLE[role]
        actor = Actor.from_viewer(viewer)
        if kind != ScopeKind.GLOBAL and "place" not in data:
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
            return
        if role == Role.LIAISON and "agency" not in data:
            agencies = await list_agencies(session)
            buttons = [
                InlineKeyboardButton(
                    text=a.name_fa if t.locale == "fa" else a.name_en,
                    callback_data=AgencyPick(key=a.key).pack(),
                )
                for a in agencies
            ]
            if data["mode"] == "revoke":
                buttons.append(
                    InlineKeyboardButton(
                        text=t("admin-agency-all"), callback_data=AgencyPick(key=ALL_AGENCIES).pack()
                    )
                )
            await state.set_state(Appoint.agency)
            await message.answer(t("admin-ask-agency"), reply_markup=_rows(buttons, 1))
            return
        await state.set_state(Appoint.confirm)
        await message.answer(summary(data, t), reply_markup=confirm_keyboard(data["mode"], t))

    @router.callback_query(StateFilter(Appoint.role), RolePick.filter())
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
        await query.answer()
        await state.update_data(role=callback_data.role)
        if (message := message_of(query)) is not None:
            await next_step(message, state, session, viewer, t)

    @router.callback_query(StateFilter(Appoint.province, Appoint.county), PlacePick.filter())
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
        await query.answer()
        if place.kind == ScopeKind.PROVINCE and SCOPE_OF_ROLE[role] == ScopeKind.COUNTY:
            await state.update_data(province_id=place.id)  # narrowing down to its counties
        else:
            await state.update_data(
                place={"kind": place.kind.value, "name": place.name, "province": place.province_name}
            )
        if (message := message_of(query)) is not None:
            await next_step(message, state, session, viewer, t)

    async def choose_neighbourhood(
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
        await next_step(message, state, session, viewer, t)

    @router.message(StateFilter(Appoint.neighbourhood), F.text, ~F.text.startswith("/"))
    async def got_neighbourhood(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        query = normalize_text(message.text or "")
        if len(query) > QUERY_LIMIT or not any(c.isalnum() for c in query):
            await message.answer(t("admin-ask-neighbourhood"))
            return
        data = await state.get_data()
        role, actor = Role(data["role"]), Actor.from_viewer(viewer)
        found = await find_neighbourhoods(session, query, limit=MATCHES_SHOWN)
        if not found:
            await message.answer(t("admin-no-neighbourhood", query=query))
            return
        matches = [
            m for m in found if await may_appoint_in(session, actor, role, ScopeKind.NEIGHBOURHOOD, m.id)
        ]
        if not matches:
            await message.answer(t("admin-outside-scope"))
            return
        exact = [m for m in matches if m.code == normalize_code(query) or m.score >= 1.0]
        if len(exact) == 1:
            match = exact[0]
            await choose_neighbourhood(
                message, state, session, viewer, t, match.name, match.code, match.county_name
            )
            return
        await state.update_data(matches={str(m.id): [m.name, m.code, m.county_name] for m in matches})
        await message.answer(t("admin-pick-neighbourhood"), reply_markup=neighbourhoods_keyboard(matches, t))

    @router.callback_query(StateFilter(Appoint.neighbourhood), NeighbourhoodPick.filter())
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
        await query.answer()
        name, code, county = offered
        if (message := message_of(query)) is not None:
            await choose_neighbourhood(message, state, session, viewer, t, name, code, county)

    @router.callback_query(StateFilter(Appoint.agency), AgencyPick.filter())
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
            agency = agencies[key]
            await state.update_data(
                agency=key, agency_name=agency.name_fa if t.locale == "fa" else agency.name_en
            )
        else:
            await query.answer(t("council-use-buttons"), show_alert=True)
            return
        await query.answer()
        if (message := message_of(query)) is not None:
            await next_step(message, state, session, viewer, t)

    @router.callback_query(StateFilter(Appoint.confirm), AppointConfirm.filter())
    async def confirmed(
        query: CallbackQuery,
        callback_data: AppointConfirm,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        data = await state.get_data()
        await state.clear()
        await query.answer()
        message = message_of(query)
        if message is None:
            return
        await message.edit_reply_markup(reply_markup=None)
        if not callback_data.save:
            await message.answer(t("cancel-done"))
            return
        role = Role(data["role"])
        place: dict[str, str] | None = data.get("place")
        scope_name = None if place is None else place.get("code") or place["name"]
        common: dict[str, Any] = {
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
                change = await grant_role(session, **common)
            else:
                change = await revoke_role(session, **common)
        except PermissionDenied:
            reply = t("admin-denied")
        except UnknownPerson:
            reply = t("admin-unknown-person", phone=display_phone(data["phone"]))
        except (RoleError, LookupError, UnknownScope):
            reply = t("admin-not-saved")
        else:
            reply = change_text(data["mode"], change, data, t)
        await message.answer(reply)

    # ---- importing regions from a CSV document: /import_regions ----

    @router.message(Command("import_regions"))
    @router.message(MenuPress("import_regions"))
    async def import_command(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        await state.clear()
        # Spares others a file sent for nothing; the service checks again.
        if not Actor.from_viewer(viewer).is_admin:
            await message.answer(t("admin-import-not-admin"))
            return
        await state.set_state(ImportRegions.file)
        await message.answer(t("admin-import-ask", limit=IMPORT_SIZE_LIMIT_MB))

    @router.message(StateFilter(ImportRegions.file), F.document)
    async def got_file(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
        bot: Bot,
    ) -> None:
        document = message.document
        assert document is not None  # the filter says so
        if not looks_like_csv(document):
            await message.answer(t("admin-import-not-csv", name=document.file_name or "—"))
            return
        too_large = t("admin-import-too-large", limit=IMPORT_SIZE_LIMIT_MB)
        if document.file_size is not None and document.file_size > IMPORT_SIZE_LIMIT:
            await message.answer(too_large)
            return
        try:
            file = await bot.get_file(document.file_id)
            if file.file_path is None:
                raise FileNotFoundError(document.file_id)
            buffer = _CappedBuffer(IMPORT_SIZE_LIMIT)
            await bot.download_file(file.file_path, destination=buffer)
        except FileTooLarge:
            await message.answer(too_large)
            return
        except (TelegramAPIError, ClientError, OSError, TimeoutError):
            await message.answer(t("admin-import-download-failed"))
            return
        try:
            text = buffer.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            await message.answer(t("admin-import-not-utf8"))
            return
        try:
            report = await import_regions(session, text, actor=Actor.from_viewer(viewer), now=clock())
        except PermissionDenied:
            await state.clear()
            await message.answer(t("admin-import-not-admin"))
            return
        except RegionImportError as error:
            # Nothing was imported; the form stays open for the corrected file.
            lines = [t("admin-import-failed")]
            lines += [problem_text(p, t) for p in error.problems[:PROBLEMS_SHOWN]]
            if len(error.problems) > PROBLEMS_SHOWN:
                lines.append(t("admin-import-more", count=len(error.problems) - PROBLEMS_SHOWN))
            await message.answer("\n".join(lines))
            return
        await state.clear()
        await message.answer(report_text(report, t))

    # ---- anything else in the middle of these forms ----

    @router.message(StateFilter(Appoint, ImportRegions), ~F.text.startswith("/"))
    async def form_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        current = await state.get_state()
        if current == Appoint.phone.state:
            await message.answer(t("admin-bad-phone"))
        elif current == Appoint.neighbourhood.state:
            await message.answer(t("admin-ask-neighbourhood"))
        elif current == ImportRegions.file.state:
            await message.answer(t("admin-import-send-document"))
        else:
            await reask(message, state, t("council-use-buttons"))

    return router
