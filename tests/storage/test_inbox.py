"""The inbox of long polling: updates kept before they are confirmed, settled once handled."""

from __future__ import annotations

from storage import Database
from storage.codec import utc_text
from storage.inbox import Inbox, InboxRow


def row(update_id: int) -> InboxRow:
    payload = f'{{"update_id": {update_id}, "message": {{"text": "№{update_id}"}}}}'
    return InboxRow(update_id, payload)


async def test_kept_updates_wait_in_order_until_settled(db: Database) -> None:
    inbox = Inbox(db)
    assert await inbox.keep([row(12), row(10), row(11)]) == [10, 11, 12]
    assert await inbox.waiting() == [row(10), row(11), row(12)]

    # Telegram sends the batch again (it was not confirmed): nothing new to handle.
    assert await inbox.keep([row(11), row(12), row(13)], settled=[10]) == [13]
    assert [r.update_id for r in await inbox.waiting()] == [11, 12, 13]

    await inbox.settle([11, 13])
    assert await inbox.waiting() == [row(12)]


async def test_settled_updates_are_marked_processed_whether_or_not_their_handling_was(
    db: Database,
) -> None:
    inbox = Inbox(db)
    await inbox.keep([row(20), row(21)])
    async with db.unit_of_work() as uow:  # 20 was handled: its transaction marked it
        assert not await uow.processed_updates.seen_before(20)
        await uow.commit()

    await inbox.settle([20, 21])  # 21 failed or was refused: not to be handled again

    async with db.unit_of_work() as uow:
        assert await uow.processed_updates.seen_before(20)
        assert await uow.processed_updates.seen_before(21)
        assert not await uow.processed_updates.seen_before(22)
    assert await inbox.waiting() == []


async def test_the_payload_is_kept_as_it_was_given(db: Database) -> None:
    inbox = Inbox(db)
    text = '{"update_id": 7, "message": {"text": "принтер «HP» \\"не\\" печатает\\n"}}'
    await inbox.keep([InboxRow(7, text)])
    assert await inbox.waiting() == [InboxRow(7, text)]


async def marked(db: Database) -> list[int]:
    async with db.transaction() as session:
        rows = await session.fetchall("SELECT update_id FROM processed_updates ORDER BY 1")
    return [r[0] for r in rows]


async def outbox_statuses(db: Database) -> list[str]:
    async with db.transaction() as session:
        rows = await session.fetchall("SELECT status FROM outbox ORDER BY id")
    return [r[0] for r in rows]


async def test_the_housekeeping_forgets_marks_telegram_can_no_longer_resend(db: Database, clock):
    """Telegram keeps an unconfirmed update 24 hours; marks older than 48 hours go, and the
    inbox keeps nothing once its updates are settled."""
    from bot.workers.timers import DeskScheduler

    inbox = Inbox(db)
    await inbox.keep([row(1), row(2), row(9)])
    await inbox.settle([1, 2])  # handled at T0
    async with db.unit_of_work() as uow:  # 9 handled at T0, killed before it left the inbox
        assert not await uow.processed_updates.seen_before(9)
        await uow.commit()
    async with db.transaction() as session:  # delivered at T0 and one still to send
        await session.execute(
            "INSERT INTO outbox (chat_id, method, payload, status, next_attempt_at, created_at) "
            "VALUES (1, 'sendMessage', '{}', 'sent', ?1, ?1), (1, 'sendMessage', '{}', "
            "'pending', ?1, ?1)",
            (utc_text(clock.now()),),
        )
    clock.advance(hours=30)
    await inbox.keep([row(3)])
    await inbox.settle([3])  # handled at T0 + 30 h
    assert await inbox.waiting() == [row(9)]
    clock.advance(hours=19)  # T0 + 49 h: 1 and 2 are older than 48 hours, 3 is 19 hours old

    timers = DeskScheduler(db, clock, notifier=None)  # type: ignore[arg-type]  # no tickets
    await timers.start()  # housekeeping runs at start
    try:
        assert await timers.settled()
        assert await marked(db) == [3, 9]  # 9 is replayed at the next start: kept
        assert timers.stats.updates_forgotten == 2
        clock.advance(hours=30)  # and again on its schedule (asked for here)
        timers.request_housekeeping()
        assert await timers.settled()
        assert await marked(db) == [9]
        assert await outbox_statuses(db) == ["sent", "pending"]  # kept 30 days
        clock.advance(days=30)
        timers.request_housekeeping()
        assert await timers.settled()
        assert await outbox_statuses(db) == ["pending"]
        assert timers.stats.outbox_forgotten == 1
    finally:
        await timers.stop()
