"""Ports: what the domain needs from the outside world, as Protocols. `storage` implements
the repositories and the unit of work; `bot` provides the clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.duty import DutyRota, DutyShift, WeeklyDuty
from domain.enums import StaffRole
from domain.events import Event
from domain.model import (
    Client,
    Employee,
    Invite,
    PriorityChange,
    Rating,
    Staff,
    Ticket,
    TicketMessage,
    WorkLog,
)
from domain.paging import Page
from domain.routing import Conversation
from domain.sla import SlaMilestone


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """Something to deliver to a chat later, written in the same transaction as its cause.

    `method` is a Bot API method (sendMessage, copyMessage, editMessageText, ...) and
    `payload` its JSON-ready parameters; `dedup_key` makes a second write of the same
    notification a no-op. An `urgent` one goes ahead of the chat's (and other chats')
    ordinary ones.
    """

    chat_id: int
    method: str
    payload: dict[str, object]
    dedup_key: str | None = None
    ticket_id: int | None = None
    id: int | None = None
    attempts: int = 0
    created_at: datetime | None = None
    urgent: bool = False  # SLA warnings, breaches, pages: delivered ahead of the rest


@dataclass(frozen=True, slots=True)
class SlaEventRecord:
    ticket_id: int
    milestone: SlaMilestone
    due_at: datetime
    recorded_at: datetime
    overdue_seconds: int = 0


class ClientRepository(Protocol):
    async def add(self, client: Client) -> Client: ...
    async def get(self, client_id: int) -> Client | None: ...
    async def update(self, client: Client) -> None: ...
    async def list(self) -> Sequence[Client]: ...
    async def by_manager(self, manager_tg_id: int) -> Sequence[Client]: ...


class EmployeeRepository(Protocol):
    async def add(self, employee: Employee) -> Employee: ...
    async def get(self, employee_id: int) -> Employee | None: ...
    async def by_tg_id(self, tg_id: int) -> Employee | None: ...
    async def update(self, employee: Employee) -> None: ...
    async def list_by_client(self, client_id: int) -> Sequence[Employee]: ...


class StaffRepository(Protocol):
    async def add(self, staff: Staff) -> Staff: ...
    async def get(self, tg_id: int) -> Staff | None: ...
    async def update(self, staff: Staff) -> None: ...
    async def list(self, role: StaffRole | None = None) -> Sequence[Staff]: ...


class InviteRepository(Protocol):
    async def add(self, invite: Invite) -> Invite: ...
    async def get(self, code: str) -> Invite | None: ...
    async def update(self, invite: Invite) -> None: ...
    async def list_by_client(self, client_id: int) -> Sequence[Invite]: ...


class TicketRepository(Protocol):
    async def add(self, ticket: Ticket, intake_key: str | None = None) -> Ticket:
        """Store a new ticket; its id becomes the number people see. `intake_key` is unique."""
        ...

    async def by_intake_key(self, intake_key: str) -> Ticket | None: ...
    async def get(self, ticket_id: int) -> Ticket | None: ...
    async def update(self, ticket: Ticket) -> None: ...
    async def list_by_employee(
        self,
        employee_id: int,
        *,
        open_only: bool = False,
        limit: int = 50,
        offset: int = 0,
        client_id: int | None = None,
    ) -> Sequence[Ticket]:
        """The employee's tickets (with `client_id`: only those of that company)."""
        ...

    async def list_by_client(
        self, client_id: int, *, open_only: bool = False, limit: int = 50, offset: int = 0
    ) -> Sequence[Ticket]: ...
    async def list_open(self) -> Sequence[Ticket]: ...
    async def conversations(
        self, employee_id: int, client_id: int, *, also: int | None = None
    ) -> Sequence[Conversation]:
        """The employee's open tickets in the company, as the routing of their messages sees
        them, and ticket `also` if it is one of theirs there, whatever its state."""
        ...

    async def add_message(self, message: TicketMessage) -> TicketMessage: ...
    async def messages(self, ticket_id: int) -> Sequence[TicketMessage]: ...
    async def add_priority_change(self, change: PriorityChange) -> None: ...
    async def priority_changes(self, ticket_id: int) -> Sequence[PriorityChange]: ...
    async def add_work_log(self, entry: WorkLog) -> None: ...
    async def work_logs(self, ticket_id: int) -> Sequence[WorkLog]: ...
    async def add_rating(self, rating: Rating) -> None: ...
    async def update_rating(self, rating: Rating) -> None: ...
    async def rating(self, ticket_id: int) -> Rating | None: ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> int | None:
        """Store for delivery; None when a row with the same dedup_key already exists."""
        ...

    async def drop_pending(self, chat_id: int, reason: str) -> int:
        """Give up every message still waiting for this chat (they are never sent, and the
        reason is kept with them); how many were dropped."""
        ...


class SlaEventRepository(Protocol):
    async def record(self, event: SlaEventRecord) -> bool:
        """Record once; False when this ticket already has this milestone recorded."""
        ...

    async def for_ticket(self, ticket_id: int) -> Sequence[SlaEventRecord]: ...

    async def set_overdue(self, ticket_id: int, milestone: SlaMilestone, seconds: int) -> None:
        """Settle a recorded breach to its final overdue (working seconds)."""
        ...


class DutyRepository(Protocol):
    async def add_shift(self, shift: DutyShift) -> DutyShift: ...
    async def add_weekly(self, pattern: WeeklyDuty) -> WeeklyDuty: ...
    async def rota(self, at: datetime | None = None) -> DutyRota:
        """The weekly patterns and the one-off shifts not ended at `at` (all when None)."""
        ...

    async def remove(self, entry_id: int) -> bool: ...


class PageRepository(Protocol):
    async def add(self, page: Page) -> Page | None:
        """Store a page; None when this person is already paged at that level for the ticket."""
        ...

    async def get(self, page_id: int) -> Page | None: ...
    async def update(self, page: Page) -> None: ...
    async def for_ticket(self, ticket_id: int) -> Sequence[Page]: ...


class Notifier(Protocol):
    """Turns what happened into messages for everybody who must hear of it, written into
    the outbox of the same unit of work (so they are sent if and only if it commits)."""

    async def publish(self, uow: UnitOfWork, events: Sequence[Event]) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: everything a use case changes is committed together or not at all."""

    clients: ClientRepository
    employees: EmployeeRepository
    staff: StaffRepository
    invites: InviteRepository
    tickets: TicketRepository
    outbox: OutboxRepository
    sla_events: SlaEventRepository
    duty: DutyRepository
    pages: PageRepository

    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


__all__ = [
    "ClientRepository",
    "Clock",
    "DutyRepository",
    "EmployeeRepository",
    "InviteRepository",
    "Notifier",
    "OutboxMessage",
    "OutboxRepository",
    "PageRepository",
    "SlaEventRecord",
    "SlaEventRepository",
    "StaffRepository",
    "TicketRepository",
    "UnitOfWork",
]
