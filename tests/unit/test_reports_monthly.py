"""The monthly performance report job: on the first day of a Jalali month each county official gets
their county's report for the month past, each province official their province's, exactly once
across runs, restarts and `python -m bot jobs run monthly_report`; other days nothing. The report
is the text, then the chart (a photo) and the Excel workbook as files, queued once like the text."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatch

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxFile, OutboxFileKind, OutboxMessage, Role, ScopeKind
from services.authz import OPERATOR
from services.jobs import JobContext, job_by_name
from services.roles import grant_role
from tests.unit.test_cli import run_cli
from tests.unit.test_reminders import TRANSLATOR, add_account, person_id_of

# The hand-built world of test_reminders (two county officials of Tehran province), as a fixture.
from tests.unit.test_reminders import world as world

AZAR_1 = datetime(2026, 11, 22, 4, 30, tzinfo=UTC)  # 1 Azar 1405, 08:00 in Tehran


async def _province_official(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000105",
            role=Role.PROVINCE_OFFICIAL,
            scope_kind=ScopeKind.PROVINCE,
            scope_name_or_code="تهران",
            now=AZAR_1 - timedelta(days=30),
        )
        person = await person_id_of(session, "09120000105")
        await add_account(session, person, 150)
        await session.commit()
    return person


async def reports_to(session_factory: async_sessionmaker[AsyncSession], person_id: int) -> list[str]:
    """The texts of the report queued to the person (not the files)."""
    async with session_factory() as session:
        rows = await session.scalars(
            select(OutboxMessage.text)
            .outerjoin(OutboxFile, OutboxFile.outbox_id == OutboxMessage.id)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.dedup_key.like("performance-report:%"),
                OutboxFile.outbox_id.is_(None),
            )
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def files_to(
    session_factory: async_sessionmaker[AsyncSession], person_id: int
) -> list[tuple[int, str, OutboxFileKind, str, bytes]]:
    """(outbox id, caption, kind, file name, bytes) of each file queued to the person, in order."""
    async with session_factory() as session:
        rows = await session.execute(
            select(
                OutboxMessage.id, OutboxMessage.text, OutboxFile.kind, OutboxFile.filename, OutboxFile.body
            )
            .join(OutboxFile, OutboxFile.outbox_id == OutboxMessage.id)
            .where(OutboxMessage.person_id == person_id)
            .order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def last_text_id(session_factory: async_sessionmaker[AsyncSession], person_id: int) -> int:
    async with session_factory() as session:
        found = await session.scalar(
            select(OutboxMessage.id)
            .outerjoin(OutboxFile, OutboxFile.outbox_id == OutboxMessage.id)
            .where(OutboxMessage.person_id == person_id, OutboxFile.outbox_id.is_(None))
            .order_by(OutboxMessage.id.desc())
        )
        assert found is not None
        return found


def assert_chart_and_workbook(files: list[tuple[int, str, OutboxFileKind, str, bytes]], stem: str) -> None:
    """A real PNG chart as a photo, then a real workbook as a document, both without a caption;
    `stem` the file names' (a `*` for a number not known in advance)."""
    [(_, chart_caption, chart_kind, chart_name, png), (_, book_caption, book_kind, book_name, xlsx)] = files
    assert fnmatch(chart_name, f"{stem}.png") and fnmatch(book_name, f"{stem}.xlsx")
    assert (chart_kind, chart_caption) == (OutboxFileKind.PHOTO, "")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] > 100
    assert (book_kind, book_caption) == (OutboxFileKind.DOCUMENT, "")
    workbook = load_workbook(io.BytesIO(xlsx))
    assert len(workbook.sheetnames) == 5  # units, bodies, committees, programmes, needs and plans


async def test_each_official_gets_last_months_report_once(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    province = await _province_official(session_factory)
    job = job_by_name("monthly_report")

    async def run(now: datetime) -> str:
        return await job.run(JobContext(session_factory=session_factory, now=now, translator=TRANSLATOR))

    assert "0 reports" in await run(AZAR_1 - timedelta(days=1))  # 30 Aban: not yet
    assert "3 reports to 3 officials" in await run(AZAR_1)
    await run(AZAR_1 + timedelta(hours=2))  # the same day again
    await run(AZAR_1 + timedelta(days=1))  # 2 Azar: nothing
    county = await reports_to(session_factory, world["county"])
    assert len(county) == 1
    assert county[0].startswith("📊 گزارش عملکرد شهرستان «شهر ری»")
    assert "۱ آبان ۱۴۰۵ تا ۳۰ آبان ۱۴۰۵" in county[0]
    assert "/performance" not in county[0]  # the files come with it now
    # The chart and the workbook, once, after the text (the outbox keeps a chat's order by id).
    county_files = await files_to(session_factory, world["county"])
    assert_chart_and_workbook(county_files, f"performance-county-{world['rey']}-1405-08")
    assert county_files[0][0] > await last_text_id(session_factory, world["county"])
    [whole] = await reports_to(session_factory, province)
    assert whole.startswith("📊 گزارش عملکرد استان «تهران»")
    assert_chart_and_workbook(await files_to(session_factory, province), "performance-province-*-1405-08")
    assert len(await reports_to(session_factory, world["other_county"])) == 1
    assert len(await files_to(session_factory, world["other_county"])) == 2


async def test_an_official_who_never_opened_the_bot_finds_the_report_waiting(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    """Appointed by phone, not joined yet: the report (text and files) waits for them, once, and
    reaches them when they first open the bot — the note first, then the chart and the workbook."""
    from models import OutboxStatus
    from services.notify import release_waiting

    async with session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000177",
            role=Role.PROVINCE_OFFICIAL,
            scope_kind=ScopeKind.PROVINCE,
            scope_name_or_code="تهران",
            now=AZAR_1 - timedelta(days=30),
        )
        newcomer = await person_id_of(session, "09120000177")
        await session.commit()
    job = job_by_name("monthly_report")
    for hours in (0, 3):  # a second run the same day adds nothing
        await job.run(
            JobContext(
                session_factory=session_factory, now=AZAR_1 + timedelta(hours=hours), translator=TRANSLATOR
            )
        )
    async with session_factory() as session:
        waiting = (
            await session.execute(
                select(OutboxMessage.status, OutboxMessage.chat_id).where(OutboxMessage.person_id == newcomer)
            )
        ).all()
    assert len(waiting) == 3 and all(row == (OutboxStatus.WAITING, None) for row in waiting)
    [text] = await reports_to(session_factory, newcomer)
    assert text.startswith("📊 گزارش عملکرد استان «تهران»")
    assert_chart_and_workbook(await files_to(session_factory, newcomer), "performance-province-*-1405-08")

    async with session_factory() as session:
        await add_account(session, newcomer, 177)
        released = await release_waiting(
            session, TRANSLATOR, person_id=newcomer, now=AZAR_1 + timedelta(days=5)
        )
        await session.commit()
        pending = (
            await session.execute(
                select(OutboxMessage.id, OutboxMessage.chat_id, OutboxFile.kind)
                .outerjoin(OutboxFile, OutboxFile.outbox_id == OutboxMessage.id)
                .where(OutboxMessage.person_id == newcomer, OutboxMessage.status == OutboxStatus.PENDING)
                .order_by(OutboxMessage.id)
            )
        ).all()
    assert released == 3  # the «while you were away» note, then both files in full
    assert [(chat, kind) for _, chat, kind in pending] == [
        (177, None),
        (177, OutboxFileKind.PHOTO),
        (177, OutboxFileKind.DOCUMENT),
    ]


async def test_the_command_line_runs_it_once(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    outputs = []
    for _ in range(2):  # two processes: a restart in between
        done = await asyncio.to_thread(
            run_cli, "jobs", "run", "monthly_report", "--now", AZAR_1.isoformat(), database_url=database_url
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "monthly report: 2 reports to 2 officials" in outputs[0]
    assert "monthly report: 0 reports to 2 officials" in outputs[1]
    for official in (world["county"], world["other_county"]):
        # Read on the test's own loop: the pool's connections belong to it (asyncpg checks).
        assert [kind for _, _, kind, _, _ in await files_to(session_factory, official)] == [
            OutboxFileKind.PHOTO,
            OutboxFileKind.DOCUMENT,
        ]
