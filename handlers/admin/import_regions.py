"""/import_regions: an administrator sends the regions CSV as a document. The file is checked
(a CSV, UTF-8, within the size limit) and downloaded with a cap, then imported whole or not at
all: the answer is the counts, or the bad lines by number, the form still open for the corrected
file."""

from __future__ import annotations

import io
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Document, Message
from aiohttp import ClientError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import MenuPress
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.regions import ImportReport, RegionImportError, RowProblem, import_regions

# The regions of a whole country fit in well under a megabyte; more is a wrong file.
IMPORT_SIZE_LIMIT_MB = 2
IMPORT_SIZE_LIMIT = IMPORT_SIZE_LIMIT_MB * 1024 * 1024
CSV_MIME_TYPES = frozenset({"text/csv", "application/csv", "text/comma-separated-values", "text/x-csv"})
# Problems listed in one answer (the message must stay under 4096 characters).
PROBLEMS_SHOWN = 20


class ImportRegions(StatesGroup):
    file = State()


class FileTooLarge(Exception):
    """The download went past the size limit."""


class _CappedBuffer(io.BytesIO):
    """A download destination that refuses to grow past `limit` bytes (the messenger may not
    say a document's size beforehand, and Bale often doesn't)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any, /) -> int:
        if self.tell() + len(data) > self.limit:
            raise FileTooLarge
        return super().write(data)


def problem_text(problem: RowProblem, t: BoundTranslator) -> str:
    return t(
        f"admin-import-problem-{problem.kind.value}",
        line=problem.line,
        field=problem.field or "",
        value=problem.value or "",
        other=problem.other or "",
    )


def report_text(report: ImportReport, t: BoundTranslator) -> str:
    done = t(
        "admin-import-done",
        rows=report.rows,
        provinces=report.provinces_created,
        counties=report.counties_created,
        created=report.neighbourhoods_created,
        updated=report.neighbourhoods_updated,
        unchanged=report.neighbourhoods_unchanged,
    )
    if report.neighbourhoods_selected:
        done += "\n" + t("admin-import-selected", count=report.neighbourhoods_selected)
    return done


def failure_text(error: RegionImportError, t: BoundTranslator) -> str:
    """Why nothing was imported: the first problems by line, and how many more there are."""
    lines = [t("admin-import-failed")]
    lines += [problem_text(p, t) for p in error.problems[:PROBLEMS_SHOWN]]
    if len(error.problems) > PROBLEMS_SHOWN:
        lines.append(t("admin-import-more", count=len(error.problems) - PROBLEMS_SHOWN))
    return "\n".join(lines)


def looks_like_csv(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".csv") or (document.mime_type or "").lower() in CSV_MIME_TYPES


async def import_command(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    await state.clear()
    # Spares others a file sent for nothing; the service checks again.
    if not Actor.from_viewer(viewer).is_admin:
        await message.answer(t("admin-import-not-admin"))
        return
    await state.set_state(ImportRegions.file)
    await message.answer(t("admin-import-ask", limit=IMPORT_SIZE_LIMIT_MB))


async def _download(message: Message, document: Document, bot: Bot, t: BoundTranslator) -> str | None:
    """The document's text; None when it could not be had, after saying why."""
    too_large = t("admin-import-too-large", limit=IMPORT_SIZE_LIMIT_MB)
    if document.file_size is not None and document.file_size > IMPORT_SIZE_LIMIT:
        await message.answer(too_large)
        return None
    try:
        file = await bot.get_file(document.file_id)
        if file.file_path is None:
            raise FileNotFoundError(document.file_id)
        buffer = _CappedBuffer(IMPORT_SIZE_LIMIT)
        await bot.download_file(file.file_path, destination=buffer)
    except FileTooLarge:
        await message.answer(too_large)
        return None
    except (TelegramAPIError, ClientError, OSError, TimeoutError):
        await message.answer(t("admin-import-download-failed"))
        return None
    try:
        return buffer.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        await message.answer(t("admin-import-not-utf8"))
        return None


async def got_file(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    bot: Bot,
) -> None:
    document = message.document
    assert document is not None  # the filter says so
    if not looks_like_csv(document):
        await message.answer(t("admin-import-not-csv", name=document.file_name or "—"))
        return
    text = await _download(message, document, bot, t)
    if text is None:
        return
    # Someone no longer an administrator is refused by the service (`PermissionDenied`), answered
    # in handlers.errors, which ends the form.
    try:
        report = await import_regions(session, text, actor=Actor.from_viewer(viewer), now=clock())
    except RegionImportError as error:
        # Nothing was imported; the form stays open for the corrected file.
        await message.answer(failure_text(error, t))
        return
    await state.clear()
    await message.answer(report_text(report, t))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(import_command, MenuPress("import_regions"))
    router.message.register(import_command, Command("import_regions"))
    router.message.register(got_file, StateFilter(ImportRegions.file), F.document)
    return router
