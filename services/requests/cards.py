"""How a request is shown: its card and history as text, and the buttons under it (for its
handlers, and for the resident once it is resolved or closed). The callback data of the buttons
are what `handlers.inbox` and `handlers.requests` match."""

from __future__ import annotations

from models.requests import OPEN_STATUSES, RequestStatus
from services.i18n import BoundTranslator
from services.jalali import format_datetime
from services.notify import Button
from services.requests.codes import format_tracking_code
from services.requests.values import TRANSITIONS, HandlerAction, RequestView

__all__ = ["describe_history", "describe_request", "fixed_buttons", "handler_buttons", "rating_buttons"]


def describe_request(t: BoundTranslator, view: RequestView) -> str:
    """The request card shown to handlers and residents (private lines only when present)."""
    lines = [
        t(
            "request-card-title",
            code=format_tracking_code(view.code, t.locale),
            committee=t(f"committee-{view.committee.value}"),
            urgent="urgent" if view.urgent else "normal",
        ),
        t("request-card-neighbourhood", name=view.neighbourhood_name),
        t("request-card-status", status=t(f"request-status-{view.status.value}")),
        t("request-card-created", when=format_datetime(view.created_at, t.locale)),
    ]
    if view.resident_phone is not None:
        lines.append(
            t(
                "request-card-resident",
                name=view.resident_name or t("request-unnamed"),
                phone=view.resident_phone,
            )
        )
    lines.extend(_attachment_lines(t, view))
    if view.rating is not None:
        lines.append(t("request-card-rating", rating=view.rating))
    if view.text is not None:
        lines.append("")
        lines.append(view.text)
    return "\n".join(lines)


def _attachment_lines(t: BoundTranslator, view: RequestView) -> list[str]:
    """The card's lines for the place (a map link), the photos and the voice notes."""
    lines = []
    if view.latitude is not None and view.longitude is not None:
        lat, lon = f"{view.latitude:.5f}", f"{view.longitude:.5f}"
        # One argument with letters in it, so the link keeps its Latin digits in Persian text.
        url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
        lines.append(t("request-card-location", url=url))
    photos = sum(p.kind == "photo" for p in view.photos)
    if photos:
        lines.append(t("request-card-photos", count=photos))
    if voices := len(view.photos) - photos:
        lines.append(t("request-card-voice", count=voices))
    return lines


def describe_history(t: BoundTranslator, view: RequestView) -> str:
    lines = []
    for event in view.events:
        line = t(
            "request-history-line",
            when=format_datetime(event.at, t.locale),
            what=t(f"request-event-{event.kind}"),
        )
        if event.actor_name:
            line += " " + t("request-history-by", who=event.actor_name)
        if event.note:
            line += "\n   " + t("request-history-note", note=event.note)
        lines.append(line)
    return "\n".join(lines)


def handler_buttons(
    request_id: int, *, emergency: bool | None = None, status: RequestStatus = RequestStatus.NEW
) -> list[list[Button]]:
    """The buttons under a request shown to its handlers (callback `rq:<action>:<id>`): only the
    steps its `status` still allows, none once it is resolved, closed or rejected. With
    `emergency` given, one more to correct that verdict (`rq:calm:<id>` says it is not an
    emergency, `rq:alarm:<id>` that it is)."""
    if status not in OPEN_STATUSES:
        return []

    def step(action: HandlerAction) -> list[Button]:
        allowed = status in TRANSITIONS[action][0]
        return (
            [Button(f"request-button-{action.value}", f"rq:{action.value}:{request_id}")] if allowed else []
        )

    correction = (
        []
        if emergency is None
        else [
            [
                Button("request-button-not-emergency", f"rq:calm:{request_id}")
                if emergency
                else Button("request-button-emergency", f"rq:alarm:{request_id}")
            ]
        ]
    )
    rows = [
        step(HandlerAction.ACKNOWLEDGE) + step(HandlerAction.START),
        step(HandlerAction.RESOLVE) + step(HandlerAction.REJECT),
        [Button("request-button-reroute", f"rq:route:{request_id}")],
        *correction,
    ]
    return [row for row in rows if row]


def fixed_buttons(request_id: int) -> list[list[Button]]:
    """Asked of the resident when a request is resolved (callback `rqf:<y|n>:<id>`)."""
    return [
        [
            Button("request-button-fixed", f"rqf:y:{request_id}"),
            Button("request-button-not-fixed", f"rqf:n:{request_id}"),
        ]
    ]


def rating_buttons(request_id: int) -> list[list[Button]]:
    return [[Button("request-button-rate", f"rqr:{n}:{request_id}", (("stars", n),)) for n in range(1, 6)]]
