"""What staff do with a ticket: take it, hand it on, answer or ask the employee, resume,
resolve, change its priority, set a change request's agreed resolution date, log work time.
The first response meets the reaction SLA."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import events as ev
from domain.enums import Priority, TicketStatus
from domain.errors import AlreadyTaken, InvalidInput, NotFound
from domain.lifecycle import ActorKind, can_transition
from domain.model import (
    Attachment,
    PriorityChange,
    ResolutionAgreed,
    Ticket,
    TicketMessage,
    WorkLog,
)
from domain.paging import Page, still_calling
from domain.ports import Clock, UnitOfWork
from domain.sla import AgreedResolution, SlaMilestone
from domain.use_cases.common import (
    MAX_COMMENT_LENGTH,
    MAX_REASON_LENGTH,
    Outcome,
    acting_staff,
    clean_text,
    get_client,
    get_ticket,
    status_changed,
)
from domain.use_cases.outages import for_children

MAX_WORK_LOG_MINUTES = 24 * 60


def _meet_reaction(ticket: Ticket, staff_tg_id: int, at: datetime) -> list[ev.Event]:
    if ticket.first_response_at is not None:
        return []
    ticket.first_response_at = at
    return [ev.ReactionMet(ticket.number, staff_tg_id)]


async def take(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """The presser takes the ticket into work (one nobody else has in work: that one is
    handed over with `assign`); this meets the reaction SLA."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    now = clock.now()
    events: list[ev.Event] = []
    if ticket.status is TicketStatus.IN_PROGRESS:
        if ticket.assignee_tg_id == staff_tg_id:
            raise InvalidInput("you already have this ticket", field="ticket")
        holder = await uow.staff.get(ticket.assignee_tg_id) if ticket.assignee_tg_id else None
        if holder is not None and holder.active:  # a card not refreshed yet still offered it
            raise AlreadyTaken("somebody else has this ticket in work", holder.tg_id)
    else:
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await get_client(uow, ticket.client_id))  # a pause may have ended
    ticket.assignee_tg_id = staff_tg_id
    events.append(ev.TicketTaken(ticket.number, staff_tg_id))
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    events += await for_children(
        uow, ticket, lambda n: take(uow, clock, ticket_id=n, staff_tg_id=staff_tg_id)
    )
    return Outcome(ticket, tuple(events))


async def answer_pages(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> list[ev.Event]:
    """The staff member is on the ticket its pages call about, as if they pressed «Принял»:
    every page stops and records who and when (so every copy of it will say so), and a
    ticket nobody has started on is taken, so the employee hears who is helping. Nothing
    when no page of the ticket still calls for somebody."""
    pages = await uow.pages.for_ticket(ticket_id)
    if not still_calling(pages):
        return []
    return await acknowledge_pages(uow, clock, pages, ticket_id=ticket_id, staff_tg_id=staff_tg_id)


async def _answer_pages_before(
    uow: UnitOfWork, clock: Clock, ticket: Ticket, then: TicketStatus, staff_tg_id: int
) -> list[ev.Event]:
    """`answer_pages`, when the step to `then` that follows is possible (a refused step
    changes nothing, the pages included)."""
    if not can_transition(ticket.status, then, ActorKind.STAFF):
        return []
    return await answer_pages(uow, clock, ticket_id=ticket.number, staff_tg_id=staff_tg_id)


async def acknowledge_pages(
    uow: UnitOfWork, clock: Clock, pages: Sequence[Page], *, ticket_id: int, staff_tg_id: int
) -> list[ev.Event]:
    """Every page of the ticket stops and records who acknowledged it, and when; a ticket
    nobody has started on is taken by them."""
    now = clock.now()
    for each in pages:
        each.acknowledged_by, each.acknowledged_at, each.next_at = staff_tg_id, now, None
        await uow.pages.update(each)
    others = tuple(sorted({p.target_tg_id for p in pages} - {staff_tg_id}))
    events: list[ev.Event] = [ev.PageAcknowledged(ticket_id, staff_tg_id, others)]
    ticket = await get_ticket(uow, ticket_id)
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED) or (
        ticket.is_open and ticket.assignee_tg_id is None and ticket.first_response_at is None
    ):
        events.extend((await take(uow, clock, ticket_id=ticket_id, staff_tg_id=staff_tg_id)).events)
    return events


async def assign(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, assignee_tg_id: int
) -> Outcome[Ticket]:
    """Hand the ticket to the second line or a named engineer."""
    await acting_staff(uow, staff_tg_id)
    assignee = await uow.staff.get(assignee_tg_id)
    if assignee is None or not assignee.active:
        raise NotFound(f"staff member {assignee_tg_id} not found")
    ticket = await get_ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    events: list[ev.Event] = []
    now = clock.now()
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED):  # it is in somebody's hands
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    ticket.assignee_tg_id = assignee_tg_id
    ticket.updated_at = now
    events.append(ev.TicketAssigned(ticket.number, assignee_tg_id, staff_tg_id))
    # Taken into work by a named engineer, and the client told so: the reaction is met.
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    await uow.tickets.update(ticket)
    events += await for_children(
        uow,
        ticket,
        lambda n: assign(
            uow, clock, ticket_id=n, staff_tg_id=staff_tg_id, assignee_tg_id=assignee_tg_id
        ),
    )
    return Outcome(ticket, tuple(events))


async def reply(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    staff_tg_id: int,
    text: str,
    internal: bool = False,
    attachments: Sequence[Attachment] = (),
    in_thread: bool = True,
) -> Outcome[TicketMessage]:
    """A staff answer to the employee, or an internal note; the first answer meets reaction
    and an answer to a new or reopened ticket puts it in work, with the one who answered."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    text = clean_text(text, limit=MAX_COMMENT_LENGTH, what="reply", allow_empty=bool(attachments))
    answered = (
        []
        if internal
        else await answer_pages(uow, clock, ticket_id=ticket.number, staff_tg_id=staff_tg_id)
    )
    if answered:
        ticket = await get_ticket(uow, ticket_id)  # taken meanwhile
    now = clock.now()
    message = await uow.tickets.add_message(
        TicketMessage(
            ticket_id=ticket.number,
            author="staff",
            author_tg_id=staff_tg_id,
            text=text,
            internal=internal,
            attachments=tuple(attachments),
            created_at=now,
        )
    )
    assert message.id is not None
    if internal:
        note = ev.InternalNoteAdded(ticket.number, message.id, staff_tg_id, in_thread)
        return Outcome(message, (note,))
    events: list[ev.Event] = [
        *answered,
        ev.StaffReplied(ticket.number, message.id, staff_tg_id, in_thread),
    ]
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED):
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
        if ticket.assignee_tg_id is None:
            ticket.assignee_tg_id = staff_tg_id
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    events += await for_children(
        uow,
        ticket,
        lambda n: reply(
            uow,
            clock,
            ticket_id=n,
            staff_tg_id=staff_tg_id,
            text=text,
            attachments=attachments,
            in_thread=False,
        ),
    )
    return Outcome(message, tuple(events))


async def ask_client(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    staff_tg_id: int,
    question: str,
    in_thread: bool = True,
) -> Outcome[TicketMessage]:
    """Ask the employee a question and wait for the answer: the resolution clock pauses."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    question = clean_text(question, limit=MAX_COMMENT_LENGTH, what="question")
    answered = await _answer_pages_before(
        uow, clock, ticket, TicketStatus.WAITING_CLIENT, staff_tg_id
    )
    if answered:
        ticket = await get_ticket(uow, ticket_id)  # taken meanwhile
    now = clock.now()
    old = ticket.wait_for_client(ActorKind.STAFF, now)
    if ticket.assignee_tg_id is None:
        ticket.assignee_tg_id = staff_tg_id
    events: list[ev.Event] = [*answered, status_changed(ticket, old, staff_tg_id)]
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    message = await uow.tickets.add_message(
        TicketMessage(
            ticket_id=ticket.number,
            author="staff",
            author_tg_id=staff_tg_id,
            text=question,
            created_at=now,
        )
    )
    assert message.id is not None
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    await uow.tickets.update(ticket)
    events.append(ev.ClientQuestionAsked(ticket.number, message.id, staff_tg_id, in_thread))
    events.append(ev.DeadlinesChanged(ticket.number))
    events += await for_children(
        uow,
        ticket,
        lambda n: ask_client(
            uow, clock, ticket_id=n, staff_tg_id=staff_tg_id, question=question, in_thread=False
        ),
    )
    return Outcome(message, tuple(events))


async def resume_work(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """Staff stop waiting for the client without an answer: the clock runs again, and the
    employee hears it, with the resolution's new due time."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    old = ticket.start_work(ActorKind.STAFF, clock.now())
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    await uow.tickets.update(ticket)
    children = await for_children(
        uow, ticket, lambda n: resume_work(uow, clock, ticket_id=n, staff_tg_id=staff_tg_id)
    )
    return Outcome(
        ticket,
        (
            status_changed(ticket, old, staff_tg_id),
            ev.WaitingResumed(ticket.number, staff_tg_id),
            ev.DeadlinesChanged(ticket.number),
            *children,
        ),
    )


async def resolve(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    staff_tg_id: int,
    summary: str = "",
    in_thread: bool = True,
) -> Outcome[Ticket]:
    """Staff report the fix; the employee is asked to confirm it."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    summary = clean_text(summary, limit=MAX_COMMENT_LENGTH, what="summary", allow_empty=True)
    answered = await _answer_pages_before(uow, clock, ticket, TicketStatus.RESOLVED, staff_tg_id)
    if answered:
        ticket = await get_ticket(uow, ticket_id)  # taken meanwhile
    now = clock.now()
    old = ticket.resolve(ActorKind.STAFF, now)
    if ticket.assignee_tg_id is None:
        ticket.assignee_tg_id = staff_tg_id
    events: list[ev.Event] = [*answered, status_changed(ticket, old, staff_tg_id)]
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    message_id = None
    if summary:
        message = await uow.tickets.add_message(
            TicketMessage(
                ticket_id=ticket.number,
                author="staff",
                author_tg_id=staff_tg_id,
                text=summary,
                created_at=now,
            )
        )
        message_id = message.id
    await uow.tickets.update(ticket)
    events.append(ev.TicketResolved(ticket.number, staff_tg_id, message_id, in_thread))
    events += await for_children(
        uow,
        ticket,
        lambda n: resolve(
            uow, clock, ticket_id=n, staff_tg_id=staff_tg_id, summary=summary, in_thread=False
        ),
    )
    return Outcome(ticket, tuple(events))


async def back_to_work(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """«↩ Вернуть в работу»: a resolution the employee has not confirmed yet is taken back
    (sent too soon, or a question sent as one by mistake). The ticket is in work again with
    whoever had it; the employee hears there is nothing to confirm. The resolution clock
    did not really stop: the pause the resolution began is dropped."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if ticket.status is not TicketStatus.RESOLVED:
        raise InvalidInput("only a resolution not yet confirmed is taken back", field="ticket")
    now = clock.now()
    resolved_at = ticket.resolved_at
    old = ticket.reopen(ActorKind.STAFF, now)
    ticket.start_work(ActorKind.STAFF, now)
    if ticket.pauses and ticket.pauses[-1].started_at == resolved_at:
        ticket.pauses.pop()
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    children = await for_children(
        uow, ticket, lambda n: back_to_work(uow, clock, ticket_id=n, staff_tg_id=staff_tg_id)
    )
    return Outcome(
        ticket,
        (
            status_changed(ticket, old, staff_tg_id),
            ev.ResolutionWithdrawn(ticket.number, staff_tg_id),
            ev.DeadlinesChanged(ticket.number),
            *children,
        ),
    )


async def change_priority(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    staff_tg_id: int,
    priority: Priority,
    reason: str,
) -> Outcome[Ticket]:
    """Override the assessed priority with a recorded reason; due times follow."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    reason = clean_text(reason, limit=MAX_REASON_LENGTH, what="reason")
    priority = Priority(priority)
    if priority is ticket.priority:
        raise InvalidInput("the ticket already has this priority", field="priority")
    now = clock.now()
    old = ticket.priority
    ticket.priority = priority
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    await uow.tickets.add_priority_change(
        PriorityChange(ticket.number, old, priority, reason, staff_tg_id, now)
    )
    return Outcome(
        ticket,
        (
            ev.PriorityChanged(ticket.number, old, priority, reason, staff_tg_id),
            ev.DeadlinesChanged(ticket.number),
        ),
    )


async def agree_resolution(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, due: datetime
) -> Outcome[Ticket]:
    """Set (or change) the resolution moment agreed with the client for a change request;
    its SLA clock, timers and the employee's messages follow it from now on."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not ticket.resolution_by_agreement:
        raise InvalidInput("only a change request has its resolution date agreed", field="ticket")
    if not ticket.is_open or ticket.status is TicketStatus.RESOLVED:
        raise InvalidInput("the ticket is already finished", field="ticket")
    now = clock.now()
    if due <= now:
        raise InvalidInput("the agreed date is in the past", field="due")
    changed = ticket.agreed_resolution is not None
    if changed and ticket.agreed_resolution is not None and ticket.agreed_resolution.due == due:
        raise InvalidInput("the ticket already has this date", field="due")
    ticket.agreed_resolution = AgreedResolution(due, now)
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    await uow.tickets.add_agreed_resolution(ResolutionAgreed(ticket.number, due, staff_tg_id, now))
    if changed:
        # A new date warns again before it is due; a breach of the old one stays on record.
        recorded = {r.milestone for r in await uow.sla_events.for_ticket(ticket.number)}
        if SlaMilestone.RESOLUTION_BREACH not in recorded:
            await uow.sla_events.forget(ticket.number, SlaMilestone.RESOLUTION_WARNING)
    return Outcome(
        ticket,
        (
            ev.ResolutionDateAgreed(ticket.number, due, changed, staff_tg_id),
            ev.DeadlinesChanged(ticket.number),
        ),
    )


async def log_work(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, minutes: int, note: str = ""
) -> Outcome[WorkLog]:
    """Record work hours ("нормочасы") spent on the ticket."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not 0 < minutes <= MAX_WORK_LOG_MINUTES:
        raise InvalidInput("work time is from 1 minute to 24 hours per entry", field="minutes")
    note = clean_text(note, limit=MAX_REASON_LENGTH, what="note", allow_empty=True)
    entry = WorkLog(ticket.number, staff_tg_id, minutes, clock.now(), note)
    await uow.tickets.add_work_log(entry)
    return Outcome(entry, (ev.WorkLogged(ticket.number, staff_tg_id, minutes),))
