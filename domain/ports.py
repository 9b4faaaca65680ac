"""Ports: what the domain, the handlers and the bot's workers need from the outside world,
as Protocols. `storage` implements the repositories and the unit of work; `bot` provides
the clock and the notifier.

The unit of work's repositories are read-only properties: whoever holds one uses the
repositories it came with and never swaps them, so an implementation may hold its own
repository classes (a Protocol attribute would be mutable, and then invariant)."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from domain.duty import DutyRota, DutyShift, WeeklyDuty
from domain.enums import StaffRole
from domain.estimates import Estimate
from domain.events import Event
from domain.group_chat import ClientGroup, GroupCode
from domain.knowledge import Article, ArticleStatus, SelfHelpOutcome
from domain.model import (
    Client,
    Employee,
    Invite,
    PriorityChange,
    Rating,
    ResolutionAgreed,
    Staff,
    Ticket,
    TicketMessage,
    WorkLog,
)
from domain.outages import Proposal, Report
from domain.paging import Page
from domain.plan_changes import PlanChange
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


@dataclass(frozen=True, slots=True)
class TicketPost:
    """Where a ticket's card is in the staff chat (and its forum topic, if any)."""

    ticket_id: int
    chat_id: int
    message_id: int
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class QueueView:
    """Which open tickets a staff queue shows: all, one person's (`assignee_tg_id`), those
    nobody has taken (`unassigned`), or those of some clients (`client_ids`)."""

    assignee_tg_id: int | None = None
    unassigned: bool = False
    client_ids: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of a staff queue and how many open tickets the whole queue holds."""

    total: int
    tickets: Sequence[Ticket]


@dataclass(frozen=True, slots=True)
class Person:
    """What the database knows about one Telegram user."""

    employee: Employee | None
    client: Client | None  # the employee's
    staff: Staff | None


class ClientRepository(Protocol):
    async def add(self, client: Client) -> Client: ...
    async def get(self, client_id: int) -> Client | None: ...
    async def update(self, client: Client) -> None: ...
    async def list(self) -> Sequence[Client]: ...
    async def by_manager(self, manager_tg_id: int) -> Sequence[Client]: ...
    async def plan_changes(self, client_id: int) -> Sequence[PlanChange]: ...
    async def set_plan_change(self, client_id: int, change: PlanChange, at: datetime) -> None: ...


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
    async def get_many(self, ticket_ids: Sequence[int]) -> Mapping[int, Ticket]:
        """These tickets (those that exist), read together."""
        ...

    async def update(self, ticket: Ticket) -> None: ...
    async def children(self, parent_id: int) -> Sequence[Ticket]: ...
    async def recent_incidents(
        self, client_id: int, since: datetime, numbers: Sequence[int] | None = None
    ) -> Sequence[Report]:
        """A client's open incidents registered since `since`, oldest first; with
        `numbers`, only those of these tickets."""
        ...

    async def open_outages(self, client_id: int) -> Sequence[Ticket]: ...
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
    async def list_open(self) -> Sequence[Ticket]:
        """Every open ticket, oldest first."""
        ...

    async def open_queue(
        self, view: QueueView | None = None, *, limit: int = 50, offset: int = 0
    ) -> QueuePage:
        """The staff queue: open tickets in `view`, the nearest stored resolution due time
        first, tickets whose clock is stopped (no due time) last; counted, filtered and
        paged by the database, at any size."""
        ...

    async def list_resolved(self) -> Sequence[Ticket]:
        """Resolved tickets waiting for the employee's word (the auto-close sweep), the
        earliest resolved first."""
        ...

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
    async def add_agreed_resolution(self, agreed: ResolutionAgreed) -> None: ...
    async def agreed_resolutions(self, ticket_id: int) -> Sequence[ResolutionAgreed]: ...
    async def add_work_log(self, entry: WorkLog) -> None: ...
    async def work_logs(self, ticket_id: int) -> Sequence[WorkLog]: ...
    async def add_estimate(self, estimate: Estimate) -> Estimate:
        """Store a new estimate; the one returned has its id."""
        ...

    async def decide_estimate(self, estimate: Estimate) -> None:
        """Record the client's decision on a stored estimate."""
        ...

    async def latest_estimates(self, ticket_ids: Sequence[int]) -> Mapping[int, Estimate]:
        """Each ticket's latest estimate (tickets without one left out)."""
        ...

    async def pending_estimates(self, approver_employee_id: int) -> Sequence[Estimate]:
        """Estimates of open tickets waiting for this employee's decision, the newest first."""
        ...

    async def add_rating(self, rating: Rating) -> None: ...
    async def update_rating(self, rating: Rating) -> None: ...
    async def rating(self, ticket_id: int) -> Rating | None: ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> int | None:
        """Store for delivery; None when a row with the same dedup_key already exists."""
        ...

    async def add_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Store these for delivery together; one whose dedup_key exists already is left
        out."""
        ...

    async def supersede_pending(self, chat_id: int, key_prefix: str) -> int:
        """Messages still waiting for this chat whose key begins with `key_prefix` are
        covered by a later one (an edit of the same message): never sent; how many."""
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

    async def for_tickets(
        self, ticket_ids: Sequence[int]
    ) -> Mapping[int, Sequence[SlaEventRecord]]:
        """What is on record for each of these tickets, read together (those with none left
        out)."""
        ...

    async def record_many(
        self, events: Sequence[SlaEventRecord], next_due: Mapping[int, datetime | None]
    ) -> None:
        """Record these milestones, read as not on record in this same unit of work (whose
        write lock nobody else can take meanwhile), and store the tickets' next due times
        that follow (`domain.sla_milestones.next_due`), all in one go. A milestone somehow
        on record already stays as it was (sla_events is unique per ticket and milestone)."""
        ...

    async def set_overdue(self, ticket_id: int, milestone: SlaMilestone, seconds: int) -> None:
        """Settle a recorded breach to its final overdue (working seconds)."""
        ...

    async def forget(self, ticket_id: int, milestone: SlaMilestone) -> None:
        """Unrecord a warning whose due time moved (a new agreed date), so it comes again."""
        ...

    async def pending(
        self, until: datetime, ticket_ids: Sequence[int] | None = None
    ) -> Sequence[tuple[int, SlaMilestone, datetime]]:
        """(ticket, milestone, due) of open tickets' milestones due by `until` and not
        recorded yet, earliest first (only of `ticket_ids` when given): what the SLA timers
        arm. The rules of domain.sla_milestones.pending_milestones. Without `ticket_ids`,
        it costs what falls due by `until`, not every overdue ticket: the storage keeps each
        open ticket's next due time (the earliest of these not recorded yet)."""
        ...


class FollowUpRepository(Protocol):
    """What keeps the employee and the manager told without telling them twice
    (domain/follow_ups.py, domain/digest.py)."""

    async def record(self, ticket_id: int, kind: str, key: str, at: datetime) -> bool:
        """Record a follow-up once; False when this ticket has it with this key already."""
        ...

    async def recorded(self, ticket_ids: Sequence[int]) -> Mapping[int, frozenset[tuple[str, str]]]:
        """The (kind, key) recorded for each of these tickets (those with none left out)."""
        ...

    async def candidates(
        self, priorities: Sequence[str], quiet_before: datetime, waiting_before: datetime
    ) -> Sequence[tuple[Ticket, datetime]]:
        """Tickets in work of these priorities without news since `quiet_before`, and
        tickets waiting for the client since `waiting_before` or earlier, each with its last
        news to the employee: staff wrote to them, its status or priority changed, or the
        last status line. (Bounds in real time, which runs at least as fast as working
        time: what they leave out cannot be due.)"""
        ...

    async def record_digest(self, manager_tg_id: int, day: date, at: datetime) -> bool:
        """Record the manager's digest of `day` once; False when it was already."""
        ...

    async def digest_recorded(self, manager_tg_id: int, day: date) -> bool: ...

    async def ratings_between(
        self, client_ids: Sequence[int], since: datetime, until: datetime
    ) -> Sequence[Rating]:
        """Ratings of these clients' tickets given within [since, until)."""
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
    async def pending(self, ticket_ids: Sequence[int] | None = None) -> Sequence[Page]:
        """Pages still to be sent (again), the earliest first (only of `ticket_ids` when
        given)."""
        ...


class TicketPostRepository(Protocol):
    """Where the tickets' cards are in the staff chat."""

    async def get(self, ticket_id: int) -> TicketPost | None: ...
    async def draft(self, ticket_id: int) -> TicketPost | None:
        """A card on its way: where it is being posted (`message_id` 0: not known yet)."""
        ...

    async def set_draft(self, ticket_id: int, chat_id: int, thread_id: int | None) -> None:
        """Remember, before sending, where the ticket's card is about to be posted."""
        ...

    async def set(self, post: TicketPost) -> None:
        """Remember (or move) the ticket's card; its draft, if any, is done with."""
        ...

    async def by_message(self, chat_id: int, message_id: int) -> TicketPost | None: ...
    async def by_thread(self, chat_id: int, thread_id: int) -> TicketPost | None:
        """The newest ticket whose card opened this forum topic."""
        ...


class ProcessedUpdateRepository(Protocol):
    """The Telegram updates already handled, so that a redelivered one is dropped."""

    def seen_before(self, update_id: int) -> Coroutine[Any, Any, bool]:
        """Remember the update; True when it was already remembered (a redelivery). Part
        of the unit of work: if it rolls back, the update is handled again.

        A coroutine, not an `async def`: the read may be queued when called and sent with
        the next one, and a caller that ends up not needing it closes it."""
        ...


class PeopleRepository(Protocol):
    def by_tg_id(self, tg_id: int) -> Coroutine[Any, Any, Person]:
        """The employee with their client and the staff member with this Telegram id (every
        update asks who wrote it); a coroutine like `ProcessedUpdateRepository.seen_before`."""
        ...


class Notifier(Protocol):
    """Turns what happened into messages for everybody who must hear of it, written into
    the outbox of the same unit of work (so they are sent if and only if it commits)."""

    async def publish(self, uow: UnitOfWork, events: Sequence[Event]) -> None: ...


class ClientGroupRepository(Protocol):
    """Client groups (domain/group_chat.py): their codes, bindings, the requests opened
    in them and the members who joined by writing there."""

    async def add_code(self, code: GroupCode) -> GroupCode: ...
    async def code(self, code: str) -> GroupCode | None: ...
    async def update_code(self, code: GroupCode) -> None: ...
    async def get(self, chat_id: int) -> ClientGroup | None: ...
    async def save(self, group: ClientGroup) -> None:
        """Insert or replace the binding of `group.chat_id`."""
        ...

    async def move(self, old_chat_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup: its binding and requests follow the new id."""
        ...

    async def note_ticket(self, ticket_id: int, chat_id: int, message_id: int) -> None: ...
    async def ticket_origin(self, ticket_id: int) -> tuple[ClientGroup, int] | None:
        """The group a request was opened in (bound or not any more), and the message."""
        ...

    async def add_member(
        self, employee_id: int, tg_id: int, chat_id: int, at: datetime
    ) -> None: ...
    async def started_private(self, tg_id: int) -> bool:
        """Whether the person can be written to privately: not one who joined in a group
        and never wrote to the bot."""
        ...

    def note_private_chat(self, tg_id: int, at: datetime) -> None:
        """The person wrote to the bot privately (queued with the update's statements)."""


class KnowledgeRepository(Protocol):
    """The knowledge base's articles, and what the self-help suggestions achieved."""

    async def by_slug(self, slug: str) -> Article | None: ...
    async def save(self, article: Article) -> Article:
        """Insert, or replace the article with the same slug; the one returned has its id."""
        ...

    async def remove(self, slug: str) -> bool: ...
    async def list(self, status: ArticleStatus | None = None) -> Sequence[Article]:
        """Articles by slug, without their picture or file."""
        ...

    async def for_client(self, client_id: int) -> Sequence[Article]:
        """The published articles that apply to the client, without their picture or file."""
        ...

    async def attachment(self, article_id: int) -> Article | None:
        """The article with its picture or file."""
        ...

    async def add_outcome(self, outcome: SelfHelpOutcome) -> None: ...
    async def rejected(self, ticket_id: int) -> Sequence[str]:
        """Titles of the articles suggested in the ticket's intake that did not help."""
        ...

    async def deflections(self, client_id: int | None, start: datetime, end: datetime) -> int:
        """Problems solved by an article without a ticket in [start, end) (all clients: None)."""
        ...

    async def billing_history(self, client_id: int) -> tuple[Sequence[Ticket], Sequence[WorkLog]]:
        """The client's closed tickets and their work logs (the hours left this month)."""
        ...


class OutageRepository(Protocol):
    """The staff chat's proposals to link tickets as one mass outage."""

    async def add(self, proposal: Proposal) -> Proposal: ...
    async def get(self, proposal_id: int) -> Proposal | None: ...
    async def update(self, proposal: Proposal) -> None: ...
    async def open_of_client(self, client_id: int) -> Sequence[Proposal]: ...


class UnitOfWork(Protocol):
    """One transaction: everything a use case changes is committed together or not at all."""

    @property
    def clients(self) -> ClientRepository: ...
    @property
    def employees(self) -> EmployeeRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def tickets(self) -> TicketRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def sla_events(self) -> SlaEventRepository: ...
    @property
    def duty(self) -> DutyRepository: ...
    @property
    def pages(self) -> PageRepository: ...
    @property
    def follow_ups(self) -> FollowUpRepository: ...
    @property
    def client_groups(self) -> ClientGroupRepository: ...
    @property
    def knowledge(self) -> KnowledgeRepository: ...
    @property
    def outages(self) -> OutageRepository: ...

    # For the handlers and the bot's plumbing; the domain's use cases do not need them.
    @property
    def ticket_posts(self) -> TicketPostRepository: ...
    @property
    def processed_updates(self) -> ProcessedUpdateRepository: ...
    @property
    def people(self) -> PeopleRepository: ...

    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


__all__ = [
    "ClientGroupRepository",
    "ClientRepository",
    "Clock",
    "DutyRepository",
    "EmployeeRepository",
    "FollowUpRepository",
    "InviteRepository",
    "Notifier",
    "OutageRepository",
    "OutboxMessage",
    "OutboxRepository",
    "PageRepository",
    "PeopleRepository",
    "Person",
    "ProcessedUpdateRepository",
    "SlaEventRecord",
    "SlaEventRepository",
    "StaffRepository",
    "TicketPost",
    "TicketPostRepository",
    "TicketRepository",
    "UnitOfWork",
]
