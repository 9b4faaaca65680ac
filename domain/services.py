"""Use cases of the front desk. Each takes a unit of work and a clock, changes the model
through the repositories, and returns the domain events it caused. None commits: the
caller's unit of work does, so the change and what must be told about it land together.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Generic, TypeVar

from domain import events as ev
from domain.calendar import WorkCalendar
from domain.classification import classify
from domain.duty import DutyShift, WeeklyDuty
from domain.enums import (
    Category,
    EmployeeRole,
    Priority,
    RequestType,
    Scope,
    SlaTier,
    StaffRole,
    TicketKind,
    TicketStatus,
    WorkImpact,
)
from domain.errors import AccessDenied, InvalidInput, InviteUnusable, NotFound
from domain.lifecycle import ActorKind
from domain.model import (
    Attachment,
    Client,
    Employee,
    Invite,
    Plan,
    PriorityChange,
    Rating,
    Staff,
    Ticket,
    TicketMessage,
    WorkLog,
    title_from,
)
from domain.paging import after_hours_call, raise_alarm
from domain.ports import Clock, UnitOfWork
from domain.priority import assess_priority
from domain.routing import REOPEN_CLOSED_WITHIN, Conversation, Incoming, Route, gist_of, route
from domain.sla import SlaTable

MAX_DESCRIPTION_LENGTH = 16_000  # ~4 Telegram messages; stored whole, split when relayed
MAX_COMMENT_LENGTH = 16_000
MAX_REASON_LENGTH = 1_000
MAX_WORK_LOG_MINUTES = 24 * 60


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a use case produced, and the events it caused."""

    value: T
    events: tuple[ev.Event, ...] = ()


# --- helpers -------------------------------------------------------------------------


def _clean_text(text: str, *, limit: int, what: str, allow_empty: bool = False) -> str:
    cleaned = text.strip()
    if not cleaned and not allow_empty:
        raise InvalidInput(f"the {what} is empty", field=what)
    if len(cleaned) > limit:
        raise InvalidInput(f"the {what} is longer than {limit} characters", field=what, limit=limit)
    return cleaned


async def _client(uow: UnitOfWork, client_id: int) -> Client:
    client = await uow.clients.get(client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client


async def _active_staff(uow: UnitOfWork, tg_id: int) -> Staff:
    staff = await uow.staff.get(tg_id)
    if staff is None or not staff.active:
        raise AccessDenied("only registered staff may do this")
    return staff


async def _active_employee(uow: UnitOfWork, tg_id: int) -> Employee:
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is None or not employee.active:
        raise AccessDenied("you are not registered with any client company")
    return employee


async def _ticket(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket


def can_view(ticket: Ticket, employee: Employee) -> bool:
    """An employee sees their own tickets; a director sees the whole company's."""
    if ticket.client_id != employee.client_id:
        return False
    return ticket.employee_id == employee.id or employee.is_director


async def ticket_for_employee(uow: UnitOfWork, ticket_id: int, tg_id: int) -> Ticket:
    """The ticket if this employee may see it; otherwise NotFound, never revealing it exists."""
    employee = await _active_employee(uow, tg_id)
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not can_view(ticket, employee):
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket


async def _own_ticket(uow: UnitOfWork, ticket_id: int, tg_id: int) -> tuple[Ticket, Employee]:
    """A ticket the employee may act on: their own (a director may act on the company's)."""
    employee = await _active_employee(uow, tg_id)
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not can_view(ticket, employee):
        raise NotFound(f"ticket №{ticket_id} not found")
    return ticket, employee


def _meet_reaction(ticket: Ticket, staff_tg_id: int, at: datetime) -> list[ev.Event]:
    if ticket.first_response_at is not None:
        return []
    ticket.first_response_at = at
    return [ev.ReactionMet(ticket.number, staff_tg_id)]


def _status_changed(ticket: Ticket, old: TicketStatus, by_tg_id: int | None) -> ev.StatusChanged:
    return ev.StatusChanged(ticket.number, old, ticket.status, by_tg_id)


# --- clients, invites, employees, staff -----------------------------------------------


async def register_client(
    uow: UnitOfWork,
    clock: Clock,
    *,
    name: str,
    tier: SlaTier = SlaTier.BRONZE,
    timezone: str = "Europe/Moscow",
    opens: time = time(9, 0),
    closes: time = time(18, 0),
    weekdays: frozenset[int] = frozenset(range(5)),
    country: str | None = "RU",
    round_the_clock: bool = False,
    manager_tg_id: int | None = None,
    custom_sla: SlaTable | None = None,
    plan: Plan | None = None,
) -> Outcome[Client]:
    """Register a client company with its tier, calendar, 24/7 flag and personal manager."""
    name = _clean_text(name, limit=200, what="name")
    WorkCalendar(timezone, opens, closes, weekdays, country)  # validates; raises ValueError
    if manager_tg_id is not None:
        manager = await uow.staff.get(manager_tg_id)
        if manager is None:
            raise NotFound(f"staff member {manager_tg_id} not found")
    client = await uow.clients.add(
        Client(
            name=name,
            tier=SlaTier(tier),
            timezone=timezone,
            opens=opens,
            closes=closes,
            weekdays=frozenset(weekdays),
            country=country,
            round_the_clock=round_the_clock,
            manager_tg_id=manager_tg_id,
            custom_sla=custom_sla,
            plan=plan,
            created_at=clock.now(),
        )
    )
    assert client.id is not None
    return Outcome(client, (ev.ClientRegistered(client.id),))


async def set_plan(uow: UnitOfWork, *, client_id: int, plan: Plan) -> Outcome[Client]:
    """The client's monthly subscription: fee, hours included, extra rate, reserve cap."""
    if plan.monthly_fee < 0 or plan.hours_included < 0 or plan.extra_hour_rate < 0:
        raise InvalidInput("a plan's amounts cannot be negative", field="plan")
    if plan.reserve_cap < 0:
        raise InvalidInput("the reserve cap cannot be negative", field="plan")
    client = await _client(uow, client_id)
    client.plan = plan
    await uow.clients.update(client)
    return Outcome(client)


async def create_invite(
    uow: UnitOfWork,
    clock: Clock,
    *,
    client_id: int,
    role: EmployeeRole = EmployeeRole.EMPLOYEE,
    max_uses: int = 1,
    valid_for: timedelta | None = timedelta(days=7),
    code: str | None = None,
) -> Outcome[Invite]:
    """An invite code a client's employees use to register with the bot."""
    await _client(uow, client_id)
    if max_uses < 1:
        raise InvalidInput("an invite must allow at least one use", field="uses")
    now = clock.now()
    invite = Invite(
        code=code or secrets.token_urlsafe(9),
        client_id=client_id,
        role=EmployeeRole(role),
        max_uses=max_uses,
        expires_at=now + valid_for if valid_for is not None else None,
        created_at=now,
    )
    return Outcome(await uow.invites.add(invite))


async def check_invite(uow: UnitOfWork, clock: Clock, code: str) -> Invite:
    """The invite if it can still be used; InviteUnusable with the reason otherwise."""
    invite = await uow.invites.get(code.strip()) if code.strip() else None
    if invite is None:
        raise InviteUnusable("this invite code is unknown", reason="unknown")
    reason = invite.unusable_reason(clock.now())
    if reason is not None:
        raise InviteUnusable(f"this invite code is {reason.replace('_', ' ')}", reason=reason)
    return invite


async def register_employee(
    uow: UnitOfWork,
    clock: Clock,
    *,
    code: str,
    tg_id: int,
    name: str,
    locale: str | None = None,
    username: str | None = None,
    phone: str | None = None,
) -> Outcome[Employee]:
    """Register the person behind `tg_id` with the invite's company, using one invite use."""
    invite = await check_invite(uow, clock, code)
    name = _clean_text(name, limit=200, what="name")
    existing = await uow.employees.by_tg_id(tg_id)
    if existing is not None and existing.active:
        if existing.client_id != invite.client_id:
            raise InvalidInput("you are already registered with another company", field="invite")
        return Outcome(existing)
    invite.used += 1
    await uow.invites.update(invite)
    employee = Employee(
        client_id=invite.client_id,
        tg_id=tg_id,
        name=name,
        role=invite.role,
        phone=phone,
        locale=locale,
        username=username,
        created_at=clock.now(),
    )
    if existing is not None:  # came back after being deactivated
        employee.id = existing.id
        await uow.employees.update(employee)
    else:
        employee = await uow.employees.add(employee)
    assert employee.id is not None
    return Outcome(employee, (ev.EmployeeRegistered(invite.client_id, employee.id),))


async def update_employee_profile(
    uow: UnitOfWork,
    tg_id: int,
    *,
    name: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
) -> Outcome[Employee]:
    employee = await _active_employee(uow, tg_id)
    if name is not None:
        employee.name = _clean_text(name, limit=200, what="name")
    if phone is not None:
        employee.phone = _clean_text(phone, limit=32, what="phone")
    if locale is not None:
        employee.locale = locale
    await uow.employees.update(employee)
    return Outcome(employee)


async def add_staff(
    uow: UnitOfWork,
    clock: Clock,
    *,
    tg_id: int,
    name: str,
    role: StaffRole,
    notify_all_priorities: bool | None = None,
) -> Outcome[Staff]:
    """Add a staff member, or update one; a personal manager hears of every new ticket of
    their clients, or (`notify_all_priorities=False`) only of High and Highest ones."""
    name = _clean_text(name, limit=200, what="name")
    existing = await uow.staff.get(tg_id)
    if existing is not None:
        existing.name, existing.role, existing.active = name, StaffRole(role), True
        if notify_all_priorities is not None:
            existing.notify_all_priorities = notify_all_priorities
        await uow.staff.update(existing)
        return Outcome(existing)
    staff = Staff(tg_id=tg_id, name=name, role=StaffRole(role), created_at=clock.now())
    if notify_all_priorities is not None:
        staff.notify_all_priorities = notify_all_priorities
    return Outcome(await uow.staff.add(staff))


# --- taking access away ----------------------------------------------------------------

ACCESS_REMOVED = "access removed"


def may_hear_about(ticket: Ticket, employee: Employee) -> bool:
    """Whether the ticket's author is still told about it: not once their access is gone,
    nor after they moved to another company (the ticket stays with the old one)."""
    return employee.active and employee.client_id == ticket.client_id


async def author_hears(uow: UnitOfWork, ticket_id: int) -> bool:
    """Whether a staff answer on this ticket reaches the employee who wrote it."""
    ticket = await _ticket(uow, ticket_id)
    employee = await uow.employees.get(ticket.employee_id)
    return employee is not None and may_hear_about(ticket, employee)


@dataclass(frozen=True, slots=True)
class Removal:
    """What taking a person's access away did: their open tickets stay where they are
    (with the company, or assigned to the staff member), what was queued for them is
    dropped."""

    name: str
    open_tickets: int
    dropped_messages: int
    managed_clients: int = 0


async def _remove_employee(uow: UnitOfWork, employee: Employee) -> Outcome[Removal]:
    assert employee.id is not None
    employee.active = False
    await uow.employees.update(employee)
    open_tickets = await uow.tickets.list_by_employee(
        employee.id, open_only=True, limit=100_000, client_id=employee.client_id
    )
    dropped = await uow.outbox.drop_pending(employee.tg_id, ACCESS_REMOVED)
    return Outcome(
        Removal(employee.name, len(open_tickets), dropped),
        (ev.EmployeeRemoved(employee.client_id, employee.id),),
    )


async def remove_employee(uow: UnitOfWork, *, tg_id: int) -> Outcome[Removal]:
    """An administrator takes a client employee's (or director's) access away: from the
    next update on they are a stranger; their tickets stay in the company's history."""
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is None or not employee.active:
        raise NotFound(f"employee {tg_id} not found")
    return await _remove_employee(uow, employee)


async def colleagues(uow: UnitOfWork, *, director_tg_id: int) -> list[Employee]:
    """The people of the director's company who have access, the director first."""
    director = await _active_employee(uow, director_tg_id)
    if not director.is_director:
        raise AccessDenied("only the company's director manages its people")
    people = [e for e in await uow.employees.list_by_client(director.client_id) if e.active]
    return sorted(people, key=lambda e: (e.id != director.id, e.name.casefold(), e.id or 0))


async def remove_colleague(
    uow: UnitOfWork, *, director_tg_id: int, employee_id: int
) -> Outcome[Removal]:
    """A director takes a colleague's access away (never their own)."""
    director = await _active_employee(uow, director_tg_id)
    if not director.is_director:
        raise AccessDenied("only the company's director manages its people")
    employee = await uow.employees.get(employee_id)
    if employee is None or not employee.active or employee.client_id != director.client_id:
        raise NotFound(f"employee {employee_id} not found")
    if employee.id == director.id:
        raise InvalidInput("a director cannot remove themselves", field="employee")
    return await _remove_employee(uow, employee)


async def revoke_invite(uow: UnitOfWork, *, code: str) -> Outcome[Invite]:
    """Nobody else registers with this invite (those who did keep their access)."""
    invite = await uow.invites.get(code.strip()) if code.strip() else None
    if invite is None:
        raise NotFound(f"invite {code} not found")
    if not invite.revoked:
        invite.revoked = True
        await uow.invites.update(invite)
    return Outcome(invite)


async def deactivate_staff(uow: UnitOfWork, *, tg_id: int) -> Outcome[Removal]:
    """A staff member leaves: no staff command or button works for them from the next
    update on, they are paged and notified no more, and what was queued for them is
    dropped. Their open tickets keep them as the assignee until somebody reassigns them."""
    staff = await _active_staff_member(uow, tg_id)
    staff.active = False
    await uow.staff.update(staff)
    assigned = [t for t in await uow.tickets.list_open() if t.assignee_tg_id == tg_id]
    managed = await uow.clients.by_manager(tg_id)
    dropped = await uow.outbox.drop_pending(tg_id, ACCESS_REMOVED)
    return Outcome(Removal(staff.name, len(assigned), dropped, len(managed)))


# --- tickets: the employee ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """What the intake learned from the employee."""

    description: str
    kind: TicketKind
    category: Category = Category.OTHER
    impact: WorkImpact | None = None
    scope: Scope | None = None
    request_type: RequestType | None = None
    attachments: tuple[Attachment, ...] = ()
    emergency: bool = False  # the employee asked for help now, after hours

    @property
    def priority(self) -> Priority:
        return assess_priority(
            self.kind, impact=self.impact, scope=self.scope, request_type=self.request_type
        )


@dataclass(frozen=True, slots=True)
class DeadlinePreview:
    """What the summary card promises before the ticket is sent."""

    priority: Priority
    after_hours: bool
    clock_starts_at: datetime
    reaction_due: datetime
    resolution_due: datetime


def preview_deadlines(client: Client, draft: TicketDraft, now: datetime) -> DeadlinePreview:
    """The deadlines the ticket would get if it were registered `now`."""
    priority = draft.priority
    probe = Ticket(
        client_id=client.id or 0,
        employee_id=0,
        kind=draft.kind,
        category=draft.category,
        priority=priority,
        title="",
        description="",
        registered_at=now,
    )
    clock = probe.sla_clock(client)
    deadlines = clock.deadlines()
    assert deadlines.resolution_due is not None
    return DeadlinePreview(
        priority=priority,
        after_hours=not clock.calendar.is_working(now),
        clock_starts_at=clock.clock_starts_at,
        reaction_due=deadlines.reaction_due,
        resolution_due=deadlines.resolution_due,
    )


async def open_ticket(
    uow: UnitOfWork,
    clock: Clock,
    *,
    employee_tg_id: int,
    draft: TicketDraft,
    intake_key: str | None = None,
) -> Outcome[Ticket]:
    """Register a ticket with its SLA due times. The same `intake_key` twice gives back the
    ticket registered the first time and no new events (a double tap on "send")."""
    employee = await _active_employee(uow, employee_tg_id)
    if intake_key is not None:
        existing = await uow.tickets.by_intake_key(intake_key)
        if existing is not None:
            return Outcome(existing)
    description = _clean_text(
        draft.description,
        limit=MAX_DESCRIPTION_LENGTH,
        what="description",
        allow_empty=bool(draft.attachments),
    )
    client = await _client(uow, employee.client_id)
    now = clock.now()
    priority = draft.priority
    assert employee.id is not None
    ticket = Ticket(
        client_id=client.id or 0,
        employee_id=employee.id,
        kind=draft.kind,
        category=draft.category,
        priority=priority,
        title=title_from(description) if description else "📎",
        description=description,
        registered_at=now,
        request_type=draft.request_type,
        impact=draft.impact,
        scope=draft.scope,
        updated_at=now,
    )
    ticket.after_hours = not client.calendar_for(priority).is_working(now)
    # Outside working hours some tickets cannot wait: they page the on-duty engineer.
    call = after_hours_call(client, priority, asked=draft.emergency, at=now)
    ticket.emergency = call is not None and call.emergency
    ticket.refresh_deadlines(client)
    ticket = await uow.tickets.add(ticket, intake_key=intake_key)
    if draft.attachments:
        await uow.tickets.add_message(
            TicketMessage(
                ticket_id=ticket.number,
                author="employee",
                author_tg_id=employee_tg_id,
                text="",
                attachments=draft.attachments,
                created_at=now,
            )
        )
    events: list[ev.Event] = [ev.TicketOpened(ticket.number)]
    if call is not None:
        events.extend(await raise_alarm(uow, clock, ticket, client, call))
    return Outcome(ticket, tuple(events))


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
    employee = await _active_employee(uow, tg_id)
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
    message = Incoming(gist_of(text), has_files, category, reply)
    where = route(message, [c for c in found if c.status.is_open], clock.now())
    return Routing(where, {c.number: c for c in found})


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
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    text = _clean_text(
        text, limit=MAX_COMMENT_LENGTH, what="comment", allow_empty=bool(attachments)
    )
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
        events.append(_status_changed(ticket, old, tg_id))
        client = await _client(uow, ticket.client_id)
        ticket.refresh_deadlines(client)
        events.append(ev.DeadlinesChanged(ticket.number))
        await uow.tickets.update(ticket)
    events.insert(0, ev.EmployeeCommented(ticket.number, message.id, resumed))
    return Outcome(message, tuple(events))


async def cancel_by_employee(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, reason: str = ""
) -> Outcome[Ticket]:
    """The employee withdraws a ticket nobody has started on yet."""
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    reason = _clean_text(reason, limit=MAX_REASON_LENGTH, what="reason", allow_empty=True)
    old = ticket.cancel(ActorKind.EMPLOYEE, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket,
        (_status_changed(ticket, old, tg_id), ev.TicketCancelled(ticket.number, True, reason)),
    )


async def confirm_resolution(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int
) -> Outcome[Ticket]:
    """ "Всё работает": the employee confirms the fix and the ticket closes."""
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    old = ticket.close(ActorKind.EMPLOYEE, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket, (_status_changed(ticket, old, tg_id), ev.TicketClosed(ticket.number, False))
    )


async def reopen(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, reason: str = ""
) -> Outcome[Ticket]:
    """ "Не работает": the employee sends a resolved ticket back to work (saying why, or
    saying it next as a comment); a ticket closed lately may be reopened too (the days it
    stood closed do not count)."""
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    reason = _clean_text(reason, limit=MAX_COMMENT_LENGTH, what="reason", allow_empty=True)
    now = clock.now()
    closed_at = ticket.closed_at if ticket.status is TicketStatus.CLOSED else None
    if closed_at is not None and now - closed_at > REOPEN_CLOSED_WITHIN:
        raise InvalidInput("the ticket was closed too long ago to reopen", field="ticket")
    old = ticket.reopen(ActorKind.EMPLOYEE, now)
    client = await _client(uow, ticket.client_id)
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
            _status_changed(ticket, old, tg_id),
            ev.TicketReopened(ticket.number, reason),
            ev.DeadlinesChanged(ticket.number),
        ),
    )


async def rate(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, score: int, comment: str = ""
) -> Outcome[Rating]:
    """A 1–5 rating of a closed ticket, once."""
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    if ticket.status is not TicketStatus.CLOSED:
        raise InvalidInput("only a closed ticket can be rated", field="ticket")
    if not 1 <= score <= 5:
        raise InvalidInput("the rating is from 1 to 5", field="score")
    if await uow.tickets.rating(ticket.number) is not None:
        raise InvalidInput("this ticket is already rated", field="ticket")
    comment = _clean_text(comment, limit=MAX_REASON_LENGTH, what="comment", allow_empty=True)
    rating = Rating(ticket.number, score, comment, clock.now())
    await uow.tickets.add_rating(rating)
    return Outcome(rating, (ev.TicketRated(ticket.number, score, comment),))


async def comment_rating(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, tg_id: int, comment: str
) -> Outcome[Rating]:
    """A comment added to the rating the employee just gave."""
    ticket, _ = await _own_ticket(uow, ticket_id, tg_id)
    rating = await uow.tickets.rating(ticket.number)
    if rating is None:
        raise InvalidInput("this ticket is not rated yet", field="ticket")
    comment = _clean_text(comment, limit=MAX_REASON_LENGTH, what="comment")
    updated = Rating(rating.ticket_id, rating.score, comment, rating.at)
    await uow.tickets.update_rating(updated)
    return Outcome(updated, (ev.TicketRated(ticket.number, rating.score, comment),))


# --- tickets: staff -------------------------------------------------------------------


async def take(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """The presser takes the ticket into work; this meets the reaction SLA."""
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    now = clock.now()
    events: list[ev.Event] = []
    if ticket.status is TicketStatus.IN_PROGRESS:
        if ticket.assignee_tg_id == staff_tg_id:
            raise InvalidInput("you already have this ticket", field="ticket")
    else:
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(_status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await _client(uow, ticket.client_id))  # a pause may have ended
    ticket.assignee_tg_id = staff_tg_id
    events.append(ev.TicketTaken(ticket.number, staff_tg_id))
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    return Outcome(ticket, tuple(events))


async def assign(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, assignee_tg_id: int
) -> Outcome[Ticket]:
    """Hand the ticket to the second line or a named engineer."""
    await _active_staff(uow, staff_tg_id)
    assignee = await uow.staff.get(assignee_tg_id)
    if assignee is None or not assignee.active:
        raise NotFound(f"staff member {assignee_tg_id} not found")
    ticket = await _ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    events: list[ev.Event] = []
    now = clock.now()
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED):  # it is in somebody's hands
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(_status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await _client(uow, ticket.client_id))
    ticket.assignee_tg_id = assignee_tg_id
    ticket.updated_at = now
    events.append(ev.TicketAssigned(ticket.number, assignee_tg_id, staff_tg_id))
    # Taken into work by a named engineer, and the client told so: the reaction is met.
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    await uow.tickets.update(ticket)
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
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    text = _clean_text(text, limit=MAX_COMMENT_LENGTH, what="reply", allow_empty=bool(attachments))
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
    events: list[ev.Event] = [ev.StaffReplied(ticket.number, message.id, staff_tg_id, in_thread)]
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED):
        old = ticket.start_work(ActorKind.STAFF, now)
        events.append(_status_changed(ticket, old, staff_tg_id))
        ticket.refresh_deadlines(await _client(uow, ticket.client_id))
        if ticket.assignee_tg_id is None:
            ticket.assignee_tg_id = staff_tg_id
    events.extend(_meet_reaction(ticket, staff_tg_id, now))
    ticket.updated_at = now
    await uow.tickets.update(ticket)
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
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    question = _clean_text(question, limit=MAX_COMMENT_LENGTH, what="question")
    now = clock.now()
    old = ticket.wait_for_client(ActorKind.STAFF, now)
    if ticket.assignee_tg_id is None:
        ticket.assignee_tg_id = staff_tg_id
    events: list[ev.Event] = [_status_changed(ticket, old, staff_tg_id)]
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
    ticket.refresh_deadlines(await _client(uow, ticket.client_id))
    await uow.tickets.update(ticket)
    events.append(ev.ClientQuestionAsked(ticket.number, message.id, staff_tg_id, in_thread))
    events.append(ev.DeadlinesChanged(ticket.number))
    return Outcome(message, tuple(events))


async def resume_work(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int
) -> Outcome[Ticket]:
    """Staff stop waiting for the client without an answer: the clock runs again."""
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    old = ticket.start_work(ActorKind.STAFF, clock.now())
    ticket.refresh_deadlines(await _client(uow, ticket.client_id))
    await uow.tickets.update(ticket)
    return Outcome(
        ticket, (_status_changed(ticket, old, staff_tg_id), ev.DeadlinesChanged(ticket.number))
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
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    summary = _clean_text(summary, limit=MAX_COMMENT_LENGTH, what="summary", allow_empty=True)
    now = clock.now()
    old = ticket.resolve(ActorKind.STAFF, now)
    if ticket.assignee_tg_id is None:
        ticket.assignee_tg_id = staff_tg_id
    events: list[ev.Event] = [_status_changed(ticket, old, staff_tg_id)]
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
    return Outcome(ticket, tuple(events))


async def close_unconfirmed(uow: UnitOfWork, clock: Clock, *, ticket_id: int) -> Outcome[Ticket]:
    """A resolved ticket the employee never answered closes by itself."""
    ticket = await _ticket(uow, ticket_id)
    old = ticket.close(ActorKind.SYSTEM, clock.now())
    await uow.tickets.update(ticket)
    return Outcome(
        ticket, (_status_changed(ticket, old, None), ev.TicketClosed(ticket.number, True))
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
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    reason = _clean_text(reason, limit=MAX_REASON_LENGTH, what="reason")
    priority = Priority(priority)
    if priority is ticket.priority:
        raise InvalidInput("the ticket already has this priority", field="priority")
    now = clock.now()
    old = ticket.priority
    ticket.priority = priority
    ticket.refresh_deadlines(await _client(uow, ticket.client_id))
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


async def log_work(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, minutes: int, note: str = ""
) -> Outcome[WorkLog]:
    """Record work hours ("нормочасы") spent on the ticket."""
    await _active_staff(uow, staff_tg_id)
    ticket = await _ticket(uow, ticket_id)
    if not 0 < minutes <= MAX_WORK_LOG_MINUTES:
        raise InvalidInput("work time is from 1 minute to 24 hours per entry", field="minutes")
    note = _clean_text(note, limit=MAX_REASON_LENGTH, what="note", allow_empty=True)
    entry = WorkLog(ticket.number, staff_tg_id, minutes, clock.now(), note)
    await uow.tickets.add_work_log(entry)
    return Outcome(entry, (ev.WorkLogged(ticket.number, staff_tg_id, minutes),))


# --- after hours: pages and the duty rota ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    ticket_id: int
    by_tg_id: int  # who acknowledged it (somebody else, when `first` is False)
    first: bool


async def acknowledge_page(
    uow: UnitOfWork, clock: Clock, *, page_id: int, staff_tg_id: int
) -> Outcome[Acknowledgement]:
    """ "Принял": the presser is on it. Every page of the ticket stops, the acknowledgement
    is recorded, and a ticket nobody has started on is taken (the employee hears who)."""
    await _active_staff(uow, staff_tg_id)
    page = await uow.pages.get(page_id)
    if page is None:
        raise NotFound(f"page {page_id} not found")
    pages = await uow.pages.for_ticket(page.ticket_id)
    earlier = next((p for p in pages if p.acknowledged_by is not None), None)
    if earlier is not None:
        assert earlier.acknowledged_by is not None
        return Outcome(Acknowledgement(page.ticket_id, earlier.acknowledged_by, False))
    now = clock.now()
    ticket = await _ticket(uow, page.ticket_id)
    taken_by = ticket.assignee_tg_id
    if ticket.first_response_at is not None and taken_by not in (None, staff_tg_id):
        # Somebody took it from the card meanwhile: they are on it, the pages are over.
        assert taken_by is not None
        for each in pages:
            if each.next_at is not None:
                each.next_at = None
                await uow.pages.update(each)
        return Outcome(Acknowledgement(page.ticket_id, taken_by, False))
    if not ticket.is_open:
        raise NotFound(f"ticket {ticket.number} is finished; the page is over")
    for each in pages:
        each.acknowledged_by, each.acknowledged_at, each.next_at = staff_tg_id, now, None
        await uow.pages.update(each)
    others = tuple(sorted({p.target_tg_id for p in pages} - {staff_tg_id}))
    events: list[ev.Event] = [ev.PageAcknowledged(page.ticket_id, staff_tg_id, others)]
    if ticket.status in (TicketStatus.NEW, TicketStatus.REOPENED) or (
        ticket.is_open and ticket.assignee_tg_id is None and ticket.first_response_at is None
    ):
        with_take = await take(uow, clock, ticket_id=ticket.number, staff_tg_id=staff_tg_id)
        events.extend(with_take.events)
    return Outcome(Acknowledgement(page.ticket_id, staff_tg_id, True), tuple(events))


async def add_duty_shift(
    uow: UnitOfWork, *, staff_tg_id: int, starts_at: datetime, ends_at: datetime
) -> Outcome[DutyShift]:
    """A one-off duty shift of a staff member."""
    await _active_staff_member(uow, staff_tg_id)
    try:
        shift = DutyShift(staff_tg_id, starts_at, ends_at)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="shift") from None
    return Outcome(await uow.duty.add_shift(shift))


async def add_weekly_duty(
    uow: UnitOfWork,
    *,
    staff_tg_id: int,
    weekdays: frozenset[int],
    starts: time,
    ends: time,
    timezone: str,
) -> Outcome[WeeklyDuty]:
    """A duty shift repeated every week (e.g. mon-fri 18:00-09:00)."""
    await _active_staff_member(uow, staff_tg_id)
    try:
        pattern = WeeklyDuty(staff_tg_id, frozenset(weekdays), starts, ends, timezone)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="weekly") from None
    return Outcome(await uow.duty.add_weekly(pattern))


async def remove_duty(uow: UnitOfWork, *, entry_id: int) -> Outcome[int]:
    if not await uow.duty.remove(entry_id):
        raise NotFound(f"duty entry {entry_id} not found")
    return Outcome(entry_id)


async def _active_staff_member(uow: UnitOfWork, tg_id: int) -> Staff:
    staff = await uow.staff.get(tg_id)
    if staff is None or not staff.active:
        raise NotFound(f"staff member {tg_id} not found")
    return staff
