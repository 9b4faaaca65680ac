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

Before the copy takes the database's place, two things the backup cannot know are settled
(`storage.backup.settle_restored`):

- its outbox's pending messages older than `PENDING_KEPT` (an hour) are marked failed,
  "restored from backup", not sent: they went out after the backup was taken, or are out
  of date by now; updates as old left in its inbox are dropped, not handled again. Younger
  ones are sent and handled: a database moved to another machine (a backup of the stopped
  bot, restored at once) loses nothing;
- ticket numbers go on above the highest the replaced database gave, or `--next-ticket-
  number` when there is none (a new machine): a number the staff chat has seen on a card
  is never given to another ticket.

Errors are one line on stderr, `<command>: error: <what is wrong>`, with exit code 1.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from storage.backup import (
    DatabaseFile,
    NotAFrontDeskDatabase,
    RestoredState,
    copy_database,
    inspect_database,
    settle_restored,
    ticket_high_water,
)
from storage.database import DatabaseLocked, exclusive_use, load_migrations

PENDING_KEPT = timedelta(hours=1)


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
    restore_parser.add_argument(
        "--next-ticket-number",
        type=int,
        metavar="N",
        help="number new tickets from N at least (when the replaced database is gone: one "
        "above the highest number in the staff chat)",
    )


def dispatch(args: argparse.Namespace, settings_or_exit: Callable[[], Settings]) -> int:
    settings = settings_or_exit()
    if settings.on_postgres:
        print(
            f"{args.command}: error: the database is PostgreSQL: back it up with pg_dump and "
            "restore it with pg_restore (README, Backups)",
            file=sys.stderr,
        )
        return 2
    database = Path(settings.database_path)
    try:
        if args.command == "backup":
            copy = backup(database, args.out, force=args.force)
            print(f"backup written to {copy.path}: {_size(copy.size)}, {copy.tickets} tickets")
        else:
            restored, aside, settled = restore(
                database, args.source, next_ticket_number=args.next_ticket_number
            )
            print(
                f"restored {args.source} into {database}: {_size(restored.size)}, "
                f"{restored.tickets} tickets, schema version {restored.schema_version}"
            )
            if settled.stale_messages:
                print(
                    f"messages left unsent for more than {_hours(PENDING_KEPT)}: "
                    f"{settled.stale_messages}, marked failed, not sent (restored from backup)"
                )
            if settled.stale_updates:
                print(
                    f"updates received more than {_hours(PENDING_KEPT)} ago and not handled "
                    f"at the time of the backup: {settled.stale_updates}, dropped"
                )
            print(f"new tickets are numbered from {settled.next_ticket_number}")
            if aside is None and args.next_ticket_number is None:
                print(
                    "no replaced database to learn the numbers given after the backup from: if "
                    "the staff chat shows higher ones, restore again with --next-ticket-number N"
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


def restore(
    database: Path,
    source: Path,
    *,
    next_ticket_number: int | None = None,
    now: datetime | None = None,
) -> tuple[DatabaseFile, Path | None, RestoredState]:
    """Put the backup `source` in place of `database`; what it holds, where the previous
    database was set aside (None when there was none), and what was settled in the copy
    (see the module's docstring)."""
    if next_ticket_number is not None and next_ticket_number < 1:
        raise BackupError("--next-ticket-number must be 1 or more")
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
                given = ticket_high_water(database) if database.exists() else None
                if database.exists() and given is None and next_ticket_number is None:
                    raise BackupError(
                        f"cannot read the ticket numbers {database} gave (is it damaged?): "
                        "add --next-ticket-number N, one above the highest in the staff chat"
                    )
                settled = settle_restored(
                    staged,
                    stale_before=(now or datetime.now(UTC)) - PENDING_KEPT,
                    numbers_above=max(given or 0, (next_ticket_number or 1) - 1),
                )
                aside = _set_aside(database) if database.exists() else None
                os.replace(staged, database)
            finally:
                staged.unlink(missing_ok=True)
    except DatabaseLocked as exc:
        raise BackupError(str(exc)) from None
    restored = DatabaseFile(
        database, database.stat().st_size, incoming.schema_version, incoming.tickets
    )
    return restored, aside, settled


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


def _hours(amount: timedelta) -> str:
    hours = amount.total_seconds() / 3600
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024**2:.1f} MB"
