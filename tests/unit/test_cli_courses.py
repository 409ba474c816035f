"""`python -m bot course …`, `letter`, `card` and `verify` as real processes: a course created,
its audience invited, attendance marked until completed, the letter and card written, and the
card's QR code checked — valid (exit 0), altered (invalid), revoked."""

from __future__ import annotations

import io
import json
from pathlib import Path

import zxingcpp
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Role, ScopeKind
from services.authz import OPERATOR
from services.clock import utc_now
from services.regions import import_regions
from services.roles import grant_role, revoke_role
from tests.unit.test_cli_people import run_cli

REGIONS = "province,county,neighbourhood,code,kind\nتهران,ری,دولت‌آباد,1001,urban\n"
PHONE = "09120000006"


async def a_manager(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=utc_now())
        await grant_role(
            session,
            actor=OPERATOR,
            phone=PHONE,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            full_name="زهرا احمدی",
            now=utc_now(),
        )


def test_help_names_the_commands() -> None:
    top = run_cli("--help", database_url="sqlite+aiosqlite:///:memory:")
    for command in ("course", "letter", "card", "verify"):
        assert command in top.stdout
    for action in ("create", "list", "show", "invite", "attend"):
        assert action in run_cli("course", "--help", database_url="sqlite+aiosqlite:///:memory:").stdout


async def test_a_course_to_a_verified_card(
    session_factory: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path
) -> None:
    await a_manager(session_factory)
    created = run_cli(
        "course",
        "create",
        "--title",
        "آشنایی با مدیریت محله‌محور",
        "--county",
        "ری",
        "--for",
        "manager",
        "--session",
        "1500/01/10 16:30 مسجد جامع",
        "--session",
        "1500/01/17 16:30 سالن فرمانداری",
        database_url=database_url,
    )
    assert created.returncode == 0, created.stderr
    course_id = created.stdout.strip()
    bad = run_cli(
        "course",
        "create",
        "--title",
        "x y z",
        "--county",
        "ری",
        "--session",
        "دیروز",
        database_url=database_url,
    )
    assert bad.returncode == 1 and "--session 1: format" in bad.stderr
    invited = run_cli("course", "invite", course_id, database_url=database_url)
    assert invited.stdout.startswith("invited 1 (0 before): 0 told now, 1 when they join"), invited.stderr

    # No course completed yet: a letter needs a reason.
    refused = run_cli("letter", PHONE, "--out", str(tmp_path / "x.pdf"), database_url=database_url)
    assert refused.returncode == 1 and "--reason" in refused.stderr
    for number in ("1", "2"):
        marked = run_cli("course", "attend", course_id, number, PHONE, database_url=database_url)
        assert marked.returncode == 0, marked.stderr
    assert marked.stdout.strip() == f"{PHONE}\t2/2\tcompleted"
    shown = json.loads(run_cli("course", "show", course_id, "--json", database_url=database_url).stdout)
    assert [(p["name"], p["attended"], p["completed"]) for p in shown["participants"]] == [
        ("زهرا احمدی", 2, True)
    ]

    letter = run_cli("letter", PHONE, "--out", str(tmp_path / "letter.pdf"), database_url=database_url)
    assert letter.returncode == 0, letter.stderr
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")
    card = run_cli("card", PHONE, "--out", str(tmp_path / "card.png"), database_url=database_url)
    assert card.returncode == 0 and card.stdout.startswith("card C-"), card.stderr
    image = Image.open(io.BytesIO((tmp_path / "card.png").read_bytes()))
    [link] = [result.text for result in zxingcpp.read_barcodes(image)]

    valid = run_cli("verify", link, database_url=database_url)
    assert valid.returncode == 0 and valid.stdout.startswith("valid\tزهرا احمدی\tmanager\tدولت‌آباد, ری\tC-")
    token = link.rsplit("/", 1)[1]
    altered = token[:5] + ("x" if token[5] != "x" else "y") + token[6:]
    invalid = run_cli("verify", altered, database_url=database_url)
    assert (invalid.returncode, invalid.stdout) == (1, "invalid\n")
    async with session_factory() as session:
        await revoke_role(
            session,
            actor=OPERATOR,
            phone=PHONE,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            now=utc_now(),
        )
    revoked = run_cli("verify", token, database_url=database_url)
    assert revoked.returncode == 1 and revoked.stdout.startswith("revoked\tزهرا احمدی\tmanager")
    gone = run_cli("card", PHONE, "--out", str(tmp_path / "again.png"), database_url=database_url)
    assert gone.returncode == 1 and "neither a manager nor a council member" in gone.stderr
