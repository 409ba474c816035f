"""The command line of training courses, letters and cards: `course …`, `letter`, `card`,
`verify`. Run as the operator (audited as "cli"); `bot.__main__` adds these parsers and hands
these commands over."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
COMMANDS = ("course", "letter", "card", "verify")
AUDIENCE = ("manager", "council_member", "liaison")


def add_parsers(commands: Any) -> None:
    """The `course`, `letter`, `card` and `verify` subcommands, on the main parser's subparsers."""
    _course_parsers(commands)
    for kind, what in (
        ("letter", "appointment letter (A4 PDF)"),
        ("card", "ID card (PNG with a signed QR code)"),
    ):
        parser = commands.add_parser(
            kind,
            help=f"issue or re-render a manager's or council member's {what}",
            description=(
                f"Write the {what} of the person with this mobile number, who must be a neighbourhood "
                "manager or council member: the current one if issued before (a card until it expires), "
                "else a new one, and the holder is told in the chat. Without a completed qualifying "
                "course, --reason is required and kept in the audit log."
            ),
        )
        parser.add_argument("phone", metavar="PHONE", help="mobile number, e.g. 09121234567")
        parser.add_argument(
            "--out", type=Path, required=True, metavar=f"FILE.{'pdf' if kind == 'letter' else 'png'}"
        )
        parser.add_argument(
            "--neighbourhood", metavar="CODE", help="which neighbourhood's role (default: the first)"
        )
        parser.add_argument("--reason", metavar="TEXT", help="why it is issued without a completed course")
    verify = commands.add_parser(
        "verify",
        help="check an ID card's token or verification link",
        description=(
            "Print one line: valid, expired, revoked or invalid, then (tab-separated) the holder's name, "
            "role, place, card number and last valid day when the card is genuine. Exit 0 only for valid."
        ),
    )
    verify.add_argument("token", metavar="TOKEN_OR_URL", help="the token, or PUBLIC_BASE_URL/verify/<token>")


def _course_parsers(commands: Any) -> None:
    course = commands.add_parser(
        "course",
        help="create, list, show training courses; invite; record attendance",
        description="Training courses for managers, council members and liaisons, run by a county or province.",
    )
    actions = course.add_subparsers(dest="course_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create a course with its sessions; prints its id",
        description=(
            'Sessions are given one per --session as "YYYY/MM/DD HH:MM place" (Jalali date, Tehran time). '
            "A county's course takes --county (with --province when the name is in several provinces); a "
            "province's takes --province alone."
        ),
    )
    create.add_argument("--title", required=True)
    create.add_argument("--county", metavar="NAME")
    create.add_argument("--province", metavar="NAME")
    create.add_argument(
        "--for", dest="audience", default="manager", help=f"comma-separated: {', '.join(AUDIENCE)}"
    )
    create.add_argument(
        "--session", dest="sessions", action="append", required=True, metavar='"DATE TIME PLACE"'
    )
    create.add_argument(
        "--min-attendance", type=int, default=80, metavar="PERCENT", help="share of sessions to complete it"
    )
    actions.add_parser(
        "list", help="list the courses", description="Every course: id, title, place, sessions."
    )
    show = actions.add_parser(
        "show", help="a course with its participants", description="Sessions and participants."
    )
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print JSON")
    invite = actions.add_parser(
        "invite",
        help="invite the course's audience",
        description="Invite everyone with the course's roles in its place.",
    )
    invite.add_argument("id", type=int)
    attend = actions.add_parser(
        "attend",
        help="mark people present (or --absent) at a session",
        description="Mark participants, by phone, present at session NUMBER (1, 2, …) of course ID.",
    )
    attend.add_argument("id", type=int)
    attend.add_argument("session", type=int, metavar="NUMBER")
    attend.add_argument("phones", nargs="+", metavar="PHONE")
    attend.add_argument("--absent", action="store_true")


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` on a session of the configured database (migrating the embedded SQLite first)."""
    from models.db import create_engine, create_session_factory, upgrade_database

    engine = create_engine(settings.database_url)
    try:
        if settings.is_sqlite:
            await upgrade_database(settings.database_url)
        async with create_session_factory(engine)() as session:
            return await work(session)
    finally:
        await engine.dispose()


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out one of `COMMANDS`; the exit status."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")
    if args.command == "verify":
        return _verify(settings, args.token)
    if args.command in ("letter", "card"):
        return _document(settings, args)
    handlers: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
        "create": _create,
        "list": _list,
        "show": _show,
        "invite": _invite,
        "attend": _attend,
    }
    return handlers[args.course_command](settings, args)


def _fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def _verify(settings: Settings, token: str) -> int:
    from services.clock import utc_now
    from services.credentials import Verdict, verify_card
    from services.jalali import tehran_today

    secret = settings.credential_policy().secret
    result = asyncio.run(
        _with_session(settings, lambda s: verify_card(s, token, secret=secret, today=tehran_today(utc_now())))
    )
    if result.verdict is Verdict.INVALID or result.role is None:
        print("invalid")
        return 1
    fields = [
        result.verdict.value,
        result.name or "",
        result.role.value,
        f"{result.neighbourhood}, {result.county}",
        result.number or "",
        result.expires_on.isoformat() if result.expires_on else "",
    ]
    print("\t".join(fields))
    return 0 if result.verdict is Verdict.VALID else 1


def _document(settings: Settings, args: argparse.Namespace) -> int:
    from services.credentials import CourseNotCompleted, NotAppointed, UnknownPhone
    from services.errors import TextTooLong, TextTooShort
    from services.identity_validation import InvalidPhone

    try:
        number, name, data = asyncio.run(_with_session(settings, lambda s: _issue(s, settings, args)))
    except InvalidPhone:
        return _fail(f"not a valid Iranian mobile number: {args.phone}")
    except UnknownPhone:
        return _fail(f"nobody has the mobile number {args.phone}")
    except NotAppointed:
        return _fail(
            f"{args.phone} is neither a manager nor a council member"
            + (" there" if args.neighbourhood else "")
        )
    except CourseNotCompleted:
        return _fail(f"{args.phone} has completed no qualifying course; give --reason TEXT to issue anyway")
    except (TextTooShort, TextTooLong) as error:
        return _fail(f"--reason: {error}")
    except LookupError as error:
        return _fail(str(error))
    try:
        args.out.write_bytes(data)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    print(f"{args.command} {number} of {name} written to {args.out}")
    return 0


async def _issue(
    session: AsyncSession, settings: Settings, args: argparse.Namespace
) -> tuple[str, str, bytes]:
    from models.training import DocumentKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.credentials import (
        document_view,
        issue_documents,
        neighbourhood_id_by_code,
        person_id_by_phone,
        render_document,
    )
    from services.i18n import Translator

    policy = settings.credential_policy()
    person_id = await person_id_by_phone(session, args.phone)
    neighbourhood_id = None
    if args.neighbourhood:
        neighbourhood_id = await neighbourhood_id_by_code(session, args.neighbourhood)
        if neighbourhood_id is None:
            raise LookupError(f"no neighbourhood with the code {args.neighbourhood}")
    translator = Translator(default_locale=settings.default_locale)
    issued = await issue_documents(
        session,
        translator,
        actor=OPERATOR,
        person_id=person_id,
        kinds=(DocumentKind(args.command),),
        now=utc_now(),
        neighbourhood_id=neighbourhood_id,
        override_reason=args.reason,
        card_valid_days=policy.card_valid_days,
    )
    view = await document_view(session, issued.document_ids[0], policy)
    rendered = render_document(translator.bind(translator.default_locale), view)
    return view.number, view.name, rendered.data


def _create(settings: Settings, args: argparse.Namespace) -> int:
    from models.identity import Role, ScopeKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.roles import resolve_scope
    from services.training import BadSessionLine, create_course, parse_sessions

    if not args.county and not args.province:
        return _fail("give --county NAME or --province NAME", 2)
    try:
        audience = [Role(role.strip()) for role in args.audience.split(",") if role.strip()]
        sessions = parse_sessions("\n".join(args.sessions), now=utc_now())
    except BadSessionLine as error:
        return _fail(
            f'--session {error.line}: {error.reason} (expected "YYYY/MM/DD HH:MM place", in the future)'
        )
    except ValueError:
        return _fail(f"--for takes {', '.join(AUDIENCE)}", 2)
    kind = ScopeKind.COUNTY if args.county else ScopeKind.PROVINCE

    async def work(session: AsyncSession) -> Any:
        scope = await resolve_scope(
            session, kind, args.county or args.province, province_name=args.province if args.county else None
        )
        return await create_course(
            session,
            actor=OPERATOR,
            scope_kind=kind,
            scope_id=scope.id,
            title=args.title,
            audience=audience,
            sessions=sessions,
            now=utc_now(),
            min_attendance_percent=args.min_attendance,
        )

    try:
        course = asyncio.run(_with_session(settings, work))
    except (LookupError, ValueError) as error:
        return _fail(str(error))
    print(course.id)
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from services.training import list_all_courses

    for course in asyncio.run(_with_session(settings, list_all_courses)):
        audience = ",".join(role.value for role in course.audience)
        print(
            f"{course.id}\t{course.title}\t{course.scope_name}\t{audience}\t{len(course.sessions)} sessions"
        )
    return 0


def _show(settings: Settings, args: argparse.Namespace) -> int:
    from services.authz import OPERATOR
    from services.training import get_course

    try:
        detail = asyncio.run(
            _with_session(settings, lambda s: get_course(s, actor=OPERATOR, course_id=args.id))
        )
    except LookupError as error:
        return _fail(str(error))
    course = detail.course
    sessions: list[dict[str, Any]] = [
        {"number": s.number, "starts_at": s.starts_at.isoformat(), "place": s.place} for s in course.sessions
    ]
    participants: list[dict[str, Any]] = [
        {
            "person_id": p.person_id,
            "name": p.name,
            "role": p.role.value,
            "place": detail.places.get((p.scope_kind, p.scope_id)),
            "status": p.status.value,
            "attended": p.attended,
            "completed": p.completed_at is not None,
        }
        for p in detail.participants
    ]
    if args.json:
        shown = {
            "id": course.id,
            "title": course.title,
            "place": course.scope_name,
            "audience": [role.value for role in course.audience],
            "min_attendance_percent": course.min_attendance_percent,
            "sessions": sessions,
            "participants": participants,
        }
        print(json.dumps(shown, ensure_ascii=False))
        return 0
    print(f"{course.id}\t{course.title}\t{course.scope_name}")
    for s in sessions:
        print(f"  session {s['number']}\t{s['starts_at']}\t{s['place']}")
    for p in participants:
        done = "completed" if p["completed"] else ""
        share = f"{p['attended']}/{len(sessions)}"
        print(f"  {p['name']}\t{p['role']}\t{p['place']}\t{p['status']}\t{share}\t{done}")
    return 0


def _invite(settings: Settings, args: argparse.Namespace) -> int:
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.i18n import Translator
    from services.training import invite_audience

    translator = Translator(default_locale=settings.default_locale)
    try:
        outcome = asyncio.run(
            _with_session(
                settings,
                lambda s: invite_audience(s, translator, actor=OPERATOR, course_id=args.id, now=utc_now()),
            )
        )
    except LookupError as error:
        return _fail(str(error))
    print(
        f"invited {outcome.new} ({outcome.already} before): {len(outcome.told.now)} told now, "
        f"{len(outcome.told.waiting)} when they join"
    )
    return 0


def _attend(settings: Settings, args: argparse.Namespace) -> int:
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.credentials import person_id_by_phone
    from services.i18n import Translator
    from services.identity_validation import InvalidPhone
    from services.training import get_course, record_attendance

    translator = Translator(default_locale=settings.default_locale)

    async def work(session: AsyncSession) -> list[str]:
        detail = await get_course(session, actor=OPERATOR, course_id=args.id)
        held = next((s for s in detail.course.sessions if s.number == args.session), None)
        if held is None:
            raise LookupError(f"course {args.id} has no session {args.session}")
        lines = []
        for phone in args.phones:
            person_id = await person_id_by_phone(session, phone)
            change = await record_attendance(
                session,
                translator,
                actor=OPERATOR,
                session_id=held.id,
                person_id=person_id,
                present=not args.absent,
                now=utc_now(),
            )
            done = "completed" if change.completed else "not completed"
            lines.append(f"{phone}\t{change.attended}/{change.sessions}\t{done}")
        return lines

    try:
        lines = asyncio.run(_with_session(settings, work))
    except InvalidPhone as error:
        return _fail(f"not a valid Iranian mobile number: {error}")
    except LookupError as error:
        return _fail(str(error))
    for line in lines:
        print(line)
    return 0
