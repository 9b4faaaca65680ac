"""The outbox claimed by several processes at once (replicas on one PostgreSQL database):
a row goes to one of them, and a chat's next row waits for the one on its way."""

from __future__ import annotations

import asyncio
from collections import Counter

from domain.ports import OutboxMessage
from storage import Database, OutboxDelivery
from tests.storage.conftest import MovableClock


def note(chat_id: int, text: str) -> OutboxMessage:
    return OutboxMessage(chat_id, "sendMessage", {"chat_id": chat_id, "text": text})


async def write(db: Database, *messages: OutboxMessage) -> list[int | None]:
    async with db.unit_of_work() as uow:
        ids = [await uow.outbox.add(m) for m in messages]
        await uow.commit()
    return ids


async def test_a_row_another_process_is_claiming_is_passed_over_with_its_chats_next(
    db: Database, other: Database, clock: MovableClock
) -> None:
    first, second, elsewhere = await write(db, note(1, "a"), note(1, "b"), note(2, "c"))
    async with db.transaction() as claiming:  # the other process's claim, not committed
        await claiming.execute("SELECT id FROM outbox WHERE id = ? FOR UPDATE", (first,))
        claimed = await asyncio.wait_for(OutboxDelivery(other).claim_due(clock.now()), 5)
        assert [m.id for m in claimed] == [elsewhere]
    assert {first, second} & {m.id for m in claimed} == set()


async def test_two_processes_claiming_at_once_never_get_the_same_row(
    db: Database, other: Database, clock: MovableClock
) -> None:
    rows = await write(db, *(note(chat, f"{chat}:{n}") for chat in range(30) for n in range(3)))
    got: Counter[int] = Counter()

    async def deliver(database: Database) -> None:
        delivery = OutboxDelivery(database)
        for _ in range(40):
            claimed = await delivery.claim_due(clock.now(), limit=7)
            for message in claimed:
                assert message.id is not None
                got[message.id] += 1
                await delivery.mark_sent(message.id, 1, clock.now())
            if not claimed:
                await asyncio.sleep(0.01)

    await asyncio.gather(deliver(db), deliver(other))
    assert sorted(got) == sorted(rows)  # every row, by one of them
    assert set(got.values()) == {1}  # once
