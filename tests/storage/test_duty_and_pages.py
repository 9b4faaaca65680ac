"""The repositories the SLA timers and after-hours pages stand on: the timers' bulk query of
pending milestones, sla_events, pages and the duty rota."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.clock import SystemClock
from domain.duty import DutyRota, DutyShift, WeeklyDuty
from domain.enums import StaffRole, TicketStatus
from domain.model import Staff, Ticket
from domain.paging import Page, PageReason
from domain.ports import SlaEventRecord
from domain.sla import SlaMilestone
from domain.sla_milestones import pending_milestones
from storage import Database
from tests.storage.conftest import T0, new_ticket

HOUR = timedelta(hours=1)
ENGINEER, LEAD = 501, 503


def random_ticket(rng: random.Random, client_id: int, employee_id: int) -> Ticket:
    """A ticket in any state the desk can leave one in, with or without each due time."""
    status = rng.choice(list(TicketStatus))
    registered = T0 + timedelta(minutes=rng.randrange(0, 600))

    def moment() -> datetime:
        return registered + timedelta(minutes=rng.randrange(1, 3000))

    ticket = new_ticket(client_id, employee_id, status=status, registered_at=registered)
    ticket.reaction_warning_at = moment()
    ticket.reaction_due = ticket.reaction_warning_at + timedelta(minutes=rng.randrange(0, 120))
    if status is not TicketStatus.WAITING_CLIENT or rng.random() < 0.2:
        ticket.resolution_warning_at = moment()
        ticket.resolution_due = ticket.resolution_warning_at + timedelta(
            minutes=rng.randrange(0, 600)
        )
    answered = status is not TicketStatus.NEW or rng.random() < 0.2
    if answered:
        ticket.first_response_at = moment()
    # Resolved ones mostly know when; now and then a moment is left over from before a
    # reopening, or missing: the rule decides by the status.
    finished = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    if rng.random() < (0.9 if finished else 0.1):
        ticket.resolved_at = moment()
    return ticket


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_timers_query_agrees_with_the_domain_rule_on_the_same_tickets(
    db: Database, people: tuple[int, int], seed: int
) -> None:
    rng = random.Random(seed)
    async with db.unit_of_work() as uow:
        tickets = [await uow.tickets.add(random_ticket(rng, *people)) for _ in range(300)]
        done: set[tuple[int, SlaMilestone]] = set()
        for ticket in tickets:  # some milestones are on record already
            for milestone, due in pending_milestones(ticket):
                if rng.random() < 0.3:
                    await uow.sla_events.record(
                        SlaEventRecord(ticket.number, milestone, due, due + HOUR)
                    )
                    done.add((ticket.number, milestone))
        await uow.commit()

    for until in (T0 + 5 * HOUR, T0 + 20 * HOUR, T0 + 1000 * HOUR):
        expected = [
            (ticket.number, milestone, due)
            for ticket in tickets
            if ticket.is_open  # a finished ticket is checked when it finishes
            for milestone, due in pending_milestones(ticket)
            if due <= until and (ticket.number, milestone) not in done
        ]
        async with db.unit_of_work() as uow:
            found = await uow.sla_events.pending(until)
            some = await uow.sla_events.pending(until, [t.number for t in tickets[:50]])
        assert found == sorted(expected, key=lambda row: (row[2], row[0]))
        assert {row[0] for row in some} <= {t.number for t in tickets[:50]}
        assert set(some) == {row for row in found if row[0] <= tickets[49].number}
    assert len(found) > 100  # the mix is not degenerate
    assert {row[1] for row in found} == set(SlaMilestone)


async def test_an_sla_event_is_recorded_once_and_its_overdue_settled(
    db: Database, people: tuple[int, int]
) -> None:
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(*people))
        breach = SlaEventRecord(ticket.number, SlaMilestone.REACTION_BREACH, T0, T0, 0)
        assert await uow.sla_events.record(breach)
        again = SlaEventRecord(ticket.number, SlaMilestone.REACTION_BREACH, T0, T0 + HOUR, 60)
        assert not await uow.sla_events.record(again)
        await uow.sla_events.set_overdue(ticket.number, SlaMilestone.REACTION_BREACH, 4800)
        (stored,) = await uow.sla_events.for_ticket(ticket.number)
        assert (stored.recorded_at, stored.overdue_seconds) == (T0, 4800)
        await uow.commit()


async def test_two_connections_record_a_milestone_once(db_path, people) -> None:
    other = await Database.open(db_path, clock=SystemClock())
    try:
        async with other.unit_of_work() as uow:
            ticket = await uow.tickets.add(new_ticket(*people))
            await uow.commit()
        results = []
        for database in (other, await Database.open(db_path, clock=SystemClock())):
            async with database.unit_of_work() as uow:
                record = SlaEventRecord(ticket.number, SlaMilestone.RESOLUTION_BREACH, T0, T0)
                results.append(await uow.sla_events.record(record))
                await uow.commit()
            if database is not other:
                await database.close()
        assert results == [True, False]
    finally:
        await other.close()


async def add_staff(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.staff.add(Staff(tg_id=ENGINEER, name="Иван", role=StaffRole.SECOND_LINE))
        await uow.staff.add(Staff(tg_id=LEAD, name="Лев", role=StaffRole.LEAD))
        await uow.commit()


async def test_pages_round_trip_unique_per_ticket_level_and_person(
    db: Database, people: tuple[int, int]
) -> None:
    async with db.unit_of_work() as uow:
        ticket = await uow.tickets.add(new_ticket(*people))
        first = await uow.pages.add(
            Page(ticket.number, ENGINEER, PageReason.EMERGENCY, next_at=T0, created_at=T0)
        )
        assert first is not None and first.id is not None
        twin = Page(ticket.number, ENGINEER, PageReason.EMERGENCY, next_at=T0 + HOUR)
        assert await uow.pages.add(twin) is None
        assert twin.id is None
        up = await uow.pages.add(
            Page(ticket.number, ENGINEER, PageReason.EMERGENCY, level=1, attempt=1, next_at=T0)
        )
        lead = await uow.pages.add(
            Page(ticket.number, LEAD, PageReason.ROUND_THE_CLOCK, level=1, next_at=T0 + HOUR)
        )
        assert up is not None and lead is not None
        assert await uow.pages.get(first.number) == first
        assert [p.number for p in await uow.pages.pending()] == [
            first.number,
            up.number,
            lead.number,
        ]

        first.attempt, first.next_at = 3, None
        first.acknowledged_by, first.acknowledged_at = ENGINEER, T0 + HOUR
        await uow.pages.update(first)
        assert await uow.pages.get(first.number) == first
        assert [p.number for p in await uow.pages.pending([ticket.number])] == [
            up.number,
            lead.number,
        ]
        assert await uow.pages.pending([ticket.number + 1]) == []
        assert [p.number for p in await uow.pages.for_ticket(ticket.number)] == [
            first.number,
            up.number,
            lead.number,
        ]
        await uow.commit()


async def test_duty_rota_round_trip(db: Database, clock) -> None:
    await add_staff(db)
    night = DutyShift(ENGINEER, T0 + 8 * HOUR, T0 + 24 * HOUR)
    past = DutyShift(LEAD, T0 - 48 * HOUR, T0 - 40 * HOUR)
    weekly = WeeklyDuty(LEAD, frozenset({5, 6}), time(0), time(0), "Europe/Moscow")
    async with db.unit_of_work() as uow:
        night = await uow.duty.add_shift(night)
        past = await uow.duty.add_shift(past)
        weekly = await uow.duty.add_weekly(weekly)
        await uow.commit()
    assert None not in (night.id, past.id, weekly.id)
    assert night.starts_at.tzinfo is not None

    async with db.unit_of_work() as uow:
        assert await uow.duty.rota() == DutyRota((night, past), (weekly,))
        assert await uow.duty.rota(T0) == DutyRota((night,), (weekly,))
        assert await uow.duty.remove(night.id or 0)
        assert not await uow.duty.remove(night.id or 0)
        assert await uow.duty.rota(T0) == DutyRota((), (weekly,))
        await uow.commit()
    assert (await _rota(db)).on_duty_ids(datetime(2025, 3, 8, 12, tzinfo=UTC)) == [LEAD]


async def _rota(db: Database) -> DutyRota:
    async with db.unit_of_work() as uow:
        return await uow.duty.rota()


async def test_duty_only_for_known_staff(db: Database) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(sqlite3.IntegrityError):
            await uow.duty.add_shift(DutyShift(777, T0, T0 + HOUR))
