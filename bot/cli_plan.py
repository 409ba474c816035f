"""`python -m bot plan …`: importing a plan from a CSV or Excel file and printing one as JSON.

    plan import FILE.csv (--province NAME | --county NAME [--province NAME] | --neighbourhood CODE) [--title T]
    plan show ID [--json]

`import` prints the new plan's id alone on standard output (the lines whose responsible body
matched no committee, agency or council member go to standard error, as a note); a bad file
prints every problem with its line number and imports nothing (exit 1). `show --json` prints
`{"name": …, "progress": p, "children": [...]}`, every node with its rolled-up progress."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.settings import Settings

    # `bot.__main__._with_session`: run work on a session of the configured database.
    WithSession = Callable[[Settings, Callable[[AsyncSession], Awaitable[Any]]], Coroutine[Any, Any, Any]]

__all__ = ["add_plan_parser", "run_plan"]


def add_plan_parser(commands: Any) -> None:
    """Add `plan import` and `plan show` to the CLI's subcommands."""
    plan = commands.add_parser(
        "plan", help="import a plan from CSV/Excel, or show one", description="Plans with progress."
    )
    actions = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help="import a plan of a province, county or neighbourhood",
        description=(
            "Import a plan from a UTF-8 CSV (or an .xlsx workbook's first sheet) with the header "
            "goal,strategy,policy,project,responsible,weight,start,end,progress. Each row names the last of "
            "goal/strategy/policy/project it fills, under the ones before it (blank cells skip a level); dates "
            "are Jalali YYYY/MM/DD; progress, for projects, a whole 0-100. A parent's progress is the weighted "
            "mean of its children's; its weight the sum of theirs unless given. Prints the plan id. If any row "
            "is bad, every problem is listed by line and nothing is imported (exit 1)."
        ),
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV or .xlsx file")
    importing.add_argument("--province", metavar="NAME", help="a province's plan (or the county's province)")
    importing.add_argument("--county", metavar="NAME", help="a county's plan")
    importing.add_argument("--neighbourhood", metavar="CODE", help="a neighbourhood's plan")
    importing.add_argument("--title", metavar="TITLE", help="the plan's title (default: the file name)")
    show = actions.add_parser(
        "show",
        help="print a plan's tree with every node's rolled-up progress",
        description='Print the plan as {"name": ..., "progress": p, "children": [...]} (with --json), '
        "or as an indented outline.",
    )
    show.add_argument("plan_id", type=int, metavar="ID", help="the plan id printed by `plan import`")
    show.add_argument("--json", action="store_true", help="print JSON")


def _scope(args: argparse.Namespace) -> tuple[str, str, str | None] | None:
    """(scope kind, name or code, province of a county) from the options; None when they conflict."""
    if args.neighbourhood and not (args.county or args.province):
        return "neighbourhood", args.neighbourhood, None
    if args.county and not args.neighbourhood:
        return "county", args.county, args.province
    if args.province and not (args.county or args.neighbourhood):
        return "province", args.province, None
    return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return None


def _import(settings: Settings, args: argparse.Namespace, with_session: WithSession) -> int:
    from models.identity import ScopeKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.errors import TextTooLong, TextTooShort
    from services.i18n import Translator
    from services.plans import (
        MAX_TITLE_LENGTH,
        MIN_TITLE_LENGTH,
        ImportedPlan,
        PlanImportError,
        import_plan,
        read_plan_file,
    )
    from services.roles import AmbiguousScope, resolve_scope

    scope = _scope(args)
    if scope is None:
        print(
            "give one of --province NAME, --county NAME (with --province to tell namesakes apart) "
            "or --neighbourhood CODE",
            file=sys.stderr,
        )
        return 2
    data = _read(args.file)
    if data is None:
        return 1
    try:
        rows = read_plan_file(data, excel=args.file.suffix.lower() in (".xlsx", ".xlsm"))
    except PlanImportError as error:
        print(f"{args.file}: nothing imported; fix these lines:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.describe()}", file=sys.stderr)
        return 1
    kind, where, province = ScopeKind(scope[0]), scope[1], scope[2]

    async def work(session: AsyncSession) -> Any:
        found = await resolve_scope(session, kind, where, province_name=province)
        return await import_plan(
            session,
            Translator(),
            actor=OPERATOR,
            scope_kind=kind,
            scope_id=found.id,
            title=args.title or args.file.name,
            rows=rows,
            now=utc_now(),
        )

    try:
        imported: ImportedPlan = asyncio.run(with_session(settings, work))
    except AmbiguousScope as error:
        candidates = ", ".join(error.candidates)
        print(
            f"county {error.name!r} is in several provinces: {candidates}; add --province NAME",
            file=sys.stderr,
        )
        return 1
    except (TextTooShort, TextTooLong) as error:
        print(f"the title must be {MIN_TITLE_LENGTH}-{MAX_TITLE_LENGTH} characters: {error}", file=sys.stderr)
        return 2
    except (LookupError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 1
    for line, label in imported.unmatched_responsible:
        note = f"note: line {line}: responsible {label!r} is no committee, agency or member; kept as written"
        print(note, file=sys.stderr)
    print(imported.plan_id)
    return 0


def _outline(node: dict[str, Any], depth: int = 0) -> list[str]:
    line = f"{'  ' * depth}{node['progress']:6.2f} %  {node.get('kind', 'plan')}: {node['name']}"
    if node.get("late"):
        line += f"  [late: {node['late']}]"
    return [line] + [text for child in node["children"] for text in _outline(child, depth + 1)]


def _show(settings: Settings, args: argparse.Namespace, with_session: WithSession) -> int:
    from services.clock import utc_now
    from services.jalali import tehran_today
    from services.plans import RolledPlan, UnknownPlan, plan_progress, tree_as_json

    try:
        tree: RolledPlan = asyncio.run(
            with_session(settings, lambda s: plan_progress(s, args.plan_id, tehran_today(utc_now())))
        )
    except UnknownPlan:
        print(f"no plan {args.plan_id}", file=sys.stderr)
        return 1
    document = tree_as_json(tree)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        print("\n".join(_outline(document)))
    return 0


def run_plan(settings: Settings, args: argparse.Namespace, with_session: WithSession) -> int:
    """Run `plan import` or `plan show` on the database `with_session` opens; the exit code."""
    import io

    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")
    if args.plan_command == "import":
        return _import(settings, args, with_session)
    return _show(settings, args, with_session)
