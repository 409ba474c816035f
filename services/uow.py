"""The unit of work: every service operation that writes commits exactly once, at its end.

    async with committing(session):
        ...  # reads, checks and writes; nothing is visible to others before the end

An exception anywhere inside rolls the whole operation back, so nothing is half-saved. Services
own their commits (handlers never commit); a service that must make a claim visible before slow
work (a lease, a de-duplication mark) uses two `committing` blocks, not a bare `commit()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["committing"]


@asynccontextmanager
async def committing(session: AsyncSession) -> AsyncIterator[None]:
    """The transaction of one service operation: commit at the end, roll back on any error."""
    try:
        yield
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
