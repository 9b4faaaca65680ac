"""Nobody left in silence, and nobody spammed: the status lines and reminders the timers
send (domain/follow_ups.py), the manager's daily digest (domain/digest.py), and what the
employee and staff answer to a reminder."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from domain import events as ev
from domain.digest import build_digest, digest_day, first_client, ratings_window
from domain.enums import TicketStatus
from domain.errors import InvalidInput
from domain.follow_ups import (
    FollowUp,
    FollowUpPolicy,
    status_line_due,
    status_line_now,
    waiting_since,
    waiting_steps_due,
    working_days,
)
from domain.lifecycle import ActorKind
from domain.model import Client, Ticket
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import (
    Outcome,
    acting_staff,
    get_ticket,
    own_ticket,
    status_changed,
)
from domain.use_cases.employee_tickets import cancel_by_employee


async def send_follow_ups(uow: UnitOfWork, clock: Clock, *, policy: FollowUpPolicy) -> Outcome[int]:
    """Record and announce every status line and waiting reminder that is due now, each
    once; how many were."""
    now = clock.now()
    priorities = [str(p) for p, _ in policy.status_line_every]
    clients: dict[int | None, Client] = {c.id: c for c in await uow.clients.list()}
    if not clients:
        return Outcome(0)
    # Working time runs no faster than real time: a ticket with news within the shortest
    # interval, or waiting less than the shortest first reminder, cannot be due; the query
    # leaves them out (one pass a minute over every open ticket would hold the database).
    every = [policy.every(p) for p, _ in policy.status_line_every]
    quiet = min((e for e in every if e is not None), default=timedelta(0))
    first = min(working_days(c, policy.reminders[0]) for c in clients.values())
    candidates = await uow.follow_ups.candidates(priorities, now - quiet, now - first)
    waiting = [t.number for t, _ in candidates if t.status is TicketStatus.WAITING_CLIENT]
    recorded = await uow.follow_ups.recorded(waiting)
    events: list[ev.Event] = []
    for ticket, last_news in candidates:
        client = clients.get(ticket.client_id)
        if client is None:
            continue
        if status_line_now(ticket, client, last_news, now, policy):
            due = status_line_due(ticket, client, last_news, policy)
            assert due is not None
            key = due.isoformat()
            if await uow.follow_ups.record(ticket.number, FollowUp.STATUS_LINE, key, now):
                events.append(ev.StatusLineDue(ticket.number))
        done = recorded.get(ticket.number, frozenset())
        events.extend(await _waiting(uow, ticket, client, clock, policy, done))
    return Outcome(len(events), tuple(events))


async def _waiting(
    uow: UnitOfWork,
    ticket: Ticket,
    client: Client,
    clock: Clock,
    policy: FollowUpPolicy,
    recorded: frozenset[tuple[str, str]],
) -> list[ev.Event]:
    """A wait's steps that are due and not recorded: after a long stop, the latest reminder
    only, and staff asked if that is due too."""
    since = waiting_since(ticket)
    steps = waiting_steps_due(ticket, client, clock.now(), policy)
    if since is None or not steps:
        return []
    key = since.isoformat()
    new = [step for step in steps if (str(step), key) not in recorded]
    if not new:
        return []
    for step in new:
        await uow.follow_ups.record(ticket.number, step, key, clock.now())
    events: list[ev.Event] = []
    reminders = [s for s in new if s is not FollowUp.ASK_STAFF]
    if reminders:
        number = 1 if reminders[-1] is FollowUp.FIRST_REMINDER else 2
        events.append(ev.WaitingReminderDue(ticket.number, number, since))
    if FollowUp.ASK_STAFF in new:
        events.append(ev.WaitingTooLong(ticket.number, since))
    return events


async def send_digests(uow: UnitOfWork, clock: Clock) -> Outcome[int]:
    """The digest of the day of every personal manager whose working day has begun and who
    has not had it; recorded (even an empty one, which is not sent); how many are sent."""
    now = clock.now()
    by_manager: dict[int, list[Client]] = defaultdict(list)
    for client in await uow.clients.list():
        if client.manager_tg_id is not None and client.id is not None:
            by_manager[client.manager_tg_id].append(client)
    events: list[ev.Event] = []
    for manager_tg_id, clients in sorted(by_manager.items()):
        first = first_client(clients)
        assert first is not None
        day = digest_day(first.calendar, now)
        if day is None or await uow.follow_ups.digest_recorded(manager_tg_id, day):
            continue
        manager = await uow.staff.get(manager_tg_id)
        if manager is None or not manager.active:
            continue
        ids = [c.id for c in clients if c.id is not None]
        tickets = [t for t in await uow.tickets.list_open() if t.client_id in ids]
        since, until = ratings_window(first.calendar, day)
        ratings = await uow.follow_ups.ratings_between(ids, since, until)
        digest = build_digest(
            manager_tg_id, day, now, {c.id: c for c in clients if c.id}, tickets, ratings
        )
        if not await uow.follow_ups.record_digest(manager_tg_id, day, now):
            continue
        if digest.entries:
            events.append(ev.DailyDigest(digest))
    return Outcome(len(events), tuple(events))


async def no_longer_needed(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int
) -> Outcome[Ticket]:
    """The employee, reminded of a question, says the request is no longer needed: it
    closes."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    if ticket.status is not TicketStatus.WAITING_CLIENT:
        raise InvalidInput("the ticket is not waiting for your answer", field="ticket")
    old = ticket.close(ActorKind.EMPLOYEE, clock.now())
    ticket.resolved_at = ticket.closed_at  # decided: nothing is left to do, the clock stops
    await uow.tickets.update(ticket)
    return Outcome(
        ticket,
        (status_changed(ticket, old, tg_id), ev.WaitingClosed(ticket.number, True)),
    )


async def withdraw(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, words: str
) -> Outcome[Ticket]:
    """ "Уже не надо" typed about a ticket: one nobody has started on is cancelled with
    those words as the reason; one waiting for the employee's answer closes as "no longer
    needed". Work already going on is for the engineer to finish (domain/lifecycle.py)."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    if ticket.status is TicketStatus.NEW:
        return await cancel_by_employee(uow, clock, ticket_id=ticket_id, tg_id=tg_id, reason=words)
    return await no_longer_needed(uow, clock, ticket_id=ticket_id, tg_id=tg_id)


async def close_unanswered(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """Staff close a ticket whose employee did not answer after the reminders."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if ticket.status is not TicketStatus.WAITING_CLIENT:
        raise InvalidInput("the ticket is not waiting for the client any more", field="ticket")
    old = ticket.close(ActorKind.STAFF, clock.now())
    ticket.resolved_at = ticket.closed_at  # decided: nothing is left to do, the clock stops
    await uow.tickets.update(ticket)
    return Outcome(
        ticket,
        (
            status_changed(ticket, old, staff_tg_id),
            ev.WaitingClosed(ticket.number, False, staff_tg_id),
        ),
    )
