"""Meetings and resolutions as the reader sees them, in the reader's language: who answers for a
resolution, its line in a list, its card and history, a meeting's card, and the buttons under a
resolution notification."""

from __future__ import annotations

from datetime import date

from models.resolutions import ResponsibleKind
from services.i18n import BoundTranslator
from services.jalali import format_datetime, format_jalali_date
from services.notify import Button
from services.resolutions.views import MeetingView, ResolutionView

__all__ = [
    "describe_history",
    "describe_meeting",
    "describe_resolution",
    "resolution_buttons",
    "resolution_line",
    "responsible_label",
]


def responsible_label(t: BoundTranslator, view: ResolutionView) -> str:
    """ "Health committee", "Municipality (liaison)", "Ms Ahmadi" in the reader's language."""
    if view.responsible_kind is ResponsibleKind.AGENCY and view.responsible_agency is not None:
        agency = view.responsible_agency
        return t(
            "resolution-responsible-agency", agency=agency.name_fa if t.locale == "fa" else agency.name_en
        )
    if view.responsible_kind is ResponsibleKind.MEMBER:
        return t("resolution-responsible-member", name=view.responsible_member_name or "—")
    committee = t(f"committee-{view.responsible_committee.value}") if view.responsible_committee else "—"
    return t("resolution-responsible-committee", committee=committee)


def _state(view: ResolutionView, today: date) -> str:
    if not view.is_open:
        return view.status.value
    if view.is_overdue(today):
        return "overdue"
    if view.is_due_soon(today):
        return "soon"
    return "open"


def _time_left(t: BoundTranslator, view: ResolutionView, today: date) -> str:
    if not view.is_open:
        return ""
    days = view.days_left(today)
    if days < 0:
        return t("resolution-overdue-by", days=-days)
    if days == 0:
        return t("resolution-due-today")
    return t("resolution-days-left", days=days)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def resolution_line(
    t: BoundTranslator, view: ResolutionView, today: date, *, with_place: bool = False
) -> str:
    """One resolution in a list: state mark, number, text (shortened), who, deadline, progress."""
    line = t(
        "resolution-line",
        state=_state(view, today),
        id=view.id,
        text=_short(view.text),
        who=responsible_label(t, view),
        deadline=format_jalali_date(view.deadline, t.locale),
        left=_time_left(t, view, today),
        progress=view.progress,
        status=t(f"resolution-status-{view.status.value}"),
    )
    if with_place:
        line += "\n   " + t("resolution-line-place", name=view.neighbourhood_name)
    return line


def describe_resolution(t: BoundTranslator, view: ResolutionView, today: date) -> str:
    """The resolution card: everything about it except its history."""
    lines = [
        t("resolution-card-title", id=view.id, state=_state(view, today)),
        view.text,
        "",
        t("resolution-card-place", name=view.neighbourhood_name),
        t("resolution-card-responsible", who=responsible_label(t, view)),
        t(
            "resolution-card-deadline",
            deadline=format_jalali_date(view.deadline, t.locale),
            left=_time_left(t, view, today),
        ),
        t("resolution-card-priority", priority=t(f"resolution-priority-{view.priority.value}")),
        t(
            "resolution-card-status",
            status=t(f"resolution-status-{view.status.value}"),
            progress=view.progress,
        ),
    ]
    if view.meeting_kind is not None and view.meeting_held_on is not None:
        lines.append(
            t(
                "resolution-card-meeting",
                kind=t(f"meeting-kind-{view.meeting_kind.value}"),
                date=format_jalali_date(view.meeting_held_on, t.locale),
            )
        )
    return "\n".join(lines)


def describe_history(t: BoundTranslator, view: ResolutionView) -> list[str]:
    """The history, one entry per item (callers split it into messages)."""
    entries = []
    for update in view.history:
        entry = t(
            "resolution-history-line",
            when=format_datetime(update.at, t.locale),
            what=t(f"resolution-event-{update.kind}")
            if t.translator.has(t.locale, f"resolution-event-{update.kind}")
            else update.kind,
            progress=update.progress if update.progress is not None else 0,
            status=t(f"resolution-status-{update.status.value}") if update.status else "—",
        )
        if update.actor_name:
            entry += " " + t("resolution-history-by", who=update.actor_name)
        if update.note:
            entry += "\n   " + t("resolution-history-note", note=update.note)
        entries.append(entry)
    return entries


def describe_meeting(t: BoundTranslator, view: MeetingView) -> str:
    kind = t(f"meeting-kind-{view.kind.value}")
    if view.committee is not None:
        kind += " — " + t(f"committee-{view.committee.value}")
    lines = [
        t("meeting-card-title", kind=kind, date=format_jalali_date(view.held_on, t.locale)),
        t(
            "meeting-card-attendees",
            names=t.join(view.attendee_names) if view.attendee_names else t("meeting-none"),
        ),
        t("meeting-card-guests", guests=view.guests or t("meeting-none")),
    ]
    if view.minutes_photo is not None:
        lines.append(t("meeting-card-minutes-photo"))
    if view.minutes_text:
        lines += [t("meeting-card-minutes"), view.minutes_text]
    if not view.minutes_text and view.minutes_photo is None:
        lines.append(t("meeting-card-no-minutes"))
    return "\n".join(lines)


def resolution_buttons(resolution_id: int) -> list[list[Button]]:
    """Under a resolution notification: report progress, see the history. The callback data
    matches handlers/resolutions.py (`rs_upd:<id>`, `rs_hist:<id>`)."""
    return [
        [
            Button("resolution-button-update", f"rs_upd:{resolution_id}"),
            Button("resolution-button-history", f"rs_hist:{resolution_id}"),
        ]
    ]
