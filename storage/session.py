"""One transaction on the shared connection, as repositories see it.

A `Session` exists only while its task holds the database lock (see `Database`), so its
statements never interleave with another task's. The transaction begins lazily with the
first statement (``BEGIN IMMEDIATE``: take the write lock up front, so a transaction
never fails half-way on a lock upgrade) and ends with `commit` or `rollback`; a session
may run several transactions one after another.

Every statement is a trip to aiosqlite's thread and back, which costs ten times what a
statement on a local file does: one trip per statement (`execute_fetchall`), and writes
that can wait until the commit (the conversation state, written several times while one
update is handled) are registered with `before_commit` and written once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from domain.ports import Clock

if TYPE_CHECKING:
    from storage.database import Database

Params = Sequence[Any] | dict[str, Any]


class SystemClock:
    """The real UTC clock; the bot may pass its own `Clock` instead (tests move theirs)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Session:
    def __init__(self, conn: aiosqlite.Connection, clock: Clock, gate: Database) -> None:
        self._conn = conn
        self._clock = clock
        self._gate = gate
        self._open = False
        self._closed = False
        # What this transaction has read and may read again (the FSM storage's rows);
        # forgotten when the transaction ends, since others may write after that.
        self.cache: dict[object, Any] = {}
        # Writes put off until the commit, by what they write (see `before_commit`).
        self._before_commit: dict[object, Callable[[], Awaitable[None]]] = {}

    def now(self) -> datetime:
        moment = self._clock.now()
        if moment.tzinfo is None:
            raise ValueError("the clock must return aware datetimes")
        return moment

    @property
    def in_transaction(self) -> bool:
        return self._open

    async def _begin(self) -> None:
        if self._closed:
            raise RuntimeError("this unit of work is over; open a new one")
        if not self._open:
            await self._gate._acquire(self)
            # Set first: if we are cancelled while BEGIN runs on the worker thread, the
            # rollback at the end must still be queued behind it.
            self._open = True
            try:
                await self._conn.execute_fetchall("BEGIN IMMEDIATE")
            except BaseException:
                await self.rollback()
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        await self._begin()
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> None:
        await self._begin()
        await self._conn.execute_fetchall(sql, params)

    async def changed_rows(self, sql: str, params: Params = ()) -> int:
        """Run a statement; the number of rows it changed itself (a cursor's rowcount: a
        second trip to the thread, to close the cursor)."""
        await self._begin()
        async with self._conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._begin()
        async with self._conn.executemany(sql, rows):
            pass

    def before_commit(self, what: object, write: Callable[[], Awaitable[None]]) -> None:
        """Run `write` just before this transaction commits, once however often it is
        registered under the same `what`; dropped on rollback."""
        self._before_commit.setdefault(what, write)

    async def commit(self) -> None:
        while self._before_commit:
            _what, write = self._before_commit.popitem()
            await write()
        if self._open:
            await self._conn.execute_fetchall("COMMIT")
            self._open = False
            self.cache.clear()
            self._gate._release(self)

    async def rollback(self) -> None:
        self._before_commit.clear()
        if self._open:
            try:
                await self._conn.execute_fetchall("ROLLBACK")
            except sqlite3.OperationalError:
                # BEGIN itself failed (busy) or SQLite already rolled back on an error.
                if self._conn.in_transaction:
                    raise
            finally:
                self._open = False
                self.cache.clear()
                self._gate._release(self)

    async def close(self) -> None:
        """Roll back whatever was not committed; the session cannot be used afterwards."""
        try:
            await self.rollback()
        finally:
            self._closed = True
