"""One set of migrations on both engines: the same tables, columns, indexes and triggers,
whether a migration was translated (storage/dialect.py) or has a PostgreSQL variant."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import SystemClock
from storage import Database, dialect
from storage.database import load_migrations
from storage.postgres import PgDatabase

# Compares a SQLite file with a PostgreSQL database of its own (`postgres_url`).
pytestmark = pytest.mark.sqlite_only

Schema = dict[str, object]


async def _sqlite_schema(path: Path) -> Schema:
    db = await Database.open(path, clock=SystemClock())
    try:
        async with db.transaction() as session:
            tables = [
                str(r[0])
                for r in await session.fetchall(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            columns = {
                t: [str(r["name"]) for r in await session.fetchall(f"PRAGMA table_info({t})")]
                for t in tables
            }
            indexes = sorted(
                str(r[0])
                for r in await session.fetchall(
                    "SELECT name FROM sqlite_master WHERE type = 'index' "
                    "AND name NOT LIKE 'sqlite_autoindex_%'"
                )
            )
            triggers = sorted(
                str(r[0])
                for r in await session.fetchall(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            )
    finally:
        await db.close()
    return {"tables": tables, "columns": columns, "indexes": indexes, "triggers": triggers}


async def _postgres_schema(url: str) -> Schema:
    db = await PgDatabase.open(url, clock=SystemClock())
    try:
        async with db.transaction() as session:
            tables = [
                str(r[0])
                for r in await session.fetchall(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_name <> 'schema_migrations' "
                    "ORDER BY table_name"
                )
            ]
            columns = {
                t: [
                    str(r[0])
                    for r in await session.fetchall(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = ? "
                        "ORDER BY ordinal_position",
                        (t,),
                    )
                ]
                for t in tables
            }
            # Those of primary keys and UNIQUE constraints are SQLite's autoindexes.
            indexes = sorted(
                str(r[0])
                for r in await session.fetchall(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
                )
            )
            triggers = sorted(
                {
                    str(r[0])
                    for r in await session.fetchall(
                        "SELECT trigger_name FROM information_schema.triggers "
                        "WHERE trigger_schema = 'public'"
                    )
                }
            )
    finally:
        await db.close()
    return {"tables": tables, "columns": columns, "indexes": indexes, "triggers": triggers}


async def test_both_engines_get_the_same_tables_columns_indexes_and_triggers(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite = await _sqlite_schema(tmp_path / "frontdesk.db")
    postgres = await _postgres_schema(postgres_url)
    assert postgres["tables"] == sqlite["tables"]
    assert postgres["columns"] == sqlite["columns"]
    assert postgres["indexes"] == sqlite["indexes"]
    assert postgres["triggers"] == sqlite["triggers"]
    assert "open_tickets_changed" in sqlite["triggers"]  # the variants' reason to be


async def test_a_plain_portable_migration_needs_no_postgresql_variant(postgres_url: str) -> None:
    """What a later migration usually is: columns added, a partial index."""
    db = await PgDatabase.open(postgres_url, clock=SystemClock())
    try:
        async with db.transaction() as session:
            await session.execute(
                dialect.migration(
                    "ALTER TABLE tickets ADD COLUMN reopened_at TEXT;\n"
                    "ALTER TABLE tickets ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0 "
                    "CHECK (reopen_count >= 0);\n"
                    "CREATE INDEX tickets_reopened ON tickets (reopened_at) "
                    "WHERE reopened_at IS NOT NULL;"
                )
            )
            row = await session.fetchone(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'tickets' AND column_name = 'reopen_count'"
            )
        assert row is not None and row[0] == "bigint"
    finally:
        await db.close()


def test_only_migrations_with_triggers_or_index_expressions_have_a_variant() -> None:
    with_variant = [m.name for m in load_migrations() if m.postgresql is not None]
    assert with_variant == ["0013_queue_and_pruning.sql", "0015_outages.sql"]


def test_statements_get_numbered_parameters_and_keep_their_literals() -> None:
    translated = dialect.statement(
        "SELECT '?' AS q, ':x' AS n, a::text FROM t WHERE a = ? AND b = ? -- a ? here"
    )
    assert translated.sql == (
        "SELECT '?' AS q, ':x' AS n, a::text FROM t WHERE a = $1 AND b = $2 -- a ? here"
    )
    named = dialect.statement("SELECT 1 WHERE a = :x OR b = :y OR c = :x")
    assert named.sql == "SELECT 1 WHERE a = $1 OR b = $2 OR c = $1"
    assert named.arguments({"y": 2, "x": 1, "unused": 3}) == [1, 2]


def test_sqlite_only_functions_become_postgresql_ones() -> None:
    sql = dialect.statement(
        "SELECT max(a, coalesce(max(b), '')), min(c), max(d) FROM t INDEXED BY t_by_a "
        "WHERE id IN (SELECT value FROM json_each(?))"
    ).sql
    assert sql == (
        "SELECT greatest(a, coalesce(max(b), '')), min(c), max(d) FROM t "
        "WHERE id IN (SELECT value::bigint FROM jsonb_array_elements($1::jsonb) "
        "AS json_each(value))"
    )
