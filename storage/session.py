"""One transaction on the shared connection, as repositories see it.

A `Session` exists only while its task holds the database lock (see `Database`), so its
statements never interleave with another task's. The transaction begins lazily with the
first trip to the database (``BEGIN IMMEDIATE``: take the write lock up front, so a
transaction never fails half-way on a lock upgrade) and ends with `commit` or `rollback`;
a session may run several transactions one after another.

The connection lives on aiosqlite's thread, and a trip there and back (two thread
switches) costs ten to twenty times what a statement on a local file does. So statements
travel in batches, one trip per batch:

- `later(sql)` queues a statement and returns it; awaiting it (or any later statement,
  or the commit) sends the whole queue in order. Queue the reads you will need, then
  await them: ``seen = later(a); who = later(b); await seen`` is one trip.
- The transaction's ``BEGIN IMMEDIATE`` goes with its first batch, and the ``COMMIT``
  with the writes registered by `before_commit` (the conversation state, written several
  times while one update is handled, once).
- A failed statement stops its batch: it and the statements queued after it raise its
  error when awaited, and so does the commit, so nothing after a failure is committed.
- A `gathering` session is shared by several tasks at once (the SLA timers check a few
  hundred tickets in one transaction, each ticket in a task of its own): a trip waits
  for one turn of the event loop before it leaves, so that every task queues its next
  statement into it, and a task whose statement is already on its way waits for that
  trip. Hundreds of tickets then take as many trips as one.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from domain.ports import Clock

if TYPE_CHECKING:
    from storage.database import Database

Params = Sequence[Any] | dict[str, Any]


class Statement:
    """A statement queued on a session. ``await statement``: its rows, once its batch has
    been to the database (sent now if it has not); `rowcount` is then set too."""

    __slots__ = ("_session", "done", "error", "many", "params", "rowcount", "rows", "sql")

    def __init__(self, session: Session, sql: str, params: Any, *, many: bool = False) -> None:
        self.sql = sql
        self.params = params
        self.many = many
        self.rows: list[sqlite3.Row] = []
        self.rowcount = -1
        self.error: BaseException | None = None
        self.done = False
        self._session = session

    def __await__(self) -> Generator[Any, None, list[sqlite3.Row]]:
        return self._session._result(self).__await__()


def _run_batch(connection: aiosqlite.Connection, batch: list[Statement]) -> None:
    """On aiosqlite's thread: run the statements in order, each one's outcome on it."""
    # aiosqlite has no public call that runs several statements in one trip to its
    # thread; `Connection._execute(fn, *args)` (how its own methods and cursors reach the
    # thread) runs this function there, and `_conn` is the sqlite3 connection that lives
    # there. Batches took an update from 9 trips to 3.5 (README, Performance); pyproject
    # bounds aiosqlite's version, tests/bot/test_library_internals.py checks both.
    raw = connection._conn
    failure: BaseException | None = None
    for statement in batch:
        if failure is None:
            try:
                if statement.many:
                    cursor = raw.executemany(statement.sql, statement.params)
                else:
                    cursor = raw.execute(statement.sql, statement.params)
                    statement.rows = cursor.fetchall()
                statement.rowcount = cursor.rowcount
                cursor.close()
            except Exception as exc:  # handed to whoever awaits the statement
                failure = exc
        statement.error = failure
        statement.done = True


class Session:
    BEGIN = "BEGIN IMMEDIATE"
    # Appended to a SELECT of rows this transaction reads in order to write them back:
    # nothing on SQLite, where a transaction holds the write lock from its BEGIN;
    # PostgreSQL's write transactions lock the rows (storage/postgres.py).
    LOCK_ROWS = ""
    # The same for a queue's rows that several processes claim from (the outbox): a row
    # another transaction is claiming is passed over instead of waited for.
    SKIP_LOCKED = ""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        clock: Clock,
        gate: Database,
        *,
        gathering: bool = False,
        serial_key: int | None = None,
    ) -> None:
        self._conn = conn
        # Every transaction of this session waits first for the other processes' on the
        # same key (a chat's updates: PostgreSQL's advisory lock; SQLite needs none, one
        # writer at a time holds the whole file).
        self.serial_key = serial_key
        self._gathering = gathering
        self._trip: asyncio.Event | None = None  # set when the trip on its way is back
        self._clock = clock
        self._gate = gate
        self._open = False  # BEGIN has been sent (and the database lock taken)
        self._closed = False
        self._queue: list[Statement] = []
        # What this transaction has read and may read again (the FSM storage's rows, the
        # repositories' kept rows); a new one for each transaction, since others may write
        # after it ends (a read still on its way then keeps its row in the old one).
        self.cache: dict[object, Any] = {}
        # Writes put off until the commit, by what they write (see `before_commit`).
        self._before_commit: dict[object, Callable[[], None]] = {}

    def now(self) -> datetime:
        moment = self._clock.now()
        if moment.tzinfo is None:
            raise ValueError("the clock must return aware datetimes")
        return moment

    @property
    def in_transaction(self) -> bool:
        return self._open

    # --- statements ---------------------------------------------------------------------

    def later(self, sql: str, params: Params = ()) -> Statement:
        """Queue a statement for the next trip to the database; await it for its rows."""
        if self._closed:
            raise RuntimeError("this unit of work is over; open a new one")
        statement = Statement(self, sql, params)
        self._queue.append(statement)
        return statement

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self.later(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.later(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> None:
        await self.later(sql, params)

    async def changed_rows(self, sql: str, params: Params = ()) -> int:
        """Run a statement; the number of rows it changed itself."""
        statement = self.later(sql, params)
        await statement
        return statement.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        if self._closed:
            raise RuntimeError("this unit of work is over; open a new one")
        statement = Statement(self, sql, list(rows), many=True)
        self._queue.append(statement)
        await statement

    async def _result(self, statement: Statement) -> list[sqlite3.Row]:
        while not statement.done:
            if self._trip is not None:  # another task's trip, which may carry it
                await self._trip.wait()
                continue
            if statement not in self._queue:
                raise RuntimeError("this statement was dropped by a rollback")
            await self._send()
        if statement.error is not None:
            raise statement.error
        return statement.rows

    async def _send(self) -> None:
        """One trip: the queue, after BEGIN if the transaction has not begun."""
        if self._closed:
            raise RuntimeError("this unit of work is over; open a new one")
        if not self._gathering:
            await self._trip_now()
            return
        trip = self._trip = asyncio.Event()
        try:
            await asyncio.sleep(0)  # the other tasks queue their statements
            await self._trip_now()
        finally:
            self._trip = None
            trip.set()

    async def _trip_now(self) -> None:
        begin = None
        if not self._open:
            await self._gate._acquire(self)
            # Set first: if we are cancelled while the batch runs on the worker thread, the
            # rollback at the end must still be queued behind it.
            self._open = True
            begin = Statement(self, self.BEGIN, ())
            self._queue.insert(0, begin)
        batch, self._queue = self._queue, []
        try:
            await self._conn._execute(_run_batch, self._conn, batch)  # see _run_batch
        except BaseException:
            await self.rollback()
            raise
        if begin is not None and begin.error is not None:
            await self.rollback()  # the lock was not had (busy): nothing to keep

    # --- the transaction's end ----------------------------------------------------------

    def before_commit(self, what: object, write: Callable[[], None]) -> None:
        """Call `write` (which queues statements) just before this transaction commits,
        once however often it is registered under the same `what`; dropped on rollback."""
        self._before_commit.setdefault(what, write)

    async def commit(self) -> None:
        while self._before_commit:
            _what, write = self._before_commit.popitem()
            write()
        if not self._open and not self._queue:
            return
        await self.later("COMMIT")
        self._open = False
        self.cache = {}
        self._gate._release(self)

    async def rollback(self) -> None:
        self._before_commit.clear()
        self._queue.clear()
        if self._open:
            try:
                await self._conn.execute_fetchall("ROLLBACK")
            except sqlite3.OperationalError:
                # BEGIN itself failed (busy) or SQLite already rolled back on an error.
                if self._conn.in_transaction:
                    raise
            finally:
                self._open = False
                self.cache = {}
                self._gate._release(self)

    async def close(self) -> None:
        """Roll back whatever was not committed; the session cannot be used afterwards."""
        try:
            await self.rollback()
        finally:
            self._closed = True


class ReadSession(Session):
    """A transaction that only reads: it takes no write lock (BEGIN DEFERRED), so another
    process writing meanwhile (a backup, an admin command) does not hold it up."""

    BEGIN = "BEGIN"
