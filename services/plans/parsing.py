"""Reading a plan file: a CSV (UTF-8) or an Excel workbook (its first sheet) with the header
`goal,strategy,policy,project,responsible,weight,start,end,progress` (column order free, the
Persian names هدف، راهبرد، سیاست، پروژه، مسئول، وزن، شروع، پایان، پیشرفت accepted too).

Each row names one node: the last of goal, strategy, policy, project it fills, under the ones
before it (a blank cell skips a level: a project straight under a goal is `goal,,,project`).
Nodes are the same node when their names match along the same path (regardless of ي/ك, ZWNJ
or spaces), so every project's row repeats its goal, strategy and policy; a row that stops at a
goal or strategy gives that node its own weight, responsible body or dates. Dates are Jalali
`YYYY/MM/DD` in any digits; progress (projects only) a whole 0–100. Every row is checked before
anything is written, and every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.plans import PLAN_LEVELS, PlanNodeKind
from services.jalali import DateParseError, parse_jalali_date
from services.persian import fold_for_search, normalize_digits, normalize_prose, normalize_text
from services.plans.errors import PlanImportError, PlanProblemKind, PlanRowProblem
from services.resolutions.errors import InvalidProgress
from services.resolutions.rules import parse_progress

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_RESPONSIBLE_LENGTH",
    "MAX_WEIGHT",
    "PLAN_COLUMNS",
    "PlanRow",
    "clean_node_name",
    "parse_weight",
    "read_plan_file",
]

PLAN_COLUMNS = ("goal", "strategy", "policy", "project", "responsible", "weight", "start", "end", "progress")
_PERSIAN_HEADERS = {
    "هدف": "goal",
    "راهبرد": "strategy",
    "سیاست": "policy",
    "پروژه": "project",
    "مسئول": "responsible",
    "وزن": "weight",
    "شروع": "start",
    "پایان": "end",
    "پیشرفت": "progress",
}
MAX_NAME_LENGTH = 300
MAX_RESPONSIBLE_LENGTH = 200
# A weight is relative; beyond this it is a typing mistake (a date or an amount in rials).
MAX_WEIGHT = 1_000_000.0

Record = tuple[int, list[str]]
Path = tuple[tuple[PlanNodeKind, str], ...]


@dataclass(frozen=True)
class PlanRow:
    """One checked row: the node it names with the names above it (`path`, top first), and what
    the row says about that node."""

    line: int
    path: Path
    responsible: str | None
    weight: float | None
    starts_on: date | None
    ends_on: date | None
    progress: int | None

    @property
    def kind(self) -> PlanNodeKind:
        return self.path[-1][0]

    @property
    def key(self) -> tuple[tuple[PlanNodeKind, str], ...]:
        """What identifies the node: its path with the names folded."""
        return path_key(self.path)


def path_key(path: Path) -> tuple[tuple[PlanNodeKind, str], ...]:
    return tuple((kind, fold_for_search(name)) for kind, name in path)


def clean_node_name(text: str | None) -> str:
    """A node's name as stored: one line, normalised like prose (digits as written)."""
    return " ".join(normalize_prose(text or "").split())


def parse_weight(text: str) -> float:
    """A positive weight in any digits («۲٫۵», "2.5"); raises `ValueError`."""
    cleaned = normalize_digits(normalize_text(text)).replace("٫", ".").replace(" ", "")
    value = float(cleaned)
    if not math.isfinite(value) or not 0 < value <= MAX_WEIGHT:
        raise ValueError(text)
    return value


def _csv_records(text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    records: list[Record] = []
    line = 0
    for record in reader:
        start, line = line + 1, reader.line_num
        records.append((start, record))
    return records


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook_records(data: bytes) -> list[Record]:
    from openpyxl import load_workbook  # only the Excel path needs it

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _header(record: list[str]) -> list[str]:
    names = [normalize_text(name).lower() for name in record]
    return [_PERSIAN_HEADERS.get(name, name) for name in names]


def _path(values: dict[str, str]) -> Path:
    return tuple(
        (kind, clean_node_name(values[kind.value])) for kind in PLAN_LEVELS if values[kind.value].strip()
    )


def _dates(line: int, values: dict[str, str]) -> tuple[dict[str, date | None], list[PlanRowProblem]]:
    dates: dict[str, date | None] = {}
    problems: list[PlanRowProblem] = []
    for field in ("start", "end"):
        text = values[field].strip()
        try:
            dates[field] = parse_jalali_date(text) if text else None
        except DateParseError:
            dates[field] = None
            problems.append(PlanRowProblem(line, PlanProblemKind.BAD_DATE, field=field, value=text))
    start, end = dates["start"], dates["end"]
    if start is not None and end is not None and end < start:
        problems.append(PlanRowProblem(line, PlanProblemKind.END_BEFORE_START, field="end"))
    return dates, problems


def _measures(
    line: int, values: dict[str, str], kind: PlanNodeKind
) -> tuple[float | None, int | None, list[PlanRowProblem]]:
    """The row's weight and progress (a project without one is at 0)."""
    problems: list[PlanRowProblem] = []
    weight: float | None = None
    if text := values["weight"].strip():
        try:
            weight = parse_weight(text)
        except ValueError:
            problems.append(PlanRowProblem(line, PlanProblemKind.BAD_WEIGHT, field="weight", value=text))
    progress: int | None = 0 if kind is PlanNodeKind.PROJECT else None
    if text := values["progress"].strip():
        if kind is not PlanNodeKind.PROJECT:
            problems.append(PlanRowProblem(line, PlanProblemKind.PROGRESS_NOT_PROJECT, field="progress"))
        else:
            try:
                progress = parse_progress(text)
            except InvalidProgress:
                problems.append(
                    PlanRowProblem(line, PlanProblemKind.BAD_PROGRESS, field="progress", value=text)
                )
    return weight, progress, problems


def _row(line: int, values: dict[str, str]) -> tuple[PlanRow | None, list[PlanRowProblem]]:
    path = _path(values)
    if not path:
        return None, [PlanRowProblem(line, PlanProblemKind.NO_NAME)]
    problems = [
        PlanRowProblem(line, PlanProblemKind.TOO_LONG, field=kind.value)
        for kind, name in path
        if len(name) > MAX_NAME_LENGTH
    ]
    responsible = clean_node_name(values["responsible"]) or None
    if responsible is not None and len(responsible) > MAX_RESPONSIBLE_LENGTH:
        problems.append(PlanRowProblem(line, PlanProblemKind.TOO_LONG, field="responsible"))
    dates, date_problems = _dates(line, values)
    weight, progress, measure_problems = _measures(line, values, path[-1][0])
    problems += date_problems + measure_problems
    if problems:
        return None, problems
    return PlanRow(line, path, responsible, weight, dates["start"], dates["end"], progress), []


def _rows(records: Iterable[Record]) -> tuple[list[PlanRow], list[PlanRowProblem]]:
    header: list[str] | None = None
    rows: list[PlanRow] = []
    problems: list[PlanRowProblem] = []
    defined_on: dict[tuple[tuple[PlanNodeKind, str], ...], int] = {}
    for line, record in records:
        if not any(field.strip() for field in record):
            continue
        if header is None:
            header = _header(record)
            if missing := [c for c in PLAN_COLUMNS if c not in header]:
                return [], [PlanRowProblem(line, PlanProblemKind.MISSING_COLUMNS, value=",".join(missing))]
            continue
        if len(record) != len(header) and any(field.strip() for field in record[len(header) :]):
            problems.append(PlanRowProblem(line, PlanProblemKind.FIELD_COUNT, value=str(len(record))))
            continue
        padded = record + [""] * (len(header) - len(record))
        row, row_problems = _row(line, {name: padded[header.index(name)] for name in PLAN_COLUMNS})
        problems += row_problems
        if row is None:
            continue
        if (first := defined_on.setdefault(row.key, line)) != line:
            names = " / ".join(name for _kind, name in row.path)
            problems.append(PlanRowProblem(line, PlanProblemKind.DUPLICATE, value=names, other=first))
            continue
        rows.append(row)
    if header is None:
        problems.append(PlanRowProblem(1, PlanProblemKind.EMPTY_FILE))
    return rows, problems


def read_plan_file(data: bytes | str, *, excel: bool = False) -> list[PlanRow]:
    """The checked rows of a plan file (CSV text or bytes, or an .xlsx workbook's bytes); raises
    `PlanImportError` with every problem found, by line."""
    try:
        if excel:
            records = _workbook_records(data if isinstance(data, bytes) else data.encode())
        else:
            records = _csv_records(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except Exception as error:  # a broken workbook or undecodable text: one clear problem
        problem = PlanRowProblem(1, PlanProblemKind.UNREADABLE, value=f"{type(error).__name__}: {error}")
        raise PlanImportError([problem]) from error
    rows, problems = _rows(records)
    if problems:
        raise PlanImportError(problems)
    return rows
