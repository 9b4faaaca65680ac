"""What happened: use cases return these; the bot turns them into messages for the people
who must hear about it (through the outbox, in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.enums import Priority, TicketStatus


@dataclass(frozen=True, slots=True)
class Event:
    pass


@dataclass(frozen=True, slots=True)
class ClientRegistered(Event):
    client_id: int


@dataclass(frozen=True, slots=True)
class EmployeeRegistered(Event):
    client_id: int
    employee_id: int


@dataclass(frozen=True, slots=True)
class TicketEvent(Event):
    ticket_id: int


@dataclass(frozen=True, slots=True)
class TicketOpened(TicketEvent):
    pass


@dataclass(frozen=True, slots=True)
class StatusChanged(TicketEvent):
    old: TicketStatus
    new: TicketStatus
    actor_tg_id: int | None  # None: the system (auto-close)


@dataclass(frozen=True, slots=True)
class TicketTaken(TicketEvent):
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class TicketAssigned(TicketEvent):
    staff_tg_id: int
    by_tg_id: int


@dataclass(frozen=True, slots=True)
class StaffReplied(TicketEvent):
    message_id: int
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class InternalNoteAdded(TicketEvent):
    message_id: int
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class ClientQuestionAsked(TicketEvent):
    message_id: int
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class EmployeeCommented(TicketEvent):
    message_id: int
    resumed: bool  # the comment answered a question and restarted the clock


@dataclass(frozen=True, slots=True)
class TicketResolved(TicketEvent):
    staff_tg_id: int
    message_id: int | None


@dataclass(frozen=True, slots=True)
class TicketClosed(TicketEvent):
    automatically: bool


@dataclass(frozen=True, slots=True)
class TicketReopened(TicketEvent):
    reason: str


@dataclass(frozen=True, slots=True)
class TicketCancelled(TicketEvent):
    by_employee: bool
    reason: str


@dataclass(frozen=True, slots=True)
class PriorityChanged(TicketEvent):
    old: Priority
    new: Priority
    reason: str
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class DeadlinesChanged(TicketEvent):
    pass


@dataclass(frozen=True, slots=True)
class ReactionMet(TicketEvent):
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class WorkLogged(TicketEvent):
    staff_tg_id: int
    minutes: int


@dataclass(frozen=True, slots=True)
class TicketRated(TicketEvent):
    score: int
    comment: str
