"""`frontdesk migrate-data`: move an installation from its SQLite file to PostgreSQL.

    frontdesk migrate-data --from sqlite:///data/frontdesk.db --to postgresql://desk:pw@db/desk

Stop the bot first. The target is migrated, must be empty, and gets everything in one
transaction, checked by the count of every table and a sample of rows
(storage/migrate_data.py). Then set DATABASE_URL to the target and start the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys

from storage.database import DatabaseLocked, is_postgres_url, shown


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "migrate-data", help="copy the SQLite database into an empty PostgreSQL one"
    )
    parser.add_argument("--from", dest="source", required=True, metavar="sqlite:///FILE")
    parser.add_argument("--to", dest="target", required=True, metavar="postgresql://...")
    parser.add_argument(
        "--sample", type=int, default=25, help="rows of each table compared after the copy"
    )


def dispatch(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from storage.migrate_data import MigrationRefused, migrate_data

    def fail(message: str) -> int:
        print(f"migrate-data: error: {message}", file=sys.stderr)
        return 1

    if not args.source.startswith("sqlite:///"):
        return fail("--from must be sqlite:///path/to/file.db")
    source = args.source.removeprefix("sqlite:///")
    if not is_postgres_url(args.target):
        return fail("--to must be postgresql://user:password@host:port/database")
    if not os.path.isfile(source):
        return fail(f"there is no database at {source}")
    try:
        report = asyncio.run(
            migrate_data(source, args.target, clock=SystemClock(), sample=args.sample)
        )
    except (MigrationRefused, DatabaseLocked, sqlite3.Error, OSError) as exc:
        return fail(str(exc))
    for table, rows in report.rows.items():
        print(f"{table}: {rows}")
    print(
        f"copied {sum(report.rows.values())} rows of {len(report.rows)} tables into "
        f"{shown(args.target)}; counts equal, {report.sampled} rows compared; "
        "set DATABASE_URL to it and start the bot"
    )
    return 0
