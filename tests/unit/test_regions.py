"""Importing regions from CSV (all or nothing, by code) and finding neighbourhoods by name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import PROJECT_ROOT
from models import AuditEntry, County, Neighbourhood, NeighbourhoodKind, Province
from services.authz import OPERATOR, Actor, PermissionDenied
from services.regions import (
    RegionImportError,
    RowProblemKind,
    find_neighbourhoods,
    import_regions,
    neighbourhood_by_code,
)

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
HEADER = "province,county,neighbourhood,code,kind\n"
GOOD = (
    HEADER + "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
    "تهران,تهران,نازی‌آباد,2101,شهری\n"
    "تهران,شمیرانات,روستای امامه,4101,روستایی\n"
    "البرز,کرج,گوهردشت,5101,urban\n"
)


async def counts(session: AsyncSession) -> tuple[int, int, int]:
    return (
        await session.scalar(select(func.count()).select_from(Province)) or 0,
        await session.scalar(select(func.count()).select_from(County)) or 0,
        await session.scalar(select(func.count()).select_from(Neighbourhood)) or 0,
    )


async def test_import_creates_regions_and_audits(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        report = await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        assert (report.rows, report.provinces_created, report.counties_created) == (5, 2, 4)
        assert report.neighbourhoods_created == 5
        assert await counts(session) == (2, 4, 5)
        rural = await neighbourhood_by_code(session, "۱۰۰۲")
        assert rural is not None and rural.kind == NeighbourhoodKind.RURAL and rural.name == "روستای کهریزک"
        village = await neighbourhood_by_code(session, "4101")
        assert village is not None and village.kind == NeighbourhoodKind.RURAL
        entry = await session.scalar(select(AuditEntry))
        assert entry is not None and entry.action == "regions.import" and entry.actor_label == "cli"
        assert entry.actor_person_id is None and entry.details["neighbourhoods_created"] == 5


async def test_reimport_updates_by_code_without_duplicates(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        again = await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        assert (
            again.neighbourhoods_created,
            again.neighbourhoods_updated,
            again.neighbourhoods_unchanged,
        ) == (
            0,
            0,
            5,
        )
        # Arabic yeh/kaf, Persian digits in the code, a space for the ZWNJ in the county name: the same
        # province and county; the neighbourhood's new name and kind replace the old ones.
        changed = HEADER + "تهران,شهرري,دولت آباد جدید,۱۰۰۱,rural\nتهران,شهر ری,نفرآباد,1003,urban\n"
        report = await import_regions(session, changed, actor=OPERATOR, now=NOW)
        assert (report.provinces_created, report.counties_created) == (0, 0)
        assert (report.neighbourhoods_created, report.neighbourhoods_updated) == (1, 1)
        assert await counts(session) == (2, 4, 6)
        updated = await neighbourhood_by_code(session, "1001")
        assert (
            updated is not None
            and updated.name == "دولت آباد جدید"
            and updated.kind == NeighbourhoodKind.RURAL
        )
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 2  # the no-op wrote none


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        pytest.param(
            "province,county,neighbourhood,code\nتهران,تهران,نازی‌آباد,2101\n",
            [(1, RowProblemKind.MISSING_COLUMNS)],
            id="missing-column",
        ),
        pytest.param(
            HEADER + "تهران,تهران,نازی‌آباد,2101,urban\nتهران,تهران,تجریش,2102,urban\n"
            "تهران,تهران,یوسف‌آباد,۲۱۰۱,urban\n",
            [(4, RowProblemKind.DUPLICATE_CODE)],
            id="duplicate-code",
        ),
        pytest.param(
            HEADER + "تهران,تهران,نازی‌آباد,2101,urban\n\nتهران,تهران,تجریش,2102,metropolis\n",
            [(4, RowProblemKind.BAD_KIND)],
            id="bad-kind-after-blank-line",
        ),
        pytest.param(
            HEADER + "تهران,,نازی‌آباد,2101,urban\nتهران,تهران,تجریش, ,urban\n",
            [(2, RowProblemKind.EMPTY_FIELD), (3, RowProblemKind.EMPTY_FIELD)],
            id="empty-fields",
        ),
        pytest.param(
            HEADER + "تهران,تهران,نازی‌آباد,21 01/x,urban\nتهران,تهران,تجریش,2102\n",
            [(2, RowProblemKind.BAD_CODE), (3, RowProblemKind.FIELD_COUNT)],
            id="bad-code-and-short-row",
        ),
        pytest.param("", [(1, RowProblemKind.EMPTY_FILE)], id="empty-file"),
        pytest.param(
            "province,county,neighbourhood,code,kind,selected\nتهران,تهران,نازی‌آباد,2101,urban,شاید\n",
            [(2, RowProblemKind.BAD_SELECTED)],
            id="bad-selected",
        ),
    ],
)
async def test_bad_csv_reports_lines_and_imports_nothing(
    session_factory: async_sessionmaker[AsyncSession],
    csv_text: str,
    expected: list[tuple[int, RowProblemKind]],
) -> None:
    async with session_factory() as session:
        with pytest.raises(RegionImportError) as raised:
            await import_regions(session, csv_text, actor=OPERATOR, now=NOW)
        assert [(p.line, p.kind) for p in raised.value.problems] == expected
        assert all(f"line {p.line}:" in p.describe() for p in raised.value.problems)
        assert await counts(session) == (0, 0, 0)
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_the_optional_selected_column_marks_the_programmes_selected_neighbourhoods(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    marked = (
        "province,county,neighbourhood,code,kind,selected\n"
        "تهران,شهر ری,دولت‌آباد,1001,urban,بله\n"
        "تهران,شهر ری,روستای کهریزک,1002,rural,۱\n"
        "تهران,تهران,نازی‌آباد,2101,شهری,خیر\n"
        "تهران,شمیرانات,روستای امامه,4101,روستایی,\n"
        "البرز,کرج,گوهردشت,5101,urban,Yes\n"
    )

    async def selected(session: AsyncSession) -> set[str]:
        return set(await session.scalars(select(Neighbourhood.code).where(Neighbourhood.selected)))

    async with session_factory() as session:
        report = await import_regions(session, marked, actor=OPERATOR, now=NOW)
        assert report.neighbourhoods_selected == 3
        assert await selected(session) == {"1001", "1002", "5101"}
        # Without the column a re-import leaves the marks alone; with it, they follow the file.
        again = await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        assert (again.neighbourhoods_updated, again.neighbourhoods_selected) == (0, 0)
        assert await selected(session) == {"1001", "1002", "5101"}
        unmarked = marked.replace(",بله\n", ",نه\n")
        changed = await import_regions(session, unmarked, actor=OPERATOR, now=NOW)
        assert changed.neighbourhoods_updated == 1
        assert await selected(session) == {"1002", "5101"}


async def test_code_of_another_county_is_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        moved = HEADER + "تهران,ورامین,قلعه‌نو,7001,urban\nتهران,ورامین,دولت‌آباد,1001,urban\n"
        with pytest.raises(RegionImportError) as raised:
            await import_regions(session, moved, actor=OPERATOR, now=NOW)
        [problem] = raised.value.problems
        assert (problem.line, problem.kind) == (3, RowProblemKind.CODE_IN_OTHER_COUNTY)
        assert "شهر ری" in problem.describe()
        assert await counts(session) == (2, 4, 5)  # not even the good row nor the new county


async def test_only_admins_import(session_factory: async_sessionmaker[AsyncSession]) -> None:
    from models import Role, ScopeKind
    from services.accounts import RoleGrant

    official = Actor(1, "person:1", (RoleGrant(Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, 1),))
    async with session_factory() as session:
        with pytest.raises(PermissionDenied):
            await import_regions(session, GOOD, actor=official, now=NOW)
        assert await counts(session) == (0, 0, 0)


async def test_sample_csv_imports(session_factory: async_sessionmaker[AsyncSession]) -> None:
    text = (PROJECT_ROOT / "data" / "sample_regions.csv").read_text(encoding="utf-8")
    async with session_factory() as session:
        report = await import_regions(session, text, actor=OPERATOR, now=NOW)
        assert report.neighbourhoods_created == len(text.strip().splitlines()) - 1
        kinds = set(await session.scalars(select(Neighbourhood.kind)))
        assert kinds == {NeighbourhoodKind.URBAN, NeighbourhoodKind.RURAL}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("دولت‌آباد", "دولت‌آباد"),
        ("دولت آباد", "دولت‌آباد"),  # a space for the ZWNJ
        ("دولتاباد", "دولت‌آباد"),  # nothing between the parts, آ typed as ا
        ("دولت آبد", "دولت‌آباد"),  # a letter missing
        ("دولت‌آیاد", "دولت‌آباد"),  # a letter wrong
        ("روستاي كهريزك", "روستای کهریزک"),  # Arabic yeh and kaf
        ("کهریزک", "روستای کهریزک"),  # a part of the name
        ("کهریزگ", "روستای کهریزک"),  # a typo in a part of the name
        ("نازي آباد", "نازی‌آباد"),
        ("۴۱۰۱", "روستای امامه"),  # the code, in Persian digits
    ],
)
async def test_search_tolerates_spelling_variants(
    session_factory: async_sessionmaker[AsyncSession], query: str, expected: str
) -> None:
    async with session_factory() as session:
        await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        found = await find_neighbourhoods(session, query)
        assert found and found[0].name == expected, found
        assert found[0].county_name and found[0].province_name


async def test_search_ranks_and_limits(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await import_regions(session, GOOD, actor=OPERATOR, now=NOW)
        assert await find_neighbourhoods(session, "  ") == []
        assert await find_neighbourhoods(session, "اصفهان") == []
        exact = await find_neighbourhoods(session, "نازی‌آباد")
        assert exact[0].score == 1.0
        # «آباد» is a part of two names (of the same length): both come, nothing else.
        both = await find_neighbourhoods(session, "آباد", limit=5)
        assert {m.name for m in both} == {"نازی‌آباد", "دولت‌آباد"}
        assert len(await find_neighbourhoods(session, "آباد", limit=1)) == 1
