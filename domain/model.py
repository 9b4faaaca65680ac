"""Entities of the front desk. Plain dataclasses: storage maps them to rows, handlers read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from domain.agreed_deadline import resolution_by_agreement
from domain.calendar import WorkCalendar
from domain.enums import (
    Category,
    EmployeeRole,
    PenaltyBasis,
    Priority,
    RequestType,
    Scope,
    SlaTier,
    StaffRole,
    TicketKind,
    TicketStatus,
    WorkImpact,
)
from domain.lifecycle import PAUSED_STATUSES, ActorKind, check_transition
from domain.sla import (
    DEFAULT_WARNING_FRACTION,
    AgreedResolution,
    Pause,
    SlaClock,
    SlaTable,
    sla_targets,
)

ROUND_THE_CLOCK_PRIORITIES = frozenset({Priority.HIGH, Priority.HIGHEST})


@dataclass(frozen=True, slots=True)
class Plan:
    """A monthly subscription: fee, hours included, price of an extra hour, reserve cap."""

    monthly_fee: int
    hours_included: float
    extra_hour_rate: int
    reserve_cap: float
    # Seed 003: the first months of the plan without the monthly fee, "pay only for closed
    # tasks": every hour logged on them is paid at the extra hour rate (domain/billing.py).
    fee_free_months: int = 0


@dataclass(frozen=True, slots=True)
class PenaltyRule:
    """Seed 001: a breach of the SLA is penalised in proportion to the working time overdue
    or to the number of overdue tickets (domain/billing.py: `penalty`)."""

    basis: PenaltyBasis
    amount: int  # RUB per working hour overdue, or per ticket with a breach
    cap_share: float | None = None  # at most this share of the month's plan fee; None: no cap


@dataclass(slots=True)
class Client:
    """A client company under contract."""

    name: str
    tier: SlaTier
    timezone: str
    opens: time
    closes: time
    weekdays: frozenset[int]
    country: str | None
    round_the_clock: bool = False
    manager_tg_id: int | None = None
    custom_sla: SlaTable | None = None
    warning_fraction: float = DEFAULT_WARNING_FRACTION
    plan: Plan | None = None  # the plan the contract started with (changes: plan_changes.py)
    id: int | None = None
    created_at: datetime | None = None
    # The client's fixed specialist: new tickets go to them while they are on shift.
    default_assignee_tg_id: int | None = None
    # The end of the contract: no new tickets from then on; the history stays.
    deactivated_at: datetime | None = None
    # After-hours emergencies are paid separately, beyond the plan: RUB an hour (None: the
    # plan's extra hour rate).
    emergency_hour_rate: int | None = None
    penalty: PenaltyRule | None = None  # None: breaches are not penalised

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.timezone, self.opens, self.closes, self.weekdays, self.country)

    def calendar_for(self, priority: Priority) -> WorkCalendar:
        """With 24/7 support High and Highest tickets run on a round-the-clock clock."""
        if self.round_the_clock and priority in ROUND_THE_CLOCK_PRIORITIES:
            return WorkCalendar(
                self.timezone,
                self.opens,
                self.closes,
                self.weekdays,
                self.country,
                round_the_clock=True,
            )
        return self.calendar


@dataclass(slots=True)
class Employee:
    """A client's employee known to the bot by their Telegram id."""

    client_id: int
    tg_id: int
    name: str
    role: EmployeeRole = EmployeeRole.EMPLOYEE
    phone: str | None = None
    locale: str | None = None
    username: str | None = None
    active: bool = True
    id: int | None = None
    created_at: datetime | None = None

    @property
    def is_director(self) -> bool:
        return self.role is EmployeeRole.DIRECTOR


@dataclass(slots=True)
class Staff:
    """A member of the provider's staff."""

    tg_id: int
    name: str
    role: StaffRole
    locale: str | None = None
    # A personal manager hears about every new ticket of their clients, or only High and up.
    notify_all_priorities: bool = True
    active: bool = True
    created_at: datetime | None = None


@dataclass(slots=True)
class Invite:
    code: str
    client_id: int
    role: EmployeeRole
    max_uses: int
    used: int = 0
    expires_at: datetime | None = None
    revoked: bool = False
    created_at: datetime | None = None

    def unusable_reason(self, now: datetime) -> str | None:
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        if self.used >= self.max_uses:
            return "used_up"
        return None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the person sent: Telegram keeps the bytes, we keep its file id."""

    kind: str  # photo, document, voice, video
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class TicketMessage:
    """One entry of the ticket's conversation."""

    ticket_id: int
    author: str  # employee, staff, system
    author_tg_id: int | None
    text: str
    internal: bool = False
    attachments: tuple[Attachment, ...] = ()
    created_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PriorityChange:
    ticket_id: int
    old: Priority
    new: Priority
    reason: str
    staff_tg_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ResolutionAgreed:
    """A change request's resolution moment, agreed with the client and set (or changed)
    by a staff member: the ticket's history of it."""

    ticket_id: int
    due: datetime
    staff_tg_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class WorkLog:
    ticket_id: int
    staff_tg_id: int
    minutes: int
    at: datetime
    note: str = ""


# A rating of at most this many stars of 5 is the personal manager's business: they hear of
# it, and the monthly report lists it.
LOW_RATING_UP_TO = 3


@dataclass(frozen=True, slots=True)
class Rating:
    ticket_id: int
    score: int
    comment: str
    at: datetime


@dataclass(slots=True)
class Ticket:
    """A registered incident or request and where it is in its life."""

    client_id: int
    employee_id: int
    kind: TicketKind
    category: Category
    priority: Priority
    title: str
    description: str
    registered_at: datetime
    request_type: RequestType | None = None
    impact: WorkImpact | None = None
    scope: Scope | None = None
    status: TicketStatus = TicketStatus.NEW
    assignee_tg_id: int | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    after_hours: bool = False
    emergency: bool = False
    pauses: list[Pause] = field(default_factory=list)
    # Due times are derived from the SLA clock and stored for the timers and the queue.
    reaction_due: datetime | None = None
    reaction_warning_at: datetime | None = None
    resolution_due: datetime | None = None
    resolution_warning_at: datetime | None = None
    # A change request's resolution moment as agreed with the client, and when staff set it.
    agreed_resolution: AgreedResolution | None = None
    # An estimate of the work waits for the client's approval: the resolution clock stands
    # still meanwhile (domain/estimates.py).
    awaiting_estimate: bool = False
    updated_at: datetime | None = None
    id: int | None = None  # the ticket number shown to people (№N)
    # A mass outage (domain/outages.py): `outage` marks the parent incident; a child has its
    # parent's number and follows what staff do on the parent.
    outage: bool = False
    parent_id: int | None = None

    @property
    def number(self) -> int:
        if self.id is None:
            raise ValueError("the ticket is not registered yet")
        return self.id

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].ended_at is None

    @property
    def resolution_by_agreement(self) -> bool:
        """A change request: its resolution time is agreed with the client."""
        return resolution_by_agreement(self.kind, self.request_type)

    @property
    def resolution_to_be_agreed(self) -> bool:
        """A change request whose resolution moment nobody has agreed yet."""
        return self.resolution_by_agreement and self.agreed_resolution is None

    def sla_clock(self, client: Client) -> SlaClock:
        return SlaClock.of(
            client.calendar_for(self.priority),
            sla_targets(client.tier, self.priority, client.custom_sla),
            self.registered_at,
            self.pauses,
            client.warning_fraction,
            by_agreement=self.resolution_by_agreement,
            agreed=self.agreed_resolution,
        )

    def refresh_deadlines(self, client: Client) -> None:
        """Recompute the stored due times from the SLA clock (after any change to it)."""
        deadlines = self.sla_clock(client).deadlines()
        self.reaction_due = deadlines.reaction_due
        self.reaction_warning_at = deadlines.reaction_warning_at
        self.resolution_due = deadlines.resolution_due
        self.resolution_warning_at = deadlines.resolution_warning_at

    # --- its life: each step is checked against domain/lifecycle.py (who may make it, from
    # which status) and keeps the resolution clock's pauses in step; each returns the status
    # the ticket had before.

    def start_work(self, by: ActorKind, at: datetime) -> TicketStatus:
        """In work: staff take it, answer it or stop waiting; the employee answers a question."""
        return self._step(TicketStatus.IN_PROGRESS, by, at)

    def wait_for_client(self, by: ActorKind, at: datetime) -> TicketStatus:
        """Staff asked the employee something: the resolution clock stands still."""
        return self._step(TicketStatus.WAITING_CLIENT, by, at)

    def resolve(self, by: ActorKind, at: datetime) -> TicketStatus:
        """Staff report the fix; the employee is to confirm it."""
        old = self._step(TicketStatus.RESOLVED, by, at)
        self.resolved_at = at
        return old

    def close(self, by: ActorKind, at: datetime) -> TicketStatus:
        """The fix is confirmed (or nobody answered in time)."""
        old = self._step(TicketStatus.CLOSED, by, at)
        self.closed_at = at
        return old

    def cancel(self, by: ActorKind, at: datetime) -> TicketStatus:
        """Withdrawn: by the employee before work starts, by staff until it is resolved."""
        old = self._step(TicketStatus.CANCELLED, by, at)
        self.closed_at = at
        return old

    def reopen(self, by: ActorKind, at: datetime) -> TicketStatus:
        """Back to work after the fix: the time it stood closed does not count."""
        closed_at = self.closed_at if self.status is TicketStatus.CLOSED else None
        old = self._step(TicketStatus.REOPENED, by, at)
        if closed_at is not None:
            self.pauses.append(Pause(closed_at, at))
            self.closed_at = None
        self.resolved_at = None
        return old

    def _step(self, new: TicketStatus, by: ActorKind, at: datetime) -> TicketStatus:
        old = self.status
        check_transition(old, new, by)
        self.status = new
        if new in PAUSED_STATUSES or (self.awaiting_estimate and new.is_open):
            self.pause(at)
        else:
            self.resume(at)
        self.updated_at = at
        return old

    def await_estimate(self, at: datetime) -> None:
        """An estimate went to the client: the resolution clock stands still until they
        decide."""
        self.awaiting_estimate = True
        self.pause(at)
        self.updated_at = at

    def estimate_decided(self, at: datetime) -> None:
        """The client decided on the estimate: the clock runs again, unless the ticket
        waits for them for another reason (a question, a fix to confirm)."""
        self.awaiting_estimate = False
        if self.status not in PAUSED_STATUSES:
            self.resume(at)
        self.updated_at = at

    def pause(self, at: datetime) -> None:
        if not self.is_paused:
            self.pauses.append(Pause(at))

    def resume(self, at: datetime) -> None:
        if self.is_paused:
            self.pauses[-1] = Pause(self.pauses[-1].started_at, max(at, self.pauses[-1].started_at))

    def time_left(self, client: Client, at: datetime) -> timedelta | None:
        """Working time left to resolve it; None while its resolution time is to be agreed."""
        return self.sla_clock(client).resolution_left(at)


def title_from(description: str, limit: int = 60) -> str:
    """A short one-line title for lists and topic names, cut at a word boundary."""
    line = " ".join(description.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(",.;:-") + "…"
