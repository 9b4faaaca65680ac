"""The same storage on PostgreSQL, through asyncpg: `PgDatabase` and its sessions.

`PgDatabase` has `Database`'s public API (open/close, unit_of_work with task_wide and
gathering, transaction(read_only), current_session) and the same gate: one transaction
at a time per process, on one connection, so nothing that is correct on SQLite becomes
racy here. Its sessions have `Session`'s API; the repositories, the FSM storage, the
inbox and the outbox run their one set of SQL through `storage.dialect`.

    db = await PgDatabase.open("postgresql://frontdesk:secret@db:5432/frontdesk", clock=clock)

Migrations are the same numbered files; PostgreSQL keeps the versions applied in
``schema_migrations``, written in the transaction of each migration, and two processes
starting at once take turns on an advisory lock. A row comes back as an
`asyncpg.Record`, read as SQLite's rows are: by column name or position.

A constraint broken raises `PgIntegrityError`, a `sqlite3.IntegrityError`, so that the
callers see one kind of error whichever the engine.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg

from domain.ports import Clock
from storage import dialect
from storage.database import Database, DatabaseUnreachable, Migration, load_migrations, shown
from storage.leadership import LOCK_CLASS, LOCK_MIGRATIONS
from storage.session import Session, Statement

# The advisory locks' keys. One chat's updates: the one-key (bigint) form, keyed by the
# chat id (any bigint). Migrations: the two-key form, which PostgreSQL keeps apart from the
# one-key form's, beside the leadership lock (storage/leadership.py).
_SERIAL_LOCK = "SELECT pg_advisory_xact_lock($1::bigint)"
_MIGRATION_LOCK = (LOCK_CLASS, LOCK_MIGRATIONS)
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)


class PgIntegrityError(sqlite3.IntegrityError):
    """A unique, foreign key or check constraint said no (PostgreSQL's words in the
    message)."""


def _number(text: str) -> int | float:
    """numeric (what sum() of integers is on PostgreSQL) as SQLite gives it."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url, statement_cache_size=1024)
    await conn.set_type_codec(
        "numeric", schema="pg_catalog", encoder=str, decoder=_number, format="text"
    )
    return conn


async def _run(conn: asyncpg.Connection, statement: Statement) -> None:
    translated = dialect.statement(statement.sql)
    if statement.many:
        await conn.executemany(
            translated.sql, [translated.arguments(params) for params in statement.params]
        )
        return
    arguments = translated.arguments(statement.params)
    if _RETURNS_ROWS.search(translated.sql):
        statement.rows = await conn.fetch(translated.sql, *arguments)
        statement.rowcount = len(statement.rows)
    else:
        status = await conn.execute(translated.sql, *arguments)
        last = status.rpartition(" ")[2]
        statement.rowcount = int(last) if last.isdigit() else -1


class PgSession(Session):
    """`Session` on PostgreSQL: the same batching (a batch is sent statement after
    statement on the connection; a failed one stops it) and the same gate.

    Other processes (replicas) write to the same database at the same time, in READ
    COMMITTED. A session with a `serial_key` (an update's, keyed by its chat) takes the
    transaction-level advisory lock on that key right after BEGIN, in every transaction
    it runs, so the same chat's transactions in other processes wait for its commit; and
    a write transaction locks the rows it reads to write back (`LOCK_ROWS`: a ticket),
    so two processes changing one ticket take turns instead of one overwriting the other.
    """

    BEGIN = "BEGIN"
    LOCK_ROWS = " FOR UPDATE"
    SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"

    async def _trip_now(self) -> None:
        conn: asyncpg.Connection = self._conn
        if not self._open:
            await self._gate._acquire(self)
            self._open = True
            try:
                await conn.execute(self.BEGIN)
                if self.serial_key is not None:
                    await conn.execute(_SERIAL_LOCK, self.serial_key)
            except BaseException:
                await self.rollback()
                raise
        batch, self._queue = self._queue, []
        failure: BaseException | None = None
        try:
            for statement in batch:
                if failure is None:
                    try:
                        await _run(conn, statement)
                    except asyncpg.IntegrityConstraintViolationError as exc:
                        failure = PgIntegrityError(str(exc))
                        failure.__cause__ = exc
                    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                        failure = exc
                statement.error = failure
                statement.done = True
        except BaseException:
            for statement in batch:
                if not statement.done:
                    statement.error = asyncio.CancelledError()
                    statement.done = True
            await self.rollback()
            raise

    async def rollback(self) -> None:
        self._before_commit.clear()
        self._queue.clear()
        if self._open:
            conn: asyncpg.Connection = self._conn
            try:
                if conn.is_in_transaction():
                    await conn.execute("ROLLBACK")
            finally:
                self._open = False
                self.cache = {}
                self._gate._release(self)


class PgReadSession(PgSession):
    """A transaction that only reads (what `transaction(read_only=True)` gives)."""

    BEGIN = "BEGIN READ ONLY"
    LOCK_ROWS = SKIP_LOCKED = ""  # it writes nothing back


class PgDatabase(Database):
    """One PostgreSQL database behind `Database`'s API. `path` is its URL (no password)."""

    session_class = PgSession
    read_session_class = PgReadSession
    engine = "postgresql"

    def __init__(self, conn: asyncpg.Connection, url: str, clock: Clock) -> None:
        super().__init__(conn, shown(url), clock)
        self.url = url

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock) -> PgDatabase:
        """Connect and bring the schema up to date."""
        url = str(path)
        try:
            conn = await connect(url)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise DatabaseUnreachable(
                f"the database {shown(url)} cannot be reached ({reason})"
            ) from exc
        try:
            applied = await _migrate(conn)
        except BaseException:
            await conn.close()
            raise
        db = cls(conn, url, clock)
        db.applied_migrations = applied
        return db

    connect = open

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    async def user_version(self) -> int:
        """The last migration applied."""
        async with self.transaction() as session:
            row = await session.fetchone("SELECT max(version) FROM schema_migrations")
        return int(row[0]) if row and row[0] is not None else 0

    async def pragma(self, name: str) -> object:
        raise NotImplementedError(f"PRAGMA {name}: SQLite's, not PostgreSQL's")

    async def quick_check(self) -> bool:
        async with self.transaction(read_only=True) as session:
            row = await session.fetchone("SELECT 1")
        return row is not None

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """See `Database.snapshot`: a connection of its own, in one REPEATABLE READ
        read-only transaction, driven from the calling thread (on a loop of its own)."""
        loop = asyncio.new_event_loop()
        try:
            conn = loop.run_until_complete(connect(self.url))
            try:
                loop.run_until_complete(
                    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                )
                yield SnapshotReader(loop, conn)
            finally:
                loop.run_until_complete(conn.close())
        finally:
            loop.close()


class _Rows(list[Any]):
    def fetchone(self) -> Any:
        return self[0] if self else None


class SnapshotReader:
    """sqlite3.Connection's `execute` over an asyncpg connection, for code that reads in
    a thread (storage/reports.py)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, conn: asyncpg.Connection) -> None:
        self._loop = loop
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> _Rows:
        translated = dialect.statement(sql)
        rows = self._loop.run_until_complete(
            self._conn.fetch(translated.sql, *translated.arguments(params))
        )
        return _Rows(rows)


async def _migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction with its row in
    schema_migrations; the names applied."""
    migrations = load_migrations()
    await conn.execute("SELECT pg_advisory_lock($1, $2)", *_MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        current = await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
        if migrations and current > migrations[-1].version:
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this code "
                f"({migrations[-1].version}): refusing to run against it"
            )
        applied = []
        for migration in migrations:
            if migration.version <= current:
                continue
            async with conn.transaction():
                await conn.execute(migration_sql(migration))
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            applied.append(migration.name)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1, $2)", *_MIGRATION_LOCK)


def migration_sql(migration: Migration) -> str:
    """What runs on PostgreSQL for a migration: its variant, or its SQL translated."""
    if migration.postgresql is not None:
        return migration.postgresql
    return dialect.migration(migration.sql)
