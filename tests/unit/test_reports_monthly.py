"""The monthly performance report job: on the first day of a Jalali month each county official gets
their county's report for the month past, each province official their province's, exactly once
across runs, restarts and `python -m bot jobs run monthly_report`; other days nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage, Role, ScopeKind
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
    async with session_factory() as session:
        rows = await session.scalars(
            select(OutboxMessage.text)
            .where(OutboxMessage.person_id == person_id, OutboxMessage.dedup_key.like("performance-report:%"))
            .order_by(OutboxMessage.id)
        )
        return list(rows)


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
    assert "۱ آبان ۱۴۰۵ تا ۳۰ آبان ۱۴۰۵" in county[0] and "/performance" in county[0]
    [whole] = await reports_to(session_factory, province)
    assert whole.startswith("📊 گزارش عملکرد استان «تهران»")
    assert len(await reports_to(session_factory, world["other_county"])) == 1


def test_the_command_line_runs_it_once(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    outputs = []
    for _ in range(2):  # two processes: a restart in between
        done = run_cli(
            "jobs", "run", "monthly_report", "--now", AZAR_1.isoformat(), database_url=database_url
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "monthly report: 2 reports to 2 officials" in outputs[0]
    assert "monthly report: 0 reports to 2 officials" in outputs[1]
