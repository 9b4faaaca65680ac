"""SLA checks, as the timers run them: record the milestones of a ticket that fell due
(domain/sla_milestones.py), each once, and settle the overdue of breaches once the ticket
is answered.

The timers check tickets in batches (thousands fall due at once at opening hours, or after
a stop): `check_sla_many` reads the batch's tickets, their clients and what is on record
in a few reads, decides for each ticket here, and records the batch's milestones in one
write; the rows it read go back with the outcome, so that the notices are written from
them rather than read again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain import events as ev
from domain.model import Client, Ticket
from domain.ports import Clock, SlaEventRecord, UnitOfWork
from domain.sla import SlaMilestone
from domain.sla_milestones import BREACHES, next_due, overdue, pending_milestones, settled
from domain.use_cases.common import Outcome


@dataclass(frozen=True, slots=True)
class SlaCheck:
    recorded: tuple[SlaEventRecord, ...] = ()
    # The next milestone not recorded yet and not due yet: when to look again.
    upcoming: tuple[SlaMilestone, datetime] | None = None


@dataclass(frozen=True, slots=True)
class SlaChecks:
    """A batch's checks by ticket, and the rows read to decide them (for the notices)."""

    checks: Mapping[int, SlaCheck] = field(default_factory=dict)
    tickets: Mapping[int, Ticket] = field(default_factory=dict)
    clients: Mapping[int, Client] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Decision:
    check: SlaCheck
    events: tuple[ev.Event, ...]
    settle: tuple[tuple[SlaMilestone, int], ...]  # breaches whose final overdue changed
    next_due: datetime | None


def _decide(
    ticket: Ticket, client: Client, on_record: Mapping[SlaMilestone, SlaEventRecord], now: datetime
) -> _Decision:
    """What is due now for this ticket, in order, and what is left: pure."""
    sla = ticket.sla_clock(client)
    new: list[SlaEventRecord] = []
    events: list[ev.Event] = []
    upcoming = None
    for milestone, due in pending_milestones(ticket):
        if milestone in on_record:
            continue
        if due > now:
            upcoming = upcoming or (milestone, due)
            continue
        late = int(overdue(ticket, sla, milestone, now).total_seconds())
        new.append(SlaEventRecord(ticket.number, milestone, due, now, late))
        if milestone in BREACHES:
            events.append(ev.SlaBreached(ticket.number, milestone, due, late))
        else:
            events.append(ev.SlaWarning(ticket.number, milestone, due))
    settle = []
    for milestone, record in on_record.items():
        if milestone in BREACHES and settled(ticket, milestone):
            final = int(overdue(ticket, sla, milestone, now).total_seconds())
            if final != record.overdue_seconds:
                settle.append((milestone, final))
    recorded = {*on_record, *(r.milestone for r in new)}
    return _Decision(
        SlaCheck(tuple(new), upcoming), tuple(events), tuple(settle), next_due(ticket, recorded)
    )


async def check_sla_many(
    uow: UnitOfWork, clock: Clock, *, ticket_ids: Sequence[int]
) -> Outcome[SlaChecks]:
    """Record the milestones of these tickets that are due now, each once, in order, and
    settle the overdue of breaches they have since answered: a few reads and one write for
    the whole batch. Safe to run any number of times (what is on record is read in the same
    unit of work, and sla_events is unique per ticket and milestone)."""
    tickets_read, on_record_read = (
        uow.tickets.get_many(ticket_ids),
        uow.sla_events.for_tickets(ticket_ids),
    )
    tickets, on_record = await tickets_read, await on_record_read
    reads = {c: uow.clients.get(c) for c in {t.client_id for t in tickets.values()}}
    clients = {c: client for c, read in reads.items() if (client := await read) is not None}
    now = clock.now()
    checks: dict[int, SlaCheck] = {}
    events: list[ev.Event] = []
    new: list[SlaEventRecord] = []
    next_dues: dict[int, datetime | None] = {}
    for ticket_id in ticket_ids:
        ticket = tickets.get(ticket_id)
        client = clients.get(ticket.client_id) if ticket is not None else None
        if ticket is None or client is None:
            checks[ticket_id] = SlaCheck()
            continue
        recorded = {r.milestone: r for r in on_record.get(ticket_id, ())}
        decision = _decide(ticket, client, recorded, now)
        checks[ticket_id] = decision.check
        events += decision.events
        new += decision.check.recorded
        if decision.check.recorded:
            next_dues[ticket_id] = decision.next_due
        for milestone, seconds in decision.settle:
            await uow.sla_events.set_overdue(ticket_id, milestone, seconds)
    if new:
        await uow.sla_events.record_many(new, next_dues)
    return Outcome(SlaChecks(checks, tickets, clients), tuple(events))


async def check_sla(uow: UnitOfWork, clock: Clock, *, ticket_id: int) -> Outcome[SlaCheck]:
    """`check_sla_many` for one ticket."""
    outcome = await check_sla_many(uow, clock, ticket_ids=[ticket_id])
    return Outcome(outcome.value.checks[ticket_id], outcome.events)
