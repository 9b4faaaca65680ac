"""Who leads among the processes that share one database: who holds its leadership lock.

Only the leader runs what must happen once for the whole front desk (the SLA timers,
pages, monthly reports, the housekeeping, the outbox delivery, long polling); the others
wait as standbys and try for the lock again every second or so (bot/app.py).

Two locks, one small interface (`Leadership`):

- `FileLeadership`, for a SQLite file: the kernel's lock (flock, exclusive, not waiting)
  on ``<database>.leader``. The kernel lets it go when the process ends, however it ends
  (`kill -9` included), so a standby's next try succeeds: there is no stale lock.
- `PostgresLeadership`, for a PostgreSQL database: a session-level advisory lock
  (``pg_try_advisory_lock``) held on a connection of its own. The server lets it go when
  that session ends: the process died, its connection was closed or terminated, or the
  server's TCP keepalives found its host gone. The holder watches the connection (asyncpg
  tells it when the connection closes, and a query every second finds a connection that
  stopped answering) and says at once that it lost the lock (`lost`), so that it stops
  leading before anybody else can start.

`leadership_for(database)` picks the lock from where the database is: a path or
``sqlite:///path``, or a ``postgresql://`` URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

# The advisory lock's two 32-bit keys: PostgreSQL keeps the two-key form's locks apart from
# the one-key (bigint) form's, which a per-chat lock keyed by the chat id may use.
LOCK_CLASS = 0x46444553  # "FDES"
LOCK_LEADER = 1
LOCK_MIGRATIONS = 2  # taken while a process applies migrations (storage/postgres.py)
# The holder's connection answers a query at least this often, or it is taken as lost.
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_TIMEOUT = 2.0
# The server drops the session of a host that vanished (no FIN, no RST) after
# idle + interval × count seconds of silence, or after 8 s of its own data unacknowledged
# (without tcp_user_timeout, the kernel's retransmissions last many minutes): then a
# standby can take over. The holder gives up sooner (HEARTBEAT_*), so two never lead.
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "8000",
}


class Leadership(Protocol):
    """The leadership lock of one database."""

    @property
    def held(self) -> bool:
        """Whether this process holds it now."""
        ...

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits for it. True when held."""
        ...

    async def wait_lost(self) -> None:
        """Return when the lock, once held, is lost without `release` (never for a file)."""
        ...

    async def release(self) -> None:
        """Let the lock go (a standby may take it at its next try); harmless when not held."""
        ...


def leadership_for(database: str | Path) -> Leadership:
    """The lock for the database at `database`: a file path or ``sqlite:///path``, or a
    ``postgresql://`` (``postgres://``) URL."""
    text = str(database)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresLeadership(text)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")  # sqlite:////abs/path, sqlite:///relative
    return FileLeadership(Path(f"{text}.leader"))


class FileLeadership:
    """An exclusive flock on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._never = asyncio.Event()

    @property
    def held(self) -> bool:
        return self._fd is not None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # Per open file description: another descriptor of this same process is
            # refused too, so two front desks in one process behave as two processes.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    async def wait_lost(self) -> None:
        # The kernel keeps the lock for as long as the process lives.
        await self._never.wait()

    async def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor lets the flock go


class PostgresLeadership:
    """A session-level advisory lock on a dedicated asyncpg connection."""

    def __init__(
        self,
        url: str,
        *,
        key: tuple[int, int] = (LOCK_CLASS, LOCK_LEADER),
        heartbeat: float = HEARTBEAT_SECONDS,
        heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
    ) -> None:
        self.url = url
        self.key = key
        self.heartbeat = heartbeat
        self.heartbeat_timeout = heartbeat_timeout
        self._conn: asyncpg.Connection | None = None
        self._held = False
        self._lost = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None

    @property
    def held(self) -> bool:
        return self._held

    async def try_acquire(self) -> bool:
        if self._held:
            return True
        try:
            conn = await self._connection()
            took = bool(
                await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)",
                    *self.key,
                    timeout=self.heartbeat_timeout,
                )
            )
        except Exception as exc:  # the network, a timeout, the server going down, a password
            log.warning("the leadership lock could not be asked for (%s)", _why(exc))
            await self._drop_connection()
            return False
        if took:
            self._held = True
            self._lost.clear()
            self._watch = asyncio.create_task(self._keep_watching(conn), name="leadership")
        return took

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            import asyncpg  # only where PostgreSQL is used

            conn = await asyncpg.connect(
                self.url,
                timeout=self.heartbeat_timeout * 5,
                server_settings={"application_name": "frontdesk leader", **SERVER_KEEPALIVES},
            )
            conn.add_termination_listener(self._terminated)
            self._conn = conn
        return self._conn

    def _terminated(self, conn: object) -> None:
        """asyncpg: the connection closed (the server ended the session, the network
        failed). Its lock went with it."""
        if conn is self._conn and self._held:
            self._lose("its connection closed")

    async def _keep_watching(self, conn: asyncpg.Connection) -> None:
        """A connection that stops answering (a network partition sends no FIN) is given
        up after `heartbeat_timeout`: before the server's keepalives end the session and a
        standby can take the lock, so two never lead at once."""
        while self._held:
            await asyncio.sleep(self.heartbeat)
            try:
                await conn.fetchval("SELECT 1", timeout=self.heartbeat_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._held:
                    self._lose(f"its connection stopped answering: {_why(exc)}")
                    conn.terminate()
                return

    def _lose(self, why: str) -> None:
        log.error("leadership lost: %s", why)
        self._held = False
        self._lost.set()

    async def wait_lost(self) -> None:
        await self._lost.wait()

    async def release(self) -> None:
        self._held = False
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await self._drop_connection()

    async def _drop_connection(self) -> None:
        """Close the connection (the session's lock goes with it); never fails."""
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        conn.remove_termination_listener(self._terminated)
        try:
            await asyncio.wait_for(conn.close(), self.heartbeat_timeout)
        except Exception:
            conn.terminate()


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
