"""The SQLite file: one aiosqlite connection, migrations, and transactions that take turns.

aiosqlite runs the one connection on its own thread; SQLite has one transaction per
connection. So that units of work of concurrent asyncio tasks do not interleave on it,
every transaction holds `Database._lock` from its first statement to its commit or
rollback (and no longer: a unit of work that committed lets other tasks in while it
talks to Telegram; its next statement begins a new transaction):

    db = await Database.open("frontdesk.sqlite3", clock=SystemClock())
    async with db.unit_of_work() as uow:      # waits for the lock
        ticket = await uow.tickets.get(7)
        ...
        await uow.commit()                     # leaving without commit rolls back
    await db.close()

`transaction()` is the short form for code outside a use case (FSM storage, outbox
delivery): it commits on a normal exit. Called from a task that already holds a unit of
work, it joins that unit of work instead of waiting for the lock the task itself holds;
the writes then commit or roll back together with the unit of work. An update's unit of
work is task-wide (`unit_of_work(task_wide=True)`): aiogram reads the conversation state
before the handler's first statement, and that read joins the update's transaction too.

Opening checks the file cheaply (``PRAGMA quick_check(1)``: every page readable and
well-formed, without the index cross-checks of a full integrity check) and refuses a damaged
one with `DatabaseDamaged`. Every `Database` holds a shared lock on ``<file>.lock`` while
open; `frontdesk restore` takes it exclusively (`exclusive_use`), so a restore never swaps
the file under a running bot, and a bot never starts half-way through a restore. The lock
is the operating system's (flock): it goes away with the process, however that ends.

Migrations are the numbered files ``storage/migrations/NNNN_name.sql``, read as package
data. Each one not yet applied runs in its own transaction together with
``PRAGMA user_version = NNNN``, so the file's user_version is the last migration applied.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from domain.ports import Clock, UnitOfWork
from storage.session import ReadSession, Session
from storage.unit_of_work import SqliteUnitOfWork

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
# A migration's PostgreSQL variant, beside it (storage/dialect.py says when one is needed).
_VARIANT_SUFFIX = ".postgresql.sql"

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = NORMAL",
)
# How long closing waits for another connection's write lock before skipping the optimize.
_OPTIMIZE_WAIT_MS = 200


class DatabaseDamaged(sqlite3.DatabaseError):
    """The file failed SQLite's consistency check: restore it from a backup."""


class DatabaseLocked(sqlite3.OperationalError):
    """Somebody else has the database: a running bot (for a restore), or a restore (for
    everybody else)."""


class DatabaseUnwritable(sqlite3.OperationalError):
    """The file, its folder or a file beside it (the WAL, the lock) cannot be created or
    written: a permission, a read-only or full disk."""


# SQLite's answers that mean the file cannot be had for writing (primary result codes).
_UNWRITABLE_CODES = frozenset(
    {
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
    }
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    # Written for PostgreSQL, where translating `sql` would take a parser (triggers).
    postgresql: str | None = None


def load_migrations() -> list[Migration]:
    """The migrations shipped with the package, in order; numbering must run 1, 2, 3..."""
    folder = resources.files("storage").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            variant = folder.joinpath(entry.name.removesuffix(".sql") + _VARIANT_SUFFIX)
            found.append(
                Migration(
                    int(match.group(1)),
                    entry.name,
                    entry.read_text("utf-8"),
                    variant.read_text("utf-8") if variant.is_file() else None,
                )
            )
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(
                f"migrations must be numbered 0001, 0002, ... without gaps: "
                f"expected {expected:04d}, found {migration.name}"
            )
    return found


class Database:
    """The shared connection to one SQLite file. Open with `await Database.open(path)`
    (or `storage.open_database(target)`, which opens PostgreSQL for a postgresql:// URL)."""

    # What a transaction on this engine is (storage/postgres.py has PostgreSQL's).
    session_class: type[Session] = Session
    read_session_class: type[Session] = ReadSession
    engine = "sqlite"

    def __init__(
        self, conn: aiosqlite.Connection, path: str, clock: Clock, lock_fd: int | None = None
    ) -> None:
        self._conn = conn
        self._lock_fd = lock_fd
        self.path = path
        self.clock = clock
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None
        self._session: Session | None = None
        # Units of work opened with `task_wide=True`, by their task (see `unit_of_work`).
        self._task_sessions: dict[asyncio.Task[object], Session] = {}
        # Names of the migrations the last `open` applied (empty when already up to date).
        self.applied_migrations: list[str] = []

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock) -> Database:
        """Connect, check the file, set the pragmas and bring the schema up to date.

        A file that cannot be created or written raises `DatabaseUnwritable`, whose
        message names the file and the reason in one line."""
        path = str(path)
        try:
            return await cls._open(path, clock)
        except DatabaseLocked:
            raise
        except OSError as exc:
            reason = exc.strerror or str(exc)
            where = f": {exc.filename}" if exc.filename and exc.filename != path else ""
            raise DatabaseUnwritable(
                f"the database {path} cannot be written ({reason}{where})"
            ) from exc
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _UNWRITABLE_CODES:
                raise
            raise DatabaseUnwritable(f"the database {path} cannot be written ({exc})") from exc

    @classmethod
    async def _open(cls, path: str, clock: Clock) -> Database:
        lock_fd = None
        if path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            lock_fd = _share(path)
        try:
            # isolation_level=None: no implicit transactions, we issue BEGIN/COMMIT ourselves.
            conn = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            _unlock(lock_fd)
            raise
        try:
            conn.row_factory = sqlite3.Row
            await _quick_check(conn, path)
            for pragma in _PRAGMAS:
                await conn.execute_fetchall(pragma)
            applied = await _migrate(conn)
        except BaseException:
            await conn.close()
            _unlock(lock_fd)
            raise
        db = cls(conn, path, clock, lock_fd)
        db.applied_migrations = applied
        return db

    connect = open

    async def close(self) -> None:
        """Close the connection; never fails. On the way out SQLite is asked to refresh
        the statistics its query planner uses (``PRAGMA optimize``): that needs the write
        lock, which another process (a report, a backup, another command) may hold. Then
        it is left for the next close: a warning, no wait beyond a moment, no error."""
        async with self._lock:
            try:
                await self._conn.execute_fetchall(f"PRAGMA busy_timeout = {_OPTIMIZE_WAIT_MS}")
                await self._conn.execute_fetchall("PRAGMA optimize")
            except Exception as exc:  # optional work: whatever it is, closing goes on
                log.warning("closing the database %s: PRAGMA optimize skipped (%s)", self.path, exc)
            finally:
                try:
                    await self._conn.close()
                except Exception as exc:
                    log.warning("closing the database %s: %s", self.path, exc)
                finally:
                    _unlock(self._lock_fd)
                    self._lock_fd = None

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- the gate: one open transaction at a time on the shared connection -------------

    async def _acquire(self, session: Session) -> None:
        """Called by a session as its transaction begins."""
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            # asyncio.Lock is not reentrant: waiting here would wait for ourselves forever.
            raise RuntimeError("this task already holds a transaction on this database")
        await self._lock.acquire()
        self._owner, self._session = task, session

    def _release(self, session: Session) -> None:
        """Called by a session when its transaction ends (commit or rollback)."""
        if self._session is session:
            self._owner = self._session = None
            self._lock.release()

    def current_session(self) -> Session | None:
        """The session whose transaction the current task holds open, or the task-wide
        unit of work's, if any."""
        task = asyncio.current_task()
        if task is None:
            return None
        if task is self._owner:
            return self._session
        return self._task_sessions.get(task)

    @asynccontextmanager
    async def unit_of_work(
        self, *, task_wide: bool = False, gathering: bool = False, serial_key: int | None = None
    ) -> AsyncIterator[UnitOfWork]:
        """Transactions for one use case: the first statement begins one (and takes the
        lock), `commit` ends it (and lets others in); leaving rolls back the uncommitted.

        `task_wide`: every `transaction()` of this task joins this unit of work, also
        before its first statement and after a commit (an update's whole handling, the FSM
        storage's reads and writes included, is then one unit of work).

        `gathering`: several tasks use it at once, and their statements travel together
        (storage/session.py).

        `serial_key`: each of its transactions begins by waiting for the transactions of
        other processes on the same database that have the same key (one chat's updates
        handled by several replicas); on SQLite the write lock already does that."""
        session = self.session_class(
            self._conn, self.clock, self, gathering=gathering, serial_key=serial_key
        )
        task = asyncio.current_task() if task_wide else None
        if task is not None:
            if task in self._task_sessions:
                raise RuntimeError("this task already has a task-wide unit of work")
            self._task_sessions[task] = session
        try:
            yield SqliteUnitOfWork(session)
        finally:
            if task is not None:
                del self._task_sessions[task]
            await session.close()

    @asynccontextmanager
    async def transaction(self, *, read_only: bool = False) -> AsyncIterator[Session]:
        """A short transaction committed on a normal exit (joins this task's open one);
        `read_only`: it only reads, and takes no write lock."""
        joined = self.current_session()
        if joined is not None:
            yield joined
            return
        kind = self.read_session_class if read_only else self.session_class
        session = kind(self._conn, self.clock, self)
        try:
            yield session
            await session.commit()
        finally:
            await session.close()

    @contextmanager
    def snapshot(self) -> Iterator[Any]:  # sqlite3.Connection, or what has its execute
        """A read-only connection of its own in one read transaction (a snapshot of what is
        committed), for code that reads in a worker thread: open, use and leave it in that
        thread. In WAL mode nobody waits for it, and it waits for nobody."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.close()

    async def user_version(self) -> int:
        version = await self.pragma("user_version")
        return version if isinstance(version, int) else 0

    async def pragma(self, name: str) -> object:
        """The current value of a pragma (journal_mode, foreign_keys, ...)."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        async with self.transaction() as session:
            row = await session.fetchone(f"PRAGMA {name}")
        return row[0] if row else None

    async def quick_check(self) -> bool:
        """SQLite's cheap consistency check (no index cross-checks): True when it says ok."""
        async with self.transaction() as session:
            rows = await session.fetchall("PRAGMA quick_check")
        return [tuple(row) for row in rows] == [("ok",)]


class DatabaseUnreachable(sqlite3.OperationalError):
    """The PostgreSQL server cannot be reached, or refused us (address, password, name)."""


def shown(target: str | Path) -> str:
    """A database as messages name it: a URL without its password, or the file's path."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", str(target))


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


async def open_database(target: str | Path, *, clock: Clock) -> Database:
    """The database `target` names: a postgresql:// URL (storage/postgres.py), else the
    path of an SQLite file."""
    if is_postgres_url(target):
        from storage.postgres import PgDatabase  # asyncpg only where PostgreSQL is used

        return await PgDatabase.open(target, clock=clock)
    return await Database.open(target, clock=clock)


def lock_path(database: str | Path) -> Path:
    """The lock file next to the database that tells whether anybody has it open."""
    return Path(f"{database}.lock")


def _share(database: str) -> int:
    """Take the shared lock every open `Database` holds; refused during a restore."""
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DatabaseLocked(
            f"the database {database} is being restored: start again when the restore is done"
        ) from None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the flock


@contextmanager
def exclusive_use(database: str | Path) -> Iterator[None]:
    """Have the database file to ourselves (to replace it): refused at once while a bot, or
    anything else, has it open."""
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseLocked(
                f"the database {database} is in use (is the bot running?): stop the bot first"
            ) from None
        yield
    finally:
        os.close(fd)


async def _quick_check(conn: aiosqlite.Connection, path: str) -> None:
    """Refuse a damaged file before anything writes to it. quick_check(1) stops at the
    first problem; on a sound file it reads every page once, without checking indexes."""
    try:
        rows = list(await conn.execute_fetchall("PRAGMA quick_check(1)"))
        verdict = str(rows[0][0]) if rows else "no answer"
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        verdict = str(exc)
    if verdict != "ok":
        problem = " ".join(verdict.split())
        raise DatabaseDamaged(
            f"the database {path} is damaged ({problem}): restore it from a backup "
            f"with `frontdesk restore --from FILE`"
        )


async def _migrate(conn: aiosqlite.Connection) -> list[str]:
    """Apply the migrations newer than the file's user_version; the names applied."""
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    current = int(rows[0][0])
    migrations = load_migrations()
    if migrations and current > migrations[-1].version:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this code "
            f"({migrations[-1].version}): refusing to run against it"
        )
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        # executescript commits any open transaction first, so the script carries its own
        # BEGIN/COMMIT; user_version is part of the same transaction as the schema change.
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\n;\n"
            f"PRAGMA user_version = {migration.version};\nCOMMIT;"
        )
        try:
            async with conn.executescript(script):
                pass
        except BaseException:
            if conn.in_transaction:
                await conn.execute_fetchall("ROLLBACK")
            raise
        applied.append(migration.name)
    return applied
