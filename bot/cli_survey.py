"""`python -m bot survey …`: needs assessments from the command line, for operators and scripts
(a stable interface).

* `survey create FILE.json (--neighbourhood CODE | --county NAME [--province NAME])` creates the
  survey from `{"title": "…", "closes": "1405/10/30", "questions": [{"text": "…", "kind":
  "single|multi|scale|text", "options": ["…", "…"]}]}` (options only for single and multi),
  publishes it to the residents (through the outbox, like one made in the chat) and prints its id;
* `survey results ID [--json]` prints the results: with `--json` exactly `{"survey": ID,
  "responses": N, "questions": [{"text": "…", "kind": "…", "counts": {"option": n}, "average":
  x}]}` (counts for single and multiple choice, the average for a scale); without, the text the
  chat shows, in the default language. `--xlsx FILE` and `--png FILE` also write the workbook and
  the chart the chat sends (in the default language); what is printed stays the same.

Both act as the operator (audited as "cli"). Exit 1 with the reason on stderr when the file, the
place or the survey is not right; nothing is saved then.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from services.i18n import BoundTranslator
    from services.surveys import SurveyResults

T = TypeVar("T")


def add_survey_parser(commands: Any) -> None:
    """The `survey` subcommand and its two actions, on the main parser's subcommands."""
    survey = commands.add_parser(
        "survey",
        help="create a needs assessment (survey) and publish it, or print its results",
        description="Needs assessments (نیازسنجی): create one from a JSON file, or print the results of one.",
    )
    actions = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create a survey from a JSON file and publish it to the residents; prints its id",
        description=(
            'Create a survey from a UTF-8 JSON file {"title": "...", "closes": "1405/10/30", "questions": '
            '[{"text": "...", "kind": "single|multi|scale|text", "options": ["...", "..."]}]} (options only '
            "for single and multi; the closing date Jalali, after today) for one neighbourhood or for every "
            "neighbourhood of a county, and invite their residents. Prints the new survey's id."
        ),
    )
    create.add_argument("file", type=Path, metavar="FILE.json", help="the survey")
    where = create.add_mutually_exclusive_group(required=True)
    where.add_argument("--neighbourhood", metavar="CODE", help="the neighbourhood's code")
    where.add_argument("--county", metavar="NAME", help="the county's name (every neighbourhood of it)")
    create.add_argument("--province", metavar="NAME", help="to tell apart counties of the same name")
    results = actions.add_parser(
        "results",
        help="print a survey's results",
        description=(
            'Print the results of survey ID; with --json exactly {"survey": ID, "responses": N, "questions": '
            '[{"text": "...", "kind": "...", "counts": {"option": n}, "average": x}]} (counts for single and '
            "multi, the average for scale). Answers are anonymous; texts are not in the JSON. --xlsx and --png "
            "also write the workbook and the chart the chat sends."
        ),
    )
    results.add_argument("id", type=int, metavar="ID", help="the survey's id")
    results.add_argument("--json", action="store_true", help="print JSON instead of text")
    results.add_argument(
        "--xlsx", type=Path, metavar="FILE", help="also write the results as an Excel workbook"
    )
    results.add_argument(
        "--png",
        type=Path,
        metavar="FILE",
        help="also write the results' chart as PNG (choice and scale questions)",
    )


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from models.db import create_engine, create_session_factory, upgrade_database

    engine = create_engine(settings.database_url)
    try:
        if settings.is_sqlite:
            await upgrade_database(settings.database_url)
        async with create_session_factory(engine)() as session:
            return await work(session)
    finally:
        await engine.dispose()


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from error


async def _create(session: AsyncSession, settings: Settings, args: argparse.Namespace, data: Any) -> int:
    from models.identity import ScopeKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.i18n import Translator
    from services.jalali import tehran_today
    from services.roles import resolve_scope
    from services.surveys import SurveyScope, create_survey, parse_survey

    now = utc_now()
    draft = parse_survey(data, tehran_today(now))
    kind = ScopeKind.NEIGHBOURHOOD if args.neighbourhood else ScopeKind.COUNTY
    place = await resolve_scope(
        session, kind, args.neighbourhood or args.county, province_name=args.province if args.county else None
    )
    created = await create_survey(
        session,
        Translator(default_locale=settings.default_locale),
        actor=OPERATOR,
        scope=SurveyScope(kind, place.id),
        draft=draft,
        now=now,
    )
    print(
        f"survey {created.id} published to {place.label}: {created.invited_now} residents invited now, "
        f"{created.invited_waiting} when they join",
        file=sys.stderr,
    )
    return created.id


async def _results(session: AsyncSession, settings: Settings, args: argparse.Namespace) -> str:
    from services.authz import OPERATOR
    from services.i18n import Translator
    from services.surveys import results_json, survey_results

    results = await survey_results(session, actor=OPERATOR, survey_id=args.id)
    t = Translator(default_locale=settings.default_locale).bind(settings.default_locale)
    _write_files(t, results, args)
    if args.json:
        return json.dumps(results_json(results), ensure_ascii=False)
    from handlers.surveys.rendering import results_parts  # the text the chat shows

    return "\n\n".join(results_parts(t, results))


def _write_files(t: BoundTranslator, results: SurveyResults, args: argparse.Namespace) -> None:
    """The workbook and the chart, where `--xlsx` and `--png` say. Raises ValueError (nothing
    written) for a chart of a survey with no choice or scale question, or a file that cannot be
    written."""
    from services.surveys.files import has_chart, results_chart_png, results_workbook_xlsx

    if args.png is not None and not has_chart(results):
        raise ValueError(f"survey {results.survey_id} has no choice or scale question to chart")
    try:
        if args.xlsx is not None:
            args.xlsx.write_bytes(results_workbook_xlsx(t, results))
        if args.png is not None:
            args.png.write_bytes(results_chart_png(t, results))
    except OSError as error:
        raise ValueError(f"cannot write {error.filename}: {error.strerror}") from error


def run_survey(settings: Settings, args: argparse.Namespace) -> int:
    """`survey create` / `survey results`; the exit code."""
    from services.errors import TextTooLong, TextTooShort
    from services.surveys import InvalidSurvey

    try:
        if args.survey_command == "create":
            data = _read(args.file)
            print(asyncio.run(_with_session(settings, lambda s: _create(s, settings, args, data))))
        else:
            print(asyncio.run(_with_session(settings, lambda s: _results(s, settings, args))))
    except (InvalidSurvey, TextTooShort, TextTooLong, ValueError, LookupError) as error:
        # A bad file or survey, an unknown place or survey: nothing was saved.
        print(str(error).strip('"'), file=sys.stderr)
        return 1
    return 0
