"""`python -m bot plan import` / `plan show --json`: the real command line on a real database,
the city-sized plan of `benchmarks.plans` in and its rolled-up tree out; a bad file is refused by
line with nothing imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.plans import plan_csv
from models import Plan
from services.authz import OPERATOR
from services.regions import import_regions
from tests.unit.test_cli import run_cli
from tests.unit.test_plans import NOW, REGIONS, independent_figures


def flatten(
    node: dict[str, Any], above: tuple[tuple[str, str], ...] = ()
) -> dict[tuple[tuple[str, str], ...], float]:
    found: dict[tuple[tuple[str, str], ...], float] = {}
    for child in node["children"]:
        path = (*above, (child["kind"], child["name"]))
        found[path] = child["progress"]
        found.update(flatten(child, path))
    return found


async def test_import_prints_the_id_and_show_prints_the_rolled_up_tree(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    text = plan_csv()
    plan_file = tmp_path / "city.csv"
    plan_file.write_text(text, encoding="utf-8")
    imported = run_cli(
        "plan",
        "import",
        str(plan_file),
        "--county",
        "شهر ری",
        "--title",
        "برنامهٔ راهبردی",
        database_url=database_url,
    )
    assert imported.returncode == 0, imported.stderr
    plan_id = int(imported.stdout.strip())
    assert "kept as written" in imported.stderr  # a province department is no agency here
    shown = run_cli("plan", "show", str(plan_id), "--json", database_url=database_url)
    assert shown.returncode == 0, shown.stderr
    tree = json.loads(shown.stdout)
    (progress, _weight), expected = independent_figures(text)
    assert tree["name"] == "برنامهٔ راهبردی"
    assert tree["progress"] == pytest.approx(progress, abs=0.006)
    got = flatten(tree)
    assert set(got) == set(expected)
    for path, (want, _weight) in expected.items():
        assert got[path] == pytest.approx(want, abs=0.006), path
    assert run_cli("plan", "show", "999", "--json", database_url=database_url).returncode == 1


async def test_a_bad_file_is_refused_by_line_and_nothing_is_imported(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    lines = plan_csv(goals=2, strategies=2, policies=2, projects=6).splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",صد"  # line 5: progress is not a number
    plan_file = tmp_path / "bad.csv"
    plan_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = run_cli("plan", "import", str(plan_file), "--neighbourhood", "1001", database_url=database_url)
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr and "line 5: progress must be" in refused.stderr
    both = run_cli(
        "plan",
        "import",
        str(plan_file),
        "--neighbourhood",
        "1001",
        "--county",
        "x",
        database_url=database_url,
    )
    assert both.returncode == 2
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 0
