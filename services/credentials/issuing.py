"""Issuing appointment letters and ID cards, and reading them back for rendering.

A county official (or one above) issues them to a neighbourhood's manager or council member who
completed a course that qualifies (`Course.qualifies`); without one the official may still issue
them by giving a reason, which the audit log keeps. Issuing again re-renders the current
document instead of making a second one: a letter stays, a card stays until it expires. The
holder is told through the outbox, with buttons that bring each document into the chat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jdatetime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.identity import Neighbourhood, Role, RoleAssignment, ScopeKind
from models.repositories import person_by_phone
from models.training import Course, CourseParticipant, DocumentKind, IssuedDocument
from services.authz import OFFICIALS, Actor, record_audit, require
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator, Translator
from services.identity_validation import normalize_mobile
from services.jalali import tehran_today
from services.notify import Button, Told, notify_person
from services.persian import normalize_text
from services.uow import committing

__all__ = [
    "APPOINTED_ROLES",
    "DOCUMENT_PREFIX",
    "MAX_REASON_LENGTH",
    "MIN_REASON_LENGTH",
    "Appointment",
    "CourseNotCompleted",
    "Issued",
    "NotAppointed",
    "UnknownPhone",
    "appointments_of",
    "clean_reason",
    "document_buttons",
    "issue_documents",
    "neighbourhood_id_by_code",
    "person_id_by_phone",
    "qualifying_course",
]

# The roles letters and cards are issued for (a committee head is a council member too).
APPOINTED_ROLES: tuple[Role, ...] = (Role.MANAGER, Role.COUNCIL_MEMBER)
MIN_REASON_LENGTH = 5
MAX_REASON_LENGTH = 500
# The letter before a document's number: «L-1405-00012» for a letter, «C-…» for a card.
DOCUMENT_PREFIX = {DocumentKind.LETTER: "L", DocumentKind.CARD: "C"}
# The button under the holder's notice that brings a document into the chat: `doc_get:<id>`
# (handlers.credentials.DocumentRequest packs the same).
DOCUMENT_BUTTON_PREFIX = "doc_get"


class NotAppointed(LookupError):
    """The person holds no manager or council role (in that neighbourhood)."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} is neither a manager nor a council member there")
        self.person_id = person_id


class UnknownPhone(LookupError):
    def __init__(self, phone: str) -> None:
        super().__init__(f"nobody has the phone {phone}")
        self.phone = phone


class CourseNotCompleted(ValueError):
    """The person completed no qualifying course, and no reason to issue anyway was given."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} has completed no qualifying course; a reason is needed")
        self.person_id = person_id


@dataclass(frozen=True)
class Appointment:
    """One role a letter or card can be issued for."""

    person_id: int
    role: Role
    neighbourhood_id: int


@dataclass
class Issued:
    """What issuing did: the documents (new or current), and whether the holder was told."""

    document_ids: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    told: Told = field(default_factory=Told)
    course_id: int | None = None


def clean_reason(text: str | None) -> str:
    """The reason for issuing without a completed course; `TextTooShort` / `TextTooLong`."""
    reason = normalize_text(text or "")
    if len(reason) < MIN_REASON_LENGTH:
        raise TextTooShort("override reason", MIN_REASON_LENGTH)
    if len(reason) > MAX_REASON_LENGTH:
        raise TextTooLong("override reason", len(reason), MAX_REASON_LENGTH)
    return reason


async def person_id_by_phone(session: AsyncSession, phone: str) -> int:
    """The person with this mobile number; `InvalidPhone`, `UnknownPhone`."""
    person = await person_by_phone(session, normalize_mobile(phone))
    if person is None:
        raise UnknownPhone(phone)
    return person.id


async def appointments_of(
    session: AsyncSession, person_id: int, neighbourhood_id: int | None = None
) -> list[Appointment]:
    """The person's manager and council roles (in that neighbourhood, if given), managers first."""
    rows = await session.execute(
        select(RoleAssignment.role, RoleAssignment.scope_id)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role.in_(APPOINTED_ROLES),
            RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
        )
        .order_by(RoleAssignment.id)
    )
    found = [Appointment(person_id, role, scope_id) for role, scope_id in rows.tuples()]
    if neighbourhood_id is not None:
        found = [a for a in found if a.neighbourhood_id == neighbourhood_id]
    return sorted(found, key=lambda a: APPOINTED_ROLES.index(a.role))


async def qualifying_course(session: AsyncSession, person_id: int) -> Course | None:
    """The latest qualifying course the person completed, if any."""
    course: Course | None = await session.scalar(
        select(Course)
        .join(CourseParticipant, CourseParticipant.course_id == Course.id)
        .where(
            CourseParticipant.person_id == person_id,
            CourseParticipant.completed_at.is_not(None),
            Course.qualifies.is_(True),
        )
        .order_by(CourseParticipant.completed_at.desc(), Course.id.desc())
        .limit(1)
    )
    return course


def document_buttons(documents: Sequence[tuple[int, DocumentKind]]) -> list[list[Button]]:
    """One button per document that brings it into the holder's chat."""
    return [
        [Button(f"document-button-{kind.value}", f"{DOCUMENT_BUTTON_PREFIX}:{doc_id}")]
        for doc_id, kind in documents
    ]


async def _issue_one(
    session: AsyncSession,
    kind: DocumentKind,
    appointment: Appointment,
    *,
    actor: Actor,
    course_id: int | None,
    reason: str | None,
    now: datetime,
    card_valid_days: int,
) -> tuple[IssuedDocument, bool]:
    """The current document of this kind for the appointment, or a new one; (document, new)."""
    current = await training_repo.current_document(
        session,
        appointment.person_id,
        kind,
        appointment.role,
        ScopeKind.NEIGHBOURHOOD,
        appointment.neighbourhood_id,
    )
    today = tehran_today(now)
    if current is not None and (current.expires_on is None or current.expires_on >= today):
        return current, False
    document = IssuedDocument(
        kind=kind,
        person_id=appointment.person_id,
        role=appointment.role,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=appointment.neighbourhood_id,
        course_id=course_id,
        override_reason=reason,
        issued_by_person_id=actor.person_id,
        issued_at=now,
        expires_on=today + timedelta(days=card_valid_days) if kind == DocumentKind.CARD else None,
    )
    session.add(document)
    await session.flush()
    year = jdatetime.date.fromgregorian(date=today).year
    document.number = f"{DOCUMENT_PREFIX[kind]}-{year}-{document.id:05d}"
    return document, True


async def _told_of(
    session: AsyncSession,
    translator: Translator,
    issued: Issued,
    documents: list[IssuedDocument],
    now: datetime,
) -> None:
    holder = documents[0].person_id
    kinds = [(d.id, d.kind) for d in documents]
    numbers = ", ".join(d.number or "" for d in documents)

    def render(t: BoundTranslator) -> str:
        return t("document-issued-notice", count=len(documents), numbers=numbers)

    reach = await notify_person(
        session,
        translator,
        person_id=holder,
        render=render,
        buttons=document_buttons(kinds),
        now=now,
        dedup_key=f"documents-issued:{'-'.join(str(d.id) for d in documents)}",
        topic=f"documents:{holder}",
    )
    issued.told.add(holder, reach)


async def issue_documents(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    person_id: int,
    kinds: Sequence[DocumentKind],
    now: datetime,
    neighbourhood_id: int | None = None,
    override_reason: str | None = None,
    card_valid_days: int,
) -> Issued:
    """Issue (or find the current) letter and/or card for the person's manager or council role
    (in `neighbourhood_id`, or their first); commits, and tells the holder of new ones.

    County officials of the neighbourhood and those above may (`PermissionDenied`); the person
    must have completed a qualifying course unless `override_reason` is given (`CourseNotCompleted`;
    the reason is cleaned, `TextTooShort`/`TextTooLong`, and kept in the audit log).
    `NotAppointed` when they hold no such role there."""
    async with committing(session):
        appointments = await appointments_of(session, person_id, neighbourhood_id)
        if not appointments:
            raise NotAppointed(person_id)
        appointment = appointments[0]
        await require(
            session,
            actor,
            ScopeKind.NEIGHBOURHOOD,
            appointment.neighbourhood_id,
            OFFICIALS,
            "issue documents",
        )
        course = await qualifying_course(session, person_id)
        reason = None
        if course is None:
            if override_reason is None:
                raise CourseNotCompleted(person_id)
            reason = clean_reason(override_reason)
        issued = Issued(course_id=course.id if course else None)
        new_documents: list[IssuedDocument] = []
        for kind in dict.fromkeys(kinds):
            document, new = await _issue_one(
                session,
                kind,
                appointment,
                actor=actor,
                course_id=issued.course_id,
                reason=reason,
                now=now,
                card_valid_days=card_valid_days,
            )
            issued.document_ids.append(document.id)
            if new:
                issued.new.append(document.id)
                new_documents.append(document)
                record_audit(
                    session,
                    actor,
                    action="document.override" if reason else "document.issue",
                    target_type="issued_document",
                    target_id=document.id,
                    details={
                        "kind": kind.value,
                        "number": document.number,
                        "person_id": person_id,
                        "role": appointment.role.value,
                        "neighbourhood_id": appointment.neighbourhood_id,
                        "course_id": issued.course_id,
                        "reason": reason,
                    },
                    now=now,
                )
        if new_documents:
            await _told_of(session, translator, issued, new_documents, now)
    return issued


async def neighbourhood_id_by_code(session: AsyncSession, code: str) -> int | None:
    """The neighbourhood with this code (for the command line's `--neighbourhood`)."""
    found: int | None = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == code))
    return found
