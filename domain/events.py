"""What happened: use cases return these; the bot turns them into messages for the people
who must hear about it (through the outbox, in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.digest import Digest
from domain.enums import Priority, TicketStatus
from domain.sla import SlaMilestone


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
class EmployeeRemoved(Event):
    client_id: int
    employee_id: int


@dataclass(frozen=True, slots=True)
class ClientDeactivated(Event):
    """The contract ended: its employees hear farewell, its manager gets the hand-over."""

    client_id: int


@dataclass(frozen=True, slots=True)
class ClientReactivated(Event):
    """The contract was renewed: its employees hear they may write again, its manager too."""

    client_id: int


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
    in_thread: bool = True  # written in the ticket's staff chat thread; else mirrored there


@dataclass(frozen=True, slots=True)
class InternalNoteAdded(TicketEvent):
    message_id: int
    staff_tg_id: int
    in_thread: bool = True  # written in the ticket's staff chat thread; else mirrored there


@dataclass(frozen=True, slots=True)
class ClientQuestionAsked(TicketEvent):
    message_id: int
    staff_tg_id: int
    in_thread: bool = True  # written in the ticket's staff chat thread; else mirrored there


@dataclass(frozen=True, slots=True)
class EmployeeCommented(TicketEvent):
    message_id: int
    resumed: bool  # the comment answered a question and restarted the clock
    complaint: bool = False  # about how the ticket is handled: the manager hears of it


@dataclass(frozen=True, slots=True)
class TicketResolved(TicketEvent):
    staff_tg_id: int
    message_id: int | None
    in_thread: bool = True


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
class ResolutionDateAgreed(TicketEvent):
    """Staff set the resolution moment agreed with the client for a change request, or
    changed it (`changed`)."""

    due: datetime
    changed: bool
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class ReactionMet(TicketEvent):
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class ResolutionWithdrawn(TicketEvent):
    """Staff took back a resolution the employee had not confirmed (sent too soon, or by
    mistake): the ticket is in work again and there is nothing to confirm."""

    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class WaitingResumed(TicketEvent):
    """Staff went on without the employee's answer: the resolution clock runs again, its due
    time later by the wait."""

    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class WaitingClosed(TicketEvent):
    """A ticket waiting for the employee's answer was closed: they said it is no longer
    needed, or staff closed it when nobody answered."""

    by_employee: bool
    staff_tg_id: int | None = None


@dataclass(frozen=True, slots=True)
class WorkLogged(TicketEvent):
    staff_tg_id: int
    minutes: int


@dataclass(frozen=True, slots=True)
class EstimateGiven(TicketEvent):
    """Staff put an estimate of the work on the ticket; the client is asked to approve it
    (domain/estimates.py)."""

    estimate_id: int
    staff_tg_id: int


@dataclass(frozen=True, slots=True)
class EstimateDecided(TicketEvent):
    """The client approved the estimate, or did not."""

    estimate_id: int
    approved: bool
    employee_id: int


@dataclass(frozen=True, slots=True)
class TicketRated(TicketEvent):
    score: int
    comment: str


# --- mass outages (domain/outages.py) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutageSuspected(Event):
    """Tickets look like one mass outage: the staff chat is asked to link them (or the
    message asking is brought up to date with one more, `extended`)."""

    proposal_id: int
    extended: bool = False


@dataclass(frozen=True, slots=True)
class OutageLinked(TicketEvent):
    """Staff linked tickets under the outage (the parent, `ticket_id`), or declared it."""

    staff_tg_id: int
    children: tuple[int, ...]
    proposal_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutageJoined(TicketEvent):
    """An employee writing about the same symptom joined the open outage with one tap."""

    child_id: int


@dataclass(frozen=True, slots=True)
class OutageLeft(TicketEvent):
    """A child is no longer part of the outage: staff unlinked it, or its employee reopened
    it after the outage was resolved. The last one leaving dissolves the outage."""

    child_id: int
    staff_tg_id: int | None  # None: reopened by its employee
    dissolved: bool


# --- SLA timers and after-hours paging ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlaWarning(TicketEvent):
    """A reaction or resolution warning fell due (recorded once in sla_events)."""

    milestone: SlaMilestone
    due_at: datetime


@dataclass(frozen=True, slots=True)
class SlaBreached(TicketEvent):
    """A reaction or resolution target was missed (recorded once, with the overdue so far)."""

    milestone: SlaMilestone
    due_at: datetime
    overdue_seconds: int


@dataclass(frozen=True, slots=True)
class AfterHoursAlarm(TicketEvent):
    """A ticket that cannot wait for the morning: the on-duty engineer (or, when nobody is on
    duty, the leads) and for an emergency the personal manager are being paged."""

    emergency: bool  # billable work outside the plan (no 24/7 support for it)
    targets: tuple[int, ...]
    nobody_on_duty: bool
    # Who is called to work on it: the on-duty engineers, or whoever stands in for them
    # (the personal manager, paged to know, is not among them unless on duty).
    responders: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PageSent(TicketEvent):
    """One page (an alert with an "Acknowledge" button) to one person, first or repeated."""

    page_id: int
    target_tg_id: int
    attempt: int
    level: int  # 0: on duty (and the manager); 1: the leads; 2: the admins
    emergency: bool


@dataclass(frozen=True, slots=True)
class PageEscalated(TicketEvent):
    """Nobody at a level answered in time: the page goes up the chain (the first time: the
    employee hears that we are still reaching somebody, and who next)."""

    level: int  # the level it went up to: 1 the leads, 2 the admins
    targets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PageAcknowledged(TicketEvent):
    staff_tg_id: int
    others: tuple[int, ...]  # the other people paged about it


# --- nobody left in silence (domain/follow_ups.py, domain/digest.py) -----------------------


@dataclass(frozen=True, slots=True)
class StatusLineDue(TicketEvent):
    """A High or Highest ticket in work went `every` working hours without news: the
    employee gets a short status line (recorded once)."""


@dataclass(frozen=True, slots=True)
class WaitingReminderDue(TicketEvent):
    """The employee has not answered the question for a while: reminded (1: the first
    reminder, 2: the second), once per wait."""

    reminder: int
    waiting_since: datetime


@dataclass(frozen=True, slots=True)
class WaitingTooLong(TicketEvent):
    """Nobody answered after the reminders: whoever has the ticket is asked whether to close
    it or to keep waiting."""

    waiting_since: datetime


@dataclass(frozen=True, slots=True)
class DailyDigest(Event):
    """The personal manager's digest of the day (recorded once a day, never empty)."""

    digest: Digest


@dataclass(frozen=True, slots=True)
class ServiceQuestionAsked(Event):
    """An employee asked about the service (not a ticket): their personal manager hears the
    question, and which article it was answered with, if any."""

    client_id: int
    employee_id: int
    text: str
    answered_with: str = ""  # the title of the FAQ article shown to them


@dataclass(frozen=True, slots=True)
class ServiceQuestionAnswered(Event):
    """Staff answered an employee's question about the service: the employee hears it."""

    employee_id: int
    staff_tg_id: int
    text: str
