"""The messages every replica sent to Telegram lately, kept in PostgreSQL so that Telegram's
limits are counted for the bot as a whole (the windows themselves, and when a message may
leave, are bot/telegram/flood_limits.py's).

One row per message Telegram counts (table ``telegram_sends``, migration 0018): let go
(``left_at``), then answered (``answered_at``), or deleted when Telegram refused it and so
did not count it. Every moment is the database server's clock (``clock_timestamp()``):
the replicas' own clocks may differ, the server's is one.

A replica about to send opens a `turn`: a transaction holding an advisory lock that every
replica's turn takes, so that two replicas never both see the same free place. Within it,
`recent` reads what the windows hold and `record` takes the place; the lock goes with the
commit. Answers are written after, outside any turn.

    async with sends.turn() as turn:
        seen = await turn.recent(chat_id, chat_seconds=60.0)
        ...  # decide from seen.overall and seen.chat
        place = await turn.record(chat_id)
    ...  # send
    await sends.answered(place)

One connection of its own (not the database's gate, which an update's transaction holds
for milliseconds), used by one caller at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storage.leadership import LOCK_CLASS

if TYPE_CHECKING:
    import asyncpg

LOCK_SENDS = 3  # the two-key advisory lock of a turn, beside the leadership's (1) and 2
# A message on its way longer than this is taken as answered: its sender died, or gave up.
IN_FLIGHT_AT_MOST = 30.0
# Rows older than this hold no place in any window (the longest is a group's minute).
KEPT_SECONDS = 120.0
PRUNE_EVERY = 500  # records between two prunings

_TURN_LOCK = "SELECT pg_advisory_xact_lock($1, $2)"
_NOW = "extract(epoch FROM clock_timestamp())::double precision"


@dataclass(frozen=True, slots=True)
class Held:
    """What one window holds: the answers within it (oldest first) and how many are on
    their way."""

    answered: list[float] = field(default_factory=list)
    in_flight: int = 0


@dataclass(frozen=True, slots=True)
class Recent:
    """The server's now, and what the overall window and the chat's window hold."""

    now: float
    overall: Held
    chat: Held


class Turn:
    """One replica's turn at the windows (see the module's docstring)."""

    def __init__(self, conn: asyncpg.Connection, sends: TelegramSends) -> None:
        self._conn = conn
        self._sends = sends

    async def recent(self, chat_id: int, *, overall_seconds: float, chat_seconds: float) -> Recent:
        rows = await self._conn.fetch(
            f"""
            WITH server AS (SELECT {_NOW} AS now)
            SELECT server.now, s.chat_id, s.answered_at
            FROM server LEFT JOIN telegram_sends AS s ON
                (s.answered_at IS NULL AND s.left_at > server.now - $1)
                OR s.answered_at > server.now - $2
                OR (s.chat_id = $3 AND s.answered_at > server.now - $4)
            """,
            IN_FLIGHT_AT_MOST,
            overall_seconds,
            chat_id,
            chat_seconds,
        )
        now = float(rows[0]["now"])
        overall: list[float] = []
        chat: list[float] = []
        overall_flying = chat_flying = 0
        for row in rows:
            if row["chat_id"] is None:
                continue  # the server's now alone: nothing was sent lately
            answered = row["answered_at"]
            mine = row["chat_id"] == chat_id
            if answered is None:
                overall_flying += 1
                chat_flying += mine
                continue
            if answered > now - overall_seconds:
                overall.append(answered)
            if mine and answered > now - chat_seconds:
                chat.append(answered)
        overall.sort()
        chat.sort()
        return Recent(now, Held(overall, overall_flying), Held(chat, chat_flying))

    async def record(self, chat_id: int) -> int:
        """Take the place: the message leaves now. Its id, for `answered` or `refused`."""
        place: int = await self._conn.fetchval(
            f"INSERT INTO telegram_sends (chat_id, left_at) VALUES ($1, {_NOW}) RETURNING id",
            chat_id,
        )
        self._sends.recorded += 1
        if self._sends.recorded % PRUNE_EVERY == 0:
            await self._conn.execute(
                f"DELETE FROM telegram_sends WHERE left_at < {_NOW} - $1", KEPT_SECONDS
            )
        return place


class TelegramSends:
    """The shared record of messages sent (PostgreSQL), on a connection of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.recorded = 0
        self._conn: asyncpg.Connection | None = None
        self._use = asyncio.Lock()  # an asyncpg connection runs one thing at a time

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            import asyncpg  # only where PostgreSQL is used

            self._conn = await asyncpg.connect(
                self.url, timeout=10, server_settings={"application_name": "frontdesk sends"}
            )
        return self._conn

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[Turn]:
        """Every replica's turns, one at a time; a failure (the network, the server) is
        raised and leaves nothing held."""
        async with self._use:
            conn = await self._connection()
            try:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT pg_advisory_xact_lock($1, $2)", LOCK_CLASS, LOCK_SENDS
                    )
                    yield Turn(conn, self)
            except BaseException:
                if conn.is_in_transaction():  # the rollback itself failed: start afresh
                    conn.terminate()
                raise

    async def answered(self, place: int) -> None:
        """Telegram answered (or the message may have been counted): its place is held
        for a window from now."""
        await self._write(f"UPDATE telegram_sends SET answered_at = {_NOW} WHERE id = $1", place)

    async def refused(self, place: int) -> None:
        """Telegram refused the message: it held no place."""
        await self._write("DELETE FROM telegram_sends WHERE id = $1", place)

    async def _write(self, sql: str, place: int) -> None:
        async with self._use:
            conn = await self._connection()
            await conn.execute(sql, place, timeout=10)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), 5)
            except Exception:
                conn.terminate()
