"""Exit 0 when the given PostgreSQL or Redis server answers within two seconds (used by scripts/test)."""

from __future__ import annotations

import asyncio
import sys


async def _probe(kind: str, url: str) -> None:
    if kind == "postgres":
        import asyncpg

        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncio.wait_for(asyncpg.connect(dsn), 2)
        await connection.close()
    else:
        from redis.asyncio import Redis

        client = Redis.from_url(url, socket_connect_timeout=2)
        try:
            await client.ping()
        finally:
            await client.aclose()


if __name__ == "__main__":
    try:
        asyncio.run(_probe(sys.argv[1], sys.argv[2]))
    except Exception:
        sys.exit(1)
