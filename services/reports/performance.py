"""Building a performance report: who may ask for which, the queries of `models.reports_repo` run
once for the report's units (and once more for the few figures that do not add up, such as
medians), the rows turned into the figures of `services.reports.figures`, the whole added up
from its units, and the units ranked."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import reports_repo as repo
from models.council import STANDING_COMMITTEES, CommitteeKey
from models.identity import County, Neighbourhood, Province, ScopeKind
from models.reports_repo import WHOLE, BodyKey, Grouping, Span, Units
from models.resolutions import MeetingKind
from services.authz import (
    Actor,
    require_county_official,
    require_neighbourhood_manager,
    require_province_official,
)
from services.council import PROGRAMME_KEYS
from services.jalali import tehran_today
from services.plans import PlanProgress, scope_plans_progress, tally, whole_percent
from services.reports.figures import (
    ActionFigures,
    AgencyRef,
    BodyResolutions,
    CommitteeRequests,
    CommitteeSetup,
    CouncilSetup,
    LiaisonCoverage,
    LiaisonGap,
    NeedsAssessmentSummary,
    OverdueResolution,
    PerformanceReport,
    PeriodFigures,
    PlansProgress,
    PlanStanding,
    ProgrammeActions,
    RankedUnit,
    Ranking,
    ReportLevel,
    RequestFigures,
    RequestStats,
    ResolutionCounts,
    ResolutionFigures,
    ResponsibleBody,
    UnitRef,
    UnitReport,
)
from services.reports.period import Period

__all__ = [
    "DEFAULT_FIRST_RESPONSE_HOURS",
    "DEFAULT_RESOLUTION_DAYS",
    "NEEDS_SHOWN",
    "RANKING_SIZE",
    "URGENT_SLA_SHARE",
    "performance_report",
]

# The request targets the SLA reminders use (services.requests.run_sla_reminders): a committee's
# own from `committee_sla`, else these; an urgent request gets a quarter of them.
# tests/unit/test_reports.py checks they still agree with services.requests.
DEFAULT_FIRST_RESPONSE_HOURS = 48
DEFAULT_RESOLUTION_DAYS = 14
URGENT_SLA_SHARE = 0.25
# Units named under "improved" and under "stuck".
RANKING_SIZE = 5
# Top needs named for a unit (as many as a survey records for a neighbourhood,
# services.surveys.TOP_NEEDS).
NEEDS_SHOWN = 3

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class _Context:
    """What every unit's figures are read against: the agencies and the request targets."""

    agencies: Mapping[int, AgencyRef]
    targets: repo.RequestTargets


async def _context(session: AsyncSession) -> _Context:
    agencies = {a.id: AgencyRef(a.id, a.key, a.name_fa, a.name_en) for a in await repo.agencies(session)}
    own = await repo.committee_targets(session)
    targets = repo.RequestTargets(
        response={committee: hours * 3600.0 for committee, (hours, _) in own.items()},
        resolution={committee: days * 86400.0 for committee, (_, days) in own.items()},
        default_response=DEFAULT_FIRST_RESPONSE_HOURS * 3600.0,
        default_resolution=DEFAULT_RESOLUTION_DAYS * 86400.0,
        urgent_share=URGENT_SLA_SHARE,
    )
    return _Context(agencies, targets)


# ---- who may ask, and which neighbourhoods a report covers ----

_ACTION = "performance report"


async def _scope(
    session: AsyncSession, actor: Actor, level: ReportLevel, scope_id: int
) -> tuple[UnitRef, Units, dict[int, UnitRef]]:
    """Check the actor may see the report; return its scope, its units and their names."""
    if level is ReportLevel.NEIGHBOURHOOD:
        await require_neighbourhood_manager(session, actor, scope_id, _ACTION)
        units = Units(Neighbourhood.id == scope_id, Grouping.NEIGHBOURHOOD)
    elif level is ReportLevel.COUNTY:
        await require_county_official(session, actor, scope_id, _ACTION)
        units = Units(Neighbourhood.county_id == scope_id, Grouping.NEIGHBOURHOOD)
    else:
        await require_province_official(session, actor, scope_id, _ACTION)
        counties = select(County.id).where(County.province_id == scope_id)
        units = Units(Neighbourhood.county_id.in_(counties), Grouping.COUNTY)
    if units.grouping is Grouping.COUNTY:
        names = await repo.counties_of(session, scope_id)
        kind = ScopeKind.COUNTY
    else:
        names = await repo.unit_names(session, units)
        kind = ScopeKind.NEIGHBOURHOOD
    refs = {uid: UnitRef(kind, uid, n.name, n.code, n.selected) for uid, n in names.items()}
    return await _scope_ref(session, level, scope_id, refs), units, refs


async def _scope_ref(
    session: AsyncSession, level: ReportLevel, scope_id: int, refs: dict[int, UnitRef]
) -> UnitRef:
    if level is ReportLevel.NEIGHBOURHOOD:
        return refs[scope_id]
    model: Any = County if level is ReportLevel.COUNTY else Province
    name = await session.scalar(select(model.name).where(model.id == scope_id))
    return UnitRef(ScopeKind(level.value), scope_id, str(name))


# ---- rows gathered by unit, and into the whole ----


def _by_unit(rows: Mapping[tuple[int, K], V]) -> dict[int, dict[K, V]]:
    split: dict[int, dict[K, V]] = defaultdict(dict)
    for (unit, key), value in rows.items():
        split[unit][key] = value
    return split


def _into_whole(rows: Mapping[tuple[int, K], Any]) -> dict[tuple[int, K], Any]:
    """Every unit's rows added up as the whole's (rows of counts add with `+`)."""
    whole: dict[tuple[int, K], Any] = {}
    for (_, key), value in rows.items():
        whole[WHOLE, key] = whole[WHOLE, key] + value if (WHOLE, key) in whole else value
    return whole


@dataclass(frozen=True)
class _PeriodRows:
    """The rows of every period query for one grouping, keyed by unit (and what they break down by)."""

    formed: Mapping[int, int]
    meetings: Mapping[tuple[int, MeetingKind], int]
    resolutions: Mapping[tuple[int, BodyKey], repo.ResolutionRow]
    backlog: Mapping[int, repo.OverdueRow]
    requests: Mapping[tuple[int, CommitteeKey], repo.RequestRow]
    # Per unit (and committee), and for the whole (unit WHOLE): medians do not add up.
    medians: Mapping[tuple[int, CommitteeKey | None], float]
    actions: Mapping[tuple[int, str | None], repo.ActionRow]

    def whole(self) -> _PeriodRows:
        """The units added up into one."""
        oldest = min(self.backlog.values(), key=lambda row: (row.deadline, row.id), default=None)
        total = sum(row.count for row in self.backlog.values())
        backlog = {WHOLE: replace(oldest, count=total)} if oldest is not None else {}
        return _PeriodRows(
            formed={WHOLE: sum(self.formed.values())},
            meetings=_into_whole(self.meetings),
            resolutions=_into_whole(self.resolutions),
            backlog=backlog,
            requests=_into_whole(self.requests),
            medians={key: value for key, value in self.medians.items() if key[0] == WHOLE},
            actions=_into_whole(self.actions),
        )


async def _period_rows(session: AsyncSession, units: Units, span: Span, context: _Context) -> _PeriodRows:
    return _PeriodRows(
        formed=await repo.councils_formed_in(session, units, span),
        meetings=await repo.meeting_counts(session, units, span),
        resolutions=await repo.resolution_counts(session, units, span),
        backlog=await repo.overdue_backlog(session, units, span),
        requests=await repo.request_counts(session, units, span, context.targets),
        medians=await repo.median_hours_to_resolve(session, units, span),
        actions=await repo.action_counts(session, units, span),
    )


# ---- rows turned into figures ----


def _body(key: BodyKey, context: _Context) -> ResponsibleBody:
    kind, committee, agency_id = key
    return ResponsibleBody(
        kind, committee, context.agencies.get(agency_id) if agency_id is not None else None
    )


def _counts(row: repo.ResolutionRow) -> ResolutionCounts:
    return ResolutionCounts(row.made, row.done, row.done_on_time, row.overdue, row.cancelled)


def _resolution_figures(
    rows: Mapping[BodyKey, repo.ResolutionRow],
    backlog: repo.OverdueRow | None,
    context: _Context,
    today: date,
) -> ResolutionFigures:
    total = sum(rows.values(), repo.ResolutionRow())
    by_body = sorted(
        (BodyResolutions(_body(key, context), _counts(row)) for key, row in rows.items()),
        key=lambda b: (-b.counts.overdue, -b.counts.made, b.body.kind, b.body.committee or "", _agency_id(b)),
    )
    oldest = None
    if backlog is not None:
        place = UnitRef(
            ScopeKind.NEIGHBOURHOOD,
            backlog.neighbourhood_id,
            backlog.neighbourhood_name,
            backlog.neighbourhood_code,
        )
        oldest = OverdueResolution(
            backlog.id,
            backlog.text,
            backlog.deadline,
            (today - backlog.deadline).days,
            _body(backlog.body, context),
            place,
        )
    return ResolutionFigures(_counts(total), tuple(by_body), backlog.count if backlog else 0, oldest)


def _agency_id(item: BodyResolutions) -> int:
    return item.body.agency.id if item.body.agency else 0


def _stats(row: repo.RequestRow, median: float | None) -> RequestStats:
    return RequestStats(
        row.received,
        row.answered_in_target,
        row.resolved,
        row.resolved_in_target,
        row.reopened,
        row.rated,
        row.rating_sum,
        row.emergencies,
        None if median is None else round(median, 1),
    )


def _request_figures(
    rows: Mapping[CommitteeKey, repo.RequestRow], medians: Mapping[CommitteeKey | None, float]
) -> RequestFigures:
    total = sum(rows.values(), repo.RequestRow())
    by_committee = tuple(
        CommitteeRequests(committee, _stats(rows[committee], medians.get(committee)))
        for committee in CommitteeKey
        if committee in rows
    )
    return RequestFigures(_stats(total, medians.get(None)), by_committee)


def _action_figures(rows: Mapping[str | None, repo.ActionRow]) -> ActionFigures:
    total = sum(rows.values(), repo.ActionRow())
    # Every programme listed (zeros too); a tag no longer known is counted as untagged.
    untagged = sum((row for key, row in rows.items() if key not in PROGRAMME_KEYS), repo.ActionRow())
    listed = [
        ProgrammeActions(key, rows[key].actions, rows[key].photos)
        if key in rows
        else ProgrammeActions(key, 0, 0)
        for key in PROGRAMME_KEYS
    ]
    listed.append(ProgrammeActions(None, untagged.actions, untagged.photos))
    return ActionFigures(total.actions, total.photos, tuple(listed))


def _period_figures(rows: _PeriodRows, context: _Context, today: date) -> Callable[[int], PeriodFigures]:
    """A function giving each unit's figures from the rows of all units (split once)."""
    meetings, resolutions = _by_unit(rows.meetings), _by_unit(rows.resolutions)
    requests, medians, actions = _by_unit(rows.requests), _by_unit(rows.medians), _by_unit(rows.actions)

    def figures(unit: int) -> PeriodFigures:
        return PeriodFigures(
            councils_formed=rows.formed.get(unit, 0),
            meetings={kind: meetings[unit].get(kind, 0) for kind in MeetingKind},
            resolutions=_resolution_figures(resolutions[unit], rows.backlog.get(unit), context, today),
            requests=_request_figures(requests[unit], medians[unit]),
            actions=_action_figures(actions[unit]),
        )

    return figures


# ---- how far the councils are set up ----


@dataclass(frozen=True)
class _SetupRows:
    formation: Mapping[int, repo.FormationRow]
    seats: Mapping[tuple[int, CommitteeKey], repo.CommitteeRow]
    profiles: Mapping[int, int]
    liaisons: Mapping[int, repo.LiaisonRow]

    def whole(self, liaisons: Mapping[int, repo.LiaisonRow]) -> _SetupRows:
        """The units added up into one (liaisons are counted per county: queried for the whole)."""
        formation = list(self.formation.values())
        return _SetupRows(
            formation={WHOLE: sum(formation[1:], formation[0])} if formation else {},
            # Several neighbourhoods have several heads: none is named.
            seats={key: replace(row, head_name=None) for key, row in _into_whole(self.seats).items()},
            profiles={WHOLE: sum(self.profiles.values())},
            liaisons=liaisons,
        )


async def _setup_rows(session: AsyncSession, units: Units) -> _SetupRows:
    return _SetupRows(
        formation=await repo.formation(session, units),
        seats=await repo.committee_seats(session, units),
        profiles=await repo.profiles_written(session, units),
        liaisons=await repo.liaison_coverage(session, units),
    )


def _coverage(row: repo.LiaisonRow | None, context: _Context) -> LiaisonCoverage:
    counties = row.counties if row else 0
    named = row.named if row else {}
    gaps = tuple(
        LiaisonGap(agency, counties - named.get(agency.id, 0))
        for agency in context.agencies.values()
        if named.get(agency.id, 0) < counties
    )
    return LiaisonCoverage(len(context.agencies), counties, sum(named.values()), gaps)


def _setup(rows: _SetupRows, context: _Context) -> Callable[[int], tuple[CouncilSetup, LiaisonCoverage]]:
    """A function giving each unit's set-up and liaison coverage from the rows of all units."""
    seats = _by_unit(rows.seats)
    empty = repo.FormationRow(0, 0, 0, None, None)

    def setup(unit: int) -> tuple[CouncilSetup, LiaisonCoverage]:
        formation = rows.formation.get(unit, empty)
        formed_on = formation.formed_on
        if formed_on is None and formation.first_member_at is not None:
            formed_on = tehran_today(formation.first_member_at)
        committees = tuple(
            CommitteeSetup(committee, row.headed, row.members, row.head_name)
            if (row := seats[unit].get(committee))
            else CommitteeSetup(committee, 0, 0, None)
            for committee in STANDING_COMMITTEES
        )
        council = CouncilSetup(
            formation.neighbourhoods,
            formation.councils_formed,
            formed_on if formation.councils_formed else None,
            formation.members,
            committees,
            rows.profiles.get(unit, 0),
        )
        return council, _coverage(rows.liaisons.get(unit), context)

    return setup


# ---- needs assessments and plans ----


def _top_needs(lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The needs most often among these top-needs lists (each a neighbourhood's latest), most
    frequent first; ties by the better mean place in the lists, then by name. One list comes back
    as it is (cut to `NEEDS_SHOWN`)."""
    count: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for needs in lists:
        for place, need in enumerate(needs):
            count[need] += 1
            places[need] += place
    ranked = sorted(count, key=lambda need: (-count[need], places[need] / count[need], need))
    return tuple(ranked[:NEEDS_SHOWN])


async def _needs(
    session: AsyncSession, units: Units, span: Span
) -> tuple[Callable[[int], NeedsAssessmentSummary], NeedsAssessmentSummary]:
    """Each unit's needs assessments (a function of the unit's id) and the whole's: two queries."""
    counts = await repo.needs_assessment_counts(session, units, span)
    latest = await repo.latest_top_needs(session, units, span)
    lists: dict[int, list[list[str]]] = defaultdict(list)
    for unit, needs in latest:
        lists[unit].append(needs)

    def summary(unit: int) -> NeedsAssessmentSummary:
        row = counts.get(unit)
        return NeedsAssessmentSummary(
            row.done if row else 0, row.latest_on if row else None, _top_needs(lists[unit])
        )

    dates = [row.latest_on for row in counts.values() if row.latest_on is not None]
    whole = NeedsAssessmentSummary(
        sum(row.done for row in counts.values()),
        max(dates, default=None),
        _top_needs(needs for _, needs in latest),
    )
    return summary, whole


def _plans_progress(plans: Sequence[PlanProgress], ref: UnitRef) -> PlansProgress:
    figures = tally(plans)
    own = tuple(
        PlanStanding(p.title, whole_percent(p.progress), p.projects, p.late_projects)
        for p in plans
        if p.scope_kind is ref.kind and p.scope_id == ref.id
    )
    progress = None if figures.progress is None else whole_percent(figures.progress)
    return PlansProgress(figures.plans, progress, figures.projects, figures.late_projects, own)


async def _plans(
    session: AsyncSession, scope: UnitRef, units: Units, today: date
) -> tuple[Callable[[UnitRef], PlansProgress], PlansProgress]:
    """Each unit's plans (a function of the unit) and the whole's: the plans of the scope and of
    every region in it, loaded at once (`services.plans.scope_plans_progress`: two queries), and
    the neighbourhoods' units when some plan is a neighbourhood's (one more)."""
    plans = await scope_plans_progress(session, scope.kind, scope.id, today, within=True)
    place: dict[int, int] = {}
    if any(p.scope_kind is ScopeKind.NEIGHBOURHOOD for p in plans):
        place = await repo.neighbourhood_units(session, units)
    by_unit: dict[int, list[PlanProgress]] = defaultdict(list)
    for plan in plans:
        unit = None
        if plan.scope_kind is ScopeKind.NEIGHBOURHOOD:
            unit = place.get(plan.scope_id)
        elif plan.scope_kind is ScopeKind.COUNTY and units.grouping is Grouping.COUNTY:
            unit = plan.scope_id
        # A county's plan in its own county's report, a province's in the province's: the whole's.
        if unit is not None:
            by_unit[unit].append(plan)
    return (lambda ref: _plans_progress(by_unit[ref.id], ref)), _plans_progress(plans, scope)


# ---- the report ----


def _ranking(units: tuple[UnitReport, ...]) -> Ranking:
    """Improved: the score rose against the previous period (most first). Stuck: resolutions
    overdue at the period's end and the score no better than before (most overdue first)."""
    ranked = [
        RankedUnit(u.unit, u.current.score, u.previous.score, u.current.resolutions.overdue_now)
        for u in units
    ]
    improved = sorted((r for r in ranked if (r.delta or 0) > 0), key=lambda r: (-(r.delta or 0), r.unit.name))
    stuck = sorted(
        (r for r in ranked if r.overdue_now > 0 and (r.delta is None or r.delta <= 0)),
        key=lambda r: (-r.overdue_now, r.unit.name),
    )
    return Ranking(tuple(improved[:RANKING_SIZE]), tuple(stuck[:RANKING_SIZE]))


async def _whole(
    session: AsyncSession,
    scope: UnitRef,
    units: Units,
    rows: tuple[_SetupRows, _PeriodRows, _PeriodRows],
    spans: tuple[Span, Span],
    context: _Context,
    extra: tuple[NeedsAssessmentSummary, PlansProgress],
) -> UnitReport:
    """The report's scope as one unit: its units' rows added up, and what does not add up queried."""
    setup, current, previous = rows
    liaisons = await repo.liaison_coverage(session, units.regrouped(Grouping.WHOLE))
    council, coverage = _setup(setup.whole(liaisons), context)(WHOLE)
    now_rows, before_rows = current.whole(), previous.whole()
    return UnitReport(
        scope,
        council,
        coverage,
        _period_figures(now_rows, context, spans[0].as_of_day)(WHOLE),
        _period_figures(before_rows, context, spans[1].as_of_day)(WHOLE),
        *extra,
    )


async def performance_report(
    session: AsyncSession, *, actor: Actor, level: ReportLevel, scope_id: int, period: Period, now: datetime
) -> PerformanceReport:
    """A neighbourhood's, a county's (per neighbourhood) or a province's (per county) performance
    over `period`, against the period before it of the same length; figures as of the period's
    end, or `now` while it runs.

    A neighbourhood's report is for its manager and the officials above it, a county's for the
    county's officials and those above, a province's for its officials and admins; anyone else
    gets `PermissionDenied` (an unknown scope `UnknownScope`). Reads only.
    """
    scope, units, refs = await _scope(session, actor, level, scope_id)
    context = await _context(session)
    setup_rows = await _setup_rows(session, units)
    spans = (period.span(now), period.previous().span(now))
    current_rows = await _period_rows(session, units, spans[0], context)
    previous_rows = await _period_rows(session, units, spans[1], context)
    setup = _setup(setup_rows, context)
    current = _period_figures(current_rows, context, spans[0].as_of_day)
    previous = _period_figures(previous_rows, context, spans[1].as_of_day)
    needs, whole_needs = await _needs(session, units, spans[0])
    # Plans as they stand now, whatever the period (they keep no history).
    plans, whole_plans = await _plans(session, scope, units, tehran_today(now))
    reports = tuple(
        UnitReport(ref, *setup(uid), current(uid), previous(uid), needs(uid), plans(ref))
        # The selected neighbourhoods first: the programme reports on them separately.
        for uid, ref in sorted(refs.items(), key=lambda item: (not item[1].selected, item[1].name, item[0]))
    )
    if level is ReportLevel.NEIGHBOURHOOD:
        total = reports[0]
    else:
        rows = (setup_rows, current_rows, previous_rows)
        extra = (whole_needs, whole_plans)
        total = await _whole(session, scope, units, rows, spans, context, extra)
    return PerformanceReport(
        level, scope, period, period.previous(), period.as_of(now), total, reports, _ranking(reports)
    )
