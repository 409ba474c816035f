"""What a performance report holds: frozen dataclasses a renderer (chat text, chart, workbook)
reads, from one committee's figures up to the whole report with its ranking.

Percentages are whole numbers (None when there is nothing to take a share of); times are hours.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from models.council import CommitteeKey
from models.identity import ScopeKind
from models.resolutions import MeetingKind, ResponsibleKind
from services.reports.period import Period

__all__ = [
    "ActionFigures",
    "AgencyRef",
    "BodyResolutions",
    "Change",
    "CommitteeRequests",
    "CommitteeSetup",
    "CouncilSetup",
    "LiaisonCoverage",
    "LiaisonGap",
    "NeedsAssessmentSummary",
    "OverdueResolution",
    "PerformanceReport",
    "PeriodFigures",
    "PlanStanding",
    "PlansProgress",
    "ProgrammeActions",
    "RankedUnit",
    "Ranking",
    "ReportLevel",
    "RequestFigures",
    "RequestStats",
    "ResolutionCounts",
    "ResolutionFigures",
    "ResponsibleBody",
    "UnitRef",
    "UnitReport",
    "percent",
]


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percentage, or None when `whole` is nothing."""
    return round(100 * part / whole) if whole else None


class ReportLevel(enum.StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    COUNTY = "county"
    PROVINCE = "province"


@dataclass(frozen=True)
class UnitRef:
    """A place a report is about or is broken down by: a neighbourhood (with its code, and whether
    it is one of the selected neighbourhoods, محلات منتخب), a county or a province."""

    kind: ScopeKind
    id: int
    name: str
    code: str | None = None
    selected: bool = False


@dataclass(frozen=True)
class AgencyRef:
    id: int
    key: str
    name_fa: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_fa if locale == "fa" else self.name_en


# ---- how far the councils are set up (now, whatever the period) ----


@dataclass(frozen=True)
class CommitteeSetup:
    """One standing committee across a unit: in how many neighbourhoods it has a head, its active
    members, and the head's name when the unit is one neighbourhood."""

    committee: CommitteeKey
    headed: int
    members: int
    head_name: str | None


@dataclass(frozen=True)
class CouncilSetup:
    """The unit's neighbourhoods, councils formed (with an active member), when (for one
    neighbourhood: the profile's date, else its first member's joining; for more: the earliest),
    active members, the six committees and profiles written."""

    neighbourhoods: int
    councils_formed: int
    formed_on: date | None
    members: int
    committees: tuple[CommitteeSetup, ...]
    profiles_written: int

    @property
    def committees_headed(self) -> int:
        return sum(c.headed for c in self.committees)

    @property
    def committee_seats(self) -> int:
        """Standing committees in the unit (six per neighbourhood): the most that can have a head."""
        return len(self.committees) * self.neighbourhoods


@dataclass(frozen=True)
class LiaisonGap:
    """An agency with no liaison named in `counties_without` of the unit's counties."""

    agency: AgencyRef
    counties_without: int


@dataclass(frozen=True)
class LiaisonCoverage:
    """Agencies with a named liaison in the unit's county (or counties): `named` of `expected`
    (agency, county) pairs, and the agencies that lack one somewhere."""

    agencies: int
    counties: int
    named: int
    gaps: tuple[LiaisonGap, ...]

    @property
    def expected(self) -> int:
        return self.agencies * self.counties


# ---- what happened in a period ----


@dataclass(frozen=True)
class ResolutionCounts:
    """Resolutions made in the period (cancelled ones apart) and, of those, done and done by the
    deadline by the period's end (or now), and overdue then."""

    made: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    cancelled: int = 0

    @property
    def done_pct(self) -> int | None:
        return percent(self.done, self.made)

    @property
    def on_time_pct(self) -> int | None:
        return percent(self.done_on_time, self.made)

    @property
    def overdue_pct(self) -> int | None:
        return percent(self.overdue, self.made)


@dataclass(frozen=True)
class ResponsibleBody:
    """Who answers for resolutions: a committee, an agency (its liaison in the county) or a
    council member (then neither is set)."""

    kind: ResponsibleKind
    committee: CommitteeKey | None = None
    agency: AgencyRef | None = None


@dataclass(frozen=True)
class BodyResolutions:
    body: ResponsibleBody
    counts: ResolutionCounts


@dataclass(frozen=True)
class OverdueResolution:
    """The oldest overdue resolution of a unit (earliest deadline), named."""

    id: int
    text: str
    deadline: date
    days_overdue: int
    body: ResponsibleBody
    neighbourhood: UnitRef


@dataclass(frozen=True)
class ResolutionFigures:
    """The period's resolutions, in all and per responsible body (most overdue first), and every
    resolution overdue at the period's end whenever it was made (`overdue_now`), the oldest named."""

    counts: ResolutionCounts
    by_body: tuple[BodyResolutions, ...]
    overdue_now: int
    oldest_overdue: OverdueResolution | None


@dataclass(frozen=True)
class RequestStats:
    """Residents' requests received in the period and what became of them by its end: first
    answered within the committee's target, resolved, resolved within target, reopened by the
    resident, rated (with the ratings' sum), emergencies; the median hours to resolve."""

    received: int = 0
    answered_in_target: int = 0
    resolved: int = 0
    resolved_in_target: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    emergencies: int = 0
    median_hours_to_resolve: float | None = None

    @property
    def answered_in_target_pct(self) -> int | None:
        return percent(self.answered_in_target, self.received)

    @property
    def resolved_in_target_pct(self) -> int | None:
        return percent(self.resolved_in_target, self.received)

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rated, 1) if self.rated else None


@dataclass(frozen=True)
class CommitteeRequests:
    committee: CommitteeKey
    stats: RequestStats


@dataclass(frozen=True)
class RequestFigures:
    """Requests in all and per committee (the committees that received any, in the fixed order)."""

    total: RequestStats
    by_committee: tuple[CommitteeRequests, ...]


@dataclass(frozen=True)
class ProgrammeActions:
    """Actions tagged with a national programme (one of `services.council.PROGRAMME_KEYS`; None:
    untagged) and their photos."""

    programme: str | None
    actions: int
    photos: int


@dataclass(frozen=True)
class ActionFigures:
    """Actions done in the period, with their photos; every programme listed, untagged last."""

    actions: int
    photos: int
    by_programme: tuple[ProgrammeActions, ...]


@dataclass(frozen=True)
class PeriodFigures:
    """Everything about one unit that belongs to a period."""

    councils_formed: int
    meetings: Mapping[MeetingKind, int]
    resolutions: ResolutionFigures
    requests: RequestFigures
    actions: ActionFigures

    @property
    def meetings_held(self) -> int:
        return sum(self.meetings.values())

    @property
    def score(self) -> float | None:
        """What the ranking compares: the mean of the shares of resolutions done on time and of
        requests resolved within target (0–100), over those that have any; None if neither has."""
        shares = [
            share
            for share in (self.resolutions.counts.on_time_pct, self.requests.total.resolved_in_target_pct)
            if share is not None
        ]
        return sum(shares) / len(shares) if shares else None


@dataclass(frozen=True)
class NeedsAssessmentSummary:
    """Needs assessments (نیازسنجی, a closed survey's record per neighbourhood): how many were
    done in the period, the latest one's date (whenever, up to the period's end), and the top
    needs — a neighbourhood's from its latest assessment; for several neighbourhoods the needs
    most often among their latest assessments' top needs (a few, most frequent first)."""

    done: int
    latest_on: date | None
    top_needs: tuple[str, ...]


@dataclass(frozen=True)
class PlanStanding:
    """One plan: its title, rolled-up progress (whole %), projects and late projects."""

    title: str
    progress: int
    projects: int
    late_projects: int


@dataclass(frozen=True)
class PlansProgress:
    """The plans of a unit and of the regions in it (a county's and its neighbourhoods'), as
    they stand now: how many, their mean progress (each plan counts once; None without plans),
    their projects and late ones (behind schedule, or past their end and not done); and the plans
    of the unit's own scope (`own`, newest first)."""

    plans: int = 0
    progress: int | None = None
    projects: int = 0
    late_projects: int = 0
    own: tuple[PlanStanding, ...] = ()


@dataclass(frozen=True)
class Change:
    """The period against the one before: differences of the headline figures (now − before;
    percentages in points; None where either side has no share to compare)."""

    councils_formed: int
    meetings: int
    resolutions_made: int
    resolutions_done: int
    on_time_pct: int | None
    overdue_now: int
    requests_received: int
    resolved_in_target_pct: int | None
    actions: int
    score: float | None


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True)
class UnitReport:
    """One unit of a report (or its whole): set-up, liaisons, this period and the one before,
    its needs assessments and its plans."""

    unit: UnitRef
    setup: CouncilSetup
    liaisons: LiaisonCoverage
    current: PeriodFigures
    previous: PeriodFigures
    needs_assessments: NeedsAssessmentSummary = NeedsAssessmentSummary(0, None, ())
    plans: PlansProgress = PlansProgress()

    @property
    def change(self) -> Change:
        now, before = self.current, self.previous
        on_time = _difference(now.resolutions.counts.on_time_pct, before.resolutions.counts.on_time_pct)
        in_target = _difference(
            now.requests.total.resolved_in_target_pct, before.requests.total.resolved_in_target_pct
        )
        return Change(
            councils_formed=now.councils_formed - before.councils_formed,
            meetings=now.meetings_held - before.meetings_held,
            resolutions_made=now.resolutions.counts.made - before.resolutions.counts.made,
            resolutions_done=now.resolutions.counts.done - before.resolutions.counts.done,
            on_time_pct=None if on_time is None else int(on_time),
            overdue_now=now.resolutions.overdue_now - before.resolutions.overdue_now,
            requests_received=now.requests.total.received - before.requests.total.received,
            resolved_in_target_pct=None if in_target is None else int(in_target),
            actions=now.actions.actions - before.actions.actions,
            score=_difference(now.score, before.score),
        )


@dataclass(frozen=True)
class RankedUnit:
    unit: UnitRef
    score: float | None
    previous_score: float | None
    overdue_now: int

    @property
    def delta(self) -> float | None:
        return _difference(self.score, self.previous_score)


@dataclass(frozen=True)
class Ranking:
    """Who improved most (score up against the previous period, best first) and who is stuck
    (resolutions overdue and no better than before, most overdue first); a few of each."""

    improved: tuple[RankedUnit, ...]
    stuck: tuple[RankedUnit, ...]


@dataclass(frozen=True)
class PerformanceReport:
    """A neighbourhood's, county's or province's report for a period: the whole (`total`), its
    units (a county's neighbourhoods, a province's counties, or the neighbourhood itself) sorted
    by name, and the ranking of the units. Figures stand as of `as_of`."""

    level: ReportLevel
    scope: UnitRef
    period: Period
    previous_period: Period
    as_of: datetime
    total: UnitReport
    units: tuple[UnitReport, ...]
    ranking: Ranking
