"""Provinces, counties and neighbourhoods: importing them from a CSV file and finding them by name.

The CSV header is `province,county,neighbourhood,code,kind` (column order free, extra columns
ignored); `kind` is `urban`/`rural` or Persian `شهری`/`روستایی`. An optional `selected` column
(yes/no, 1/0, بله/خیر) marks the programme's «محلات منتخب». A neighbourhood is identified by
its code: re-importing updates its name and kind and never duplicates it. Provinces and counties
are matched by their folded name, so «شهرری» and «شهر ری» are one county. Every row is checked
before anything is written; one bad row and nothing at all is imported.
"""

from __future__ import annotations

import asyncio
import csv
import enum
import io
import re
import weakref
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import AuditEntry
from models.identity import County, Neighbourhood, NeighbourhoodKind, Province
from services.authz import Actor, record_audit, require_admin
from services.neighbourhood_search import NameIndex
from services.persian import fold_for_search, normalize_text
from services.uow import committing

__all__ = [
    "REGION_COLUMNS",
    "ImportReport",
    "NeighbourhoodMatch",
    "RegionImportError",
    "RowProblem",
    "RowProblemKind",
    "find_neighbourhoods",
    "import_regions",
    "neighbourhood_by_code",
    "normalize_code",
]

REGION_COLUMNS = ("province", "county", "neighbourhood", "code", "kind")
# Optional: whether the neighbourhood is one of the programme's «محلات منتخب». Without the column a
# re-import leaves the flag as it was; an empty cell means no.
SELECTED_COLUMN = "selected"
_SELECTED: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "1", "بله", "بلی", "آری", "اره", "آره", "منتخب"), True),
    **dict.fromkeys(("no", "n", "false", "0", "", "خیر", "نه"), False),
}

_KINDS: dict[str, NeighbourhoodKind] = {
    "urban": NeighbourhoodKind.URBAN,
    "rural": NeighbourhoodKind.RURAL,
    "شهری": NeighbourhoodKind.URBAN,
    "شهر": NeighbourhoodKind.URBAN,
    "روستایی": NeighbourhoodKind.RURAL,
    "روستا": NeighbourhoodKind.RURAL,
}
# Codes travel in deep links (`/start n_<code>`), whose payload allows only these characters.
_CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_MAX_LENGTH = {"province": 100, "county": 100, "neighbourhood": 150}
# Rows per IN (…) query or bulk insert: well under the bind-parameter limits of SQLite and asyncpg.
_QUERY_CHUNK = 500


class RowProblemKind(enum.StrEnum):
    MISSING_COLUMNS = "missing_columns"
    EMPTY_FILE = "empty_file"
    FIELD_COUNT = "field_count"
    EMPTY_FIELD = "empty_field"
    TOO_LONG = "too_long"
    BAD_KIND = "bad_kind"
    BAD_SELECTED = "bad_selected"
    BAD_CODE = "bad_code"
    DUPLICATE_CODE = "duplicate_code"
    CODE_IN_OTHER_COUNTY = "code_in_other_county"


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one line of the file (line 1 is the header)."""

    line: int
    kind: RowProblemKind
    field: str | None = None
    value: str | None = None
    # The earlier line with the same code, or the place the code already belongs to.
    other: str | None = None

    def describe(self) -> str:
        """A one-line English description, for the operator's command line."""
        text = {
            RowProblemKind.MISSING_COLUMNS: f"header lacks the column(s) {self.value}",
            RowProblemKind.EMPTY_FILE: "the file is empty (expected the header "
            + ",".join(REGION_COLUMNS)
            + ")",
            RowProblemKind.FIELD_COUNT: f"expected {len(REGION_COLUMNS)} fields or the header's count, found {self.value}",
            RowProblemKind.EMPTY_FIELD: f"{self.field} is empty",
            RowProblemKind.TOO_LONG: f"{self.field} is too long",
            RowProblemKind.BAD_KIND: f"kind must be urban or rural (شهری/روستایی), not {self.value!r}",
            RowProblemKind.BAD_SELECTED: f"selected must be yes or no (بله/خیر, 1/0), not {self.value!r}",
            RowProblemKind.BAD_CODE: f"code must be 1-32 letters, digits, '_' or '-', not {self.value!r}",
            RowProblemKind.DUPLICATE_CODE: f"code {self.value} repeats line {self.other}",
            RowProblemKind.CODE_IN_OTHER_COUNTY: f"code {self.value} already belongs to {self.other}",
        }[self.kind]
        return f"line {self.line}: {text}"


class RegionImportError(ValueError):
    """The CSV has bad rows; nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportReport:
    rows: int
    provinces_created: int
    counties_created: int
    neighbourhoods_created: int
    neighbourhoods_updated: int
    neighbourhoods_unchanged: int
    # Rows marked selected (with the optional column).
    neighbourhoods_selected: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    province: str
    county: str
    neighbourhood: str
    code: str
    kind: NeighbourhoodKind
    # None: the file has no `selected` column.
    selected: bool | None = None


def normalize_code(text: str) -> str:
    """A neighbourhood code as stored: Persian/Arabic digits to ASCII, invisible marks removed."""
    return normalize_text(text).replace(" ", "")


def _parse(csv_text: str) -> tuple[list[_Row], list[RowProblem]]:
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    problems: list[RowProblem] = []
    header: list[str] | None = None
    rows: list[_Row] = []
    first_line_of_code: dict[str, int] = {}
    line = 0
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(field.strip() for field in record):
            continue
        if header is None:
            header = [normalize_text(name).lower() for name in record]
            missing = [c for c in REGION_COLUMNS if c not in header]
            if missing:
                return [], [RowProblem(start, RowProblemKind.MISSING_COLUMNS, value=",".join(missing))]
            continue
        if len(record) != len(header):
            problems.append(RowProblem(start, RowProblemKind.FIELD_COUNT, value=str(len(record))))
            continue
        values = {name: normalize_text(record[header.index(name)]) for name in REGION_COLUMNS}
        row_problems = [
            RowProblem(start, RowProblemKind.EMPTY_FIELD, field=name)
            for name in REGION_COLUMNS
            if not values[name]
        ]
        row_problems += [
            RowProblem(start, RowProblemKind.TOO_LONG, field=name)
            for name, limit in _MAX_LENGTH.items()
            if len(values[name]) > limit
        ]
        code = normalize_code(values["code"])
        kind = _KINDS.get(values["kind"].lower())
        if values["kind"] and kind is None:
            row_problems.append(
                RowProblem(start, RowProblemKind.BAD_KIND, field="kind", value=values["kind"])
            )
        if code and not _CODE_RE.fullmatch(code):
            row_problems.append(
                RowProblem(start, RowProblemKind.BAD_CODE, field="code", value=values["code"])
            )
        elif code in first_line_of_code:
            row_problems.append(
                RowProblem(
                    start,
                    RowProblemKind.DUPLICATE_CODE,
                    field="code",
                    value=code,
                    other=str(first_line_of_code[code]),
                )
            )
        elif code:
            first_line_of_code[code] = start
        selected = _selected(record, header, start, row_problems)
        if row_problems or kind is None:
            problems += row_problems
            continue
        rows.append(
            _Row(start, values["province"], values["county"], values["neighbourhood"], code, kind, selected)
        )
    if header is None:
        problems.append(RowProblem(1, RowProblemKind.EMPTY_FILE))
    return rows, problems


def _selected(record: list[str], header: list[str], line: int, problems: list[RowProblem]) -> bool | None:
    """The row's optional `selected` cell: None without the column; a problem when unreadable."""
    if SELECTED_COLUMN not in header:
        return None
    raw = normalize_text(record[header.index(SELECTED_COLUMN)])
    value = _SELECTED.get(raw.lower())
    if value is None:
        problems.append(RowProblem(line, RowProblemKind.BAD_SELECTED, field=SELECTED_COLUMN, value=raw))
    return value


async def import_regions(
    session: AsyncSession, csv_text: str, *, actor: Actor, now: datetime
) -> ImportReport:
    """Create or update provinces, counties and neighbourhoods from CSV text; commits.

    Only an administrator (or the operator's CLI) may import. Every row is validated first
    (header, empty fields, kind, code shape, a code repeated in the file, a code that already
    belongs to a neighbourhood of another county); on any bad row `RegionImportError` lists them
    all with their line numbers and nothing is written.
    """
    require_admin(actor, "import regions")
    rows, problems = _parse(csv_text)
    async with committing(session):
        known = await _Known.load(session, [row.code for row in rows])
        problems += known.codes_elsewhere(rows)
        if problems:
            raise RegionImportError(sorted(problems, key=lambda p: p.line))
        report = await _write(session, rows, known)
        if report.rows != report.neighbourhoods_unchanged:
            record_audit(
                session,
                actor,
                action="regions.import",
                target_type="regions",
                target_id=None,
                details=asdict(report),
                now=now,
            )
    return report


@dataclass
class _Known:
    """The regions already stored that an import meets: provinces by folded name, counties by
    (province id, folded name), and the neighbourhoods with the file's codes, by code."""

    provinces: dict[str, Province]
    counties: dict[tuple[int, str], County]
    neighbourhoods: dict[str, Neighbourhood]

    @classmethod
    async def load(cls, session: AsyncSession, codes: list[str]) -> _Known:
        provinces = {fold_for_search(p.name): p for p in await session.scalars(select(Province))}
        counties = {
            (c.province_id, fold_for_search(c.name)): c for c in await session.scalars(select(County))
        }
        neighbourhoods: dict[str, Neighbourhood] = {}
        for start in range(0, len(codes), _QUERY_CHUNK):
            chunk = codes[start : start + _QUERY_CHUNK]
            for found in await session.scalars(select(Neighbourhood).where(Neighbourhood.code.in_(chunk))):
                neighbourhoods[found.code] = found
        return cls(provinces, counties, neighbourhoods)

    def county_of(self, row: _Row) -> County | None:
        province = self.provinces.get(fold_for_search(row.province))
        return self.counties.get((province.id, fold_for_search(row.county))) if province else None

    def codes_elsewhere(self, rows: list[_Row]) -> list[RowProblem]:
        """The rows whose code already belongs to a neighbourhood of another county."""
        county_by_id = {c.id: c for c in self.counties.values()}
        province_by_id = {p.id: p for p in self.provinces.values()}
        problems: list[RowProblem] = []
        for row in rows:
            current = self.neighbourhoods.get(row.code)
            if current is None:
                continue
            county = self.county_of(row)
            if county is None or county.id != current.county_id:
                where = county_by_id[current.county_id]
                problems.append(
                    RowProblem(
                        row.line,
                        RowProblemKind.CODE_IN_OTHER_COUNTY,
                        field="code",
                        value=row.code,
                        other=f"{current.name} ({where.name}, {province_by_id[where.province_id].name})",
                    )
                )
        return problems


async def _write(session: AsyncSession, rows: list[_Row], known: _Known) -> ImportReport:
    """Create the provinces and counties not known yet, create or update the neighbourhoods
    (no commit); what was done."""
    created = {"provinces": 0, "counties": 0, "created": 0, "updated": 0, "unchanged": 0}
    new_rows: list[dict[str, object]] = []
    for row in rows:
        province = known.provinces.get(fold_for_search(row.province))
        if province is None:
            province = Province(name=row.province)
            session.add(province)
            await session.flush()
            known.provinces[fold_for_search(row.province)] = province
            created["provinces"] += 1
        county_key = (province.id, fold_for_search(row.county))
        county = known.counties.get(county_key)
        if county is None:
            county = County(province_id=province.id, name=row.county)
            session.add(county)
            await session.flush()
            known.counties[county_key] = county
            created["counties"] += 1
        neighbourhood = known.neighbourhoods.get(row.code)
        if neighbourhood is None:
            new_rows.append(
                {
                    "county_id": county.id,
                    "name": row.neighbourhood,
                    "code": row.code,
                    "kind": row.kind,
                    "selected": bool(row.selected),
                }
            )
            created["created"] += 1
        elif _changes(neighbourhood, row):
            neighbourhood.name, neighbourhood.kind = row.neighbourhood, row.kind
            if row.selected is not None:
                neighbourhood.selected = row.selected
            created["updated"] += 1
        else:
            created["unchanged"] += 1
    # One executemany per chunk: a whole country's villages import in seconds, not minutes.
    for start in range(0, len(new_rows), _QUERY_CHUNK):
        await session.execute(insert(Neighbourhood), new_rows[start : start + _QUERY_CHUNK])
    return ImportReport(
        rows=len(rows),
        provinces_created=created["provinces"],
        counties_created=created["counties"],
        neighbourhoods_created=created["created"],
        neighbourhoods_updated=created["updated"],
        neighbourhoods_unchanged=created["unchanged"],
        neighbourhoods_selected=sum(1 for row in rows if row.selected),
    )


def _changes(neighbourhood: Neighbourhood, row: _Row) -> bool:
    """Whether the row says something new about a known neighbourhood."""
    return (
        neighbourhood.name != row.neighbourhood
        or neighbourhood.kind != row.kind
        or (row.selected is not None and neighbourhood.selected != row.selected)
    )


async def neighbourhood_by_code(session: AsyncSession, code: str) -> Neighbourhood | None:
    """The neighbourhood with this code (Persian digits accepted), or None."""
    return await session.scalar(select(Neighbourhood).where(Neighbourhood.code == normalize_code(code)))


@dataclass(frozen=True)
class NeighbourhoodMatch:
    id: int
    name: str
    code: str
    kind: NeighbourhoodKind
    county_name: str
    province_name: str
    # 1.0 for an exact (folded) match; lower for partial matches and typos.
    score: float


# The search index of each database (by URL) and the version it was built from.
_INDEXES: dict[str, tuple[tuple[int, int], NameIndex]] = {}
_INDEXES_KEPT = 8  # databases whose index is kept (one in production; tests use many)
# From this many neighbourhoods on, building the index and searching it run in a worker thread,
# so other people's updates are not held up meanwhile.
OFF_LOOP_AT = 2_000
_READ_SLICE = 2_000
_build_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


async def _index_version(session: AsyncSession) -> tuple[int, int]:
    """What the index depends on, in one cheap query (two index lookups): the newest
    neighbourhood's id, which grows with every one added (none is ever deleted), and the last
    region import that changed anything (a rename keeps the ids)."""
    last_import = (
        select(func.max(AuditEntry.id))
        .where(AuditEntry.target_type == "regions", AuditEntry.action == "regions.import")
        .scalar_subquery()
    )
    row = (await session.execute(select(func.max(Neighbourhood.id), last_import))).one()
    return int(row[0] or 0), int(row[1] or 0)


def _build_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _build_locks.get(loop)
    if lock is None:
        lock = _build_locks[loop] = asyncio.Lock()
    return lock


async def _search_index(session: AsyncSession) -> NameIndex:
    """The database's index, built on the first search and again whenever the neighbourhoods
    changed (by whichever process); searches running meanwhile wait for one build, not many."""
    key = str(session.get_bind().engine.url)
    version = await _index_version(session)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    async with _build_lock():
        cached = _INDEXES.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        # Read in slices, so that others' updates are handled in between (100,000 rows take a
        # second or two to read and convert); the index is built from them in a worker thread.
        result = await session.stream(
            select(
                Neighbourhood.id,
                Neighbourhood.name,
                Neighbourhood.code,
                Neighbourhood.kind,
                County.name,
                Province.name,
            )
            .join(County, Neighbourhood.county_id == County.id)
            .join(Province, County.province_id == Province.id)
            .execution_options(yield_per=_READ_SLICE)
        )
        rows: list[tuple[int, str, str, str, str, str]] = []
        while part := await result.tuples().fetchmany(_READ_SLICE):
            rows.extend(part)
        build = partial(NameIndex.from_rows, rows)
        index = await asyncio.to_thread(build) if len(rows) >= OFF_LOOP_AT else build()
        _INDEXES.pop(key, None)
        _INDEXES[key] = (version, index)
        while len(_INDEXES) > _INDEXES_KEPT:
            del _INDEXES[next(iter(_INDEXES))]
        return index


async def find_neighbourhoods(session: AsyncSession, query: str, limit: int = 5) -> list[NeighbourhoodMatch]:
    """Neighbourhoods whose name (or code) matches `query`, best first, at most `limit`.

    Tolerant of how Persian is typed: Arabic ي/ك, ZWNJ or space or nothing between word parts,
    آ/ا, and a letter wrong, missing or extra (scoring: `services.neighbourhood_search`). Searches
    a prepared index of the folded names: about 10 ms among 100,000 neighbourhoods
    (`python -m benchmarks.search`).
    """
    folded = fold_for_search(query)
    if not folded or limit <= 0:
        return []
    index = await _search_index(session)
    code = normalize_code(query)
    if len(index) >= OFF_LOOP_AT:
        found = await asyncio.to_thread(index.search, folded, code, limit)
    else:
        found = index.search(folded, code, limit)
    return [
        NeighbourhoodMatch(
            entry.id,
            entry.name,
            entry.code,
            NeighbourhoodKind(entry.kind),
            entry.county_name,
            entry.province_name,
            score,
        )
        for entry, score in found
    ]


async def neighbourhood_name(session: AsyncSession, neighbourhood_id: int) -> str:
    """The neighbourhood's name (for messages); raises `LookupError` for an unknown id."""
    name = await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == neighbourhood_id))
    if name is None:
        raise LookupError(neighbourhood_id)
    return name


async def neighbourhood_code(session: AsyncSession, neighbourhood_id: int) -> str:
    """The neighbourhood's code (for its joining link); raises `LookupError` for an unknown id."""
    code = await session.scalar(select(Neighbourhood.code).where(Neighbourhood.id == neighbourhood_id))
    if code is None:
        raise LookupError(neighbourhood_id)
    return code
