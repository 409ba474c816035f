"""Who may do what with a survey, and where a survey reaches.

A manager creates, closes and reads the surveys of their neighbourhood; a county official those
of their county (a county survey goes to every neighbourhood of the county); officials above and
administrators may too (`services.authz`). A manager of a neighbourhood of the county reads a
county survey's results for their own neighbourhood only. A resident answers the open surveys
that reach their neighbourhood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import County, Neighbourhood, Role, RoleAssignment, ScopeKind
from models.surveys import Survey
from services.authz import (
    MANAGERS,
    OFFICIALS,
    Actor,
    PermissionDenied,
    Region,
    allows,
    region_of,
    require_county_official,
    require_neighbourhood_manager,
)
from services.surveys.errors import UnknownSurvey

__all__ = [
    "SurveyScope",
    "load_survey",
    "require_survey_manager",
    "resident_neighbourhoods",
    "results_neighbourhood",
    "scope_neighbourhoods",
    "scope_of",
    "survey_scopes",
]


@dataclass(frozen=True)
class SurveyScope:
    """Where a survey goes: one neighbourhood, or every neighbourhood of a county. `name` is for
    showing (filled by `survey_scopes`)."""

    kind: ScopeKind
    id: int
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (ScopeKind.NEIGHBOURHOOD, ScopeKind.COUNTY):
            raise ValueError(f"a survey goes to a neighbourhood or a county, not a {self.kind.value}")


def scope_of(survey: Survey) -> SurveyScope:
    if survey.neighbourhood_id is not None:
        return SurveyScope(ScopeKind.NEIGHBOURHOOD, survey.neighbourhood_id)
    return SurveyScope(ScopeKind.COUNTY, survey.county_id)


async def load_survey(session: AsyncSession, survey_id: int, *, for_update: bool = False) -> Survey:
    """The survey, or `UnknownSurvey`."""
    query = select(Survey).where(Survey.id == survey_id)
    if for_update:
        query = query.with_for_update()
    survey: Survey | None = await session.scalar(query)
    if survey is None:
        raise UnknownSurvey(survey_id)
    return survey


async def require_survey_manager(
    session: AsyncSession, actor: Actor, scope: SurveyScope, action: str = "survey"
) -> Region:
    """Who may create (and close) a survey of `scope`: for a neighbourhood its manager and the
    officials above it, for a county its officials and those above; else `PermissionDenied`."""
    if scope.kind == ScopeKind.NEIGHBOURHOOD:
        return await require_neighbourhood_manager(session, actor, scope.id, action)
    return await require_county_official(session, actor, scope.id, action)


async def results_neighbourhood(session: AsyncSession, actor: Actor, survey: Survey) -> int | None:
    """Whose answers the actor may read: all of them (None) for those who manage the survey; a
    county survey's answers from their own neighbourhood for a manager there; else
    `PermissionDenied`."""
    scope = scope_of(survey)
    region = await region_of(session, scope.kind, scope.id)
    if allows(actor, region, MANAGERS if scope.kind == ScopeKind.NEIGHBOURHOOD else OFFICIALS):
        return None
    if scope.kind == ScopeKind.COUNTY:
        for grant in actor.grants:
            if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
                county = await session.scalar(
                    select(Neighbourhood.county_id).where(Neighbourhood.id == grant.scope_id)
                )
                if county == survey.county_id:
                    return grant.scope_id
    raise PermissionDenied("survey.results", region)


async def scope_neighbourhoods(session: AsyncSession, survey: Survey) -> list[int]:
    """The neighbourhoods the survey reaches."""
    if survey.neighbourhood_id is not None:
        return [survey.neighbourhood_id]
    return list(
        await session.scalars(
            select(Neighbourhood.id)
            .where(Neighbourhood.county_id == survey.county_id)
            .order_by(Neighbourhood.id)
        )
    )


async def resident_neighbourhoods(session: AsyncSession, person_id: int) -> list[int]:
    """The neighbourhoods the person joined as a resident."""
    return list(
        await session.scalars(
            select(RoleAssignment.scope_id)
            .where(
                RoleAssignment.person_id == person_id,
                RoleAssignment.role == Role.RESIDENT,
                RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
            )
            .order_by(RoleAssignment.id)
        )
    )


async def _names(
    session: AsyncSession, model: type[Neighbourhood] | type[County], ids: Sequence[int]
) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {row_id: name for row_id, name in rows.tuples()}


async def survey_scopes(session: AsyncSession, actor: Actor) -> list[SurveyScope]:
    """Where the actor creates surveys in the chat: the neighbourhoods they manage, then the
    counties they are an official of (with names)."""
    neighbourhoods = [
        g.scope_id for g in actor.grants if g.role == Role.MANAGER and g.scope_kind == ScopeKind.NEIGHBOURHOOD
    ]
    counties = [
        g.scope_id
        for g in actor.grants
        if g.role == Role.COUNTY_OFFICIAL and g.scope_kind == ScopeKind.COUNTY
    ]
    neighbourhood_names = await _names(session, Neighbourhood, neighbourhoods)
    county_names = await _names(session, County, counties)
    return [
        SurveyScope(ScopeKind.NEIGHBOURHOOD, n, neighbourhood_names[n])
        for n in dict.fromkeys(neighbourhoods)
        if n in neighbourhood_names
    ] + [
        SurveyScope(ScopeKind.COUNTY, c, county_names[c])
        for c in dict.fromkeys(counties)
        if c in county_names
    ]
