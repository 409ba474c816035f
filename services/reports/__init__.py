"""Performance reports for officials (issue 15): what a neighbourhood, a county (per
neighbourhood) or a province (per county) did over a Jalali period, against the period before.

- `period`: `Period`, a run of whole Tehran days chosen in the Jalali calendar;
- `figures`: the frozen dataclasses a report is made of (what renderers read);
- `performance`: `performance_report`, who may ask for it and how it is put together from the
  set-based queries of `models.reports_repo`;
- `text`: the short summary sent in the chat (and printed by `python -m bot report`).

Every name is re-exported here: `from services.reports import performance_report, Period`.
"""

from services.reports.figures import (
    ActionFigures,
    AgencyRef,
    BodyResolutions,
    Change,
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
    percent,
)
from services.reports.performance import (
    DEFAULT_FIRST_RESPONSE_HOURS,
    DEFAULT_RESOLUTION_DAYS,
    RANKING_SIZE,
    URGENT_SLA_SHARE,
    performance_report,
)
from services.reports.period import InvalidPeriod, Period
from services.reports.text import MESSAGE_LIMIT, report_messages

__all__ = [
    "DEFAULT_FIRST_RESPONSE_HOURS",
    "DEFAULT_RESOLUTION_DAYS",
    "MESSAGE_LIMIT",
    "RANKING_SIZE",
    "URGENT_SLA_SHARE",
    "ActionFigures",
    "AgencyRef",
    "BodyResolutions",
    "Change",
    "CommitteeRequests",
    "CommitteeSetup",
    "CouncilSetup",
    "InvalidPeriod",
    "LiaisonCoverage",
    "LiaisonGap",
    "NeedsAssessmentSummary",
    "OverdueResolution",
    "PerformanceReport",
    "Period",
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
    "performance_report",
    "report_messages",
]
