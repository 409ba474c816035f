"""The short text of a performance report, as sent in the chat and printed by `python -m bot
report`: the whole scope in a few lines (set-up, meetings, resolutions with the oldest overdue
and the slow bodies, requests, actions, needs assessments, plans), who improved and who is stuck, then
one line per unit. Every string comes from the catalogs (`locales/*/reports.ftl`); dates are
Jalali; the text is cut between blocks into messages the messengers accept."""

from __future__ import annotations

from collections.abc import Iterable

from models.identity import ScopeKind
from models.resolutions import MeetingKind, ResponsibleKind
from services.i18n import BoundTranslator
from services.jalali import format_datetime, format_jalali_date
from services.reports.figures import (
    ActionFigures,
    CouncilSetup,
    PerformanceReport,
    PeriodFigures,
    Ranking,
    ReportLevel,
    RequestStats,
    ResolutionFigures,
    ResponsibleBody,
    UnitRef,
    UnitReport,
)

__all__ = ["MESSAGE_LIMIT", "report_messages", "responsible_name", "split_blocks"]

# Under the messengers' 4096 characters, with room to spare.
MESSAGE_LIMIT = 4000
# A resolution's text is quoted up to this many characters.
QUOTED_TEXT = 80
# Bodies named under «overdue by responsible body».
BODIES_SHOWN = 3
# Medians up to this many hours are told in hours, longer ones in days.
HOURS_SHOWN = 48
# The scope's own plans named under «plans».
PLANS_SHOWN = 5


def split_blocks(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks gathered into as few messages as fit in `limit` characters; a block is split only
    when it is longer than a message by itself."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        while len(block) > limit:
            if current:
                messages.append(current)
                current = ""
            messages.append(block[:limit])
            block = block[limit:]
        if current and len(current) + 1 + len(block) > limit:
            messages.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    if current:
        messages.append(current)
    return messages


# ---- small pieces ----


def _pct(t: BoundTranslator, value: int | None) -> str:
    return t("perf-none") if value is None else t("perf-pct", pct=value)


def _change(t: BoundTranslator, amount: float | None) -> str:
    if amount is None:
        return t("perf-none")
    whole = round(amount)
    if whole == 0:
        return t("perf-change-same")
    return t("perf-change-up" if whole > 0 else "perf-change-down", amount=abs(whole))


def _score(t: BoundTranslator, score: float | None, change: float | None) -> str:
    """A unit's score (0–100), and its change against the previous period when there was one."""
    if score is None:
        return t("perf-none")
    if change is None:
        return t("perf-score", score=round(score))
    return t("perf-score-change", score=round(score), change=_change(t, change))


def _duration(t: BoundTranslator, hours: float | None) -> str:
    if hours is None:
        return t("perf-none")
    if hours <= HOURS_SHOWN:
        return t("perf-hours", count=round(hours))
    return t("perf-days", count=round(hours / 24))


def _name(t: BoundTranslator, unit: UnitRef) -> str:
    return t("perf-name-code", name=unit.name, code=unit.code) if unit.code else unit.name


def responsible_name(t: BoundTranslator, body: ResponsibleBody) -> str:
    """Who answers for resolutions, as the reader names them: an agency, a committee or a member."""
    if body.kind is ResponsibleKind.AGENCY and body.agency is not None:
        return t("perf-who-agency", agency=body.agency.name(t.locale))
    if body.kind is ResponsibleKind.COMMITTEE and body.committee is not None:
        return t("perf-who-committee", committee=t(f"committee-{body.committee.value}"))
    return t("perf-who-member")


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTED_TEXT else text[: QUOTED_TEXT - 1] + "…"


# ---- the whole scope ----


def _header(t: BoundTranslator, report: PerformanceReport) -> list[str]:
    period, previous = report.period, report.previous_period
    lines = [
        t("perf-title", level=report.level.value, name=report.scope.name),
        t(
            "perf-period",
            **{
                "from": format_jalali_date(period.first_day, t.locale),
                "to": format_jalali_date(period.last_day, t.locale),
                "previous_from": format_jalali_date(previous.first_day, t.locale),
                "previous_to": format_jalali_date(previous.last_day, t.locale),
            },
        ),
    ]
    if report.as_of < period.end:
        lines.append(t("perf-as-of", when=format_datetime(report.as_of, t.locale)))
    return lines


def _setup(t: BoundTranslator, whole: UnitReport, level: ReportLevel) -> list[str]:
    setup: CouncilSetup = whole.setup
    if level is ReportLevel.NEIGHBOURHOOD:
        profile = t("perf-profile-written" if setup.profiles_written else "perf-profile-missing")
        if setup.councils_formed and setup.formed_on is not None:
            council = t(
                "perf-council-formed",
                formed=format_jalali_date(setup.formed_on, t.locale),
                members=setup.members,
                profile=profile,
            )
        else:
            council = t("perf-council-none", profile=profile)
        committees = [
            t(
                "perf-committee-head" if c.head_name else "perf-committee-headless",
                committee=t(f"committee-{c.committee.value}"),
                head=c.head_name or "",
                members=c.members,
            )
            for c in setup.committees
        ]
        lines = [council, " | ".join(committees)]
    else:
        lines = [
            t(
                "perf-setup",
                formed=setup.councils_formed,
                total=setup.neighbourhoods,
                headed=setup.committees_headed,
                committees=setup.committee_seats,
                profiles=setup.profiles_written,
            ),
            t(
                "perf-councils-new",
                count=whole.current.councils_formed,
                change=_change(t, whole.change.councils_formed),
            ),
        ]
    return lines + _liaisons(t, whole)


def _liaisons(t: BoundTranslator, whole: UnitReport) -> list[str]:
    coverage = whole.liaisons
    lines = [t("perf-liaisons", named=coverage.named, expected=coverage.expected)]
    if coverage.gaps:
        # Over several counties, say in how many each agency has no liaison.
        gaps = [
            t("perf-liaison-gap", agency=gap.agency.name(t.locale), counties=gap.counties_without)
            if coverage.counties > 1
            else gap.agency.name(t.locale)
            for gap in coverage.gaps
        ]
        lines.append(t("perf-liaisons-missing", agencies=t.join(gaps)))
    return lines


def _meetings(t: BoundTranslator, whole: UnitReport) -> str:
    figures, change = whole.current, _change(t, whole.change.meetings)
    held = [(kind, figures.meetings.get(kind, 0)) for kind in MeetingKind]
    kinds = [t("perf-meeting-kind", kind=kind.value, count=count) for kind, count in held if count]
    if not kinds:
        return t("perf-meetings", count=0, change=change)
    return t("perf-meetings-kinds", count=figures.meetings_held, kinds=t.join(kinds), change=change)


def _resolutions(t: BoundTranslator, whole: UnitReport) -> list[str]:
    figures: ResolutionFigures = whole.current.resolutions
    counts = figures.counts
    if counts.made:
        lines = [
            t(
                "perf-resolutions",
                made=counts.made,
                done=counts.done,
                done_pct=_pct(t, counts.done_pct),
                on_time=counts.done_on_time,
                on_time_pct=_pct(t, counts.on_time_pct),
                overdue=counts.overdue,
                overdue_pct=_pct(t, counts.overdue_pct),
            )
        ]
    else:
        lines = [t("perf-resolutions-none")]
    lines.append(
        t("perf-overdue-now", count=figures.overdue_now, change=_change(t, whole.change.overdue_now))
    )
    oldest = figures.oldest_overdue
    if oldest is not None:
        lines.append(
            t(
                "perf-oldest-overdue",
                text=_quoted(oldest.text),
                place=_name(t, oldest.neighbourhood),
                deadline=format_jalali_date(oldest.deadline, t.locale),
                days=oldest.days_overdue,
                who=responsible_name(t, oldest.body),
            )
        )
    slow = [b for b in figures.by_body if b.counts.overdue][:BODIES_SHOWN]
    if slow:
        bodies = [
            t("perf-body", who=responsible_name(t, b.body), overdue=b.counts.overdue, made=b.counts.made)
            for b in slow
        ]
        lines.append(t("perf-bodies", bodies=t.join(bodies)))
    return lines


def _requests(t: BoundTranslator, whole: UnitReport) -> list[str]:
    total: RequestStats = whole.current.requests.total
    if not total.received:
        return [t("perf-requests-none")]
    rating = total.rating_average
    lines = [
        t(
            "perf-requests",
            received=total.received,
            change=_change(t, whole.change.requests_received),
            answered=_pct(t, total.answered_in_target_pct),
            resolved=_pct(t, total.resolved_in_target_pct),
            median=_duration(t, total.median_hours_to_resolve),
            reopened=total.reopened,
            rating=t("perf-none") if rating is None else t("perf-rating", rating=f"{rating:.1f}"),
            emergencies=total.emergencies,
        )
    ]
    for item in whole.current.requests.by_committee:
        lines.append(
            t(
                "perf-requests-committee",
                committee=t(f"committee-{item.committee.value}"),
                received=item.stats.received,
                resolved=_pct(t, item.stats.resolved_in_target_pct),
                median=_duration(t, item.stats.median_hours_to_resolve),
            )
        )
    return lines


def _actions(t: BoundTranslator, whole: UnitReport) -> list[str]:
    actions: ActionFigures = whole.current.actions
    lines = [
        t(
            "perf-actions",
            count=actions.actions,
            photos=actions.photos,
            change=_change(t, whole.change.actions),
        )
    ]
    tagged = [
        t(
            "perf-programme",
            programme=t(f"programme-{p.programme}") if p.programme else t("perf-untagged"),
            count=p.actions,
        )
        for p in actions.by_programme
        if p.actions
    ]
    if tagged:
        lines.append(t("perf-actions-by", programmes=t.join(tagged)))
    return lines


def _ranking(t: BoundTranslator, ranking: Ranking) -> list[str]:
    lines = []
    if ranking.improved:
        names = [
            t("perf-ranked-improved", name=_name(t, r.unit), change=_change(t, r.delta))
            for r in ranking.improved
        ]
        lines.append(t("perf-improved", units=t.join(names)))
    if ranking.stuck:
        names = [t("perf-ranked-stuck", name=_name(t, r.unit), overdue=r.overdue_now) for r in ranking.stuck]
        lines.append(t("perf-stuck", units=t.join(names)))
    return lines


def _needs(t: BoundTranslator, whole: UnitReport, level: ReportLevel) -> list[str]:
    needs = whole.needs_assessments
    if needs.latest_on is None:
        return [t("perf-needs-none")]
    lines = [t("perf-needs", done=needs.done, latest=format_jalali_date(needs.latest_on, t.locale))]
    if needs.top_needs:
        lines.append(t("perf-needs-top", level=level.value, needs=t.join(list(needs.top_needs))))
    return lines


def _plans(t: BoundTranslator, whole: UnitReport) -> list[str]:
    plans = whole.plans
    if not plans.plans:
        return [t("perf-plans-none")]
    lines = [
        t(
            "perf-plans",
            plans=plans.plans,
            progress=_pct(t, plans.progress),
            projects=plans.projects,
            late=plans.late_projects,
        )
    ]
    lines += [
        t(
            "perf-plan-own",
            title=_quoted(plan.title),
            progress=_pct(t, plan.progress),
            projects=plan.projects,
            late=plan.late_projects,
        )
        for plan in plans.own[:PLANS_SHOWN]
    ]
    if len(plans.own) > PLANS_SHOWN:
        lines.append(t("perf-plans-more", count=len(plans.own) - PLANS_SHOWN))
    return lines


# ---- one line per unit ----


def _unit_line(t: BoundTranslator, unit: UnitReport) -> str:
    now: PeriodFigures = unit.current
    setup = unit.setup
    if unit.unit.kind is ScopeKind.NEIGHBOURHOOD:
        council = t("perf-unit-council-yes" if setup.councils_formed else "perf-unit-council-no")
    else:
        council = t("perf-unit-councils", formed=setup.councils_formed, total=setup.neighbourhoods)
    line = t(
        "perf-unit",
        name=_name(t, unit.unit),
        council=council,
        done=now.resolutions.counts.done,
        made=now.resolutions.counts.made,
        overdue=now.resolutions.overdue_now,
        received=now.requests.total.received,
        resolved=_pct(t, now.requests.total.resolved_in_target_pct),
        actions=now.actions.actions,
        score=_score(t, now.score, unit.change.score),
    )
    extras = []
    if unit.needs_assessments.done:
        extras.append(t("perf-unit-needs", count=unit.needs_assessments.done))
    if unit.plans.plans:
        extras.append(
            t("perf-unit-plans", progress=_pct(t, unit.plans.progress), late=unit.plans.late_projects)
        )
    return " | ".join([line, *extras])


def report_messages(t: BoundTranslator, report: PerformanceReport) -> list[str]:
    """The report as chat messages (each under `MESSAGE_LIMIT` characters), in `t`'s language."""
    whole = report.total
    summary = [
        *_header(t, report),
        *_setup(t, whole, report.level),
        _meetings(t, whole),
        *_resolutions(t, whole),
        *_requests(t, whole),
        *_actions(t, whole),
        *_needs(t, whole, report.level),
        *_plans(t, whole),
    ]
    blocks = ["\n".join(summary)]
    ranking = _ranking(t, report.ranking)
    if ranking and report.level is not ReportLevel.NEIGHBOURHOOD:
        blocks.append("\n" + "\n".join(ranking))
    if report.level is not ReportLevel.NEIGHBOURHOOD and report.units:
        blocks.extend(_unit_blocks(t, report))
    return split_blocks(blocks)


def _unit_blocks(t: BoundTranslator, report: PerformanceReport) -> list[str]:
    """A line per unit: the selected neighbourhoods (محلات منتخب) first under their own heading,
    since the programme reports on them separately, then the others."""
    selected = [unit for unit in report.units if unit.unit.selected]
    others = [unit for unit in report.units if not unit.unit.selected]
    blocks = []
    if selected:
        blocks.append("\n" + t("perf-units-selected"))
        blocks.extend(_unit_line(t, unit) for unit in selected)
    if others:
        heading = (
            "perf-units-counties" if report.level is ReportLevel.PROVINCE else "perf-units-neighbourhoods"
        )
        blocks.append("\n" + t("perf-units-others" if selected else heading))
        blocks.extend(_unit_line(t, unit) for unit in others)
    return blocks
