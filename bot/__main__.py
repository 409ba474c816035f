"""Command line: `python -m bot [run|sandbox|migrate|jobs|import-regions|grant|revoke|route|seed-demo|report|broadcast|
course|letter|card|verify] …` (also the `mahalleyar` script). The people commands act as the
operator (audited as "cli"); courses, letters, cards and verification are in `bot.cli_courses`."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot import cli_courses
from bot.cli_announce import add_broadcast_parser, add_seed_arguments, broadcast, seed_residents
from bot.cli_plan import add_plan_parser, run_plan
from bot.cli_report import add_report_parser, run_report
from bot.cli_survey import add_survey_parser, run_survey
from bot.settings import Settings
from models.council import CommitteeKey

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

# The roles `grant` and `revoke` handle; council roles come from registering members.
GRANT_ROLES = ("admin", "province_official", "county_official", "manager", "liaison")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Mahalleyar (محله‌یار): the neighbourhood council bot for Telegram and Bale.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot (default); with no token configured, runs the local sandbox",
        description="Poll Telegram and/or Bale (whichever tokens are set); with no token, start the sandbox.",
    )
    sandbox = commands.add_parser(
        "sandbox",
        help="run the bot against the built-in Bot API emulator, with no token or network",
        description="Start the Bot API emulator and the bot polling it, on this machine only.",
    )
    sandbox.add_argument(
        "--port", type=int, default=None, help="port of the sandbox (default SANDBOX_PORT, 8080)"
    )
    commands.add_parser(
        "migrate", help="apply database migrations", description="Upgrade the database to the latest schema."
    )
    jobs = commands.add_parser(
        "jobs", help="list or run scheduled jobs by hand", description="Scheduled jobs."
    )
    job_commands = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    job_commands.add_parser("list", help="list the registered jobs", description="List the registered jobs.")
    run_job = job_commands.add_parser("run", help="run one job once", description="Run one job once, now.")
    run_job.add_argument("name", help="job name, as printed by `jobs list`")
    run_job.add_argument(
        "--now",
        type=_aware_datetime,
        default=None,
        help="pretend it is this moment (ISO 8601; naive means UTC)",
    )
    regions = commands.add_parser(
        "import-regions",
        help="load provinces, counties and neighbourhoods from a CSV file",
        description=(
            "Import regions from a UTF-8 CSV with the header province,county,neighbourhood,code,kind "
            "(kind: urban or rural, or شهری/روستایی). Re-importing updates names and kinds by code and "
            "never duplicates. If any row is bad, the bad lines are listed and nothing is imported (exit 1)."
        ),
    )
    regions.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file")
    scopes = (
        "Scopes: admin none; province_official --province; county_official and liaison --county (with "
        "--province when the county name exists in several provinces); manager --neighbourhood. A liaison "
        "also needs --agency."
    )
    people_commands = {
        "grant": (
            "give a person a role, by phone",
            "Give the person with this mobile number a role; a person unknown so far is created and linked "
            "when they first share their contact on Telegram or Bale. Granting twice changes nothing. ",
        ),
        "revoke": (
            "take a role from a person, by phone",
            "Take a role from the person with this mobile number. Revoking a role they lack changes nothing. ",
        ),
    }
    for name, (summary, description) in people_commands.items():
        people = commands.add_parser(name, help=summary, description=description + scopes)
        people.add_argument("phone", metavar="PHONE", help="mobile number, e.g. 09121234567")
        people.add_argument("role", metavar="ROLE", choices=GRANT_ROLES, help=" | ".join(GRANT_ROLES))
        people.add_argument("--neighbourhood", metavar="CODE", help="neighbourhood code (manager)")
        people.add_argument("--county", metavar="NAME", help="county name (county_official, liaison)")
        people.add_argument(
            "--province",
            metavar="NAME",
            help="province name (province_official; or to tell apart same-named counties)",
        )
        people.add_argument(
            "--agency", metavar="KEY", help="executive agency key (liaison), e.g. health_network"
        )
        if name == "grant":
            people.add_argument("--name", metavar="FULL_NAME", help="the person's name, if not known yet")
    commands.add_parser(
        "route",
        help="suggest a committee for each request text read from stdin",
        description=(
            "Train the routing model on data/routing/*.csv and the reroutes stored in the database, then read request texts from standard input, "
            'one per line (blank lines are skipped), and write one JSON object per line: {"committee": '
            '"<key>", "confidence": <0..1>, "emergency": true|false}, where <key> is one of health, '
            "livelihood, security, culture, services, environment, crisis, and emergency says whether the "
            "request needs the crisis committee now (data/routing/emergency_lexicon.txt)."
        ),
    )
    sla = commands.add_parser(
        "sla",
        help="show or set a committee's request targets",
        description=(
            "Without arguments, list each committee's targets: hours to a first response and days to "
            "resolve. With COMMITTEE and both options, set that committee's targets. Reminders go to the "
            "committee at 1x the target, the manager at 2x and the county at 3x (job request_sla)."
        ),
    )
    sla.add_argument("committee", nargs="?", choices=[c.value for c in CommitteeKey], metavar="COMMITTEE")
    sla.add_argument("--first-response-hours", type=int, metavar="HOURS")
    sla.add_argument("--resolution-days", type=int, metavar="DAYS")
    seed = commands.add_parser(
        "seed-demo",
        help="create the demo province, county, neighbourhoods and people (idempotent)",
        description=(
            "Create a demo province, county, an urban and a rural neighbourhood, a manager, heads of the six "
            "committees, a liaison, a county official and residents; print them. Running it again changes nothing."
        ),
    )
    add_report_parser(commands)
    # Announcements (bot/cli_announce.py): `broadcast`, and seed-demo's --residents for load tests.
    add_seed_arguments(seed)
    add_broadcast_parser(commands)
    add_survey_parser(commands)
    add_plan_parser(commands)
    # Training courses, appointment letters, ID cards and their verification.
    cli_courses.add_parsers(commands)
    return parser


def _aware_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _configure_logging(level: str) -> None:
    chosen = getattr(logging, level.upper(), logging.INFO)
    logging.basicConfig(
        level=chosen,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if chosen > logging.DEBUG:
        # aiogram's line per update ("Update id=… is handled. Duration … ms"): at a national
        # bot's rate most of the log, and /metrics counts and times every update already. Its
        # warnings and errors still show; LOG_LEVEL=DEBUG shows the lines too.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)


async def _run_job(settings: Settings, name: str, now: datetime | None) -> str:
    from bot.scheduler import reminder_policy
    from models import sms_repo
    from models.db import create_engine, create_session_factory, upgrade_database
    from models.outbox_repo import due_now_after, highest_id
    from services.clock import utc_now
    from services.jobs import JobContext, job_by_name

    spec = job_by_name(name)
    engine = create_engine(settings.database_url)
    try:
        if settings.is_sqlite:
            await upgrade_database(settings.database_url)
        session_factory = create_session_factory(engine)
        async with session_factory() as session:
            newest = await highest_id(session)
            newest_sms = await sms_repo.highest_id(session)
        context = JobContext(
            session_factory=session_factory,
            now=now or utc_now(),
            reminders=reminder_policy(settings),
            sms=settings.sms_policy(),
        )
        summary = await spec.run(context)
        if now is not None:
            # Run as if it were `now`, but what the job queued is to be sent at once.
            async with session_factory() as session, session.begin():
                await due_now_after(session, newest, utc_now())
                await sms_repo.due_now_after(session, newest_sms, utc_now())
        return summary
    finally:
        await engine.dispose()


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


def _import_regions(settings: Settings, path: Path) -> int:
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.regions import RegionImportError, import_regions

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return 1
    try:
        report = asyncio.run(
            _with_session(settings, lambda s: import_regions(s, text, actor=OPERATOR, now=utc_now()))
        )
    except RegionImportError as error:
        print(f"{path}: nothing imported; fix these lines:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.describe()}", file=sys.stderr)
        return 1
    print(
        f"imported {report.rows} rows: {report.provinces_created} provinces, {report.counties_created} counties, "
        f"{report.neighbourhoods_created} neighbourhoods created; {report.neighbourhoods_updated} updated, "
        f"{report.neighbourhoods_unchanged} unchanged"
        + (f"; {report.neighbourhoods_selected} selected" if report.neighbourhoods_selected else "")
    )
    return 0


def _change_role(settings: Settings, args: argparse.Namespace) -> int:
    from models.identity import Role, ScopeKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.identity_validation import InvalidPhone
    from services.roles import SCOPE_OF_ROLE, AmbiguousScope, grant_role, revoke_role

    role = Role(args.role)
    kind = SCOPE_OF_ROLE[role]
    option = {
        ScopeKind.GLOBAL: None,
        ScopeKind.PROVINCE: "province",
        ScopeKind.COUNTY: "county",
        ScopeKind.NEIGHBOURHOOD: "neighbourhood",
    }[kind]
    given = [name for name in ("neighbourhood", "county") if getattr(args, name)]
    if args.province and kind != ScopeKind.COUNTY:
        given.append("province")
    extra = [name for name in given if name != option]
    if extra:
        print(
            f"{role.value} takes {f'--{option}' if option else 'no scope'}, not --{extra[0]}", file=sys.stderr
        )
        return 2
    if option is not None and not getattr(args, option):
        print(f"{role.value} needs --{option}", file=sys.stderr)
        return 2
    granting = args.command == "grant"
    # Revoking a liaison without --agency releases them from every agency in the county.
    if role == Role.LIAISON and not args.agency and granting:
        print("liaison needs --agency KEY (e.g. health_network)", file=sys.stderr)
        return 2
    common: dict[str, Any] = {
        "actor": OPERATOR,
        "phone": args.phone,
        "role": role,
        "scope_kind": kind,
        "scope_name_or_code": getattr(args, option) if option else None,
        "province_name": args.province if kind == ScopeKind.COUNTY else None,
        "agency_key": args.agency,
    }

    async def work(session: AsyncSession) -> Any:
        if granting:
            return await grant_role(session, now=utc_now(), full_name=args.name, **common)
        return await revoke_role(session, now=utc_now(), **common)

    try:
        change = asyncio.run(_with_session(settings, work))
    except InvalidPhone:
        print(f"not a valid Iranian mobile number: {args.phone}", file=sys.stderr)
        return 1
    except AmbiguousScope as error:
        print(
            f"county {error.name!r} exists in several provinces: {', '.join(error.candidates)}; "
            "add --province NAME",
            file=sys.stderr,
        )
        return 1
    except (LookupError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 1
    where = (
        "" if change.scope.kind == ScopeKind.GLOBAL else f" in {change.scope.kind.value} {change.scope.label}"
    )
    verb = "granted" if granting else "revoked"
    if not change.changed:
        verb = "already had" if granting else "did not have"
    created = " (new person, linked when they share their contact)" if change.person_created else ""
    print(f"{change.phone}{created}: {verb} {role.value}{where}")
    return 0


def _seed_demo(settings: Settings) -> int:
    from services.clock import utc_now
    from services.demo import seed_demo

    personas = asyncio.run(_with_session(settings, lambda s: seed_demo(s, now=utc_now())))
    for persona in personas:
        role = persona.role.value if persona.role else "-"
        detail = ", ".join(filter(None, [persona.place, persona.committee, persona.agency_name_fa]))
        print(
            f"{persona.phone}\t{persona.platform}\t{persona.name}\t{role}"
            + (f" ({detail})" if detail else "")
        )
    return 0


def _sla(settings: Settings, args: argparse.Namespace) -> int:
    from services.requests import committee_slas, set_committee_sla

    if args.committee is not None:
        hours, days = args.first_response_hours, args.resolution_days
        if hours is None or days is None or hours < 1 or days < 1:
            print("give both --first-response-hours and --resolution-days, each at least 1", file=sys.stderr)
            return 2
        asyncio.run(
            _with_session(
                settings,
                lambda s: set_committee_sla(
                    s,
                    committee=CommitteeKey(args.committee),
                    first_response_hours=hours,
                    resolution_days=days,
                ),
            )
        )
    for row in asyncio.run(_with_session(settings, committee_slas)):
        print(
            f"{row.committee.value}\t{row.first_response_hours} h to respond\t{row.resolution_days} d to resolve"
        )
    return 0


def _route(settings: Settings) -> int:
    """`route`: one JSON line per non-blank stdin line, flushed as each is answered."""
    import io
    import json

    from services.requests import emergency_corrections, routing_corrections
    from services.routing import RequestRouter, load_examples
    from services.routing_cache import RouterCache, router_key

    try:
        # Reroutes stored by managers are training examples too (when the database answers).
        corrections = asyncio.run(_with_session(settings, routing_corrections))
    except Exception as error:  # the shipped examples alone still make a good model
        print(f"routing corrections not loaded ({error}); using the shipped examples only", file=sys.stderr)
        corrections = []
    cache_dir = settings.router_cache_path
    cache = RouterCache(cache_dir) if cache_dir is not None else None
    try:
        examples, verdicts = load_examples() + corrections, emergency_corrections(corrections)
        key = router_key(examples, verdicts)
        router = cache.load(key) if cache is not None else None
        if router is None:
            router = RequestRouter.train(examples, emergency_corrections=verdicts)
            if cache is not None:
                cache.store(key, router)
    except (OSError, ValueError) as error:
        print(f"cannot train the routing model: {error}", file=sys.stderr)
        return 1
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    for line in iter(sys.stdin.readline, ""):
        if not line.strip():
            continue
        guess = router.route(line)
        answer = {
            "committee": guess.committee,
            "confidence": round(guess.confidence, 3),
            "emergency": guess.emergency,
        }
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


# gc.set_threshold for the process: young generation, then how many young and middle collections
# before the next older one (see `main`).
GC_THRESHOLDS = (50_000, 20, 20)


def main(argv: list[str] | None = None) -> int:
    # At exit nothing needs collecting: without this the interpreter's last collection walks
    # every object the imports made (1–2 s after each command, each stop of the bot).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # A young-object collection every 50,000 allocations, not every 700 (CPython's default): most
    # of an update's objects are gone by then (freed by reference counting), so far fewer live
    # ones are walked and promoted, and full collections become rare. Measured in the bot during
    # `benchmarks.throughput`: the garbage collector's time went from 1.3 s to 0.25 s of a run,
    # the start-up's imports included.
    gc.set_threshold(*GC_THRESHOLDS)
    args = _parser().parse_args(argv)
    settings = Settings()
    _configure_logging(settings.log_level)
    command = args.command or "run"

    if command == "migrate":
        from models.db import upgrade_database_sync

        upgrade_database_sync(settings.database_url)
        print("database is up to date")
        return 0

    if command == "jobs":
        return _jobs(settings, args)

    if command == "import-regions":
        return _import_regions(settings, args.file)

    if command in ("grant", "revoke"):
        return _change_role(settings, args)

    if command == "sla":
        return _sla(settings, args)

    if command == "route":
        return _route(settings)

    # Announcements (bot/cli_announce.py).
    if command == "seed-demo":
        return _seed_demo(settings) or seed_residents(settings, args)
    if command == "broadcast":
        return broadcast(settings, args)

    if command == "report":
        return run_report(settings, args, _with_session)

    if command == "survey":
        return run_survey(settings, args)

    if command == "plan":
        return run_plan(settings, args, _with_session)
    if command in cli_courses.COMMANDS:
        return cli_courses.run(settings, args)

    if command == "sandbox" or (command == "run" and not settings.has_tokens):
        from bot.sandbox import run_sandbox

        port = getattr(args, "port", None)
        if port is not None:
            settings.sandbox_port = port
        asyncio.run(run_sandbox(settings))
        return 0

    return _run(settings)


def _jobs(settings: Settings, args: argparse.Namespace) -> int:
    from bot.scheduler import effective_cron, job_schedules
    from services.jobs import JOBS

    if args.jobs_command == "list":
        for job in JOBS:
            cron = effective_cron(job, job_schedules(settings))
            schedule = " ".join(f"{k}={v}" for k, v in cron.items())
            print(f"{job.name}\t{schedule}\t{job.description}")
        return 0
    if args.name not in {job.name for job in JOBS}:
        print(f"unknown job {args.name!r}; see `python -m bot jobs list`", file=sys.stderr)
        return 2
    print(asyncio.run(_run_job(settings, args.name, args.now)))
    return 0


def _run(settings: Settings) -> int:
    """The bot itself: polling, or webhooks when WEBHOOK_BASE_URL is set."""
    from bot.app import run_polling, run_webhook

    if settings.webhook_base_url and settings.webhook_secret is None:
        print(
            "WEBHOOK_BASE_URL is set but WEBHOOK_SECRET is not: refusing to accept unsigned updates",
            file=sys.stderr,
        )
        return 2

    if settings.card_secret_is_default:
        logging.getLogger(__name__).warning(
            "CARD_SECRET is not set: ID cards are signed with the development secret and can be forged"
        )
    asyncio.run(run_webhook(settings) if settings.webhook_base_url else run_polling(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
