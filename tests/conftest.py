"""Shared fixtures: a fresh migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set) and, when TEST_REDIS_URL is set, a Redis key prefix of its own."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from models.db import create_engine, create_session_factory, upgrade_database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# On the PostgreSQL + Redis pass (scripts/test), a test that can reach neither server is skipped:
# it ran on the SQLite pass, and nothing it does depends on which servers the suite uses. It can
# reach them only through these fixtures (every test database and Redis prefix comes from them) or
# by naming the servers' settings in its module; TEST_EVERY_TEST=1 runs everything anyway.
SERVER_FIXTURES = frozenset(
    {"migrated_template", "database_url", "engine", "session_factory", "redis_prefix"}
)
SERVER_NAMES = ("POSTGRES_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL", "getfixturevalue")
SERVER_FREE_REASON = "uses neither the database nor Redis: it ran on the SQLite pass"
TESTS_DIR = Path(__file__).resolve().parent
# What became of every notification in the end-to-end tests of this run (tests/e2e/conftest.py).
OUTBOX_LEDGER = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e-outbox-ledger.jsonl"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        OUTBOX_LEDGER.unlink(missing_ok=True)


def _names_the_servers(path: Path, seen: dict[Path, bool]) -> bool:
    if path not in seen:
        source = path.read_text(encoding="utf-8") if path.suffix == ".py" and path.exists() else ""
        seen[path] = any(name in source for name in SERVER_NAMES)
    return seen[path]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the server pass, skip the tests that cannot reach a server (SERVER_FIXTURES)."""
    if not (POSTGRES_URL or REDIS_URL) or os.environ.get("TEST_EVERY_TEST") == "1":
        return
    skip = pytest.mark.skip(reason=SERVER_FREE_REASON)
    seen: dict[Path, bool] = {}
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        # Its module, and the conftest.py files between it and this one (whose fixtures it may use).
        sources = [item.path, *(d / "conftest.py" for d in item.path.parents if TESTS_DIR in d.parents)]
        if not fixtures & SERVER_FIXTURES and not any(_names_the_servers(s, seen) for s in sources):
            item.add_marker(skip)


def _report_server_free(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if SERVER_FREE_REASON in str(report.longrepr))
    if count:
        terminalreporter.write_line(
            f"{count} tests skipped on this pass: they use neither the database nor Redis and ran on "
            "the SQLite pass (TEST_EVERY_TEST=1 runs them here too)"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The notifications of the e2e tests: queued, delivered, waiting for a person, failed and why;
    how many tests the server pass skipped (`pytest_collection_modifyitems`)."""
    _report_server_free(terminalreporter)
    if not OUTBOX_LEDGER.exists():
        return
    statuses: dict[str, int] = {}
    failed: dict[str, int] = {}
    tests = 0
    for line in OUTBOX_LEDGER.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        tests += 1
        for key, n in entry["statuses"].items():
            statuses[key] = statuses.get(key, 0) + n
        for key, n in entry["failed"].items():
            failed[key] = failed.get(key, 0) + n
    write = terminalreporter.write_line
    terminalreporter.section("notifications in the end-to-end tests")
    write(f"{tests} real-process tests; {sum(statuses.values())} notifications queued")
    labels = {
        "sent": "delivered",
        "merged": "delivered inside a «while you were away» summary",
        "waiting": "waiting for a person who has not joined (or blocked the bot everywhere)",
        "pending": "still pending when the test ended",
        "failed": "failed for good",
    }
    for key, label in labels.items():
        write(f"  {statuses.get(key, 0):6d}  {label}")
    for reason, n in sorted(failed.items(), key=lambda item: -item[1]):
        write(f"          {n:6d} × {reason}")


async def create_postgres_database(server_url: str, template: str | None = None) -> str:
    """Create a uniquely named database on the server of `server_url`; return its URL."""
    name = f"mahalleyar_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            suffix = f' TEMPLATE "{template}"' if template else ""
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per test session; each test then gets a copy (migrating per test is slow)."""
    if POSTGRES_URL:
        url = asyncio.run(create_postgres_database(POSTGRES_URL))
        asyncio.run(upgrade_database(url))
        yield url
        asyncio.run(drop_postgres_database(POSTGRES_URL, url))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(upgrade_database(url))
        yield url


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty, migrated database of this test's own; removed afterwards."""
    if POSTGRES_URL:
        url = await create_postgres_database(POSTGRES_URL, template=make_url(migrated_template).database)
        try:
            yield url
        finally:
            await drop_postgres_database(POSTGRES_URL, url)
    else:
        target = tmp_path / "test.db"
        shutil.copyfile(str(make_url(migrated_template).database), target)
        yield f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on the test Redis; every key under it is deleted after."""
    if not REDIS_URL:
        pytest.skip("Redis not configured: set TEST_REDIS_URL to run Redis cases")
    from redis.asyncio import Redis

    prefix = f"mahalleyar-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
