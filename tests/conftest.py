"""Hooks for the whole suite."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `slow` (seconds of real time: processes started and killed,
    Telegram's real flood limits, retries after real seconds) go first: run in parallel
    (`-n`, with `--maxschedchunk=1` from pyproject.toml, each worker taking the next test
    as it frees), the workers then end together instead of one waiting for a slow test
    drawn last. The order is otherwise kept."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# --- the database the tests run on ------------------------------------------------------
#
# `pytest --database postgresql` (or TEST_DATABASE=postgresql) runs every test that opens
# a database (`Database.open(path)`, `storage.open_database`) on PostgreSQL instead of a
# SQLite file: each path a test opens is a database of its own on the server
# TEST_POSTGRES_DSN names (tests/pg_server.py starts one; `.ci/run` does), created for
# the test from a template migrated once per worker, and dropped after it. Tests about
# SQLite itself (PRAGMAs, the file lock, backup and restore, SQLite's query plans) are
# marked `sqlite_only` and skipped there.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("TEST_DATABASE", "sqlite"),
        help="the engine the storage runs on in the tests (default: sqlite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: about SQLite itself (PRAGMAs, the file, backups): not run on PostgreSQL",
    )


def _on_postgres(config: pytest.Config) -> bool:
    return bool(config.getoption("--database") == "postgresql")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _on_postgres(item.config) and item.get_closest_marker("sqlite_only"):
        pytest.skip("about SQLite itself")


def _dsn() -> str | None:
    return os.environ.get("TEST_POSTGRES_DSN") or None


def _with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(dsn: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _postgres_template(request: pytest.FixtureRequest) -> str | None:
    """A database migrated once (per test worker), copied for each test."""
    if not _on_postgres(request.config):
        return None
    dsn = _dsn()
    if dsn is None:
        pytest.exit("--database postgresql needs TEST_POSTGRES_DSN (tests/pg_server.py)", 2)
    template = f"frontdesk_template_{_worker()}"

    async def build() -> None:
        from bot.clock import SystemClock
        from storage.postgres import PgDatabase

        await _admin(
            dsn,
            f"DROP DATABASE IF EXISTS {template} WITH (FORCE)",
            f"CREATE DATABASE {template} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'",
        )
        db = await PgDatabase.open(_with_database(dsn, template), clock=SystemClock())
        await db.close()

    asyncio.run(build())
    return template


@pytest.fixture(autouse=True)
def _databases_on_postgres(
    _postgres_template: str | None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """On PostgreSQL: `Database.open(path)` opens the test's database for that path."""
    if _postgres_template is None:
        yield
        return
    from storage.database import Database
    from storage.postgres import PgDatabase

    dsn = _dsn()
    assert dsn is not None
    made: dict[str, str] = {}
    template = _postgres_template

    open_url = PgDatabase.open  # the real one, for URLs

    async def open_on_postgres(cls: type[Database], path: object, *, clock: Any) -> Database:
        key = str(path)
        if key.startswith("postgresql://"):
            return await open_url(key, clock=clock)
        if key not in made:
            name = f"t_{_worker()}_{uuid.uuid4().hex[:12]}"
            await _admin(dsn, f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
            made[key] = name
            # What looks for the file before opening it (`frontdesk report`) finds one.
            if Path(key).parent.is_dir():
                Path(key).touch()  # noqa: ASYNC240 (a test hook, before the database)
        return await open_url(_with_database(dsn, made[key]), clock=clock)

    # Both: a test may open again through the instance it has (`db.open(path)`).
    monkeypatch.setattr(Database, "open", classmethod(open_on_postgres))
    monkeypatch.setattr(PgDatabase, "open", classmethod(open_on_postgres))
    yield
    if made:
        asyncio.run(
            _admin(dsn, *(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in made.values()))
        )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (skipped without TEST_POSTGRES_DSN)."""
    dsn = _dsn()
    if dsn is None:
        pytest.skip("TEST_POSTGRES_DSN is not set (tests/pg_server.py starts a server)")
    name = f"e_{_worker()}_{uuid.uuid4().hex[:12]}"
    asyncio.run(
        _admin(dsn, f"CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
    )
    yield _with_database(dsn, name)
    asyncio.run(_admin(dsn, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
