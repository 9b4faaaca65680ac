"""SLA checks, as the timers run them: record the milestones of a ticket that fell due
(domain/sla_milestones.py), each once, and settle the overdue of breaches once the ticket
is answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import events as ev
from domain.ports import Clock, SlaEventRecord, UnitOfWork
from domain.sla import SlaMilestone
from domain.sla_milestones import BREACHES, overdue, pending_milestones, settled
from domain.use_cases.common import Outcome


@dataclass(frozen=True, slots=True)
class SlaCheck:
    recorded: tuple[SlaEventRecord, ...] = ()
    # The next milestone not recorded yet and not due yet: when to look again.
    upcoming: tuple[SlaMilestone, datetime] | None = None


async def check_sla(uow: UnitOfWork, clock: Clock, *, ticket_id: int) -> Outcome[SlaCheck]:
    """Record the milestones of the ticket that are due now, each once, in order; settle the
    overdue of breaches the ticket has since answered. Safe to run any number of times
    (sla_events is unique per ticket and milestone)."""
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
        if milestone in BREACHES and settled(ticket, milestone):
            final = int(overdue(ticket, sla, milestone, now).total_seconds())
            if final != record.overdue_seconds:
                await uow.sla_events.set_overdue(ticket.number, milestone, final)
    return Outcome(SlaCheck(tuple(new), upcoming), tuple(events))
