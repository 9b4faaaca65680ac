"""Copies of the database file: an online copy taken while the bot writes, and the checks
a file must pass before it may replace the database.

Both work on their own short-lived `sqlite3` connections, not on the bot's `Database`: a
backup runs in another process (`frontdesk backup`) next to the running bot, and a
restore runs while nothing has the database open.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.codec import utc_text
from storage.database import load_migrations

RESTORED_REASON = "restored from backup"
# The highest ticket number given: AUTOINCREMENT's record, or the tickets themselves.
_HIGHEST_TICKET = (
    "SELECT max(n) FROM (SELECT seq AS n FROM sqlite_sequence WHERE name = 'tickets' "
    "UNION ALL SELECT max(id) FROM tickets)"
)


class NotAFrontDeskDatabase(Exception):
    """The file cannot take the database's place; the message says why."""


@dataclass(frozen=True, slots=True)
class DatabaseFile:
    """What a sound front desk database file holds."""

    path: Path
    size: int  # bytes
    schema_version: int
    tickets: int


def copy_database(source: Path, target: Path) -> None:
    """Write a consistent copy of `source` into the new file `target`, with SQLite's backup
    API, while other connections keep writing to `source`."""
    with (
        closing(sqlite3.connect(_read_only(source), uri=True, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        # All pages in one step: one read transaction, so the copy is the database as it
        # was at one moment; in WAL mode the bot's writers do not wait for it. A copy in
        # several steps restarts whenever somebody writes between two steps.
        src.backup(dst)
        # The copy inherits WAL mode from the source's header; make it one
        # self-contained file.
        dst.execute("PRAGMA journal_mode = DELETE")


def inspect_database(path: Path) -> DatabaseFile:
    """The facts of a front desk database file, after SQLite's full integrity check and a
    look at its schema; `NotAFrontDeskDatabase` says what is wrong with any other file."""
    if not path.is_file():
        raise NotAFrontDeskDatabase(f"{path} is not a file")
    latest = load_migrations()[-1].version
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as conn:
            verdict = " ".join(str(conn.execute("PRAGMA integrity_check(1)").fetchone()[0]).split())
            if verdict != "ok":
                raise NotAFrontDeskDatabase(f"{path} is damaged ({verdict})")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if not 1 <= version <= latest:
                raise NotAFrontDeskDatabase(
                    f"{path} is not a front desk database (schema version {version}, "
                    f"expected 1 to {latest})"
                )
            missing = sorted(_tables_of_schema(version) - _tables(conn))
            if missing:
                raise NotAFrontDeskDatabase(
                    f"{path} is not a front desk database (no table {', '.join(missing)})"
                )
            tickets = int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise NotAFrontDeskDatabase(f"{path} is not a front desk database ({exc})") from None
    return DatabaseFile(path, path.stat().st_size, version, tickets)


@dataclass(frozen=True, slots=True)
class RestoredState:
    """What a restore changed in the copy before it took the database's place."""

    stale_messages: int  # pending outbox rows marked failed
    stale_updates: int  # updates left in the inbox, dropped
    next_ticket_number: int


def ticket_high_water(path: Path) -> int | None:
    """The highest ticket number the database at `path` ever gave: AUTOINCREMENT's record
    in sqlite_sequence, which deleted tickets do not lower; None when it cannot be read (a
    damaged file, say). Reads the write-ahead log too: a killed bot's last tickets may be
    only there."""
    try:
        with closing(sqlite3.connect(path, timeout=5)) as conn:
            row = conn.execute(_HIGHEST_TICKET).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0] or 0)


def settle_restored(path: Path, *, stale_before: datetime, numbers_above: int) -> RestoredState:
    """Make the restored copy at `path` safe to start on, in one transaction:

    - pending outbox rows written before `stale_before` are marked failed ("restored from
      backup"): they were sent after the backup was taken, or are out of date by now, and
      the bot would send them blindly;
    - updates received before `stale_before` and still in the inbox (long polling) are
      dropped: they were handled after the backup was taken, and handling them again
      would answer people about what they said hours or days ago;
    - ticket numbers go on above `numbers_above` (the highest the replaced database gave):
      a number given after the backup was taken is never given to another ticket.
    """
    with closing(sqlite3.connect(path)) as conn, conn:
        stale = conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? "
            "WHERE status = 'pending' AND created_at < ?",
            (RESTORED_REASON, utc_text(stale_before)),
        ).rowcount
        updates = 0
        if "inbox" in _tables(conn):  # schema 3 on
            updates = conn.execute(
                "DELETE FROM inbox WHERE received_at < ?", (utc_text(stale_before),)
            ).rowcount
        own = conn.execute(_HIGHEST_TICKET).fetchone()[0]
        high = max(int(own or 0), numbers_above)
        if (
            conn.execute(
                "UPDATE sqlite_sequence SET seq = ? WHERE name = 'tickets'", (high,)
            ).rowcount
            == 0
        ):
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('tickets', ?)", (high,))
    return RestoredState(stale, updates, high + 1)


def _tables_of_schema(version: int) -> set[str]:
    """The tables the migrations up to `version` create."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for migration in load_migrations()[:version]:
            conn.executescript(migration.sql)
        return _tables(conn)


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


def _read_only(path: Path) -> str:
    """A URI that opens the file without ever creating or changing it."""
    return f"{path.resolve().as_uri()}?mode=ro"
