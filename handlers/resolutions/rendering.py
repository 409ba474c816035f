"""What the lists look like: one page of a resolution list, a neighbourhood's or the viewer's own,
with its filter, committee, paging and item buttons (`render_list`), whose neighbourhood a viewer
follows (`council_neighbourhood`), and long texts (a list, a history) cut into messages under the
messenger's limit (`split_messages`)."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.keyboards import committee_buttons, in_rows, keyboard
from handlers.resolutions.keyboards import (
    AddResolution,
    CommitteeFilter,
    OpenResolution,
    ResolutionList,
)
from models.council import CommitteeKey
from models.identity import Role, ScopeKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.i18n import BoundTranslator
from services.regions import neighbourhood_name
from services.resolutions import (
    ResolutionFilter,
    ResolutionView,
    list_resolutions,
    resolution_line,
    resolutions_for_person,
)

PAGE_SIZE = 8
# Telegram refuses messages over 4096 characters; keep a margin for the client's own marks.
MESSAGE_LIMIT = 4000


def split_messages(parts: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join `parts` with blank lines into as few messages as fit under `limit` (a part longer
    than the limit is cut)."""
    messages: list[str] = []
    current = ""
    for part in parts:
        part = part if len(part) <= limit else part[: limit - 1] + "…"
        candidate = f"{current}\n\n{part}" if current else part
        if len(candidate) > limit:
            messages.append(current)
            current = part
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def council_neighbourhood(viewer: Viewer) -> int | None:
    """The neighbourhood whose resolutions the viewer follows: the one they manage, else the one
    whose council they sit on."""
    managed = managed_neighbourhood(viewer)
    if managed is not None:
        return managed
    for grant in viewer.roles:
        if (
            grant.role in (Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD)
            and grant.scope_kind == ScopeKind.NEIGHBOURHOOD
        ):
            return grant.scope_id
    return None


def committee_keyboard(t: BoundTranslator, nid: int, flt: str) -> InlineKeyboardMarkup:
    """The committees to narrow a neighbourhood's list to, and «all committees»."""
    rows = in_rows(
        committee_buttons(t, lambda key: ResolutionList(scope="n", nid=nid, flt=flt, com=key).pack()), 2
    )
    rows.append([(t("resolutions-all-committees"), ResolutionList(scope="n", nid=nid, flt=flt).pack())])
    return keyboard(rows)


def _filter_rows(t: BoundTranslator, current: ResolutionList) -> list[list[tuple[str, str]]]:
    """The state filters in two rows, the current one marked; the committee is kept."""
    filters = []
    for flt in ResolutionFilter:
        label = t(f"resolutions-filter-{flt.value}")
        if flt.value == current.flt:
            label = t("resolutions-filter-current", label=label)
        filters.append(
            (
                label,
                ResolutionList(scope=current.scope, nid=current.nid, flt=flt.value, com=current.com).pack(),
            )
        )
    return [filters[:3], filters[3:]]


def _scope_row(t: BoundTranslator, current: ResolutionList, home: int | None) -> list[tuple[str, str]]:
    """From a neighbourhood's list: by committee, or the viewer's own; from the viewer's own: back
    to their council's neighbourhood, when they have one."""
    if current.scope == "n":
        return [
            (t("resolutions-button-committee"), CommitteeFilter(nid=current.nid, flt=current.flt).pack()),
            (t("resolutions-button-mine"), ResolutionList(scope="m", nid=0, flt=current.flt).pack()),
        ]
    if home is not None:
        return [
            (
                t("resolutions-button-neighbourhood"),
                ResolutionList(scope="n", nid=home, flt=current.flt).pack(),
            )
        ]
    return []


def _pager_row(t: BoundTranslator, current: ResolutionList, pages: int) -> list[tuple[str, str]]:
    pager = []
    if current.page > 0:
        pager.append(
            (t("resolutions-button-previous"), current.model_copy(update={"page": current.page - 1}).pack())
        )
    if current.page + 1 < pages:
        pager.append(
            (t("resolutions-button-next"), current.model_copy(update={"page": current.page + 1}).pack())
        )
    return pager


def _list_keyboard(
    t: BoundTranslator,
    views: list[ResolutionView],
    current: ResolutionList,
    *,
    pages: int,
    can_add: bool,
    home: int | None,
) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, str]]] = in_rows(
        [(t("resolution-button-open", id=v.id), OpenResolution(resolution_id=v.id).pack()) for v in views], 4
    )
    rows += _filter_rows(t, current)
    rows.append(_scope_row(t, current, home))
    rows.append(_pager_row(t, current, pages))
    if can_add:
        rows.append([(t("resolutions-button-add"), AddResolution().pack())])
    return keyboard(rows)


async def _listed(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, today: date, current: ResolutionList
) -> tuple[list[ResolutionView], str, bool]:
    """The resolutions of the list (all pages), its title, and whether the viewer may add one."""
    flt = ResolutionFilter(current.flt)
    committee = CommitteeKey(current.com) if current.com else None  # malformed in any list: ValueError
    if current.scope != "n":
        if viewer.person_id is None:
            raise PermissionDenied("resolution.mine")
        views = await resolutions_for_person(session, person_id=viewer.person_id, today=today, filter=flt)
        return views, t("resolutions-mine-title", filter=t(f"resolutions-filter-{flt.value}")), False
    views = await list_resolutions(
        session,
        actor=Actor.from_viewer(viewer),
        neighbourhood_id=current.nid,
        today=today,
        filter=flt,
        committee=committee,
    )
    title = t(
        "resolutions-title",
        name=await neighbourhood_name(session, current.nid),
        filter=t(f"resolutions-filter-{flt.value}"),
    )
    if committee is not None:
        title += "\n" + t("resolutions-title-committee", committee=t(f"committee-{committee.value}"))
    return views, title, managed_neighbourhood(viewer) == current.nid


async def render_list(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, today: date, current: ResolutionList
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of a resolution list with its filter, paging and item buttons; raises
    `PermissionDenied` (and ValueError for a malformed filter)."""
    views, title, can_add = await _listed(session, viewer, t, today, current)
    pages = max(1, -(-len(views) // PAGE_SIZE))
    page = min(max(current.page, 0), pages - 1)
    current = current.model_copy(update={"page": page})
    shown = views[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    parts = [title]
    if shown:
        parts.append(t("resolutions-page", count=len(views), page=page + 1, pages=pages))
        parts += [resolution_line(t, v, today, with_place=current.scope == "m") for v in shown]
    else:
        parts.append(t("resolutions-empty"))
    # One page is a handful of lines, each shortened: far under the limit, but never over it.
    text = split_messages(parts)[0]
    markup = _list_keyboard(
        t, shown, current, pages=pages, can_add=can_add, home=council_neighbourhood(viewer)
    )
    return text, markup
