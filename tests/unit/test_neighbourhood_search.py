"""The prepared neighbourhood search: scoring and ranking (`NameIndex`), and the index kept in step
with the database (`find_neighbourhoods` rebuilds it when neighbourhoods are imported or added)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import County, Neighbourhood, NeighbourhoodKind
from services import regions
from services.authz import OPERATOR
from services.neighbourhood_search import IndexedNeighbourhood, NameIndex
from services.persian import fold_for_search
from services.regions import find_neighbourhoods, import_regions, normalize_code

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
CSV = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
    "کرمانشاه,کرمانشاه,دولت‌آباد,2001,rural\n"
    "تهران,تهران,نازی‌آباد,2101,urban\n"
)


def index_of(*names: str) -> NameIndex:
    return NameIndex(
        [
            IndexedNeighbourhood(i + 1, name, f"C{i + 1}", "urban", "county", "province")
            for i, name in enumerate(names)
        ]
    )


def search(index: NameIndex, query: str, limit: int = 5) -> list[tuple[str, float]]:
    return [
        (entry.name, score)
        for entry, score in index.search(fold_for_search(query), normalize_code(query), limit)
    ]


def test_exact_beats_a_part_beats_a_typo_and_ties_go_by_name_then_id() -> None:
    index = index_of("کوی فردوس", "فردوس", "فردوسی", "باغ فردوس", "فردوس")
    found = index.search(fold_for_search("فردوس"), "فردوس", 5)
    assert [(e.name, e.id, s) for e, s in found][:2] == [("فردوس", 2, 1.0), ("فردوس", 5, 1.0)]
    # Parts: the shorter the name, the closer to 1.
    assert [name for name, _ in search(index, "فردوس")][2:] == ["فردوسی", "باغ فردوس", "کوی فردوس"]
    typo = dict(search(index, "فردوص"))
    assert typo["فردوس"] == 0.8  # a letter wrong: 2·4/10
    assert typo["فردوسی"] == round(0.95 * 8 / 9, 3)  # its stretch «فردو»: 2·4/9, discounted
    assert search(index, "فردوس", limit=1) == [("فردوس", 1.0)]


def test_a_typo_in_one_word_of_a_longer_name_is_found_slightly_discounted() -> None:
    index = index_of("روستای کهریزک", "گوهردشت")
    [(name, score)] = search(index, "کهریزگ")
    assert name == "روستای کهریزک" and 0.75 <= score < 0.95 * 0.9


def test_the_code_and_unrelated_or_junk_queries() -> None:
    index = index_of("نارمک", "تجریش")
    assert search(index, "C2") == [("تجریش", 1.0)]
    assert search(index, "xyzzy") == []
    assert search(index, "ب" * 150) == []
    assert search(index, "") == []
    assert index_of().search("x", "x", 5) == []


def test_letters_outside_the_counted_alphabet_are_still_compared() -> None:
    # Over 96 distinct letters: the rarer share one column of the count matrix.
    names = [chr(0x4E00 + i) * 3 + "ده" for i in range(120)]
    index = index_of(*names)
    assert search(index, names[-1][:3] + "د")[0][0] == names[-1]


async def test_the_index_follows_imports_renames_and_new_rows(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await import_regions(session, CSV, actor=OPERATOR, now=NOW)
        both = await find_neighbourhoods(session, "دولت آبد")
        assert [(m.code, m.county_name) for m in both] == [("1001", "شهر ری"), ("2001", "کرمانشاه")]
        assert both[0].kind is NeighbourhoodKind.URBAN and both[1].kind is NeighbourhoodKind.RURAL
        # A re-import renames 1001: same count, same ids, and yet the old name is gone.
        await import_regions(
            session, CSV.replace("شهر ری,دولت‌آباد", "شهر ری,قلعه‌نو"), actor=OPERATOR, now=NOW
        )
        assert [m.code for m in await find_neighbourhoods(session, "دولت‌آباد")] == ["2001"]
        assert [m.code for m in await find_neighbourhoods(session, "قلعه نو")] == ["1001"]
    # A neighbourhood added some other way is found at once too.
    async with session_factory() as session, session.begin():
        rey = await session.scalar(select(County).where(County.name == "شهر ری"))
        assert rey is not None
        session.add(Neighbourhood(county_id=rey.id, name="نارمک", code="1003", kind=NeighbourhoodKind.URBAN))
    async with session_factory() as session:
        assert [m.code for m in await find_neighbourhoods(session, "نارمك")] == ["1003"]


async def test_a_large_index_is_built_and_searched_off_the_event_loop(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regions, "OFF_LOOP_AT", 1)
    threads: list[object] = []
    to_thread = regions.asyncio.to_thread

    async def recording_to_thread(func: object, *args: object) -> object:
        threads.append(func)
        return await to_thread(func, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(regions.asyncio, "to_thread", recording_to_thread)
    async with session_factory() as session:
        await import_regions(session, CSV, actor=OPERATOR, now=NOW)
        found = await find_neighbourhoods(session, "نازي آباد")
    assert [m.code for m in found] == ["2101"]
    assert len(threads) == 2  # the build and the search
