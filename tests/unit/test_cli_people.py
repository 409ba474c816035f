"""The operator's people commands, run as real processes: import-regions, grant/revoke, seed-demo."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import PROJECT_ROOT
from models import (
    AuditEntry,
    CommitteeMembership,
    CouncilMember,
    County,
    Liaison,
    Neighbourhood,
    Person,
    Province,
    Role,
    RoleAssignment,
)
from services.demo import DEMO_CAST

SAMPLE = PROJECT_ROOT / "data" / "sample_regions.csv"


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def count(session_factory: async_sessionmaker[AsyncSession], model: type) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def test_help_of_each_people_command() -> None:
    top = run_cli("--help", database_url="sqlite+aiosqlite:///:memory:")
    for command in ("import-regions", "grant", "revoke", "seed-demo"):
        assert command in top.stdout
        result = run_cli(command, "--help", database_url="sqlite+aiosqlite:///:memory:")
        assert result.returncode == 0 and "usage:" in result.stdout, result.stderr
    assert "--neighbourhood CODE" in run_cli("grant", "--help", database_url="sqlite://").stdout


async def test_import_regions_good_then_again(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    rows = len(SAMPLE.read_text(encoding="utf-8").strip().splitlines()) - 1
    first = run_cli("import-regions", str(SAMPLE), database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert f"imported {rows} rows" in first.stdout and f"{rows} neighbourhoods created" in first.stdout
    again = run_cli("import-regions", str(SAMPLE), database_url=database_url)
    assert again.returncode == 0 and f"{rows} unchanged" in again.stdout, again.stderr
    assert await count(session_factory, Neighbourhood) == rows
    assert await count(session_factory, Province) == 1
    async with session_factory() as session:
        entry = await session.scalar(select(AuditEntry))
        assert entry is not None and entry.actor_label == "cli" and entry.action == "regions.import"


async def test_import_regions_bad_file_lists_lines_and_imports_nothing(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "province,county,neighbourhood,code,kind\n"
        "تهران,تهران,نازی‌آباد,2101,urban\n"
        "تهران,تهران,تجریش,2101,urban\n"
        "تهران,,یوسف‌آباد,2103,urban\n"
        "تهران,تهران,امامه,2104,village\n",
        encoding="utf-8",
    )
    result = run_cli("import-regions", str(bad), database_url=database_url)
    assert result.returncode == 1
    assert "nothing imported" in result.stderr
    assert "line 3: code 2101 repeats line 2" in result.stderr
    assert "line 4: county is empty" in result.stderr
    assert "line 5: kind must be urban or rural" in result.stderr
    assert "line 2:" not in result.stderr
    missing = tmp_path / "missing.csv"
    missing.write_text("province,county,neighbourhood,kind\nتهران,تهران,نازی‌آباد,urban\n", encoding="utf-8")
    result = run_cli("import-regions", str(missing), database_url=database_url)
    assert result.returncode == 1 and "line 1: header lacks the column(s) code" in result.stderr
    nowhere = run_cli("import-regions", str(tmp_path / "nope.csv"), database_url=database_url)
    assert nowhere.returncode == 1 and "cannot read" in nowhere.stderr
    assert await count(session_factory, Neighbourhood) == 0
    assert await count(session_factory, AuditEntry) == 0


async def test_grant_by_phone_with_scopes(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "province,county,neighbourhood,code,kind\n"
        "تهران,شهر ری,دولت‌آباد,1001,urban\n"
        "تهران,مرکزی,الف,1101,urban\n"
        "البرز,مرکزی,ب,5101,rural\n",
        encoding="utf-8",
    )
    assert run_cli("import-regions", str(regions), database_url=database_url).returncode == 0

    manager = run_cli(
        "grant",
        "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "manager",
        "--neighbourhood",
        "1001",
        "--name",
        "مریم حسینی",
        database_url=database_url,
    )
    assert manager.returncode == 0, manager.stderr
    assert "+989121234567" in manager.stdout and "granted manager" in manager.stdout
    twice = run_cli("grant", "09121234567", "manager", "--neighbourhood", "1001", database_url=database_url)
    assert twice.returncode == 0 and "already had manager" in twice.stdout

    ambiguous = run_cli(
        "grant", "09121234568", "county_official", "--county", "مرکزی", database_url=database_url
    )
    assert (
        ambiguous.returncode == 1 and "several provinces" in ambiguous.stderr and "البرز" in ambiguous.stderr
    )
    narrowed = run_cli(
        "grant",
        "09121234568",
        "county_official",
        "--county",
        "مرکزي",
        "--province",
        "البرز",
        database_url=database_url,
    )
    assert narrowed.returncode == 0 and "البرز" in narrowed.stdout, narrowed.stderr
    province = run_cli(
        "grant", "09121234569", "province_official", "--province", "تهران", database_url=database_url
    )
    assert province.returncode == 0, province.stderr
    admin = run_cli("grant", "09121234570", "admin", database_url=database_url)
    assert admin.returncode == 0, admin.stderr
    liaison = run_cli(
        "grant",
        "09121234571",
        "liaison",
        "--county",
        "شهرری",
        "--agency",
        "health_network",
        database_url=database_url,
    )
    assert liaison.returncode == 0, liaison.stderr

    refused = {
        ("grant", "0912", "manager", "--neighbourhood", "1001"): (1, "not a valid Iranian mobile number"),
        ("grant", "09121234572", "manager", "--neighbourhood", "9999"): (1, "no neighbourhood"),
        ("grant", "09121234572", "manager", "--county", "شهر ری"): (2, "manager takes --neighbourhood"),
        ("grant", "09121234572", "manager"): (2, "manager needs --neighbourhood"),
        ("grant", "09121234572", "liaison", "--county", "شهر ری"): (2, "needs --agency"),
        ("grant", "09121234572", "liaison", "--county", "شهر ری", "--agency", "nasa"): (1, "nasa"),
        ("grant", "09121234572", "resident", "--neighbourhood", "1001"): (2, "invalid choice"),
    }
    for args, (code, message) in refused.items():
        result = run_cli(*args, database_url=database_url)
        assert (result.returncode, message in result.stderr) == (code, True), (args, result.stderr)

    async with session_factory() as session:
        grants = {
            (phone, role)
            for phone, role in (
                await session.execute(select(Person.phone, RoleAssignment.role).join(RoleAssignment))
            ).tuples()
        }
        assert grants == {
            ("+989121234567", Role.MANAGER),
            ("+989121234568", Role.COUNTY_OFFICIAL),
            ("+989121234569", Role.PROVINCE_OFFICIAL),
            ("+989121234570", Role.ADMIN),
            ("+989121234571", Role.LIAISON),
        }
        assert (
            await session.scalar(select(Person.full_name).where(Person.phone == "+989121234567"))
            == "مریم حسینی"
        )
        assert await session.scalar(select(func.count()).select_from(Liaison)) == 1
        labels = set(await session.scalars(select(AuditEntry.actor_label)))
        assert labels == {"cli"}

    revoked = run_cli(
        "revoke", "09121234567", "manager", "--neighbourhood", "1001", database_url=database_url
    )
    assert revoked.returncode == 0 and "revoked manager" in revoked.stdout, revoked.stderr
    again = run_cli("revoke", "09121234567", "manager", "--neighbourhood", "1001", database_url=database_url)
    assert again.returncode == 0 and "did not have manager" in again.stdout


async def test_seed_demo_twice_is_idempotent(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = run_cli("seed-demo", database_url=database_url)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert len(lines) == len(DEMO_CAST)
    assert {line.split("\t")[1] for line in lines} == {"telegram", "bale"}
    models = (
        Province,
        County,
        Neighbourhood,
        Person,
        RoleAssignment,
        CouncilMember,
        CommitteeMembership,
        Liaison,
    )
    before = {model.__name__: await count(session_factory, model) for model in (*models, AuditEntry)}
    assert before["Neighbourhood"] == 2 and before["Person"] == len(DEMO_CAST)
    assert before["CouncilMember"] == 6 and before["Liaison"] == 1

    second = run_cli("seed-demo", database_url=database_url)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert {model.__name__: await count(session_factory, model) for model in (*models, AuditEntry)} == before


async def test_seed_demo_brings_requests_resolutions_and_actions_once(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    from models import Action, CitizenRequest, Resolution, ResolutionStatus

    for _ in range(2):
        result = await asyncio.to_thread(run_cli, "seed-demo", database_url=database_url)
        assert result.returncode == 0, result.stderr
    async with session_factory() as session:
        statuses = sorted(s.value for s in await session.scalars(select(Resolution.status)))
        assert statuses == sorted(
            [ResolutionStatus.OPEN, ResolutionStatus.IN_PROGRESS, ResolutionStatus.DONE]
        )
        assert await session.scalar(select(func.count(CitizenRequest.id))) == 2
        assert await session.scalar(select(func.count(Action.id))) == 2
