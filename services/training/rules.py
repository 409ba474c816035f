"""The rules of a course as typed: its title, its audience, its sessions («۱۴۰۵/۰۹/۱۰ ۱۶:۳۰ سالن
فرمانداری», one a line) and its completion share; and who may organise one where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Role, ScopeKind
from models.training import COURSE_TITLE_LENGTH, SESSION_PLACE_LENGTH
from services.authz import Actor, Region, require
from services.errors import TextTooLong, TextTooShort
from services.jalali import TEHRAN_TZ, DateParseError, parse_jalali_date
from services.persian import normalize_text

__all__ = [
    "AUDIENCE_ROLES",
    "DEFAULT_MIN_ATTENDANCE",
    "MAX_SESSIONS",
    "MIN_TITLE_LENGTH",
    "BadSessionLine",
    "SessionPlan",
    "clean_audience",
    "clean_title",
    "organiser_scopes",
    "parse_sessions",
    "require_organiser",
]

# Who courses are for: the people the programme trains.
AUDIENCE_ROLES: tuple[Role, ...] = (Role.MANAGER, Role.COUNCIL_MEMBER, Role.LIAISON)
# Who runs them where: a county's officials for the county, a province's for the province.
ORGANISERS: dict[ScopeKind, frozenset[Role]] = {
    ScopeKind.COUNTY: frozenset({Role.ADMIN, Role.PROVINCE_OFFICIAL, Role.COUNTY_OFFICIAL}),
    ScopeKind.PROVINCE: frozenset({Role.ADMIN, Role.PROVINCE_OFFICIAL}),
}
DEFAULT_MIN_ATTENDANCE = 80
MIN_TITLE_LENGTH = 3
MAX_SESSIONS = 20

# «1405/09/10 16:30 the place», the date in any digits (normalised first), the time HH:MM.
_SESSION_RE = re.compile(r"(\d{4}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{1,2})\s+(\d{1,2})[:٫.](\d{2})\s+(.+)")

SessionProblem = Literal["format", "date", "time", "place", "past", "count"]


@dataclass(frozen=True)
class SessionPlan:
    """A session as typed: when (aware UTC) and where."""

    starts_at: datetime
    place: str


class BadSessionLine(ValueError):
    """A session line that cannot be taken: `line` its number (1-based; 0 for the whole text),
    `reason` what was wrong."""

    def __init__(self, line: int, reason: SessionProblem) -> None:
        super().__init__(f"session line {line}: {reason}")
        self.line = line
        self.reason: SessionProblem = reason


def clean_title(text: str | None) -> str:
    """A course title for storage; `TextTooShort` / `TextTooLong` otherwise."""
    title = normalize_text(text or "")
    if len(title) < MIN_TITLE_LENGTH:
        raise TextTooShort("course title", MIN_TITLE_LENGTH)
    if len(title) > COURSE_TITLE_LENGTH:
        raise TextTooLong("course title", len(title), COURSE_TITLE_LENGTH)
    return title


def clean_audience(roles: list[Role] | list[str]) -> list[Role]:
    """The audience in the programme's order, each once; ValueError for none or another role."""
    chosen = {Role(role) for role in roles}
    if not chosen or not chosen <= set(AUDIENCE_ROLES):
        raise ValueError(f"a course is for some of {[r.value for r in AUDIENCE_ROLES]}")
    return [role for role in AUDIENCE_ROLES if role in chosen]


def _parse_line(text: str, number: int, now: datetime) -> SessionPlan:
    match = _SESSION_RE.fullmatch(normalize_text(text))
    if match is None:
        raise BadSessionLine(number, "format")
    day_text, hour, minute, place = match.groups()
    try:
        day = parse_jalali_date(day_text)
    except DateParseError:
        raise BadSessionLine(number, "date") from None
    if int(hour) > 23 or int(minute) > 59:
        raise BadSessionLine(number, "time")
    if len(place) > SESSION_PLACE_LENGTH:
        raise BadSessionLine(number, "place")
    starts_at = datetime.combine(day, time(int(hour), int(minute)), tzinfo=TEHRAN_TZ)
    if starts_at <= now:
        raise BadSessionLine(number, "past")
    return SessionPlan(starts_at=starts_at, place=place)


def parse_sessions(text: str, *, now: datetime) -> list[SessionPlan]:
    """Sessions typed one a line («۱۴۰۵/۰۹/۱۰ ۱۶:۳۰ سالن فرمانداری», Tehran time), in time
    order; blank lines are skipped. Raises `BadSessionLine` for the first line that is wrong."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise BadSessionLine(0, "format")
    if len(lines) > MAX_SESSIONS:
        raise BadSessionLine(0, "count")
    plans = [_parse_line(line, number, now) for number, line in lines]
    return sorted(plans, key=lambda plan: plan.starts_at)


def organiser_scopes(actor: Actor) -> list[tuple[ScopeKind, int]]:
    """Where the actor may run courses on their own: the counties and provinces of their
    official roles (administrators choose a place at the command line)."""
    scopes: list[tuple[ScopeKind, int]] = []
    for grant in actor.grants:
        if grant.role == Role.COUNTY_OFFICIAL and grant.scope_kind == ScopeKind.COUNTY:
            scopes.append((ScopeKind.COUNTY, grant.scope_id))
        elif grant.role == Role.PROVINCE_OFFICIAL and grant.scope_kind == ScopeKind.PROVINCE:
            scopes.append((ScopeKind.PROVINCE, grant.scope_id))
    return list(dict.fromkeys(scopes))


async def require_organiser(
    session: AsyncSession, actor: Actor, kind: ScopeKind, scope_id: int, action: str
) -> Region:
    """The region of a course's county or province, if the actor may organise courses there;
    else `PermissionDenied` (ValueError for a scope that runs no courses)."""
    if kind not in ORGANISERS:
        raise ValueError(f"courses are run by a county or a province, not a {kind.value}")
    return await require(session, actor, kind, scope_id, ORGANISERS[kind], action)
