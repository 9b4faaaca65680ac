"""What the use cases share: the `Outcome` each returns, the look-ups that check who acts
on what (raising the domain's errors), and the cleaning of what people typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain import events as ev
from domain.enums import TicketStatus
from domain.errors import AccessDenied, InvalidInput, NotFound
from domain.model import Client, Employee, Staff, Ticket
from domain.ports import UnitOfWork

MAX_COMMENT_LENGTH = 16_000
MAX_REASON_LENGTH = 1_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a use case produced, and the events it caused."""

    value: T
    events: tuple[ev.Event, ...] = ()


def clean_text(text: str, *, limit: int, what: str, allow_empty: bool = False) -> str:
    cleaned = text.strip()
    if not cleaned and not allow_empty:
        raise InvalidInput(f"the {what} is empty", field=what)
    if len(cleaned) > limit:
        raise InvalidInput(f"the {what} is longer than {limit} characters", field=what, limit=limit)
    return cleaned


async def get_client(uow: UnitOfWork, client_id: int) -> Client:
    client = await uow.clients.get(client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client


async def get_ticket(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket


async def acting_staff(uow: UnitOfWork, tg_id: int) -> Staff:
    """The staff member who acts; AccessDenied for anybody else."""
    staff = await uow.staff.get(tg_id)
    if staff is None or not staff.active:
        raise AccessDenied("only registered staff may do this")
    return staff


async def staff_member(uow: UnitOfWork, tg_id: int) -> Staff:
    """A staff member acted upon (put on duty, deactivated); NotFound unless active."""
    staff = await uow.staff.get(tg_id)
    if staff is None or not staff.active:
        raise NotFound(f"staff member {tg_id} not found")
    return staff


async def acting_employee(uow: UnitOfWork, tg_id: int) -> Employee:
    """The client's employee who acts; AccessDenied for anybody else."""
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is None or not employee.active:
        raise AccessDenied("you are not registered with any client company")
    return employee


def can_view(ticket: Ticket, employee: Employee) -> bool:
    """An employee sees their own tickets; a director sees the whole company's. A mass
    outage (domain/outages.py) is the company's, not the person whose report it was made
    from: every employee of the company may look at it (their colleagues were told its
    number), nobody acts on it as their own (`may_act_on`)."""
    if ticket.client_id != employee.client_id:
        return False
    return ticket.outage or ticket.employee_id == employee.id or employee.is_director


def may_act_on(ticket: Ticket, employee: Employee) -> bool:
    """Whether the employee may act on the ticket (comment, cancel, confirm, rate): one they
    may see, but no mass outage: each of its people acts on their own request in it."""
    return can_view(ticket, employee) and not ticket.outage


async def own_ticket(uow: UnitOfWork, ticket_id: int, tg_id: int) -> tuple[Ticket, Employee]:
    """A ticket the employee may act on: their own (a director may act on the company's)."""
    employee = await acting_employee(uow, tg_id)
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not may_act_on(ticket, employee):
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket, employee


def status_changed(ticket: Ticket, old: TicketStatus, by_tg_id: int | None) -> ev.StatusChanged:
    """The event of the step the ticket just made (see Ticket.start_work and the others)."""
    return ev.StatusChanged(ticket.number, old, ticket.status, by_tg_id)
