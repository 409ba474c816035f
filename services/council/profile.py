"""The neighbourhood profile (شناسنامه محله): its fields, how each is validated, reading it and
updating it."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from models.council import NeighbourhoodProfile
from models.identity import Neighbourhood, NeighbourhoodKind, Role, ScopeKind
from services.authz import Actor, record_audit, require, require_neighbourhood_manager
from services.council.errors import CouncilError
from services.jalali import tehran_today
from services.persian import normalize_digits
from services.uow import committing

__all__ = [
    "FACILITY_KEYS",
    "MAX_PROBLEMS_LENGTH",
    "PROGRAMME_KEYS",
    "InvalidProfile",
    "ProfileChanges",
    "ProfileView",
    "get_profile",
    "update_profile",
]


# National programmes a neighbourhood may run (DESIGN.md §1); their names live in the locales:
# tarh_2020 طرح ۲۰۲۰ محله کم‌برخوردار، karamat محله کرامت، eslami محله اسلامی،
# salam_behzisti سلام بهزیستی، tan_mehrab تن محراب.
PROGRAMME_KEYS: tuple[str, ...] = ("tarh_2020", "karamat", "eslami", "salam_behzisti", "tan_mehrab")
FACILITY_KEYS: tuple[str, ...] = ("schools", "health_centres", "mosques", "parks")
_MAX_COUNT = 10_000_000
_MAX_AREA_HECTARES = 1_000_000.0
MAX_PROBLEMS_LENGTH = 4000


class InvalidProfile(CouncilError):
    """A neighbourhood profile field with a bad value; `reason` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class ProfileView:
    neighbourhood_id: int
    neighbourhood_name: str
    kind: NeighbourhoodKind
    population: int | None
    households: int | None
    area_hectares: float | None
    facilities: dict[str, int]
    main_problems: str | None
    programmes: tuple[str, ...]
    council_formed_on: date | None
    updated_at: datetime | None


class ProfileChanges(TypedDict, total=False):
    """Fields of `update_profile`; a field left out is unchanged, None clears it. Numbers may be
    given as text with Persian or Latin digits."""

    population: int | str | None
    households: int | str | None
    area_hectares: float | int | str | None
    facilities: Mapping[str, int | str | None]
    main_problems: str | None
    programmes: Collection[str]
    council_formed_on: date | None


def _count(field: str, value: object, limit: int = _MAX_COUNT) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidProfile(field, "not_a_number")
    if isinstance(value, str):
        text = normalize_digits(value).strip().replace(",", "").replace("٬", "")
        # isdigit() would accept "²"; and a huge string must not reach int().
        if len(text) > 32 or not re.fullmatch(r"-?[0-9]+", text):
            raise InvalidProfile(field, "not_a_number")
        value = int(text)
    if not isinstance(value, int):
        raise InvalidProfile(field, "not_a_number")
    if value < 0:
        raise InvalidProfile(field, "negative")
    if value > limit:
        raise InvalidProfile(field, "too_large")
    return value


def _area(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidProfile("area_hectares", "not_a_number")
    if isinstance(value, str):
        try:
            value = float(normalize_digits(value).strip().replace("٫", ".").replace("/", "."))
        except ValueError:
            raise InvalidProfile("area_hectares", "not_a_number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidProfile("area_hectares", "not_a_number")
    if value < 0:
        raise InvalidProfile("area_hectares", "negative")
    if value > _MAX_AREA_HECTARES:
        raise InvalidProfile("area_hectares", "too_large")
    return float(value)


def _profile_view(neighbourhood: Neighbourhood, profile: NeighbourhoodProfile | None) -> ProfileView:
    return ProfileView(
        neighbourhood_id=neighbourhood.id,
        neighbourhood_name=neighbourhood.name,
        kind=neighbourhood.kind,
        population=profile.population if profile else None,
        households=profile.households if profile else None,
        area_hectares=profile.area_hectares if profile else None,
        facilities=dict(profile.facilities) if profile else {},
        main_problems=profile.main_problems if profile else None,
        programmes=tuple(profile.programmes) if profile else (),
        council_formed_on=profile.council_formed_on if profile else None,
        updated_at=profile.updated_at if profile else None,
    )


async def get_profile(session: AsyncSession, *, actor: Actor, neighbourhood_id: int) -> ProfileView:
    """The neighbourhood's profile (empty fields if never written); for its manager and officials."""
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "read profile")
    neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
    assert neighbourhood is not None
    return _profile_view(neighbourhood, await session.get(NeighbourhoodProfile, neighbourhood_id))


async def update_profile(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    changes: Mapping[str, object],
    now: datetime,
) -> ProfileView:
    """Change fields of the neighbourhood's profile (see `ProfileChanges`); commits.

    For the neighbourhood's manager (and administrators): officials read the profile, the
    manager keeps it. Counts are non-negative integers,
    facilities are among `FACILITY_KEYS`, programmes among `PROGRAMME_KEYS`, households never
    exceed the population, the council's formation date is not in the future. Raises
    `PermissionDenied` or `InvalidProfile` (with the field and the reason); nothing is saved then.
    """
    async with committing(session):
        await require(
            session, actor, ScopeKind.NEIGHBOURHOOD, neighbourhood_id, (Role.MANAGER,), "update profile"
        )
        neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
        assert neighbourhood is not None
        unknown = set(changes) - set(ProfileChanges.__annotations__)
        if unknown:
            raise InvalidProfile(sorted(unknown)[0], "unknown_field")
        profile = await session.get(NeighbourhoodProfile, neighbourhood_id)
        values = _new_values(changes, profile, now)
        blank = _profile_view(neighbourhood, None)
        changed = [
            field
            for field, value in values.items()
            if (getattr(profile or blank, field) or None) != (value or None)
        ]
        if changed:
            profile = _write(
                session, profile, neighbourhood_id, {f: values[f] for f in changed}, actor.person_id, now
            )
            record_audit(
                session,
                actor,
                action="profile.update",
                target_type="neighbourhood",
                target_id=neighbourhood_id,
                details={"fields": changed},
                now=now,
            )
        view = _profile_view(neighbourhood, profile)
    return view


def _new_values(
    changes: Mapping[str, object], profile: NeighbourhoodProfile | None, now: datetime
) -> dict[str, Any]:
    """The fields given in `changes`, each checked and in the form it is stored, field by field
    in `ProfileChanges` order (the first wrong one raises `InvalidProfile`)."""
    values: dict[str, Any] = {}
    if "population" in changes:
        values["population"] = _count("population", changes["population"])
    if "households" in changes:
        values["households"] = _count("households", changes["households"])
    if "area_hectares" in changes:
        values["area_hectares"] = _area(changes["area_hectares"])
    if "facilities" in changes:
        values["facilities"] = _facilities(changes["facilities"], dict(profile.facilities) if profile else {})
    if "main_problems" in changes:
        values["main_problems"] = _problems(changes["main_problems"])
    if "programmes" in changes:
        values["programmes"] = _programmes(changes["programmes"])
    if "council_formed_on" in changes:
        values["council_formed_on"] = _formed_on(changes["council_formed_on"], now)
    population = values.get("population", profile.population if profile else None)
    households = values.get("households", profile.households if profile else None)
    if population is not None and households is not None and households > population:
        raise InvalidProfile("households", "exceeds_population")
    return values


def _facilities(given: object, facilities: dict[str, int]) -> dict[str, int]:
    """`facilities` with the counts `given` (a count of None removes the facility)."""
    if not isinstance(given, Mapping):
        raise InvalidProfile("facilities", "not_a_mapping")
    for key, count in given.items():
        if key not in FACILITY_KEYS:
            raise InvalidProfile("facilities", "unknown_key")
        number = _count("facilities", count, limit=100_000)
        if number is None:
            facilities.pop(key, None)
        else:
            facilities[key] = number
    return facilities


def _problems(text: object) -> str | None:
    if text is not None and not isinstance(text, str):
        raise InvalidProfile("main_problems", "not_text")
    text = text.strip() if text else None
    if text and len(text) > MAX_PROBLEMS_LENGTH:
        raise InvalidProfile("main_problems", "too_long")
    return text or None


def _programmes(given: object) -> list[str]:
    """The programmes given, in `PROGRAMME_KEYS` order."""
    if isinstance(given, str) or not isinstance(given, Collection):
        raise InvalidProfile("programmes", "not_a_list")
    if any(key not in PROGRAMME_KEYS for key in given):
        raise InvalidProfile("programmes", "unknown_key")
    return [key for key in PROGRAMME_KEYS if key in given]


def _formed_on(formed: object, now: datetime) -> date | None:
    if formed is not None and (not isinstance(formed, date) or isinstance(formed, datetime)):
        raise InvalidProfile("council_formed_on", "not_a_date")
    if formed is not None and formed > tehran_today(now):
        raise InvalidProfile("council_formed_on", "in_future")
    return formed


def _write(
    session: AsyncSession,
    profile: NeighbourhoodProfile | None,
    neighbourhood_id: int,
    values: Mapping[str, Any],
    person_id: int | None,
    now: datetime,
) -> NeighbourhoodProfile:
    """Store the changed `values` (the profile is created on its first change)."""
    if profile is None:
        profile = NeighbourhoodProfile(neighbourhood_id=neighbourhood_id, facilities={}, programmes=[])
        session.add(profile)
    for field, value in values.items():
        setattr(profile, field, value)
    profile.updated_at, profile.updated_by_person_id = now, person_id
    return profile
