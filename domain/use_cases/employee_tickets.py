"""The employee's tickets after intake: seeing one, where a message they type goes
(domain/routing.py), commenting (an answer restarts the clock), cancelling, confirming the
fix or reopening, rating; and what happens when they say nothing (a resolved ticket closes
by itself) or lost their access (they hear no more)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import events as ev
from domain.answers import read_topic
from domain.classification import classify
from domain.enums import Category, TicketStatus
from domain.errors import InvalidInput, NotFound
from domain.lifecycle import ActorKind
from domain.model import Attachment, Employee, Rating, Ticket, TicketMessage
from domain.ports import Clock, UnitOfWork
from domain.routing import REOPEN_CLOSED_WITHIN, Conversation, Incoming, Route, gist_of, route
from domain.use_cases import outages
from domain.use_cases.common import (
    MAX_COMMENT_LENGTH,
    MAX_REASON_LENGTH,
    Outcome,
    acting_employee,
    can_view,
    clean_text,
    get_client,
    get_ticket,
    own_ticket,
    status_changed,
)


async def ticket_for_employee(uow: UnitOfWork, ticket_id: int, tg_id: int) -> Ticket:
    """The ticket if this employee may see it; otherwise NotFound, never revealing it exists."""
    employee = await acting_employee(uow, tg_id)
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not can_view(ticket, employee):
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket


# The classifier's topic tells a new problem from a follow-up only when it is this sure, of
# a message of this many words without files ("вот экран" with a photo is a follow-up).
_TOPIC_CONFIDENCE = 0.6
_TOPIC_WORDS = 3


@dataclass(frozen=True, slots=True)
class Routing:
    route: Route
    tickets: dict[int, Conversation]  # the tickets it may name, by number


async def route_message(
    uow: UnitOfWork,
    clock: Clock,
    *,
    tg_id: int,
    text: str,
    has_files: bool = False,
    replied_to: int | None = None,
) -> Routing:
    """Where a message the employee typed (or a file they sent) goes: see domain/routing.py.
    `replied_to` is the ticket named by the bot message they replied to; a ticket that is
    not their own (in their present company) is no target: the message is routed as if it
    replied to nothing."""
    employee = await acting_employee(uow, tg_id)
    assert employee.id is not None
    found = await uow.tickets.conversations(employee.id, employee.client_id, also=replied_to)
    reply = next((c for c in found if c.number == replied_to), None)
    substantive = not has_files and len(text.split()) >= _TOPIC_WORDS
    topic = classify(text) if substantive else None
    category = (
        topic.category
        if topic is not None and topic.category_confidence >= _TOPIC_CONFIDENCE
        else Category.OTHER
    )
    names = read_topic(text) if not has_files and not substantive else None
    message = Incoming(gist_of(text), has_files, category, reply, names or Category.OTHER)
    where = route(message, [c for c in found if c.status.is_open], clock.now())
    return Routing(where, {c.number: c for c in found})


@dataclass(frozen=True, slots=True)
class TicketStanding:
    """How a ticket stands, for the employee who asked "что с моей заявкой?"."""

    ticket: Ticket
    assignee: str | None  # the name of whoever has it
    starts_at: datetime | None  # not taken outside working hours: when work can start


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    standings: tuple[TicketStanding, ...]
    timezone: str
    passed_on: int | None  # the ticket the question was added to as a comment


async def answer_status(
    uow: UnitOfWork, clock: Clock, *, tg_id: int, numbers: Sequence[int], text: str
) -> Outcome[StatusAnswer]:
    """ "Что с моей заявкой?": the tickets' status, from the tickets. The question also goes
    to staff as a comment on its one ticket in the client's working hours, or on an
    emergency (the on-duty engineer works it now), when somebody is there to hear that the
    client waits; otherwise the answer says when work starts, and a comment would only
    reach people off shift."""
    employee = await acting_employee(uow, tg_id)
    client = await get_client(uow, employee.client_id)
    now = clock.now()
    standings: list[TicketStanding] = []
    for number in numbers:
        ticket = await ticket_for_employee(uow, number, tg_id)
        staff = await uow.staff.get(ticket.assignee_tg_id) if ticket.assignee_tg_id else None
        calendar = client.calendar_for(ticket.priority)
        waits = (
            ticket.status is TicketStatus.NEW
            and not ticket.emergency
            and not calendar.is_working(now)
        )
        starts = calendar.next_working_moment(now) if waits else None
        standings.append(TicketStanding(ticket, staff.name if staff else None, starts))
    events: tuple[ev.Event, ...] = ()
    passed_on = None
    one = standings[0].ticket if len(standings) == 1 else None
    if (
        one is not None
        and one.employee_id == employee.id
        and one.status in (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED)
        and (one.emergency or client.calendar_for(one.priority).is_working(now))
        and text.strip(" ?")
    ):
        comment = await comment_as_employee(
            uow, clock, ticket_id=one.number, tg_id=tg_id, text=text
        )
        events, passed_on = comment.events, one.number
    answer = StatusAnswer(tuple(standings), client.timezone, passed_on)
    return Outcome(answer, events)


async def comment_as_employee(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    tg_id: int,
    text: str,
    attachments: Sequence[Attachment] = (),
) -> Outcome[TicketMessage]:
    """The employee adds a comment or a file; an answer to a question restarts the clock."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    text = clean_text(text, limit=MAX_COMMENT_LENGTH, what="comment", allow_empty=bool(attachments))
    now = clock.now()
    message = await uow.tickets.add_message(
        TicketMessage(
            ticket_id=ticket.number,
            author="employee",
            author_tg_id=tg_id,
            text=text,
            attachments=tuple(attachments),
            created_at=now,
        )
    )
    assert message.id is not None
    events: list[ev.Event] = []
    resumed = ticket.status is TicketStatus.WAITING_CLIENT
    if resumed:
        old = ticket.start_work(ActorKind.EMPLOYEE, now)
        events.append(status_changed(ticket, old, tg_id))
        client = await get_client(uow, ticket.client_id)
        ticket.refresh_deadlines(client)
        events.append(ev.DeadlinesChanged(ticket.number))
        await uow.tickets.update(ticket)
    events.insert(0, ev.EmployeeCommented(ticket.number, message.id, resumed))
    return Outcome(message, tuple(events))


# An edited message is taken as a correction of what was written to a ticket this lately.
CORRECTION_WITHIN = timedelta(hours=48)


async def correct_last_written(
    uow: UnitOfWork, clock: Clock, *, tg_id: int, text: str
) -> Outcome[TicketMessage]:
    """An edit of a message the employee sent ("кабинет 205, не 305"): it goes, as a comment
    (`text` says it is a correction), to the open ticket they last wrote to, if that was
    lately; NotFound when there is none."""
    employee = await acting_employee(uow, tg_id)
    assert employee.id is not None
    now = clock.now()
    recent = [
        c
        for c in await uow.tickets.conversations(employee.id, employee.client_id)
        if c.last_employee_at is not None and now - c.last_employee_at <= CORRECTION_WITHIN
    ]
    if not recent:
        raise NotFound("no open request was written to lately")
    latest = max(recent, key=lambda c: (c.last_employee_at, c.number))
    return await comment_as_employee(uow, clock, ticket_id=latest.number, tg_id=tg_id, text=text)


async def cancel_by_employee(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, reason: str = ""
) -> Outcome[Ticket]:
    """The employee withdraws a ticket nobody has started on yet."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    reason = clean_text(reason, limit=MAX_REASON_LENGTH, what="reason", allow_empty=True)
    old = ticket.cancel(ActorKind.EMPLOYEE, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket,
        (status_changed(ticket, old, tg_id), ev.TicketCancelled(ticket.number, True, reason)),
    )


async def confirm_resolution(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int
) -> Outcome[Ticket]:
    """ "Всё работает": the employee confirms the fix and the ticket closes."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    old = ticket.close(ActorKind.EMPLOYEE, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket, (status_changed(ticket, old, tg_id), ev.TicketClosed(ticket.number, False))
    )


async def close_unconfirmed(uow: UnitOfWork, clock: Clock, *, ticket_id: int) -> Outcome[Ticket]:
    """A resolved ticket the employee never answered closes by itself."""
    ticket = await get_ticket(uow, ticket_id)
    old = ticket.close(ActorKind.SYSTEM, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket, (status_changed(ticket, old, None), ev.TicketClosed(ticket.number, True))
    )


async def reopen(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, reason: str = ""
) -> Outcome[Ticket]:
    """ "Не работает": the employee sends a resolved ticket back to work (saying why, or
    saying it next as a comment); a ticket closed lately may be reopened too (the days it
    stood closed do not count)."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    reason = clean_text(reason, limit=MAX_COMMENT_LENGTH, what="reason", allow_empty=True)
    now = clock.now()
    closed_at = ticket.closed_at if ticket.status is TicketStatus.CLOSED else None
    if closed_at is not None and now - closed_at > REOPEN_CLOSED_WITHIN:
        raise InvalidInput("the ticket was closed too long ago to reopen", field="ticket")
    old = ticket.reopen(ActorKind.EMPLOYEE, now)
    client = await get_client(uow, ticket.client_id)
    ticket.refresh_deadlines(client)
    await uow.tickets.update(ticket)
    if reason:
        await uow.tickets.add_message(
            TicketMessage(
                ticket_id=ticket.number,
                author="employee",
                author_tg_id=tg_id,
                text=reason,
                created_at=now,
            )
        )
    return Outcome(
        ticket,
        (
            status_changed(ticket, old, tg_id),
            ev.TicketReopened(ticket.number, reason),
            ev.DeadlinesChanged(ticket.number),
            *await outages.on_reopened(uow, ticket),
        ),
    )


async def rate(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, score: int, comment: str = ""
) -> Outcome[Rating]:
    """A 1–5 rating of a closed ticket, once."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    if ticket.status is not TicketStatus.CLOSED:
        raise InvalidInput("only a closed ticket can be rated", field="ticket")
    if not 1 <= score <= 5:
        raise InvalidInput("the rating is from 1 to 5", field="score")
    if await uow.tickets.rating(ticket.number) is not None:
        raise InvalidInput("this ticket is already rated", field="ticket")
    comment = clean_text(comment, limit=MAX_REASON_LENGTH, what="comment", allow_empty=True)
    rating = Rating(ticket.number, score, comment, clock.now())
    await uow.tickets.add_rating(rating)
    return Outcome(rating, (ev.TicketRated(ticket.number, score, comment),))


async def comment_rating(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, comment: str
) -> Outcome[Rating]:
    """A comment added to the rating the employee just gave."""
    ticket, _ = await own_ticket(uow, ticket_id, tg_id)
    rating = await uow.tickets.rating(ticket.number)
    if rating is None:
        raise InvalidInput("this ticket is not rated yet", field="ticket")
    comment = clean_text(comment, limit=MAX_REASON_LENGTH, what="comment")
    updated = Rating(rating.ticket_id, rating.score, comment, rating.at)
    await uow.tickets.update_rating(updated)
    return Outcome(updated, (ev.TicketRated(ticket.number, rating.score, comment),))


def may_hear_about(ticket: Ticket, employee: Employee) -> bool:
    """Whether the ticket's author is still told about it: not once their access is gone,
    nor after they moved to another company (the ticket stays with the old one)."""
    return employee.active and employee.client_id == ticket.client_id


async def author_hears(uow: UnitOfWork, ticket_id: int) -> bool:
    """Whether a staff answer on this ticket reaches the employee who wrote it."""
    ticket = await get_ticket(uow, ticket_id)
    employee = await uow.employees.get(ticket.employee_id)
    return employee is not None and may_hear_about(ticket, employee)
