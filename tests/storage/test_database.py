"""The file, its migrations and pragmas, and the transaction discipline on one connection."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import SystemClock
from domain.errors import NotFound
from domain.model import Employee
from storage import Database, load_migrations
from storage.database import exclusive_use
from tests.storage.conftest import MovableClock, new_client


@pytest.mark.sqlite_only
async def test_migrating_an_empty_file_then_reopening_applies_nothing(
    db_path: Path, clock: MovableClock
) -> None:
    migrations = load_migrations()
    assert migrations and migrations[0].version == 1

    db = await Database.open(db_path, clock=clock)
    assert db.applied_migrations == [m.name for m in migrations]
    assert await db.user_version() == migrations[-1].version
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="Kept"))
        await uow.commit()
    await db.close()

    db = await Database.open(db_path, clock=clock)
    try:
        assert db.applied_migrations == []
        assert await db.user_version() == migrations[-1].version
        async with db.unit_of_work() as uow:
            assert [c.name for c in await uow.clients.list()] == ["Kept"]
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_a_file_newer_than_the_code_is_refused(db_path: Path) -> None:
    db = await Database.open(db_path, clock=SystemClock())
    await db.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(RuntimeError, match="newer than this code"):
        await Database.open(db_path, clock=SystemClock())


@pytest.mark.sqlite_only
async def test_pragmas_are_set(db: Database) -> None:
    assert await db.pragma("journal_mode") == "wal"
    assert await db.pragma("foreign_keys") == 1
    assert await db.pragma("busy_timeout") == 5000
    assert await db.pragma("synchronous") == 1  # NORMAL
    assert await db.quick_check() is True


async def test_foreign_keys_are_enforced(db: Database) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(sqlite3.IntegrityError):
            await uow.employees.add(Employee(client_id=12345, tg_id=1, name="Nobody's"))


async def test_leaving_without_commit_rolls_back(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client())
    async with db.unit_of_work() as uow:
        assert await uow.clients.list() == []


async def test_an_exception_rolls_back_and_propagates(db: Database) -> None:
    with pytest.raises(ZeroDivisionError):
        async with db.unit_of_work() as uow:
            await uow.clients.add(new_client())
            1 / 0  # noqa: B018
    async with db.unit_of_work() as uow:
        assert await uow.clients.list() == []


async def test_explicit_rollback_then_more_work_in_the_same_unit(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="Dropped"))
        await uow.rollback()
        await uow.clients.add(new_client(name="Kept"))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert [c.name for c in await uow.clients.list()] == ["Kept"]


async def test_commit_is_durable_across_reopening(db_path: Path) -> None:
    db = await Database.open(db_path, clock=SystemClock())
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="Durable"))
        await uow.commit()
        await uow.clients.add(new_client(name="Not committed"))
    await db.close()
    db = await Database.open(db_path, clock=SystemClock())
    async with db.unit_of_work() as uow:
        assert [c.name for c in await uow.clients.list()] == ["Durable"]
    await db.close()


async def test_update_of_a_missing_row_raises_not_found(db: Database) -> None:
    async with db.unit_of_work() as uow:
        ghost = new_client()
        ghost.id = 404
        with pytest.raises(NotFound):
            await uow.clients.update(ghost)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(ValueError, match="naive"):
            await uow.clients.add(new_client(created_at=datetime(2025, 1, 1, 12, 0)))


async def test_concurrent_units_of_work_do_not_interleave(db: Database) -> None:
    """Each task reads a counter, yields to the others, writes it back incremented. If two
    transactions shared the connection at once, updates would be lost or BEGIN would fail
    inside the other's transaction."""
    async with db.unit_of_work() as uow:
        client_id = (await uow.clients.add(new_client(name="0"))).id
        await uow.commit()
    assert client_id is not None

    async def bump(n: int) -> None:
        async with db.unit_of_work() as uow:
            current = await uow.clients.get(client_id)
            assert current is not None
            await asyncio.sleep(0)
            current.name = str(int(current.name) + 1)
            await uow.clients.update(current)
            await uow.employees.add(Employee(client_id=client_id, tg_id=n, name=f"e{n}"))
            await asyncio.sleep(0)
            await uow.commit()

    await asyncio.gather(*(bump(n) for n in range(50)))

    async with db.unit_of_work() as uow:
        final = await uow.clients.get(client_id)
        assert final is not None and final.name == "50"
        assert len(await uow.employees.list_by_client(client_id)) == 50


async def test_a_failing_task_does_not_poison_the_others(db: Database) -> None:
    async def work(n: int) -> None:
        async with db.unit_of_work() as uow:
            await uow.clients.add(new_client(name=f"c{n:02d}"))
            await asyncio.sleep(0)
            if n % 2:
                raise RuntimeError("boom")
            await uow.commit()

    results = await asyncio.gather(*(work(n) for n in range(20)), return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 10
    async with db.unit_of_work() as uow:
        names = [c.name for c in await uow.clients.list()]
    assert names == [f"c{n:02d}" for n in range(0, 20, 2)]


async def test_a_cancelled_unit_of_work_rolls_back_and_releases_the_lock(db: Database) -> None:
    entered = asyncio.Event()

    async def slow() -> None:
        async with db.unit_of_work() as uow:
            await uow.clients.add(new_client(name="cancelled"))
            entered.set()
            await asyncio.sleep(10)
            await uow.commit()

    task = asyncio.create_task(slow())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(2), db.unit_of_work() as uow:
        assert await uow.clients.list() == []


async def test_nesting_units_of_work_in_one_task_fails_fast(db: Database) -> None:
    async with db.unit_of_work() as outer:
        await outer.clients.list()  # the outer transaction is open
        with pytest.raises(RuntimeError, match="already holds"):
            async with asyncio.timeout(2), db.unit_of_work() as inner:
                await inner.clients.list()


async def test_a_committed_unit_of_work_lets_other_tasks_in_while_it_lives(db: Database) -> None:
    """After commit the lock is free: a handler talking to Telegram after its commit does
    not hold up everybody else."""
    released = asyncio.Event()

    async def other_task() -> None:
        async with db.unit_of_work() as uow:
            await uow.clients.add(new_client(name="other"))
            await uow.commit()
        released.set()

    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="first"))
        await uow.commit()
        task = asyncio.create_task(other_task())
        async with asyncio.timeout(2):
            await released.wait()  # would time out if the first unit of work held the lock
        await task
        assert {c.name for c in await uow.clients.list()} == {"first", "other"}


async def test_transaction_inside_a_unit_of_work_joins_it(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="outer"))
        async with asyncio.timeout(2), db.transaction() as session:
            await session.execute(
                "INSERT INTO staff (tg_id, name, role, created_at) "
                "VALUES (1, 'x', 'lead', '2025-01-01T00:00:00.000000Z')"
            )
        # Not committed on its own: rolled back with the unit of work.
    async with db.unit_of_work() as uow:
        assert await uow.clients.list() == []
        assert await uow.staff.list() == []


@pytest.mark.sqlite_only
async def test_statements_queued_before_an_await_go_to_the_database_in_one_trip(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trip to aiosqlite's thread costs ten times a statement: BEGIN, the queued reads
    and the statement awaited travel together, and the COMMIT with the last writes."""
    trips = 0
    real = db._conn._execute

    async def counting(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal trips
        trips += 1
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(db._conn, "_execute", counting)
    async with db.unit_of_work() as uow:
        first = await uow.clients.add(new_client(name="First"))  # BEGIN + INSERT
        assert trips == 1
        assert first.id is not None
        found, missing = uow.clients.get(first.id), uow.clients.get(first.id + 1)
        assert trips == 1  # queued, not sent
        assert (await found, await missing) == (first, None)
        assert trips == 2
        uow.session.later("UPDATE clients SET name = 'Renamed' WHERE id = ?", (first.id,))
        await uow.commit()  # the UPDATE and the COMMIT
        assert trips == 3
    async with db.unit_of_work() as uow:
        assert [c.name for c in await uow.clients.list()] == ["Renamed"]


@pytest.mark.sqlite_only
async def test_a_failed_statement_stops_its_batch_and_nothing_after_it_is_committed(
    db: Database,
) -> None:
    async with db.unit_of_work() as uow:
        kept = uow.session.later(
            "INSERT INTO staff (tg_id, name, role, created_at) "
            "VALUES (1, 'before', 'lead', '2025-01-01T00:00:00.000000Z')"
        )
        failing = uow.session.later(  # no such client: the foreign key refuses it
            "INSERT INTO employees (client_id, tg_id, name, role, created_at) "
            "VALUES (12345, 2, 'x', 'employee', '2025-01-01T00:00:00.000000Z')"
        )
        after = uow.session.later(
            "INSERT INTO staff (tg_id, name, role, created_at) "
            "VALUES (3, 'after', 'lead', '2025-01-01T00:00:00.000000Z')"
        )
        with pytest.raises(sqlite3.IntegrityError):
            await after  # it did not run: the error is the one that stopped it
        with pytest.raises(sqlite3.IntegrityError):
            await failing
        assert await kept == []  # it ran, before the failure
        with pytest.raises(sqlite3.IntegrityError):
            uow.session.later(
                "INSERT INTO employees (client_id, tg_id, name, role, created_at) "
                "VALUES (12345, 4, 'y', 'employee', '2025-01-01T00:00:00.000000Z')"
            )
            await uow.commit()  # a write queued for the commit fails: no COMMIT
    async with db.unit_of_work() as uow:
        assert await uow.staff.list() == []


async def test_a_rollback_drops_the_statements_still_queued(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client(name="Dropped"))
        queued = uow.session.later(
            "INSERT INTO staff (tg_id, name, role, created_at) "
            "VALUES (1, 'queued', 'lead', '2025-01-01T00:00:00.000000Z')"
        )
        await uow.rollback()
        with pytest.raises(RuntimeError, match="dropped by a rollback"):
            await queued
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.clients.list() == []
        assert await uow.staff.list() == []


@pytest.mark.sqlite_only
async def test_a_transaction_that_cannot_have_the_write_lock_fails_and_lets_go(
    db: Database, db_path: Path
) -> None:
    """Another program holds the file's write lock longer than the busy timeout: the
    statement that began the transaction fails, and the connection is free again."""
    async with db.transaction() as session:
        await session.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        async with asyncio.timeout(5), db.unit_of_work() as uow:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await uow.clients.list()
            other.execute("ROLLBACK")
            await uow.clients.add(new_client(name="After"))
            await uow.commit()
        async with asyncio.timeout(5), db.unit_of_work() as uow:
            assert [c.name for c in await uow.clients.list()] == ["After"]
    finally:
        other.close()


# --- closing never fails -------------------------------------------------------------------


@pytest.mark.sqlite_only
async def test_closing_while_another_process_holds_the_write_lock_still_closes(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`PRAGMA optimize` on the way out needs the write lock: three `frontdesk report` at
    once, or a bot writing, hold it. Closing skips it with a warning and frees the file."""
    dbs = [await Database.open(db_path, clock=SystemClock()) for _ in range(3)]
    for db in dbs:  # queries that use an index: optimize wants to ANALYZE their table
        async with db.transaction() as session:
            await session.fetchall("SELECT * FROM employees WHERE client_id = 1")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        loop = asyncio.get_running_loop()
        started = loop.time()
        with caplog.at_level(logging.WARNING, logger="storage.database"):
            await asyncio.gather(*(db.close() for db in dbs))
        assert loop.time() - started < 2  # not the 5 s of the busy timeout
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert any("PRAGMA optimize skipped" in line for line in caplog.messages), caplog.messages
    with exclusive_use(db_path):  # every connection let go of the file
        pass
    db = await Database.open(db_path, clock=SystemClock())
    await db.close()


async def test_closing_twice_is_harmless(db_path: Path) -> None:
    db = await Database.open(db_path, clock=SystemClock())
    await db.close()
    await db.close()


@pytest.mark.sqlite_only
async def test_open_change_requests_lose_the_resolution_date_nobody_agreed(
    db_path: Path, clock: MovableClock
) -> None:
    """Migration 0007: an open change request's resolution due time came from the SLA table,
    not from an agreement: it goes (and its timers with it); an incident's, or a finished
    change request's, stays."""
    before = [m for m in load_migrations() if m.name < "0007"]
    with sqlite3.connect(db_path) as raw:
        for migration in before:
            raw.executescript(migration.sql)
        raw.execute(f"PRAGMA user_version = {before[-1].version}")
        raw.execute(
            "INSERT INTO clients (id, name, tier, timezone, opens, closes, weekdays, "
            "warning_fraction, created_at)"
            " VALUES (1, 'Ромашка', 'gold', 'Europe/Moscow', '09:00', '18:00', '0,1,2,3,4', 0.75, "
            "'2026-12-01T09:00:00+00:00')"
        )
        raw.execute(
            "INSERT INTO employees (id, client_id, tg_id, name, role, created_at) "
            "VALUES (1, 1, 5001, 'Анна', 'employee', '2026-12-01T09:00:00+00:00')"
        )
        for n, kind, rtype, status in (
            (1, "request", "change", "in_progress"),
            (2, "request", "change", "closed"),
            (3, "incident", None, "new"),
            (4, "request", "service", "new"),
        ):
            raw.execute(
                "INSERT INTO tickets (id, client_id, employee_id, kind, category, priority, "
                "title, description, request_type, status, registered_at, reaction_due, "
                "resolution_due, resolution_warning_at, updated_at) VALUES (?, 1, 1, ?, "
                "'other', 'low', 't', 'd', ?, ?, '2026-12-01T09:00:00+00:00', "
                "'2026-12-02T09:00:00+00:00', '2026-12-09T09:00:00+00:00', "
                "'2026-12-08T09:00:00+00:00', '2026-12-01T09:00:00+00:00')",
                (n, kind, rtype, status),
            )
    db = await Database.open(db_path, clock=clock)
    try:
        assert db.applied_migrations[0].startswith("0007")
        async with db.unit_of_work() as uow:
            tickets = {n: await uow.tickets.get(n) for n in (1, 2, 3, 4)}
        dues = {n: (t.resolution_due, t.resolution_warning_at) for n, t in tickets.items() if t}
        assert dues[1] == (None, None)
        assert all(due is not None and warning is not None for due, warning in
                   (dues[2], dues[3], dues[4]))  # fmt: skip
        assert all(t is not None and t.agreed_resolution is None for t in tickets.values())
        assert tickets[1] is not None and tickets[1].reaction_due is not None
    finally:
        await db.close()
