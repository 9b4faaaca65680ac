"""Several processes on one PostgreSQL database (webhook replicas): one chat's updates take
turns, a replayed update is handled once, and two staff changing one ticket at the same
moment both keep their change. Each "process" here is a `Database` of its own on the same
database: its own connection, as a replica has."""

from __future__ import annotations

import asyncio

from domain.enums import Priority
from storage import Database
from storage.unit_of_work import SqliteUnitOfWork
from tests.storage.conftest import new_ticket

CHAT = 1001


async def still_waiting(task: asyncio.Task[object]) -> bool:
    """Whether the task is still held up once the other side had time to answer it."""
    await asyncio.sleep(0.3)
    return not task.done()


async def name_of(uow: SqliteUnitOfWork) -> str:
    row = await uow.session.fetchone("SELECT name FROM employees WHERE tg_id = ?", (CHAT,))
    assert row is not None
    return str(row[0])


async def add_to_name(uow: SqliteUnitOfWork, name: str, suffix: str) -> None:
    await uow.session.execute(
        "UPDATE employees SET name = ? WHERE tg_id = ?", (name + suffix, CHAT)
    )


async def test_a_chats_next_update_on_another_replica_waits_for_the_first_ones_commit(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    async with db.unit_of_work(serial_key=CHAT) as first:
        assert isinstance(first, SqliteUnitOfWork)
        name = await name_of(first)

        async def second_update() -> str:
            async with other.unit_of_work(serial_key=CHAT) as second:
                assert isinstance(second, SqliteUnitOfWork)
                seen = await name_of(second)
                await add_to_name(second, seen, " 2")
                await second.commit()
            return seen

        second = asyncio.create_task(second_update())
        assert await still_waiting(second)
        await add_to_name(first, name, " 1")
        await first.commit()
    # The second read what the first wrote, and added to it.
    assert await second == "Иван 1"
    async with db.unit_of_work() as uow:
        assert isinstance(uow, SqliteUnitOfWork)
        assert await name_of(uow) == "Иван 1 2"


async def test_another_chats_update_does_not_wait(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    async with db.unit_of_work(serial_key=CHAT) as first:
        assert isinstance(first, SqliteUnitOfWork)
        await name_of(first)
        async with other.unit_of_work(serial_key=CHAT + 1) as second:
            assert isinstance(second, SqliteUnitOfWork)
            assert await asyncio.wait_for(name_of(second), timeout=5) == "Иван"
        await first.commit()


async def test_every_transaction_of_an_update_waits_for_the_chat_not_only_its_first(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    """An update commits before the bot answers and goes on in a new transaction: that one
    takes the chat's turn again."""
    async with db.unit_of_work(serial_key=CHAT) as first:
        assert isinstance(first, SqliteUnitOfWork)
        await name_of(first)
        await first.commit()  # the reply goes to Telegram here
        async with other.unit_of_work(serial_key=CHAT) as second:
            assert isinstance(second, SqliteUnitOfWork)
            await name_of(second)  # the other replica's update has its turn meanwhile
            # ... and the first update's next transaction waits for it
            pending = asyncio.create_task(name_of(first))
            assert await still_waiting(pending)  # type: ignore[arg-type]
            await add_to_name(second, "Иван", " 2")
            await second.commit()
        assert await pending == "Иван 2"
        await first.commit()


async def test_an_update_replayed_to_another_replica_is_handled_once(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    async with db.unit_of_work(serial_key=CHAT) as first:
        assert not await first.processed_updates.seen_before(500)

        async def replayed() -> bool:
            async with other.unit_of_work(serial_key=CHAT) as second:
                seen = await second.processed_updates.seen_before(500)
                await second.commit()
            return seen

        replay = asyncio.create_task(replayed())
        assert await still_waiting(replay)
        await first.commit()
    assert await replay  # dropped as seen before


async def test_two_replicas_changing_one_ticket_at_once_both_keep_their_change(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        number = (await uow.tickets.add(new_ticket(client_id, employee_id))).number
        await uow.commit()

    async with db.unit_of_work(serial_key=-100) as staff_chat:
        ticket = await staff_chat.tickets.get(number)
        assert ticket is not None

        async def from_another_chat() -> None:
            async with other.unit_of_work(serial_key=CHAT) as uow:
                same = await uow.tickets.get(number)
                assert same is not None
                same.title = "Не печатает принтер у главбуха"
                await uow.tickets.update(same)
                await uow.commit()

        rename = asyncio.create_task(from_another_chat())
        assert await still_waiting(rename)
        ticket.priority = Priority.HIGH
        await staff_chat.tickets.update(ticket)
        await staff_chat.commit()
    await rename

    async with db.unit_of_work() as uow:
        final = await uow.tickets.get(number)
    assert final is not None
    assert (final.priority, final.title) == (Priority.HIGH, "Не печатает принтер у главбуха")
