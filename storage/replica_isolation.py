"""One person's updates one after another across replicas: aiogram's event isolation, kept
in PostgreSQL's advisory locks (webhook mode, where every replica handles updates).

aiogram handles a person's updates one at a time by its event isolation, a lock per FSM
key held from the state's first read to the handler's end. `SimpleEventIsolation` holds
it in the memory of one process; replicas behind a load balancer need it in the database
they share, as aiogram's `RedisEventIsolation` keeps it in Redis. Without it, a person's
next update could reach another replica between two transactions of the last one (the
bot commits before each message it sends, and the handler may write after sending): it
would read the conversation half-way and act on it.

The lock is a session-level advisory lock (two-key form: `LOCK_CLASS_TURNS` and the
key's CRC-32; two people whose keys share a CRC only wait for each other), taken on a
connection of a small pool of its own, held while the update is handled. Returning the
connection to the pool lets the lock go (asyncpg's `Connection.reset`, which the pool
runs on release, begins with ``pg_advisory_unlock_all()``), and so does the end of a
replica that dies with it: the server ends its sessions. The same person's updates within
one process wait in memory first, holding no connection.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation

if TYPE_CHECKING:
    import asyncpg

LOCK_CLASS_TURNS = 0x46444554  # "FDET", apart from the leadership's class ("FDES")
_TAKE = "SELECT pg_advisory_lock($1, $2)"


def lock_key(key: StorageKey) -> int:
    """The key's second half of the advisory lock: a signed 32-bit CRC of who and where."""
    text = f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id}:{key.destiny}"
    crc = zlib.crc32(text.encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


class ReplicaEventIsolation(BaseEventIsolation):
    def __init__(self, url: str, *, connections: int) -> None:
        self.url = url
        self.connections = connections
        self._here = SimpleEventIsolation()
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _connections(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                import asyncpg  # only where PostgreSQL is used

                self._pool = await asyncpg.create_pool(
                    self.url,
                    min_size=1,
                    max_size=self.connections,
                    server_settings={"application_name": "frontdesk turns"},
                )
            return self._pool

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self._here.lock(key):
            pool = await self._connections()
            async with pool.acquire() as conn:  # its release lets the lock go
                await conn.execute(_TAKE, LOCK_CLASS_TURNS, lock_key(key))
                yield

    async def close(self) -> None:
        await self._here.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
