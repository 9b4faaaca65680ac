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
from pathlib import Path

from storage.database import load_migrations


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
