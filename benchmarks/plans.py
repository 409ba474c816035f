"""How fast a city-sized plan imports and rolls up, and the generator of such a plan.

    python -m benchmarks.plans [--goals 8 --strategies 29 --policies 81 --projects 270 --seed 1]
                               [--runs 5] [--out FILE.csv]

`plan_csv` writes a plan the size of one city's strategic plan (8 goals, 29 strategies, 81
policies, 270 projects) in the import format: one row per project with its goal, strategy and
policy (every 37th project straight under its strategy, a skipped level), responsible bodies
(committees, agencies by their Persian names, and a province department that matches none),
weights given for some projects and some goals and strategies (the rest summed), Jalali dates
and progress. The tests use it too (`tests/unit/test_plans.py`).

The benchmark imports it into a throwaway SQLite database the way the CLI does (read the file,
then `import_plan`: one transaction), and rolls it up (`plan_progress`: one query, then in
memory), several times each; prints the best and median times. Prints figures only; exit 1 if
an import took 2 s or more, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jdatetime

from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import ScopeKind
from models.plans_repo import plan_nodes
from services.authz import OPERATOR
from services.i18n import Translator
from services.jalali import tehran_today
from services.plans import import_plan, plan_progress, read_plan_file, roll_up
from services.regions import import_regions, neighbourhood_by_code

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
LIMIT_SECONDS = 2.0
HEADER = ("goal", "strategy", "policy", "project", "responsible", "weight", "start", "end", "progress")
RESPONSIBLE = (
    "شهرداری",
    "شبکه بهداشت و درمان",
    "آموزش و پرورش",
    "سازمان بهزیستی",
    "عمران و خدمات محلی",
    "امور فرهنگی",
    "مسائل زیست‌محیطی",
    "اداره کل راه و شهرسازی",
    "",
)
# Every SKIP-th project stands straight under its strategy (no policy).
SKIP = 37


def _jalali(day: jdatetime.date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _project_row(rng: random.Random, path: tuple[str, str, str, str]) -> list[str]:
    start = jdatetime.date(1402, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
    end = start + timedelta(days=rng.randrange(180, 5 * 365))
    weight = rng.choice(("", "", "1", "2", "3", "2.5", "۴"))
    progress = rng.choice((0, 10, 25, 40, 50, 65, 75, 90, 100, 100, rng.randrange(0, 101)))
    return [*path, rng.choice(RESPONSIBLE), weight, _jalali(start), _jalali(end), str(progress)]


def plan_csv(
    goals: int = 8, strategies: int = 29, policies: int = 81, projects: int = 270, seed: int = 1
) -> str:
    """A plan of these many goals, strategies, policies and projects, as CSV text."""
    if not goals <= strategies <= policies <= projects:
        raise ValueError("each level needs at least as many nodes as the one above it")
    rng = random.Random(seed)
    goal_names = [f"هدف {g + 1}: توسعهٔ محله‌ها" for g in range(goals)]
    strategy_goal = [s % goals for s in range(strategies)]
    strategy_names = [f"راهبرد {s + 1}" for s in range(strategies)]
    policy_strategy = [p % strategies for p in range(policies)]
    policy_names = [f"سیاست {p + 1}" for p in range(policies)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(projects):
        p = n % policies
        s = policy_strategy[p]
        policy = "" if n % SKIP == 5 else policy_names[p]
        path = (goal_names[strategy_goal[s]], strategy_names[s], policy, f"پروژه {n + 1}")
        writer.writerow(_project_row(rng, path))
    # Some goals and a strategy have a weight of their own (the others are summed); these rows
    # come last, so that the plan keeps the order of its projects' first rows.
    for g in range(0, goals, 3):
        writer.writerow([goal_names[g], "", "", "", "", str(g % 4 + 2), "", "", ""])
    writer.writerow([goal_names[strategy_goal[1]], strategy_names[1], "", "", "", "7", "", "", ""])
    return out.getvalue()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plans", description=__doc__.split("\n\n")[0])
    parser.add_argument("--goals", type=int, default=8)
    parser.add_argument("--strategies", type=int, default=29)
    parser.add_argument("--policies", type=int, default=81)
    parser.add_argument("--projects", type=int, default=270)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the generated CSV here")
    return parser.parse_args(argv)


def _figures(label: str, seconds: list[float]) -> str:
    return f"{label}: best {min(seconds) * 1000:.1f} ms, median {statistics.median(seconds) * 1000:.1f} ms"


async def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.disable(logging.WARNING)
    text = plan_csv(args.goals, args.strategies, args.policies, args.projects, args.seed)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    translator = Translator()
    today = tehran_today(NOW)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'plans.db'}"
        await upgrade_database(url)
        engine = create_engine(url)
        factory = create_session_factory(engine)
        imports, rollups, memory = [], [], []
        async with factory() as session:
            regions = "province,county,neighbourhood,code,kind\nتهران,شهر ری,دولت‌آباد,1001,urban\n"
            await import_regions(session, regions, actor=OPERATOR, now=NOW)
            county = (await neighbourhood_by_code(session, "1001")).county_id  # type: ignore[union-attr]
            for _run in range(args.runs):
                started = time.perf_counter()
                rows = read_plan_file(text.encode("utf-8"))
                imported = await import_plan(
                    session,
                    translator,
                    actor=OPERATOR,
                    scope_kind=ScopeKind.COUNTY,
                    scope_id=county,
                    title="برنامهٔ راهبردی شهر",
                    rows=rows,
                    now=NOW,
                )
                imports.append(time.perf_counter() - started)
                started = time.perf_counter()
                tree = await plan_progress(session, imported.plan_id, today)
                rollups.append(time.perf_counter() - started)
                nodes = [node for top in tree.children for node in top.walk()]
            loaded = await plan_nodes(session, imported.plan_id)
            for _run in range(args.runs):
                started = time.perf_counter()
                roll_up(imported.plan_id, "", loaded, today)
                memory.append(time.perf_counter() - started)
        await engine.dispose()
    print(
        f"{args.goals} goals, {args.strategies} strategies, {args.policies} policies, {args.projects} projects: "
        f"{len(rows)} rows, {imported.nodes} nodes ({len(nodes)} in the tree), {tree.late_projects} late projects, "
        f"progress {tree.progress:.2f} %"
    )
    print(_figures("import (read the CSV + one transaction)", imports))
    print(_figures("roll-up (one query + in memory)", rollups))
    print(_figures("roll-up in memory only", memory))
    return 0 if max(imports) < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
