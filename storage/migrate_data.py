"""Moving an installation from its SQLite file to PostgreSQL (`frontdesk migrate-data`).

    copied = await migrate_data("frontdesk.db", "postgresql://desk:pw@db/frontdesk")

The file is opened as the bot opens it (brought up to the current schema; a restore cannot
start meanwhile) and read in one read transaction; the target is migrated first and must
hold no rows. Tables are copied in the order their foreign keys ask for, all in one
PostgreSQL transaction, so a failure leaves the target as empty as it was. A column that
refers to its own table (a mass outage's children name their parent, which may have a
higher number) is copied empty and filled in once every row is there. The counts of open
tickets are not copied: the target's triggers count the tickets as they arrive, and they
are checked against the file's. Each table's id sequence is set past the highest id copied
(for tickets, past the highest number ever given: a number is never given twice).

The copy is then checked: the count of every table, and a sample of rows of each, compared
column by column with the file's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.ports import Clock
from storage.database import Database
from storage.postgres import PgDatabase, connect

DERIVED = frozenset({"open_tickets"})  # kept by the target's triggers, compared only


class MigrationRefused(Exception):
    """The copy was not made (or not trusted); the message says why."""


@dataclass(slots=True)
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # by table, in the order copied
    sampled: int = 0  # rows compared column by column


async def migrate_data(
    source: str | Path, target_url: str, *, clock: Clock, sample: int = 25
) -> CopyReport:
    src = await Database.open(source, clock=clock)
    try:
        dst = await PgDatabase.open(target_url, clock=clock)
        await dst.close()
        async with src.transaction(read_only=True) as session:
            tables = await _tables_in_order(session)
            conn = await connect(target_url)
            try:
                await _refuse_unless_empty(conn, tables)
                report = CopyReport()
                async with conn.transaction():
                    for table in tables:
                        if table in DERIVED:
                            continue
                        report.rows[table] = await _copy(session, conn, table)
                    await _set_sequences(session, conn, tables)
                    await _check(session, conn, tables, sample, report)
                return report
            finally:
                await conn.close()
    finally:
        await src.close()


async def _tables_in_order(session: Any) -> list[str]:
    rows = await session.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    names = [str(row[0]) for row in rows]
    needs: dict[str, set[str]] = {}
    for name in names:
        keys = await session.fetchall(f"PRAGMA foreign_key_list({name})")
        needs[name] = {str(key["table"]) for key in keys} - {name}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and needs[n] <= set(ordered)]
        if not ready:
            raise MigrationRefused(
                f"foreign keys in a cycle among {sorted(set(names) - set(ordered))}"
            )
        ordered.extend(ready)
    return ordered


async def _refuse_unless_empty(conn: Any, tables: Sequence[str]) -> None:
    filled = []
    for table in tables:
        if table not in DERIVED and await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            filled.append(table)
    if filled:
        raise MigrationRefused(
            f"the target database is not empty ({', '.join(filled)} have rows): "
            "migrate-data copies into an empty database only"
        )


async def _columns(session: Any, table: str) -> list[tuple[str, int]]:
    """(name, position in the primary key, 0 for none) of each column."""
    rows = await session.fetchall(f"PRAGMA table_info({table})")
    return [(str(row["name"]), int(row["pk"])) for row in rows]


async def _copy(session: Any, conn: Any, table: str) -> int:
    columns = [name for name, _ in await _columns(session, table)]
    selves = [
        str(key["from"])
        for key in await session.fetchall(f"PRAGMA foreign_key_list({table})")
        if key["table"] == table
    ]
    rows = await session.fetchall(f"SELECT {', '.join(columns)} FROM {table}")
    if not rows:
        return 0
    later = [columns.index(name) for name in selves]
    records = [tuple(None if i in later else value for i, value in enumerate(row)) for row in rows]
    await conn.copy_records_to_table(table, records=records, columns=columns)
    for name in selves:
        keys = [name for name, pk in await _columns(session, table) if pk]
        pairs = [
            (row[columns.index(name)], *(row[columns.index(k)] for k in keys))
            for row in rows
            if row[columns.index(name)] is not None
        ]
        match = " AND ".join(f"{k} = ${i + 2}" for i, k in enumerate(keys))
        await conn.executemany(f"UPDATE {table} SET {name} = $1 WHERE {match}", pairs)
    return len(rows)


async def _set_sequences(session: Any, conn: Any, tables: Sequence[str]) -> None:
    given = {
        str(row[0]): int(row[1])
        for row in await session.fetchall("SELECT name, seq FROM sqlite_sequence")
    }
    for table in tables:
        if "id" not in [name for name, _ in await _columns(session, table)]:
            continue
        sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
        if sequence is None:
            continue
        highest = max(
            int(await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")),
            given.get(table, 0),
        )
        if highest:
            await conn.execute("SELECT setval($1, $2)", sequence, highest)


async def _check(
    session: Any, conn: Any, tables: Sequence[str], sample: int, report: CopyReport
) -> None:
    for table in tables:
        if table in DERIVED:  # counted by the target's triggers: a count kept at 0 or none
            query = f"SELECT * FROM {table} WHERE count <> 0 ORDER BY priority"
            if [tuple(r) for r in await session.fetchall(query)] != [
                tuple(r) for r in await conn.fetch(query)
            ]:
                raise MigrationRefused(f"{table}: the counts differ in the copy: not committed")
            continue
        columns = await _columns(session, table)
        names = [name for name, _ in columns]
        keys = [name for name, pk in sorted(columns, key=lambda c: c[1]) if pk] or names
        order = ", ".join(keys)
        mine = await session.fetchall(f"SELECT {', '.join(names)} FROM {table} ORDER BY {order}")
        theirs = await conn.fetchval(f"SELECT count(*) FROM {table}")
        if len(mine) != theirs:
            raise MigrationRefused(
                f"{table}: {len(mine)} rows in the file, {theirs} in the copy: not committed"
            )
        step = max(1, math.ceil(len(mine) / sample)) if mine else 1
        match = " AND ".join(f"{k} = ${i + 1}" for i, k in enumerate(keys))
        for row in mine[::step]:
            values = dict(zip(names, tuple(row), strict=True))
            copied = await conn.fetchrow(
                f"SELECT {', '.join(names)} FROM {table} WHERE {match}",
                *(values[k] for k in keys),
            )
            if copied is None or tuple(copied) != tuple(row):
                raise MigrationRefused(
                    f"{table}: the row {[values[k] for k in keys]} differs in the copy: "
                    "not committed"
                )
            report.sampled += 1
