"""What the timers send about a ticket and the managers' digests are recorded once; the
news of a ticket is the latest of what staff told its employee."""

from __future__ import annotations

from datetime import date, timedelta

from domain.enums import Priority, TicketStatus
from domain.follow_ups import FollowUp
from domain.model import Rating, TicketMessage
from domain.sla import Pause
from storage import Database
from tests.storage.conftest import T0, new_ticket


async def test_a_follow_up_and_a_digest_are_recorded_once(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        key = T0.isoformat()
        assert await uow.follow_ups.record(ticket.number, FollowUp.FIRST_REMINDER, key, T0)
        assert not await uow.follow_ups.record(ticket.number, FollowUp.FIRST_REMINDER, key, T0)
        assert await uow.follow_ups.recorded([ticket.number, 999]) == {
            ticket.number: {(FollowUp.FIRST_REMINDER, key)}
        }
        day = date(2025, 3, 4)
        assert not await uow.follow_ups.digest_recorded(501, day)
        assert await uow.follow_ups.record_digest(501, day, T0)
        assert not await uow.follow_ups.record_digest(501, day, T0)
        assert await uow.follow_ups.digest_recorded(501, day)
        await uow.commit()


async def test_the_news_of_a_ticket_is_the_latest_word_to_its_employee(
    db: Database, people: tuple[int, int]
) -> None:
    client_id, employee_id = people
    hour = timedelta(hours=1)
    async with db.unit_of_work() as uow:
        high = await uow.tickets.add(
            new_ticket(
                client_id,
                employee_id,
                priority=Priority.HIGH,
                status=TicketStatus.IN_PROGRESS,
                first_response_at=T0,
                updated_at=T0,
            )
        )
        await uow.tickets.add(
            new_ticket(client_id, employee_id, status=TicketStatus.IN_PROGRESS, updated_at=T0)
        )  # Standard: no status lines
        waiting = await uow.tickets.add(
            new_ticket(
                client_id,
                employee_id,
                status=TicketStatus.WAITING_CLIENT,
                updated_at=T0,
                pauses=[Pause(T0)],
            )
        )
        for at, internal in ((T0 + hour, False), (T0 + 3 * hour, True)):  # a note is not news
            await uow.tickets.add_message(
                TicketMessage(high.number, "staff", 601, "Смотрю", internal, created_at=at)
            )
        later = T0 + 5 * hour
        found = dict(
            (t.number, news)
            for t, news in await uow.follow_ups.candidates(["high", "highest"], later, later)
        )
        assert found == {high.number: T0 + hour, waiting.number: T0}
        # news since the bound, or a wait shorter than it: left out
        assert await uow.follow_ups.candidates(["high"], T0, T0 - hour) == []
        await uow.follow_ups.record(high.number, FollowUp.STATUS_LINE, "x", T0 + 2 * hour)
        found = dict(
            (t.number, news) for t, news in await uow.follow_ups.candidates(["high"], later, T0)
        )
        assert found[high.number] == T0 + 2 * hour
        await uow.commit()


async def test_ratings_of_a_window(db: Database, people: tuple[int, int]) -> None:
    client_id, employee_id = people
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(client_id, employee_id))
        await uow.tickets.add_rating(Rating(ticket.number, 2, "долго", T0))
        assert await uow.follow_ups.ratings_between([client_id], T0, T0 + timedelta(1)) == [
            Rating(ticket.number, 2, "долго", T0)
        ]
        assert (
            await uow.follow_ups.ratings_between([client_id], T0 + timedelta(1), T0 + timedelta(2))
            == []
        )
        assert await uow.follow_ups.ratings_between([], T0, T0 + timedelta(1)) == []
        await uow.commit()
