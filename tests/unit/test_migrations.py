"""Stairway: every migration goes up and down (and up again) cleanly, and the models match."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import models
from models.db import (
    alembic_config,
    create_engine,
    downgrade_database_sync,
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
    import asyncio

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
