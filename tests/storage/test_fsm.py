"""The aiogram FSM storage on the SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from storage import Database
from storage.fsm import SqliteStorage
from tests.storage.conftest import T0, MovableClock, new_client


class Intake(StatesGroup):
    describing = State()
    confirming = State()


KEY = StorageKey(bot_id=1, chat_id=10, user_id=10)


async def test_state_and_data_survive_reopening_the_database(
    db_path: Path, clock: MovableClock
) -> None:
    db = await Database.open(db_path, clock=clock)
    storage = SqliteStorage(db)
    await storage.set_state(KEY, Intake.describing)
    await storage.set_data(KEY, {"description": "Не печатает", "files": ["AgAD"], "n": 2})
    await storage.close()  # must not close the shared database
    async with db.unit_of_work() as uow:
        await uow.clients.add(new_client())
    await db.close()

    db = await Database.open(db_path, clock=clock)
    try:
        storage = SqliteStorage(db)
        assert await storage.get_state(KEY) == Intake.describing.state
        assert await storage.get_data(KEY) == {
            "description": "Не печатает",
            "files": ["AgAD"],
            "n": 2,
        }
    finally:
        await db.close()


async def test_keys_are_kept_apart(db: Database) -> None:
    storage = SqliteStorage(db)
    keys = [
        KEY,
        StorageKey(bot_id=2, chat_id=10, user_id=10),
        StorageKey(bot_id=1, chat_id=10, user_id=11),
        StorageKey(bot_id=1, chat_id=10, user_id=10, thread_id=5),
        StorageKey(bot_id=1, chat_id=10, user_id=10, business_connection_id="bc"),
        StorageKey(bot_id=1, chat_id=10, user_id=10, destiny="other"),
    ]
    for n, key in enumerate(keys):
        await storage.set_state(key, f"s{n}")
        await storage.set_data(key, {"n": n})
    for n, key in enumerate(keys):
        assert await storage.get_state(key) == f"s{n}"
        assert await storage.get_data(key) == {"n": n}


async def test_update_data_merges_and_clearing_forgets(db: Database) -> None:
    storage = SqliteStorage(db)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert await storage.update_data(KEY, {"a": 1}) == {"a": 1}
    assert await storage.update_data(KEY, {"b": 2}) == {"a": 1, "b": 2}
    assert await storage.get_value(KEY, "b") == 2
    await storage.set_state(KEY, "Intake:confirming")
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}
    assert await storage.get_state(KEY) == "Intake:confirming"
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    async with db.transaction() as session:
        row = await session.fetchone("SELECT count(*) FROM fsm")
    assert row is not None and row[0] == 0


async def test_concurrent_update_data_loses_nothing(db: Database) -> None:
    storage = SqliteStorage(db)
    await asyncio.gather(*(storage.update_data(KEY, {f"k{n}": n}) for n in range(30)))
    assert await storage.get_data(KEY) == {f"k{n}": n for n in range(30)}


async def test_stale_lists_abandoned_conversations(db: Database, clock: MovableClock) -> None:
    storage = SqliteStorage(db)
    old = StorageKey(bot_id=1, chat_id=20, user_id=20, thread_id=3)
    await storage.set_state(old, Intake.describing)
    await storage.update_data(old, {"draft": "x"})
    clock.advance(hours=2)
    await storage.set_state(KEY, Intake.confirming)

    stale = await storage.stale(T0 + timedelta(hours=1))
    assert [(r.key, r.state, r.data, r.updated_at) for r in stale] == [
        (old, Intake.describing.state, {"draft": "x"}, T0)
    ]
    await storage.delete(old)
    assert await storage.get_state(old) is None
    assert [r.key for r in await storage.stale(T0 + timedelta(hours=3))] == [KEY]


async def test_inside_a_unit_of_work_fsm_joins_its_transaction(db: Database) -> None:
    """A handler inside the unit-of-work middleware sets the state: no deadlock, and the
    state commits or rolls back with the handler's changes."""
    storage = SqliteStorage(db)
    async with asyncio.timeout(2):
        async with db.unit_of_work() as uow:
            await uow.clients.list()  # the unit of work's transaction is open
            await storage.set_state(KEY, Intake.describing)
            assert await storage.get_state(KEY) == Intake.describing.state
        assert await storage.get_state(KEY) is None  # left without commit

        async with db.unit_of_work() as uow:
            await uow.clients.list()
            await storage.set_state(KEY, Intake.confirming)
            await uow.commit()
        assert await storage.get_state(KEY) == Intake.confirming.state


async def test_reads_within_a_transaction_see_its_own_writes(db: Database) -> None:
    """The state and data are read once per transaction and kept up to date by its writes;
    a new transaction reads them afresh."""
    storage = SqliteStorage(db)
    await storage.set_state(KEY, Intake.describing)
    async with db.unit_of_work() as uow:
        await uow.clients.list()
        assert await storage.get_state(KEY) == Intake.describing.state
        await storage.set_data(KEY, {"a": 1})
        assert await storage.update_data(KEY, {"b": 2}) == {"a": 1, "b": 2}
        await storage.set_state(KEY, Intake.confirming)
        assert await storage.get_state(KEY) == Intake.confirming.state
        assert await storage.get_data(KEY) == {"a": 1, "b": 2}
        await uow.commit()
    assert await storage.get_data(KEY) == {"a": 1, "b": 2}
    await storage.delete(KEY)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_a_task_wide_unit_of_work_is_joined_before_its_first_statement(
    db: Database,
) -> None:
    """aiogram reads the state before the handler's first statement: in an update's
    task-wide unit of work, that read and the state's writes are part of it."""
    storage = SqliteStorage(db)
    async with asyncio.timeout(2):
        async with db.unit_of_work(task_wide=True) as uow:
            assert await storage.get_state(KEY) is None
            await storage.set_state(KEY, Intake.describing)
            await uow.commit()
            await storage.set_state(KEY, Intake.confirming)  # after a commit: joined again
            await uow.clients.list()
        assert await storage.get_state(KEY) == Intake.describing.state


@pytest.mark.sqlite_only
async def test_a_transaction_writes_the_conversation_once_when_it_commits(
    db: Database, db_path: Path
) -> None:
    """A handler sets the state and changes the data several times: the row is written
    when the update's unit of work commits (all of it), or not at all (rolled back)."""

    def row_on_file() -> tuple[str | None, str] | None:
        with closing(sqlite3.connect(db_path)) as other:
            row = other.execute("SELECT state, data FROM fsm").fetchone()
        return None if row is None else (row[0], row[1])

    storage = SqliteStorage(db)
    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, Intake.describing)
        await storage.update_data(KEY, {"a": 1})
        await storage.update_data(KEY, {"b": 2})
        assert row_on_file() is None
        # left without commit
    assert row_on_file() is None

    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, Intake.describing)
        await storage.update_data(KEY, {"a": 1})
        await uow.commit()  # what the bot does before it sends a message
        assert row_on_file() == (Intake.describing.state, '{"a": 1}')
        # After the message: nothing else is written but the conversation.
        await storage.set_state(KEY, Intake.confirming)
        await storage.update_data(KEY, {"b": 2})
        await uow.commit()
    assert row_on_file() == (Intake.confirming.state, '{"a": 1, "b": 2}')

    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        await uow.commit()
    assert row_on_file() is None  # a cleared conversation leaves no row
