"""SLA milestones of a ticket as timers see them, and the auto-close moment.

Four milestones (domain.sla.SlaMilestone), at the due times stored on the ticket:

- reaction warning: while nobody from staff has responded;
- reaction breach: while nobody has responded, or when the response came after the due
  time (so a breach missed while the bot was down is still put on record);
- resolution warning: while the ticket is being worked and its clock runs (a paused clock
  has no due time);
- resolution breach: likewise, or when it was resolved after the due time.

`check_sla` records every milestone that is due and not yet recorded, once (sla_events is
unique per ticket and milestone), and returns an event for each one it recorded; a breach is
recorded with the working time overdue so far and settled to the final amount once the
ticket is answered (resolved). The storage layer's bulk query for the timers mirrors
`pending_milestones` for open tickets (storage/repositories.py,
`SqliteSlaEventRepository.pending`); a late breach of a ticket that has just finished is
recorded by the check that follows the change (tests/storage/test_duty_and_pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from domain import events as ev
from domain.enums import TicketStatus
from domain.model import Client, Ticket
from domain.ports import SlaEventRecord
from domain.sla import SlaClock, SlaMilestone
from domain.use_cases.common import Outcome

if TYPE_CHECKING:
    from domain.ports import Clock, UnitOfWork

_M = SlaMilestone
BREACHES = frozenset({_M.REACTION_BREACH, _M.RESOLUTION_BREACH})
_FINISHED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


def pending_milestones(ticket: Ticket) -> list[tuple[SlaMilestone, datetime]]:
    """The milestones this ticket can still reach, with their due times, earliest first
    (whether recorded already or not)."""
    if ticket.status is TicketStatus.CANCELLED:
        return []
    found: list[tuple[SlaMilestone, datetime]] = []
    waiting = ticket.is_open and ticket.first_response_at is None
    if waiting and ticket.reaction_warning_at is not None:
        found.append((_M.REACTION_WARNING, ticket.reaction_warning_at))
    due = ticket.reaction_due
    if due is not None and (
        waiting or (ticket.first_response_at is not None and ticket.first_response_at > due)
    ):
        found.append((_M.REACTION_BREACH, due))
    working = ticket.is_open and ticket.status not in _FINISHED
    if working and ticket.resolution_warning_at is not None:
        found.append((_M.RESOLUTION_WARNING, ticket.resolution_warning_at))
    due = ticket.resolution_due
    if due is not None and (
        working
        or (
            ticket.status in _FINISHED
            and ticket.resolved_at is not None
            and ticket.resolved_at > due
        )
    ):
        found.append((_M.RESOLUTION_BREACH, due))
    found.sort(key=lambda item: item[1])
    return found


def overdue(ticket: Ticket, clock: SlaClock, milestone: SlaMilestone, now: datetime) -> timedelta:
    """Working time past the target of a breach, up to the answer or, without one, `now`."""
    if milestone is _M.REACTION_BREACH:
        return clock.reaction_overdue(ticket.first_response_at or now)
    if milestone is _M.RESOLUTION_BREACH:
        resolved = ticket.resolved_at if ticket.status in _FINISHED else None
        return clock.resolution_overdue(resolved or now)
    return timedelta(0)


def _settled(ticket: Ticket, milestone: SlaMilestone) -> bool:
    if milestone is _M.REACTION_BREACH:
        return ticket.first_response_at is not None
    return ticket.status in _FINISHED and ticket.resolved_at is not None


@dataclass(frozen=True, slots=True)
class SlaCheck:
    recorded: tuple[SlaEventRecord, ...] = ()
    # The next milestone not recorded yet and not due yet: when to look again.
    upcoming: tuple[SlaMilestone, datetime] | None = None


async def check_sla(uow: UnitOfWork, clock: Clock, *, ticket_id: int) -> Outcome[SlaCheck]:
    """Record the milestones of the ticket that are due now, each once, in order; settle the
    overdue of breaches the ticket has since answered. Safe to run any number of times."""
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        return Outcome(SlaCheck())
    milestones = pending_milestones(ticket)
    recorded = {r.milestone: r for r in await uow.sla_events.for_ticket(ticket_id)}
    if not milestones and not recorded:
        return Outcome(SlaCheck())
    client = await uow.clients.get(ticket.client_id)
    if client is None:
        return Outcome(SlaCheck())
    sla = ticket.sla_clock(client)
    now = clock.now()
    new: list[SlaEventRecord] = []
    events: list[ev.Event] = []
    upcoming = None
    for milestone, due in milestones:
        if milestone in recorded:
            continue
        if due > now:
            upcoming = upcoming or (milestone, due)
            continue
        late = int(overdue(ticket, sla, milestone, now).total_seconds())
        record = SlaEventRecord(ticket.number, milestone, due, now, late)
        if not await uow.sla_events.record(record):
            continue  # somebody else recorded it a moment ago
        new.append(record)
        if milestone in BREACHES:
            events.append(ev.SlaBreached(ticket.number, milestone, due, late))
        else:
            events.append(ev.SlaWarning(ticket.number, milestone, due))
    for milestone, record in recorded.items():
        if milestone in BREACHES and _settled(ticket, milestone):
            final = int(overdue(ticket, sla, milestone, now).total_seconds())
            if final != record.overdue_seconds:
                await uow.sla_events.set_overdue(ticket.number, milestone, final)
    return Outcome(SlaCheck(tuple(new), upcoming), tuple(events))


def auto_close_at(client: Client, resolved_at: datetime, working_days: int) -> datetime:
    """When a resolved ticket nobody confirmed closes by itself: `working_days` full working
    days' worth of the client's working time after it was resolved (resolved on Monday at
    11:00 with 3 days: Thursday 11:00; resolved in the evening: three whole working days
    from the next opening). Holidays and days off do not count."""
    calendar = client.calendar
    day = datetime.combine(date.min, calendar.closes) - datetime.combine(date.min, calendar.opens)
    return calendar.add_working_time(resolved_at, day * working_days)
