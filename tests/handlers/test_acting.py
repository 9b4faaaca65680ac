"""`perform`: a handler's change, its notices and the conversation's state are committed
before the bot answers; a refusal is answered and commits nothing; what the handler does
afterwards goes on in a new transaction of the same unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from domain import events as ev
from domain.enums import SlaTier, StaffRole
from domain.errors import DomainError, InvalidInput
from domain.model import Client, Staff
from domain.ports import UnitOfWork
from domain.use_cases.common import Outcome
from handlers.acting import perform
from storage import Database
from storage.fsm import SqliteStorage

KEY = StorageKey(bot_id=1, chat_id=10, user_id=10)


class Step(StatesGroup):
    asked = State()
    done = State()


class Clock:
    def now(self) -> datetime:
        return datetime(2025, 3, 4, 9, 15, tzinfo=UTC)


class StaffToldNotifier:
    """Writes a row for each event in the change's unit of work, as the outbox does."""

    def __init__(self) -> None:
        self.published: list[ev.Event] = []

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        for event in events:
            self.published.append(event)
            await uow.staff.add(Staff(tg_id=len(self.published), name="told", role=StaffRole.LEAD))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "frontdesk.sqlite3", clock=Clock())
    yield database
    await database.close()


async def register_client(uow: UnitOfWork) -> Outcome[Client]:
    client = await uow.clients.add(
        Client(
            name="ООО Ромашка",
            tier=SlaTier.BRONZE,
            timezone="Europe/Moscow",
            opens=time(9),
            closes=time(18),
            weekdays=frozenset(range(5)),
            country="RU",
        )
    )
    assert client.id is not None
    return Outcome(client, (ev.ClientRegistered(client.id),))


async def refuse(uow: UnitOfWork) -> Outcome[Client]:
    raise InvalidInput("the name is empty", field="name")


async def not_refused(exc: DomainError) -> None:
    raise AssertionError(f"refused: {exc}")


async def seen_by_another_task(db: Database, storage: SqliteStorage) -> tuple[Any, ...]:
    """What somebody else sees now: the clients, the staff rows, the conversation."""

    async def look() -> tuple[Any, ...]:
        async with db.unit_of_work() as uow:
            clients = [c.name for c in await uow.clients.list()]
            staff = [s.tg_id for s in await uow.staff.list()]
            await uow.commit()
        return clients, staff, await storage.get_state(KEY), await storage.get_data(KEY)

    async with asyncio.timeout(2):  # would time out while the handler held the database
        return await asyncio.create_task(look())


async def test_the_change_its_notices_and_the_state_are_committed_before_the_answer(
    db: Database,
) -> None:
    storage = SqliteStorage(db)
    notifier = StaffToldNotifier()
    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, Step.done)  # the conversation moves on with the change
        outcome = await perform(register_client(uow), uow, notifier, not_refused)
        assert outcome is not None
        assert notifier.published == [ev.ClientRegistered(outcome.value.id or 0)]
        seen = await seen_by_another_task(db, storage)
        assert seen == (["ООО Ромашка"], [1], Step.done.state, {})

        # The handler goes on in a new transaction, committed at the end of the update.
        await storage.set_data(KEY, {"shown": True})
        await uow.commit()
        await uow.commit()  # nothing left: a second commit is no trip at all
    assert await seen_by_another_task(db, storage) == (
        ["ООО Ромашка"],
        [1],
        Step.done.state,
        {"shown": True},
    )


async def test_the_next_step_goes_with_the_change_or_not_at_all(db: Database) -> None:
    storage = SqliteStorage(db)
    notifier = StaffToldNotifier()
    refusals: list[DomainError] = []

    async def answer(exc: DomainError) -> None:
        refusals.append(exc)

    async def intake_over() -> None:
        assert notifier.published  # after the notices
        await storage.set_state(KEY, None)

    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, Step.asked)
        await uow.commit()
        assert await perform(refuse(uow), uow, notifier, answer, then=intake_over) is None
        assert await storage.get_state(KEY) == Step.asked.state
        assert await perform(register_client(uow), uow, notifier, answer, then=intake_over)
        assert await seen_by_another_task(db, storage) == (["ООО Ромашка"], [1], None, {})
    assert len(refusals) == 1


async def test_a_refusal_is_answered_and_nothing_is_published_or_committed(
    db: Database,
) -> None:
    storage = SqliteStorage(db)
    notifier = StaffToldNotifier()
    refusals: list[DomainError] = []

    async def answer(exc: DomainError) -> None:
        refusals.append(exc)

    async with db.unit_of_work(task_wide=True) as uow:
        await storage.set_state(KEY, Step.asked)
        assert await perform(refuse(uow), uow, notifier, answer) is None
        assert [e.code for e in refusals] == ["invalid_input"]
        assert notifier.published == []
        # still this update's transaction: its state is not committed by the refusal
        assert await storage.get_state(KEY) == Step.asked.state
    assert await seen_by_another_task(db, storage) == ([], [], None, {})
