"""Mass outages (domain/outages.py): the proposal when tickets look like one, linking them
under a parent incident and unlinking one, an employee joining an open outage with one
tap, staff declaring one, and what staff do on the parent reaching every child."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from domain import events as ev
from domain.descriptions import topic_of
from domain.enums import Category, Priority, TicketKind, TicketStatus
from domain.errors import DomainError, InvalidInput, NotFound
from domain.lifecycle import ActorKind
from domain.model import Attachment, Client, Ticket, TicketMessage, title_from
from domain.outages import (
    OutageRule,
    Proposal,
    Report,
    cluster,
    parent_priority,
    same_symptom,
    similar,
    topic_of_cluster,
)
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import (
    MAX_COMMENT_LENGTH,
    Outcome,
    acting_employee,
    acting_staff,
    clean_text,
    get_client,
    get_ticket,
    status_changed,
)

MAX_ANNOUNCEMENT_LENGTH = 1_000

T = TypeVar("T")


def report_of(ticket: Ticket) -> Report:
    return Report(
        number=ticket.number,
        client_id=ticket.client_id,
        kind=ticket.kind,
        category=ticket.category,
        description=ticket.description,
        registered_at=ticket.registered_at,
        linked=ticket.outage or ticket.parent_id is not None,
    )


# --- detection ------------------------------------------------------------------------------


async def watch(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, rule: OutageRule
) -> Outcome[Proposal | None]:
    """A ticket was registered: with the same client's recent similar ones it may be a mass
    outage. The staff chat is asked once per cluster: a ticket like those of a proposal
    still open extends it; one like an open outage was offered to join it already."""
    ticket = await get_ticket(uow, ticket_id)
    new = report_of(ticket)
    if new.linked or ticket.kind is TicketKind.REQUEST:
        return Outcome(None)
    for outage in await uow.tickets.open_outages(ticket.client_id):
        if similar(new, replace(report_of(outage), linked=False), rule):
            return Outcome(None)
    since = ticket.registered_at - rule.window
    for proposal in await uow.outages.open_of_client(ticket.client_id):
        if ticket.number in proposal.tickets:
            return Outcome(None)
        if await _like_a_member(uow, new, proposal, since, rule):
            proposal.tickets.append(ticket.number)
            proposal.edits += 1
            await uow.outages.update(proposal)
            assert proposal.id is not None
            return Outcome(proposal, (ev.OutageSuspected(proposal.id, extended=True),))
    recent = await uow.tickets.recent_incidents(ticket.client_id, since)
    by_number = {r.number: r for r in recent}
    numbers = cluster(new, recent, rule)
    if not numbers:
        return Outcome(None)
    proposal = await uow.outages.add(
        Proposal(
            client_id=ticket.client_id,
            category=topic_of_cluster([by_number.get(n, new) for n in numbers]),
            tickets=numbers,
            proposed_at=clock.now(),
        )
    )
    assert proposal.id is not None
    return Outcome(proposal, (ev.OutageSuspected(proposal.id),))


# A proposal's first members are read first: in a mass outage they are like every ticket
# that comes after, so a ticket joining it reads a few rows rather than the whole cluster
# (hundreds of tickets when a whole company reports at once).
_FIRST_MEMBERS = 4


async def _like_a_member(
    uow: UnitOfWork, new: Report, proposal: Proposal, since: datetime, rule: OutageRule
) -> bool:
    """Whether `new` is similar to one of the proposal's tickets that are still recent open
    incidents (registered since `since`)."""
    numbers = proposal.tickets
    for part in (numbers[:_FIRST_MEMBERS], numbers[_FIRST_MEMBERS:]):
        if not part:
            continue
        members = await uow.tickets.recent_incidents(new.client_id, since, part)
        if any(similar(new, member, rule) for member in members):
            return True
    return False


# --- linking ---------------------------------------------------------------------------------


async def _outage(
    uow: UnitOfWork,
    clock: Clock,
    client: Client,
    children: Sequence[Ticket],
    *,
    staff_tg_id: int,
    employee_id: int,
    category: Category,
    description: str,
    priority: Priority,
    proposal_id: int | None = None,
) -> Outcome[Ticket]:
    """The outage's own ticket, with `children` linked under it: one card in the staff
    chat. Its employee is the first child's (or the one staff declared it for), but nobody
    hears of it as theirs: the children's employees hear through their own."""
    now = clock.now()
    parent = Ticket(
        client_id=client.id or 0,
        employee_id=employee_id,
        kind=TicketKind.INCIDENT,
        category=category,
        priority=priority,
        title=title_from(description),
        description=description,
        registered_at=min([now, *(c.registered_at for c in children)]),
        updated_at=now,
        outage=True,
    )
    parent.refresh_deadlines(client)
    parent = await uow.tickets.add(parent)
    for child in children:
        child.parent_id = parent.number
        child.updated_at = now
        await uow.tickets.update(child)
    linked = tuple(c.number for c in children)
    return Outcome(
        parent,
        (
            ev.TicketOpened(parent.number),
            ev.OutageLinked(parent.number, staff_tg_id, linked, proposal_id),
        ),
    )


def _linkable(ticket: Ticket) -> bool:
    return (
        ticket.is_open
        and ticket.status is not TicketStatus.RESOLVED
        and not ticket.outage
        and ticket.parent_id is None
    )


async def link(
    uow: UnitOfWork, clock: Clock, *, proposal_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """«Объединить»: the proposal's tickets become the children of a new outage, its
    priority the highest of theirs. Tickets finished or linked meanwhile stay out."""
    await acting_staff(uow, staff_tg_id)
    proposal = await uow.outages.get(proposal_id)
    if proposal is None:
        raise NotFound(f"outage proposal {proposal_id} not found")
    if not proposal.open:
        raise InvalidInput("the proposal was decided already", field="outage_decided")
    tickets = [await get_ticket(uow, n) for n in proposal.tickets]
    if any(t.client_id != proposal.client_id for t in tickets):
        raise InvalidInput(
            "tickets of different clients are not one outage", field="outage_clients"
        )
    children = [t for t in tickets if _linkable(t)]
    if len(children) < 2:
        raise InvalidInput("fewer than two of the tickets are still open", field="outage_few")
    outcome = await _outage(
        uow,
        clock,
        await get_client(uow, proposal.client_id),
        children,
        staff_tg_id=staff_tg_id,
        employee_id=children[0].employee_id,
        category=proposal.category,
        description=children[0].description,
        priority=parent_priority([c.priority for c in children]),
        proposal_id=proposal_id,
    )
    proposal.state, proposal.parent_id = "linked", outcome.value.number
    proposal.edits += 1
    await uow.outages.update(proposal)
    return outcome


async def dismiss(
    uow: UnitOfWork, clock: Clock, *, proposal_id: int, staff_tg_id: int
) -> Outcome[Proposal]:
    """«Не объединять»: the tickets stay apart and the proposal is not made again for them."""
    await acting_staff(uow, staff_tg_id)
    proposal = await uow.outages.get(proposal_id)
    if proposal is None:
        raise NotFound(f"outage proposal {proposal_id} not found")
    if not proposal.open:
        raise InvalidInput("the proposal was decided already", field="outage_decided")
    proposal.state = "dismissed"
    proposal.edits += 1
    await uow.outages.update(proposal)
    assert proposal.id is not None
    return Outcome(proposal, (ev.OutageSuspected(proposal.id, extended=True),))


async def _leave(uow: UnitOfWork, child: Ticket, staff_tg_id: int | None) -> list[ev.Event]:
    """`child` leaves its outage; the last child leaving an open outage dissolves it (it is
    cancelled: nobody is left to fix it for)."""
    assert child.parent_id is not None
    parent = await get_ticket(uow, child.parent_id)
    child.parent_id = None
    await uow.tickets.update(child)
    left = await uow.tickets.children(parent.number)
    dissolved = not left and parent.is_open and parent.status is not TicketStatus.RESOLVED
    events: list[ev.Event] = [ev.OutageLeft(parent.number, child.number, staff_tg_id, dissolved)]
    if dissolved:
        assert child.updated_at is not None
        old = parent.cancel(ActorKind.STAFF, child.updated_at)
        await uow.tickets.update(parent)
        events += [
            status_changed(parent, old, staff_tg_id),
            ev.TicketCancelled(parent.number, False, ""),
        ]
    return events


async def unlink(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """«Открепить»: a child that is not part of the outage after all becomes a ticket of its
    own again; unlinking the last child dissolves the outage."""
    await acting_staff(uow, staff_tg_id)
    child = await get_ticket(uow, ticket_id)
    if child.parent_id is None:
        raise InvalidInput("the ticket is not part of an outage", field="outage_not_linked")
    child.updated_at = clock.now()
    return Outcome(child, tuple(await _leave(uow, child, staff_tg_id)))


async def on_reopened(uow: UnitOfWork, ticket: Ticket) -> list[ev.Event]:
    """A child reopened by its employee after the outage was resolved is a problem of its
    own: it becomes independent."""
    if ticket.parent_id is None:
        return []
    return await _leave(uow, ticket, None)


# --- the employee who writes while an outage is open ----------------------------------------


async def open_outage_about(
    uow: UnitOfWork, tg_id: int, text: str, category: Category, rule: OutageRule
) -> Ticket | None:
    """The open outage of the employee's company that `text` (its topic `category`, OTHER
    when unsure) is about, unless they are in it already."""
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is None or not employee.active or not text.strip():
        return None
    for outage in await uow.tickets.open_outages(employee.client_id):
        children = await uow.tickets.children(outage.number)
        if any(c.employee_id == employee.id and c.is_open for c in children):
            continue
        if same_symptom(text, category, outage.category, outage.description, rule):
            return outage
    return None


async def join(
    uow: UnitOfWork,
    clock: Clock,
    *,
    outage_id: int,
    tg_id: int,
    text: str,
    attachments: Sequence[Attachment] = (),
) -> Outcome[Ticket]:
    """«Да, сообщите мне»: the employee's words become a ticket of their own, a child of the
    outage (its SLA record theirs), without the intake's questions; they will hear of
    every step on it."""
    employee = await acting_employee(uow, tg_id)
    outage = await uow.tickets.get(outage_id)
    if outage is None or not outage.outage or outage.client_id != employee.client_id:
        raise NotFound(f"outage №{outage_id} not found")
    if not outage.is_open or outage.status is TicketStatus.RESOLVED:
        raise InvalidInput("the outage is over", field="outage_over")
    children = await uow.tickets.children(outage.number)
    mine = next((c for c in children if c.employee_id == employee.id and c.is_open), None)
    if mine is not None:
        return Outcome(mine)  # a second tap: already in the list
    text = clean_text(
        text, limit=MAX_COMMENT_LENGTH, what="description", allow_empty=bool(attachments)
    )
    client = await get_client(uow, employee.client_id)
    now = clock.now()
    assert employee.id is not None
    child = Ticket(
        client_id=employee.client_id,
        employee_id=employee.id,
        kind=TicketKind.INCIDENT,
        category=outage.category,
        priority=outage.priority,
        title=title_from(text) if text else outage.title,
        description=text or outage.description,
        registered_at=now,
        updated_at=now,
        parent_id=outage.number,
    )
    child.after_hours = not client.calendar_for(child.priority).is_working(now)
    # What staff did on the outage so far holds for this one too.
    if outage.status is TicketStatus.IN_PROGRESS:
        child.start_work(ActorKind.STAFF, now)
        child.assignee_tg_id = outage.assignee_tg_id
        child.first_response_at = now  # they are told at once that it is being worked on
    child.refresh_deadlines(client)
    child = await uow.tickets.add(child)
    if attachments:
        await uow.tickets.add_message(
            TicketMessage(
                ticket_id=child.number,
                author="employee",
                author_tg_id=tg_id,
                text="",
                attachments=tuple(attachments),
                created_at=now,
            )
        )
    return Outcome(
        child, (ev.TicketOpened(child.number), ev.OutageJoined(outage.number, child.number))
    )


async def declare(
    uow: UnitOfWork, clock: Clock, *, client_id: int, staff_tg_id: int, text: str
) -> Outcome[Ticket]:
    """`/outage CLIENT текст`: staff know of an outage before anybody writes. It is Highest
    (company-wide), and the client's employees who write about it are told at once."""
    await acting_staff(uow, staff_tg_id)
    client = await get_client(uow, client_id)
    text = clean_text(text, limit=MAX_ANNOUNCEMENT_LENGTH, what="announcement")
    employees = [e for e in await uow.employees.list_by_client(client_id) if e.active]
    if not employees or employees[0].id is None:
        raise InvalidInput("the client has nobody to tell", field="outage_nobody")
    first = next((e for e in employees if e.is_director), employees[0])
    assert first.id is not None
    return await _outage(
        uow,
        clock,
        client,
        (),
        staff_tg_id=staff_tg_id,
        employee_id=first.id,
        category=topic_of(text),
        description=text,
        priority=Priority.HIGHEST,
    )


async def declare_from(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """«🌐 Массовый сбой» on a ticket's card: staff see it is company-wide. The ticket is
    the first child of a new outage, Highest; colleagues who write about it are told it is
    known and join with a tap."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not _linkable(ticket) or ticket.kind is TicketKind.REQUEST:
        raise InvalidInput("only an open incident becomes an outage", field="outage_not_open")
    return await _outage(
        uow,
        clock,
        await get_client(uow, ticket.client_id),
        [ticket],
        staff_tg_id=staff_tg_id,
        employee_id=ticket.employee_id,
        category=ticket.category,
        description=ticket.description,
        priority=Priority.HIGHEST,
    )


# --- what staff do on the outage reaches every child ----------------------------------------


async def for_children(
    uow: UnitOfWork, parent: Ticket, step: Callable[[int], Awaitable[Outcome[T]]]
) -> list[ev.Event]:
    """`step` done on every open child of the outage `parent` (nothing when it is not one);
    a child whose state does not allow it (its employee closed it already) is left as it is."""
    if not parent.outage:
        return []
    events: list[ev.Event] = []
    for child in await uow.tickets.children(parent.number):
        if not child.is_open:
            continue
        try:
            outcome = await step(child.number)
        except DomainError:
            continue
        events.extend(outcome.events)
    return events
