"""The outbox: written in a unit of work, delivered per chat in order by the worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.ports import OutboxMessage
from storage import Database, OutboxDelivery
from storage.repositories import TicketPost
from tests.storage.conftest import T0, MovableClock, new_ticket

SECOND = timedelta(seconds=1)


def note(chat_id: int, text: str, dedup_key: str | None = None) -> OutboxMessage:
    return OutboxMessage(chat_id, "sendMessage", {"chat_id": chat_id, "text": text}, dedup_key)


async def write(db: Database, *messages: OutboxMessage) -> list[int | None]:
    async with db.unit_of_work() as uow:
        ids = [await uow.outbox.add(m) for m in messages]
        await uow.commit()
    return ids


async def test_add_round_trips_and_dedup_key_ignores_duplicates(
    db: Database, people: tuple[int, int], clock: MovableClock
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        message = OutboxMessage(
            -100,
            "sendMessage",
            {"chat_id": -100, "text": "Заявка №1", "reply_markup": {"x": [1]}},
            dedup_key="ticket:1:opened",
            ticket_id=ticket.number,
        )
        first = await uow.outbox.add(message)
        assert first is not None
        assert await uow.outbox.add(message) is None
        await uow.commit()
    assert await write(db, note(-100, "again", "ticket:1:opened")) == [None]
    # Messages without a dedup key are never duplicates of each other.
    assert None not in await write(db, note(5, "a"), note(5, "a"))

    delivery = OutboxDelivery(db)
    assert await delivery.depth() == 3
    row = await delivery.get(first)
    assert row is not None and row.status == "pending" and row.next_attempt_at == clock.now()
    assert row.message == OutboxMessage(
        message.chat_id,
        message.method,
        message.payload,
        message.dedup_key,
        ticket.number,
        id=first,
        attempts=0,
        created_at=clock.now(),
    )


async def test_outbox_rows_roll_back_with_their_unit_of_work(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.outbox.add(note(1, "lost with the transaction"))
    assert await OutboxDelivery(db).depth() == 0


async def test_claim_due_gives_the_oldest_pending_row_of_each_chat(
    db: Database, clock: MovableClock
) -> None:
    a1, b1, a2, c1, b2 = await write(
        db, note(1, "a1"), note(2, "b1"), note(1, "a2"), note(3, "c1"), note(2, "b2")
    )
    delivery = OutboxDelivery(db)
    now = clock.now()

    claimed = await delivery.claim_due(now, limit=10)
    assert [m.id for m in claimed] == [a1, b1, c1]
    assert all(m.attempts == 1 for m in claimed)
    # Claimed rows are leased: asking again at once offers nothing of those chats.
    assert await delivery.claim_due(now, limit=10) == []

    await delivery.mark_sent(a1 or 0, 501, now)
    await delivery.mark_failed(b1 or 0, "Forbidden: bot was blocked by the user")
    assert [m.id for m in await delivery.claim_due(now, limit=10)] == [a2, b2]

    sent = await delivery.get(a1 or 0)
    assert sent is not None and sent.status == "sent" and sent.sent_message_id == 501
    failed = await delivery.get(b1 or 0)
    assert (
        failed is not None and failed.status == "failed" and "blocked" in (failed.last_error or "")
    )


async def test_claim_due_respects_next_attempt_at_and_limit(
    db: Database, clock: MovableClock
) -> None:
    a1, a2, b1 = await write(db, note(1, "a1"), note(1, "a2"), note(2, "b1"))
    delivery = OutboxDelivery(db)
    now = clock.now()

    assert await delivery.claim_due(now - SECOND) == []  # nothing is due before it was written
    assert [m.id for m in await delivery.claim_due(now, limit=1)] == [a1]

    # a1 failed for now: retry in a minute. a2 must wait behind it; chat 2 goes on.
    await delivery.reschedule(a1 or 0, now + 60 * SECOND, "Too Many Requests: retry after 60")
    assert [m.id for m in await delivery.claim_due(now)] == [b1]
    assert await delivery.claim_due(now + 59 * SECOND) == []
    assert await delivery.next_due_at() == now + 60 * SECOND

    retried = await delivery.claim_due(now + 60 * SECOND)
    assert [(m.id, m.attempts) for m in retried] == [(a1, 2)]
    await delivery.mark_sent(a1 or 0, 9, now + 61 * SECOND)
    assert [m.id for m in await delivery.claim_due(now + 61 * SECOND)] == [a2]


async def test_a_crashed_claim_is_offered_again_after_its_lease(
    db: Database, clock: MovableClock
) -> None:
    (a1,) = await write(db, note(1, "a1"))
    delivery = OutboxDelivery(db)
    now = clock.now()
    assert [m.id for m in await delivery.claim_due(now, lease=30 * SECOND)] == [a1]
    assert await delivery.claim_due(now + 29 * SECOND) == []
    again = await delivery.claim_due(now + 30 * SECOND)
    assert [(m.id, m.attempts) for m in again] == [(a1, 2)]


async def test_depth_oldest_pending_and_next_due(db: Database, clock: MovableClock) -> None:
    delivery = OutboxDelivery(db)
    assert await delivery.depth() == 0
    assert await delivery.oldest_pending_created_at() is None
    assert await delivery.next_due_at() is None

    (a1,) = await write(db, note(1, "a1"))
    clock.advance(seconds=5)
    (a2,) = await write(db, note(1, "a2"))
    assert await delivery.depth() == 2
    assert await delivery.oldest_pending_created_at() == T0
    assert await delivery.next_due_at() == T0

    # The head is put off; the later row of the same chat does not count as due earlier.
    await delivery.reschedule(a1 or 0, T0 + timedelta(minutes=10), "timeout")
    assert await delivery.next_due_at() == T0 + timedelta(minutes=10)
    await delivery.mark_sent(a1 or 0, 1, T0)
    assert await delivery.next_due_at() == T0 + 5 * SECOND
    assert await delivery.depth() == 1
    assert [m.id for m in await delivery.pending(1)] == [a2]
    assert await delivery.oldest_pending_created_at() == T0 + 5 * SECOND


async def test_drop_pending_gives_up_one_chats_waiting_messages_with_the_reason(
    db: Database,
) -> None:
    sent, waiting, other = await write(db, note(7, "sent"), note(7, "пароль"), note(8, "x"))
    delivery = OutboxDelivery(db)
    await delivery.mark_sent(sent or 0, 1, T0)

    async with db.unit_of_work() as uow:
        assert await uow.outbox.drop_pending(7, "access removed") == 1
        await uow.commit()

    assert [m.id for m in await delivery.pending()] == [other]
    dropped, kept = await delivery.get(waiting or 0), await delivery.get(sent or 0)
    assert dropped is not None and (dropped.status, dropped.last_error) == (
        "failed",
        "access removed",
    )
    assert kept is not None and kept.status == "sent"
    assert [m.chat_id for m in await delivery.claim_due(T0 + SECOND)] == [8]


async def test_an_edit_waiting_is_superseded_by_a_newer_edit_of_the_same_message(
    db: Database,
) -> None:
    first, second, other, elsewhere = await write(
        db,
        note(-100, "№1, №2, №3", "outage:1:edit:1"),
        note(-100, "№1, №2, №3, №4", "outage:1:edit:2"),
        note(-100, "№7, №8, №9", "outage:2:edit:1"),
        note(-200, "№1", "outage:1:edit:1x"),
    )
    async with db.unit_of_work() as uow:
        assert await uow.outbox.supersede_pending(-100, "outage:1:edit:") == 2
        await uow.commit()
    delivery = OutboxDelivery(db)
    assert [m.id for m in await delivery.pending()] == [other, elsewhere]
    for superseded in (first, second):
        row = await delivery.get(superseded or 0)
        assert row is not None and row.status == "sent"


async def test_a_cards_later_rows_merge_into_the_one_delivered(
    db: Database, people: tuple[int, int], clock: MovableClock
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        first = await uow.tickets.add(new_ticket(client_id, employee_id))
        second = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.commit()

    def card(ticket_id: int) -> OutboxMessage:
        return OutboxMessage(-100, "ticketCard", {"ticket_id": ticket_id}, ticket_id=ticket_id)

    ids = await write(
        db,
        card(first.number),
        note(-100, "между"),
        card(second.number),
        card(first.number),
        card(first.number),
    )
    delivery = OutboxDelivery(db)
    [head] = await delivery.claim_due(clock.now())
    assert head.id == ids[0]

    assert await delivery.merge_later(head, clock.now()) == 2
    # The other ticket's card and the note still wait, in their order.
    assert [m.id for m in await delivery.pending()] == [ids[0], ids[1], ids[2]]


async def test_cards_waiting_are_the_tickets_whose_card_is_not_posted_yet(
    db: Database, people: tuple[int, int], clock: MovableClock
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        posted = await uow.tickets.add(new_ticket(client_id, employee_id))
        waiting = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.ticket_posts.set(TicketPost(posted.number, -100, 7, None))
        await uow.commit()
    await write(
        db,
        *(
            OutboxMessage(-100, "ticketCard", {"ticket_id": n}, ticket_id=n)
            for n in (posted.number, waiting.number, waiting.number)
        ),
    )

    [card] = await OutboxDelivery(db).cards_waiting(-100, "ticketCard")
    assert card.ticket_id == waiting.number and card.title == waiting.title
    assert await OutboxDelivery(db).cards_waiting(-200, "ticketCard") == []


async def test_a_restart_takes_back_the_leases_of_the_process_before(
    db: Database, clock: MovableClock
) -> None:
    a1, a2, b1 = await write(db, note(1, "a1"), note(1, "a2"), note(2, "b1"))
    delivery = OutboxDelivery(db)
    now = clock.now()
    assert [m.id for m in await delivery.claim_due(now)] == [a1, b1]
    await delivery.reschedule(b1 or 0, now + 60 * SECOND, "500")  # waits for its retry
    # The process dies with a1 on its way; the next one starts a second later.
    restarted = OutboxDelivery(db)
    assert await restarted.release_leases(now + SECOND) == 1
    again = await restarted.claim_due(now + SECOND)
    assert [(m.id, m.attempts) for m in again] == [(a1, 2)]  # b1 keeps its backoff
    assert await restarted.release_leases(now + 2 * SECOND) == 1  # a1: leased again
    await restarted.mark_sent(a1 or 0, 5, now + 2 * SECOND)
    assert await restarted.release_leases(now + 3 * SECOND) == 0
    assert [m.id for m in await restarted.claim_due(now + 3 * SECOND)] == [a2]


async def test_urgent_rows_go_first_across_chats_and_ahead_of_their_chats_ordinary_ones(
    db: Database, clock: MovableClock
) -> None:
    ordinary = await write(db, *(note(chat, f"o{chat}") for chat in range(1, 6)))
    a1, _ = await write(db, note(9, "a1"), note(9, "a2"))
    u1, u2 = await write(
        db,
        replace(note(9, "breach"), urgent=True),
        replace(note(7, "page"), urgent=True),
    )
    delivery = OutboxDelivery(db)
    now = clock.now()
    first = await delivery.claim_due(now, 3)
    assert [(m.id, m.urgent) for m in first] == [(u1, True), (u2, True), (ordinary[0], False)]
    await delivery.mark_sent(u1 or 0, 1, now)
    # Chat 9 goes on in its own order; the others wait for room.
    nxt = await delivery.claim_due(now, 2)
    assert [m.id for m in nxt] == [ordinary[1], ordinary[2]]
    assert a1 in [m.id for m in await delivery.claim_due(now, 10)]


async def test_an_urgent_row_waits_for_the_chats_message_on_its_way(
    db: Database, clock: MovableClock
) -> None:
    (a1,) = await write(db, note(1, "a1"))
    delivery = OutboxDelivery(db)
    now = clock.now()
    assert [m.id for m in await delivery.claim_due(now)] == [a1]
    (u1,) = await write(db, replace(note(1, "breach"), urgent=True))
    assert await delivery.claim_due(now) == []  # one message per chat at a time
    await delivery.mark_sent(a1 or 0, 1, now)
    assert [m.id for m in await delivery.claim_due(now)] == [u1]


async def test_the_telegram_id_of_a_sent_row_is_found_by_its_key_for_an_edit(
    db: Database, clock: MovableClock
) -> None:
    sent, pending, failed = await write(
        db, note(7, "page", "page:1:1"), note(7, "page", "page:1:2"), note(8, "x", "page:2:1")
    )
    delivery = OutboxDelivery(db)
    assert sent is not None and failed is not None and pending is not None
    await delivery.mark_sent(sent, 501, clock.now())
    await delivery.mark_failed(failed, "403 blocked")
    assert await delivery.sent_message_id(7, "page:1:1") == 501
    assert await delivery.sent_message_id(8, "page:1:1") is None  # another chat's key
    assert await delivery.sent_message_id(7, "page:1:2") is None  # not sent yet
    assert await delivery.sent_message_id(8, "page:2:1") is None  # given up
    assert await delivery.sent_message_id(7, "page:9:1") is None  # never written
