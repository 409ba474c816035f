"""Stairway: every migration goes up and down (and up again) cleanly, and the models match."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import models
from models.db import (
    alembic_config,
    create_engine,
    downgrade_database_sync,
    shipped_head,
    upgrade_database,
    upgrade_database_sync,
)
from tests.conftest import POSTGRES_URL, create_postgres_database, drop_postgres_database


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@pytest.fixture
async def empty_database_url(tmp_path: Path):  # type: ignore[no-untyped-def]
    if POSTGRES_URL:
        url = await create_postgres_database(POSTGRES_URL)
        yield url
        await drop_postgres_database(POSTGRES_URL, url)
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"


async def test_stairway(empty_database_url: str) -> None:
    revisions = _revisions(empty_database_url)
    assert revisions, "no migrations found"
    for index, revision in enumerate(revisions):
        previous = revisions[index - 1] if index else "base"
        await asyncio.to_thread(upgrade_database_sync, empty_database_url, revision)
        await asyncio.to_thread(downgrade_database_sync, empty_database_url, previous)
        await asyncio.to_thread(upgrade_database_sync, empty_database_url, revision)


async def test_models_match_the_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), models.Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], "models and migrations disagree: write a migration"


async def test_a_start_migrates_a_database_behind_and_skips_one_at_the_head(empty_database_url: str) -> None:
    """The shortcut of `upgrade_database` (no Alembic when at the head) names Alembic's own head, and
    a database one step behind is still migrated."""
    script = ScriptDirectory.from_config(alembic_config(empty_database_url))
    assert shipped_head() == script.get_current_head()
    revisions = _revisions(empty_database_url)
    await asyncio.to_thread(upgrade_database_sync, empty_database_url, revisions[-2])
    await upgrade_database(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    finally:
        await engine.dispose()
    assert version == shipped_head()
    await upgrade_database(empty_database_url)  # at the head: nothing to do, nothing fails
