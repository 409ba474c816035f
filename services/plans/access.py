"""Who may read and who may change a plan, by its scope: a province's plan is kept by the
province's officials, a county's by its officials (and the province's above), a neighbourhood's
by its manager (and the officials above); the neighbourhood's council members and committee
heads read their neighbourhood's plan too. Administrators and the operator may do anything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import ScopeKind
from models.plans import Plan
from services.authz import (
    Actor,
    PermissionDenied,
    Region,
    require_can_read_neighbourhood,
    require_county_official,
    require_neighbourhood_manager,
    require_province_official,
)
from services.plans.errors import UnknownPlan

__all__ = ["PLAN_SCOPES", "load_plan", "may_edit_plan", "require_plan_editor", "require_plan_reader"]

PLAN_SCOPES = (ScopeKind.PROVINCE, ScopeKind.COUNTY, ScopeKind.NEIGHBOURHOOD)

Check = Callable[[AsyncSession, Actor, int, str], Awaitable[Region]]
_EDITORS: dict[ScopeKind, Check] = {
    ScopeKind.PROVINCE: require_province_official,
    ScopeKind.COUNTY: require_county_official,
    ScopeKind.NEIGHBOURHOOD: require_neighbourhood_manager,
}
_READERS: dict[ScopeKind, Check] = {
    ScopeKind.PROVINCE: require_province_official,
    ScopeKind.COUNTY: require_county_official,
    ScopeKind.NEIGHBOURHOOD: require_can_read_neighbourhood,
}


def _check(table: dict[ScopeKind, Check], kind: ScopeKind) -> Check:
    if kind not in table:
        raise ValueError(f"a plan belongs to a province, county or neighbourhood, not {kind}")
    return table[kind]


async def require_plan_editor(
    session: AsyncSession, actor: Actor, kind: ScopeKind, scope_id: int, action: str = "plan.edit"
) -> Region:
    """The region of the scope, if the actor may change its plans; else `PermissionDenied`."""
    return await _check(_EDITORS, kind)(session, actor, scope_id, action)


async def require_plan_reader(
    session: AsyncSession, actor: Actor, kind: ScopeKind, scope_id: int, action: str = "plan.read"
) -> Region:
    """The region of the scope, if the actor may read its plans; else `PermissionDenied`."""
    return await _check(_READERS, kind)(session, actor, scope_id, action)


async def load_plan(session: AsyncSession, plan_id: int) -> Plan:
    """The plan with this id; raises `UnknownPlan`."""
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    return plan


async def may_edit_plan(session: AsyncSession, actor: Actor, plan_id: int) -> bool:
    """Whether the actor may change the plan (to offer its edit buttons; the services check again)."""
    plan = await session.get(Plan, plan_id)
    if plan is None:
        return False
    try:
        await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id)
    except PermissionDenied:
        return False
    return True
