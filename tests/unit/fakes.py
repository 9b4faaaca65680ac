"""In-memory implementations of the domain ports, for unit tests of the use cases."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.duty import DutyRota, DutyShift, WeeklyDuty
from domain.estimates import Estimate
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
from domain.plan_changes import PlanChange
from domain.ports import OutboxMessage, SlaEventRecord
from domain.routing import Conversation

MSK = ZoneInfo("Europe/Moscow")
# Telegram ids of the people in the unit tests' common world (tests/unit/conftest.py).
ENGINEER, MANAGER = 501, 502
EMPLOYEE_TG, COLLEAGUE_TG, DIRECTOR_TG, STRANGER_TG = 1001, 1002, 1003, 9999


def msk(*args: int) -> datetime:
    """A moment in Moscow, where the unit tests' clients are."""
    return datetime(*args, tzinfo=MSK)


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **amount: float) -> None:
        self.at += timedelta(**amount)


class _Store:
    def __init__(self) -> None:
        self.clients: dict[int, Client] = {}
        self.employees: dict[int, Employee] = {}
        self.staff: dict[int, Staff] = {}
        self.invites: dict[str, Invite] = {}
        self.tickets: dict[int, Ticket] = {}
        self.intake_keys: dict[str, int] = {}
        self.messages: list[TicketMessage] = []
        self.priority_changes: list[PriorityChange] = []
        self.agreed_resolutions: list = []
        self.work_logs: list[WorkLog] = []
        self.estimates: list[Estimate] = []
        self.ratings: dict[int, Rating] = {}
        self.outbox: list[OutboxMessage] = []
        self.dropped: list[tuple[OutboxMessage, str]] = []  # what drop_pending gave up
        self.sla_events: dict[tuple[int, str], SlaEventRecord] = {}
        self.duty: dict[int, DutyShift | WeeklyDuty] = {}
        self.pages: dict[int, Page] = {}
        self.plan_changes: dict[int, dict[date, PlanChange]] = {}


class FakeClients:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, client: Client) -> Client:
        client.id = len(self.s.clients) + 1
        self.s.clients[client.id] = copy.deepcopy(client)
        return client

    async def get(self, client_id: int) -> Client | None:
        return copy.deepcopy(self.s.clients.get(client_id))

    async def update(self, client: Client) -> None:
        self.s.clients[client.id] = copy.deepcopy(client)  # type: ignore[index]

    async def list(self) -> list[Client]:
        return [copy.deepcopy(c) for c in self.s.clients.values()]

    async def by_manager(self, manager_tg_id: int) -> list[Client]:
        return [
            copy.deepcopy(c) for c in self.s.clients.values() if c.manager_tg_id == manager_tg_id
        ]

    async def plan_changes(self, client_id: int) -> list[PlanChange]:
        changes = self.s.plan_changes.get(client_id, {})
        return [changes[month] for month in sorted(changes)]

    async def set_plan_change(self, client_id: int, change: PlanChange, at: datetime) -> None:
        self.s.plan_changes.setdefault(client_id, {})[change.from_month] = change


class FakeEmployees:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, employee: Employee) -> Employee:
        employee.id = len(self.s.employees) + 1
        self.s.employees[employee.id] = copy.deepcopy(employee)
        return employee

    async def get(self, employee_id: int) -> Employee | None:
        return copy.deepcopy(self.s.employees.get(employee_id))

    async def by_tg_id(self, tg_id: int) -> Employee | None:
        found = [e for e in self.s.employees.values() if e.tg_id == tg_id]
        return copy.deepcopy(found[0]) if found else None

    async def update(self, employee: Employee) -> None:
        self.s.employees[employee.id] = copy.deepcopy(employee)  # type: ignore[index]

    async def list_by_client(self, client_id: int) -> list[Employee]:
        return [copy.deepcopy(e) for e in self.s.employees.values() if e.client_id == client_id]


class FakeStaff:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, staff: Staff) -> Staff:
        self.s.staff[staff.tg_id] = copy.deepcopy(staff)
        return staff

    async def get(self, tg_id: int) -> Staff | None:
        return copy.deepcopy(self.s.staff.get(tg_id))

    async def update(self, staff: Staff) -> None:
        self.s.staff[staff.tg_id] = copy.deepcopy(staff)

    async def list(self, role=None) -> list[Staff]:
        return [copy.deepcopy(s) for s in self.s.staff.values() if role is None or s.role == role]


class FakeInvites:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, invite: Invite) -> Invite:
        self.s.invites[invite.code] = copy.deepcopy(invite)
        return invite

    async def get(self, code: str) -> Invite | None:
        return copy.deepcopy(self.s.invites.get(code))

    async def update(self, invite: Invite) -> None:
        self.s.invites[invite.code] = copy.deepcopy(invite)

    async def list_by_client(self, client_id: int) -> list[Invite]:
        return [copy.deepcopy(i) for i in self.s.invites.values() if i.client_id == client_id]


class FakeTickets:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, ticket: Ticket, intake_key: str | None = None) -> Ticket:
        ticket.id = len(self.s.tickets) + 1
        self.s.tickets[ticket.id] = copy.deepcopy(ticket)
        if intake_key:
            self.s.intake_keys[intake_key] = ticket.id
        return ticket

    async def by_intake_key(self, intake_key: str) -> Ticket | None:
        number = self.s.intake_keys.get(intake_key)
        return copy.deepcopy(self.s.tickets[number]) if number else None

    async def get(self, ticket_id: int) -> Ticket | None:
        return copy.deepcopy(self.s.tickets.get(ticket_id))

    async def get_many(self, ticket_ids):
        return {n: copy.deepcopy(self.s.tickets[n]) for n in ticket_ids if n in self.s.tickets}

    async def update(self, ticket: Ticket) -> None:
        self.s.tickets[ticket.number] = copy.deepcopy(ticket)

    async def list_by_employee(
        self, employee_id, *, open_only=False, limit=50, offset=0, client_id=None
    ):
        found = [
            t
            for t in self.s.tickets.values()
            if t.employee_id == employee_id and client_id in (None, t.client_id)
        ]
        return [copy.deepcopy(t) for t in found if t.is_open or not open_only][
            offset : offset + limit
        ]

    async def list_by_client(self, client_id, *, open_only=False, limit=50, offset=0):
        found = [t for t in self.s.tickets.values() if t.client_id == client_id]
        return [copy.deepcopy(t) for t in found if t.is_open or not open_only][
            offset : offset + limit
        ]

    async def list_open(self):
        return [copy.deepcopy(t) for t in self.s.tickets.values() if t.is_open]

    async def conversations(self, employee_id: int, client_id: int, *, also: int | None = None):
        def last_word(said: list[TicketMessage]) -> TicketMessage | None:
            talk = [m for m in said if m.author in ("staff", "employee")]
            return talk[-1] if talk and talk[-1].author == "staff" else None

        found = []
        for t in self.s.tickets.values():
            mine = t.employee_id == employee_id and t.client_id == client_id
            if not mine or not (t.is_open or t.id == also):
                continue
            said = [m for m in self.s.messages if m.ticket_id == t.id and not m.internal]
            staff = [m.created_at for m in said if m.author == "staff"]
            mine = [t.registered_at, *(m.created_at for m in said if m.author == "employee")]
            moments = [t.registered_at, t.first_response_at, t.resolved_at, *staff]
            exchanged = max(m for m in moments if m is not None)
            found.append(
                Conversation(
                    t.number,
                    t.status,
                    t.category,
                    t.title,
                    exchanged,
                    max(mine, default=None),
                    t.closed_at,
                    len(staff),
                    last.created_at if (last := last_word(said)) else None,
                    last.text if last else "",
                )
            )
        return found

    async def add_message(self, message: TicketMessage) -> TicketMessage:
        message = replace(message, id=len(self.s.messages) + 1)
        self.s.messages.append(message)
        return message

    async def messages(self, ticket_id: int):
        return [m for m in self.s.messages if m.ticket_id == ticket_id]

    async def add_priority_change(self, change: PriorityChange) -> None:
        self.s.priority_changes.append(change)

    async def priority_changes(self, ticket_id: int):
        return [c for c in self.s.priority_changes if c.ticket_id == ticket_id]

    async def add_agreed_resolution(self, agreed) -> None:
        self.s.agreed_resolutions.append(agreed)

    async def agreed_resolutions(self, ticket_id: int):
        return [a for a in self.s.agreed_resolutions if a.ticket_id == ticket_id]

    async def add_work_log(self, entry: WorkLog) -> None:
        self.s.work_logs.append(entry)

    async def work_logs(self, ticket_id: int):
        return [w for w in self.s.work_logs if w.ticket_id == ticket_id]

    async def add_estimate(self, estimate: Estimate) -> Estimate:
        stored = replace(estimate, id=len(self.s.estimates) + 1)
        self.s.estimates.append(stored)
        return stored

    async def decide_estimate(self, estimate: Estimate) -> None:
        self.s.estimates = [estimate if e.id == estimate.id else e for e in self.s.estimates]

    async def latest_estimates(self, ticket_ids):
        return {e.ticket_id: e for e in self.s.estimates if e.ticket_id in ticket_ids}

    async def pending_estimates(self, approver_employee_id: int):
        latest = await self.latest_estimates(list(self.s.tickets))
        return [
            e
            for e in reversed(latest.values())
            if e.approver_employee_id == approver_employee_id
            and e.pending
            and self.s.tickets[e.ticket_id].awaiting_estimate
            and self.s.tickets[e.ticket_id].is_open
        ]

    async def add_rating(self, rating: Rating) -> None:
        self.s.ratings[rating.ticket_id] = rating

    async def update_rating(self, rating: Rating) -> None:
        self.s.ratings[rating.ticket_id] = rating

    async def rating(self, ticket_id: int) -> Rating | None:
        return self.s.ratings.get(ticket_id)


class FakeOutbox:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, message: OutboxMessage) -> int | None:
        if message.dedup_key and any(m.dedup_key == message.dedup_key for m in self.s.outbox):
            return None
        self.s.outbox.append(message)
        return len(self.s.outbox)

    async def drop_pending(self, chat_id: int, reason: str) -> int:
        dropped = [m for m in self.s.outbox if m.chat_id == chat_id]
        self.s.outbox = [m for m in self.s.outbox if m.chat_id != chat_id]
        self.s.dropped.extend((m, reason) for m in dropped)
        return len(dropped)


class FakeSlaEvents:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def record(self, event: SlaEventRecord) -> bool:
        key = (event.ticket_id, str(event.milestone))
        if key in self.s.sla_events:
            return False
        self.s.sla_events[key] = event
        return True

    async def for_ticket(self, ticket_id: int):
        return [e for (t, _), e in self.s.sla_events.items() if t == ticket_id]

    async def for_tickets(self, ticket_ids):
        found = {n: await self.for_ticket(n) for n in ticket_ids}
        return {n: records for n, records in found.items() if records}

    async def record_many(self, events, next_due) -> None:
        for event in events:
            await self.record(event)

    async def set_overdue(self, ticket_id: int, milestone, seconds: int) -> None:
        key = (ticket_id, str(milestone))
        if key in self.s.sla_events:
            self.s.sla_events[key] = replace(self.s.sla_events[key], overdue_seconds=seconds)

    async def forget(self, ticket_id: int, milestone) -> None:
        self.s.sla_events.pop((ticket_id, str(milestone)), None)


class FakeDuty:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add_shift(self, shift: DutyShift) -> DutyShift:
        shift = replace(shift, id=len(self.s.duty) + 1)
        self.s.duty[shift.id] = shift
        return shift

    async def add_weekly(self, pattern: WeeklyDuty) -> WeeklyDuty:
        pattern = replace(pattern, id=len(self.s.duty) + 1)
        self.s.duty[pattern.id] = pattern
        return pattern

    async def rota(self, at=None) -> DutyRota:
        entries = list(self.s.duty.values())
        return DutyRota(
            tuple(
                e for e in entries if isinstance(e, DutyShift) and (at is None or e.ends_at > at)
            ),
            tuple(e for e in entries if isinstance(e, WeeklyDuty)),
        )

    async def remove(self, entry_id: int) -> bool:
        return self.s.duty.pop(entry_id, None) is not None


class FakePages:
    def __init__(self, store: _Store) -> None:
        self.s = store

    async def add(self, page: Page) -> Page | None:
        key = (page.ticket_id, page.level, page.target_tg_id)
        if any((p.ticket_id, p.level, p.target_tg_id) == key for p in self.s.pages.values()):
            return None
        page.id = len(self.s.pages) + 1
        self.s.pages[page.id] = copy.deepcopy(page)
        return page

    async def get(self, page_id: int) -> Page | None:
        return copy.deepcopy(self.s.pages.get(page_id))

    async def update(self, page: Page) -> None:
        self.s.pages[page.id] = copy.deepcopy(page)  # type: ignore[index]

    async def for_ticket(self, ticket_id: int) -> list[Page]:
        found = [p for p in self.s.pages.values() if p.ticket_id == ticket_id]
        return [copy.deepcopy(p) for p in sorted(found, key=lambda p: (p.level, p.id))]

    async def pending(self, ticket_ids: Sequence[int] | None = None) -> list[Page]:
        found = [
            p
            for p in self.s.pages.values()
            if p.next_at is not None and (ticket_ids is None or p.ticket_id in ticket_ids)
        ]
        return [copy.deepcopy(p) for p in sorted(found, key=lambda p: (p.next_at, p.id))]


@dataclass
class FakeUnitOfWork:
    """Commits are counted, not simulated: the use cases must never commit themselves."""

    def __init__(self) -> None:
        self.store = _Store()
        self.clients = FakeClients(self.store)
        self.employees = FakeEmployees(self.store)
        self.staff = FakeStaff(self.store)
        self.invites = FakeInvites(self.store)
        self.tickets = FakeTickets(self.store)
        self.outbox = FakeOutbox(self.store)
        self.sla_events = FakeSlaEvents(self.store)
        self.duty = FakeDuty(self.store)
        self.pages = FakePages(self.store)
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        pass
