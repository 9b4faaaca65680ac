"""The leader's look at what other replicas wrote: the tickets of the outbox rows committed
since its last look, even when they commit in another order than their ids."""

from __future__ import annotations

from domain.ports import OutboxMessage
from storage import Database, OutboxDelivery
from storage.outbox import WrittenSince
from tests.storage.conftest import new_ticket


def about(ticket: int) -> OutboxMessage:
    return OutboxMessage(-100, "sendMessage", {"chat_id": -100, "text": "x"}, ticket_id=ticket)


async def tickets(db: Database, people: tuple[int, int], count: int) -> list[int]:
    async with db.unit_of_work() as uow:
        numbers = [(await uow.tickets.add(new_ticket(*people))).number for _ in range(count)]
        await uow.commit()
    return numbers


async def test_the_tickets_of_rows_written_since_the_last_look_once_each(
    db: Database, people: tuple[int, int]
) -> None:
    one, two = await tickets(db, people, 2)
    delivery = OutboxDelivery(db)
    cursor = await delivery.follow_from_now()
    assert await delivery.tickets_written_after(cursor) == []
    async with db.unit_of_work() as uow:
        await uow.outbox.add(about(two))
        await uow.outbox.add(about(one))
        await uow.commit()
    assert await delivery.tickets_written_after(cursor) == [one, two]
    assert await delivery.tickets_written_after(cursor) == []


async def test_a_row_committed_after_a_later_one_is_still_found(
    db: Database, other: Database, people: tuple[int, int]
) -> None:
    """On PostgreSQL a transaction that took the smaller id may commit last."""
    early, late = await tickets(db, people, 2)
    delivery = OutboxDelivery(db)
    cursor = await delivery.follow_from_now()
    async with db.unit_of_work() as slow:
        await slow.outbox.add(about(early))  # takes its id first ...
        async with other.unit_of_work() as quick:
            await quick.outbox.add(about(late))
            await quick.commit()
        assert await delivery_elsewhere(other, cursor) == [late]
        await slow.commit()  # ... and commits last
    assert await delivery.tickets_written_after(cursor) == [early]


async def delivery_elsewhere(db: Database, cursor: WrittenSince) -> list[int]:
    """The look, from a process other than the one whose transaction is still open."""
    return await OutboxDelivery(db).tickets_written_after(cursor)


def test_an_id_that_never_commits_is_given_up_after_the_window() -> None:
    cursor = WrittenSince(10, window=30)
    assert cursor.advance({12: 7}, now=100.0) == [7]
    assert (cursor.low, cursor.missing) == (10, {11: 100.0})  # 11 is looked for again
    assert cursor.advance({12: 7}, now=120.0) == []
    assert cursor.low == 10
    assert cursor.advance({12: 7, 13: 8}, now=131.0) == [8]  # 11 given up
    assert (cursor.low, cursor.missing, cursor.seen) == (13, {}, set())


def test_a_missing_id_that_turns_up_is_taken_and_the_cursor_moves_past_it() -> None:
    cursor = WrittenSince(0)
    assert cursor.advance({1: 1, 3: 3}, now=0.0) == [1, 3]
    assert cursor.low == 1
    assert cursor.advance({3: 3, 2: 2}, now=1.0) == [2]
    assert (cursor.low, cursor.missing) == (3, {})
