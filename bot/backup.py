"""`frontdesk backup` and `frontdesk restore`: copy the database while the bot runs, and
put a copy back while it is stopped.

    frontdesk backup --out FILE [--force]
    frontdesk restore --from FILE

A backup is written under a temporary name next to FILE and takes FILE's name only once
it has passed SQLite's integrity check, so FILE is always either absent or a whole copy.
A restore refuses while anything has the database open (see `storage.database`), checks
that FILE is a sound front desk database, sets the current database aside as
``<database>.before-restore-<UTC time>`` and puts the copy in its place. Migrations bring
an older copy's schema up to date when the bot next starts.

Errors are one line on stderr, `<command>: error: <what is wrong>`, with exit code 1.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from storage.backup import DatabaseFile, NotAFrontDeskDatabase, copy_database, inspect_database
from storage.database import DatabaseLocked, exclusive_use, load_migrations


class BackupError(Exception):
    """The backup or restore cannot be done; the message is the whole explanation."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup_parser = commands.add_parser(
        "backup", help="copy the database to a file, also while the bot runs"
    )
    backup_parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="where to write the copy"
    )
    backup_parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    restore_parser = commands.add_parser(
        "restore", help="replace the database with a backup (stop the bot first)"
    )
    restore_parser.add_argument(
        "--from", dest="source", required=True, type=Path, metavar="FILE", help="the backup"
    )


def dispatch(args: argparse.Namespace, settings_or_exit: Callable[[], Settings]) -> int:
    database = Path(settings_or_exit().database_path)
    try:
        if args.command == "backup":
            copy = backup(database, args.out, force=args.force)
            print(f"backup written to {copy.path}: {_size(copy.size)}, {copy.tickets} tickets")
        else:
            restored, aside = restore(database, args.source)
            print(
                f"restored {args.source} into {database}: {_size(restored.size)}, "
                f"{restored.tickets} tickets, schema version {restored.schema_version}"
            )
            latest = load_migrations()[-1].version
            if restored.schema_version < latest:
                print(f"the schema is brought up to version {latest} when the bot starts")
            if aside is not None:
                print(f"the previous database is kept as {aside}")
    except BackupError as exc:
        print(f"{args.command}: error: {exc}", file=sys.stderr)
        return 1
    return 0


def backup(database: Path, out: Path, *, force: bool = False) -> DatabaseFile:
    """A checked, consistent copy of `database` at `out`; the bot may keep writing."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if _same_file(out, database):
        raise BackupError(f"{out} is the database itself")
    if out.exists() and not force:
        raise BackupError(f"{out} exists; add --force to overwrite it")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        try:
            copy_database(database, partial)
        except sqlite3.Error as exc:
            raise BackupError(f"cannot copy {database}: {exc}") from None
        try:
            copy = inspect_database(partial)
        except NotAFrontDeskDatabase as exc:
            raise BackupError(f"the copy failed its check, nothing was written: {exc}") from None
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return DatabaseFile(out, copy.size, copy.schema_version, copy.tickets)


def restore(database: Path, source: Path) -> tuple[DatabaseFile, Path | None]:
    """Put the backup `source` in place of `database`; what it holds, and where the
    previous database was set aside (None when there was none)."""
    if _same_file(source, database):
        raise BackupError(f"{source} is the database itself")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with exclusive_use(database):
            try:
                incoming = inspect_database(source)
            except NotAFrontDeskDatabase as exc:
                raise BackupError(f"{exc}; the database was not touched") from None
            staged = database.with_name(f".{database.name}.restoring")
            staged.unlink(missing_ok=True)
            try:
                copy_database(source, staged)
                aside = _set_aside(database) if database.exists() else None
                os.replace(staged, database)
            finally:
                staged.unlink(missing_ok=True)
    except DatabaseLocked as exc:
        raise BackupError(str(exc)) from None
    restored = DatabaseFile(
        database, database.stat().st_size, incoming.schema_version, incoming.tickets
    )
    return restored, aside


def _set_aside(database: Path) -> Path:
    """Rename the database out of the way, keeping its write-ahead log with it: a log left
    behind would be replayed into the restored file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = database.with_name(f"{database.name}.before-restore-{stamp}-{number}")
    database.rename(aside)
    wal = Path(f"{database}-wal")
    if wal.exists():
        wal.rename(f"{aside}-wal")
    Path(f"{database}-shm").unlink(missing_ok=True)  # an index of the log, rebuilt on open
    return aside


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024**2:.1f} MB"
