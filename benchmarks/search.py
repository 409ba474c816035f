"""How fast and how well /join finds a neighbourhood by name among 100,000 of them.

    python -m benchmarks.search [--neighbourhoods 100000 --queries 200 --seed 1] [--postgres URL | --no-postgres]

Builds the neighbourhoods (names made of Persian syllables, namesakes included) in a temporary
SQLite database, and in a temporary PostgreSQL database when one is reachable (`--postgres`, else
TEST_DATABASE_URL, else postgresql+asyncpg://postgres@127.0.0.1:5432/test), imports them the way
an operator does (`import_regions`), then times `find_neighbourhoods` — the whole call, the
database round trip included — for typical queries: the exact name, a name with one letter wrong,
missing or extra, typed with Arabic ي/ك, typed without its ZWNJ (or with a space for it), and 150
letters of junk. Prints p50/p95/p99 per kind and overall, and how often the top result is right
(a namesake counts: the person picks by county next). Prints figures only; exit code 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from models.db import create_engine, create_session_factory, upgrade_database
from services.authz import OPERATOR
from services.persian import ZWNJ, fold_for_search
from services.regions import find_neighbourhoods, import_regions

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SYLLABLES = (
    "دو لت آ باد نا زی که ری زک تج ریش خا نی فر دوس نار مک ام امه گل شن به ار سر چش مه کو ده قلعه بید ستان "
    "زار کلا رود خانه باغ میان پشت بالا پا یین چال شاه عباس حسن علی محمود یوسف کریم جعفر قاسم مهدی صادق "
    "سید مل تپه کال چم گز نج فت بن سنگ آهن مس طلا کوه دشت جو پل سفید سیاه سبز سرخ کبود نو کهنه شور شیرین "
    "گرم سرد ماه مهر آب آتش خاک باد ریگ بیشه جنگل لار کیش مان گان وند ور ستان لو کان در"
).split()
PREFIXES = ("", "", "", "", "کوی ", "شهرک ", "روستای ", "محله ", "بلوار ", "قلعه ")
SUFFIXES = (
    "",
    "",
    "",
    f"{ZWNJ}آباد",
    " آباد",
    f"{ZWNJ}ده",
    " سفلی",
    " علیا",
    f"{ZWNJ}شهر",
    " نو",
    f"{ZWNJ}کلا",
)
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
KINDS = ("exact", "misspelt", "arabic", "no-zwnj", "junk")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhoods", type=int, default=100_000, help="how many (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to also run on")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    return parser.parse_args(argv)


def make_names(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(county, name, code) rows: 400 counties; about one name in twenty has a namesake elsewhere."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    names: list[str] = []
    while len(rows) < count:
        county = f"شهرستان {len(rows) % 400 + 1}"
        if names and rng.random() < 0.05:
            name = rng.choice(names)
        else:
            core = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
            name = rng.choice(PREFIXES) + core + rng.choice(SUFFIXES)
        if (county, name) in seen:
            continue
        seen.add((county, name))
        names.append(name)
        rows.append((county, name, f"B{len(rows) + 1}"))
    return rows


def csv_text(rows: list[tuple[str, str, str]]) -> str:
    lines = ["province,county,neighbourhood,code,kind"]
    lines += [
        f"استان {int(county.split()[-1]) % 31 + 1},{county},{name},{code},urban"
        for county, name, code in rows
    ]
    return "\n".join(lines) + "\n"


def misspell(name: str, rng: random.Random) -> str:
    """One letter of a word wrong, missing or doubled (never the first letter of the name)."""
    positions = [i for i, ch in enumerate(name) if ch in PERSIAN_LETTERS and i > 0]
    i = rng.choice(positions)
    how = rng.choice(("wrong", "missing", "extra"))
    if how == "wrong":
        return name[:i] + rng.choice(PERSIAN_LETTERS.replace(name[i], "")) + name[i + 1 :]
    if how == "missing":
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def queries(
    rows: list[tuple[str, str, str]], per_kind: int, rng: random.Random
) -> list[tuple[str, str, str]]:
    """(kind, query, the name meant) triples."""
    names = [name for _, name, _ in rows]
    long_names = [n for n in names if len(fold_for_search(n)) >= 6]
    with_yeh_kaf = [n for n in names if "ی" in n or "ک" in n]
    with_zwnj = [n for n in names if ZWNJ in n]
    made: list[tuple[str, str, str]] = []
    for _ in range(per_kind):
        name = rng.choice(names)
        made.append(("exact", name, name))
        name = rng.choice(long_names)
        made.append(("misspelt", misspell(name, rng), name))
        name = rng.choice(with_yeh_kaf)
        made.append(("arabic", name.replace("ی", "ي").replace("ک", "ك"), name))
        name = rng.choice(with_zwnj)
        made.append(("no-zwnj", name.replace(ZWNJ, rng.choice(("", " "))), name))
        junk = "".join(rng.choice(PERSIAN_LETTERS + " ") for _ in range(150))
        made.append(("junk", junk, ""))
    rng.shuffle(made)
    return made


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run_on(
    url: str, label: str, rows: list[tuple[str, str, str]], asked: list[tuple[str, str, str]]
) -> None:
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        factory = create_session_factory(engine)
        started = time.perf_counter()
        async with factory() as session:
            await import_regions(session, csv_text(rows), actor=OPERATOR, now=datetime.now(UTC))
        imported = time.perf_counter() - started
        async with factory() as session:
            started = time.perf_counter()
            await find_neighbourhoods(session, "دولت‌آباد")  # builds the index
            first = time.perf_counter() - started
            timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
            right: dict[str, int] = dict.fromkeys(KINDS, 0)
            in_five: dict[str, int] = dict.fromkeys(KINDS, 0)
            for kind, query, meant in asked:
                started = time.perf_counter()
                found = await find_neighbourhoods(session, query, limit=5)
                timings[kind].append((time.perf_counter() - started) * 1000)
                if kind == "junk":
                    right[kind] += not found
                    in_five[kind] += not found
                    continue
                folded = fold_for_search(meant)
                right[kind] += bool(found) and fold_for_search(found[0].name) == folded
                in_five[kind] += any(fold_for_search(m.name) == folded for m in found)
    finally:
        await engine.dispose()
    print(
        f"\n{label}: {len(rows):,} neighbourhoods imported in {imported:.1f} s; first search (builds the index) {first * 1000:.0f} ms"
    )
    print(
        f"  {'kind':<10} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  top result right  in top 5"
    )
    everything: list[float] = []
    for kind in KINDS:
        values = timings[kind]
        everything += values
        n = len(values)
        note = "   (right = no match)" if kind == "junk" else ""
        print(
            f"  {kind:<10} {n:>7} {statistics.median(values):>8.1f} {percentile(values, 95):>8.1f} "
            f"{percentile(values, 99):>8.1f}  {right[kind] / n:>15.1%}  {in_five[kind] / n:>8.1%}{note}"
        )
    print(
        f"  {'all':<10} {len(everything):>7} {statistics.median(everything):>8.1f} "
        f"{percentile(everything, 95):>8.1f} {percentile(everything, 99):>8.1f}"
    )


async def _postgres_database(server_url: str) -> tuple[str, Callable[[], object]] | None:
    """A fresh database on the server, and how to drop it; None when the server can't be reached."""
    name = f"mahalleyar_search_bench_{os.getpid()}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except (OSError, Exception) as error:
        print(
            f"\nPostgreSQL at {make_url(server_url).render_as_string()} not used: {type(error).__name__}: {error}"
        )
        await admin.dispose()
        return None
    await admin.dispose()

    async def drop() -> None:
        engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await engine.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


async def _run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    rows = make_names(args.neighbourhoods, rng)
    asked = queries(rows, args.queries, rng)
    print(
        f"search benchmark: {len(rows):,} neighbourhoods, {len(asked)} queries ({args.queries} of each kind), seed {args.seed}"
    )
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        await run_on(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", "SQLite", rows, asked)
    if not args.no_postgres:
        server = args.postgres or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
        database = await _postgres_database(server)
        if database is not None:
            url, drop = database
            try:
                await run_on(url, "PostgreSQL", rows, asked)
            finally:
                await drop()  # type: ignore[misc]
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
