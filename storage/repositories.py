"""Repositories: the ports of domain/ports.py over SQLite (those of the domain's use cases,
and those the handlers and the bot's plumbing use: processed updates, people, ticket posts).

Every repository works inside the `Session` of its unit of work and never commits. `add`
fills in the generated id (and created_at when the caller left it None, from the
database's clock) on the entity it was given and returns that same object. `update` of a
row that does not exist raises `NotFound`. Value encodings are in storage/codec.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from domain.duty import DutyRota, DutyShift, WeeklyDuty
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
from domain.errors import NotFound
from domain.estimates import Decision, Estimate
from domain.model import (
    Attachment,
    Client,
    Employee,
    Invite,
    PenaltyRule,
    Plan,
    PriorityChange,
    Rating,
    ResolutionAgreed,
    Staff,
    Ticket,
    TicketMessage,
    WorkLog,
)
from domain.outages import Report
from domain.paging import Page, PageReason
from domain.plan_changes import PlanChange
from domain.ports import OutboxMessage, Person, QueuePage, QueueView, SlaEventRecord, TicketPost
from domain.routing import Conversation
from domain.sla import AgreedResolution, Pause, SlaMilestone
from domain.sla_milestones import MILESTONE_RULES, MilestoneRule
from storage.codec import (
    clock_text,
    enum_value,
    flag,
    parse_clock,
    parse_sla_table,
    parse_utc,
    parse_utc_or_none,
    parse_weekdays,
    sla_table_json,
    utc_text,
    utc_text_or_none,
    weekdays_text,
)
from storage.session import Session, Statement

T = TypeVar("T")

# Must match the partial indexes of 0001_initial.sql word for word (see the note there).
OPEN_TICKET = "status NOT IN ('closed', 'cancelled')"
# The staff queue's order, as its index (tickets_queue) has it: due times first, nearest
# first, then the tickets whose clock is stopped.
QUEUE_ORDER = "resolution_due IS NULL, resolution_due, id"
assert {s.value for s in TicketStatus if not s.is_open} == {"closed", "cancelled"}


async def _then(statement: Statement, convert: Callable[[list[sqlite3.Row]], T]) -> T:
    """A queued statement's rows, converted once they are back.

    Reads that return `_then(...)` from a plain method queue their statement when called,
    not when awaited, so several of them called before the first await go to the
    database in one trip: ``a, b = repo.get(1), repo.get(2)`` then ``await a, await b``.
    """
    return convert(await statement)


async def _ready(value: T) -> T:
    """A value already at hand, awaitable like `_then`'s."""
    return value


def _optional(enum: type[Any], value: str | None) -> Any:
    return None if value is None else enum(value)


_ROWS = "rows"  # the row cache's part of `Session.cache`


class _Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Every update asks who wrote and reads their client; a ticket's notifications read
    # both again. A transaction holds the write lock from its first statement (BEGIN
    # IMMEDIATE), so nobody else can change a row it has read: the rows of those two
    # small tables are kept for the rest of the transaction and forgotten as soon as it
    # writes to their table. Each read builds a new entity from the kept row.

    def _one(
        self, table: str, column: str, value: object, build: Callable[[Any], T]
    ) -> Coroutine[Any, Any, T | None]:
        """The row of `table` whose `column` is `value`, built; queued (see `_then`)."""
        cache = self._session.cache
        key = (_ROWS, table, column, value)
        if key in cache:
            return _ready(build(cache[key]))
        written = cache.get((_ROWS, table), 0)
        found = self._session.later(f"SELECT * FROM {table} WHERE {column} = ?", (value,))

        def keep(rows: list[sqlite3.Row]) -> T | None:
            if not rows:
                return None
            self._keep(cache, table, written, {column: value}, rows[0])
            return build(rows[0])

        return _then(found, keep)

    @staticmethod
    def _keep(
        cache: dict[object, Any],
        table: str,
        written: int,
        keys: Mapping[str, object],
        row: sqlite3.Row | Mapping[str, Any],
    ) -> None:
        """Keep a row read in this transaction, unless the table was written since."""
        if cache.get((_ROWS, table), 0) == written:
            for column, value in keys.items():
                cache[(_ROWS, table, column, value)] = row

    def _forget(self, table: str) -> None:
        """This transaction writes to `table`: what was kept of it may be stale."""
        cache = self._session.cache
        for key in [k for k in cache if isinstance(k, tuple) and k[:2] == (_ROWS, table)]:
            del cache[key]
        cache[(_ROWS, table)] = cache.get((_ROWS, table), 0) + 1

    def _next_due_changes(self, ticket_id: int) -> None:
        """What the ticket's stored next due time depends on has changed: compute it again
        as this transaction commits (once, however many changes it makes)."""
        session = self._session

        def refresh() -> None:
            session.later(REFRESH_NEXT_DUE, (ticket_id,))

        session.before_commit(("next_due", ticket_id), refresh)

    def _now_text(self, given: datetime | None) -> str:
        return utc_text(given if given is not None else self._session.now())

    async def _update(self, sql: str, params: dict[str, Any], what: str) -> None:
        if await self._session.changed_rows(sql, params) == 0:
            raise NotFound(f"{what} not found")


# The latest message of the conversation on ticket t, either side's (a subquery's tail).
_LAST_WORD = (
    "FROM ticket_messages s WHERE s.ticket_id = t.id AND s.internal = 0 "
    "AND s.author IN ('staff', 'employee') ORDER BY s.id DESC LIMIT 1"
)


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )


def _assignments(columns: Sequence[str]) -> str:
    return ", ".join(f"{c} = :{c}" for c in columns)


# --- clients --------------------------------------------------------------------------


class SqliteClientRepository(_Repository):
    @staticmethod
    def _params(client: Client) -> dict[str, Any]:
        plan, penalty = client.plan, client.penalty
        return {
            "name": client.name,
            "tier": enum_value(client.tier),
            "timezone": client.timezone,
            "opens": clock_text(client.opens),
            "closes": clock_text(client.closes),
            "weekdays": weekdays_text(client.weekdays),
            "country": client.country,
            "round_the_clock": flag(client.round_the_clock),
            "manager_tg_id": client.manager_tg_id,
            "custom_sla": sla_table_json(client.custom_sla),
            "warning_fraction": client.warning_fraction,
            "plan_monthly_fee": plan.monthly_fee if plan else None,
            "plan_hours_included": plan.hours_included if plan else None,
            "plan_extra_hour_rate": plan.extra_hour_rate if plan else None,
            "plan_reserve_cap": plan.reserve_cap if plan else None,
            "plan_fee_free_months": plan.fee_free_months if plan else 0,
            "default_assignee_tg_id": client.default_assignee_tg_id,
            "deactivated_at": utc_text_or_none(client.deactivated_at),
            "emergency_hour_rate": client.emergency_hour_rate,
            "penalty_basis": enum_value(penalty.basis) if penalty else None,
            "penalty_amount": penalty.amount if penalty else None,
            "penalty_cap_share": penalty.cap_share if penalty else None,
        }

    @staticmethod
    def _from_row(row: sqlite3.Row | Mapping[str, Any]) -> Client:
        plan = None
        if row["plan_monthly_fee"] is not None:
            plan = Plan(
                monthly_fee=row["plan_monthly_fee"],
                hours_included=row["plan_hours_included"],
                extra_hour_rate=row["plan_extra_hour_rate"],
                reserve_cap=row["plan_reserve_cap"],
                fee_free_months=row["plan_fee_free_months"],
            )
        penalty = None
        if row["penalty_basis"] is not None:
            penalty = PenaltyRule(
                PenaltyBasis(row["penalty_basis"]), row["penalty_amount"], row["penalty_cap_share"]
            )
        return Client(
            id=row["id"],
            name=row["name"],
            tier=SlaTier(row["tier"]),
            timezone=row["timezone"],
            opens=parse_clock(row["opens"]),
            closes=parse_clock(row["closes"]),
            weekdays=parse_weekdays(row["weekdays"]),
            country=row["country"],
            round_the_clock=bool(row["round_the_clock"]),
            manager_tg_id=row["manager_tg_id"],
            custom_sla=parse_sla_table(row["custom_sla"]),
            warning_fraction=row["warning_fraction"],
            plan=plan,
            created_at=parse_utc(row["created_at"]),
            default_assignee_tg_id=row["default_assignee_tg_id"],
            deactivated_at=parse_utc_or_none(row["deactivated_at"]),
            emergency_hour_rate=row["emergency_hour_rate"],
            penalty=penalty,
        )

    async def add(self, client: Client) -> Client:
        self._forget("clients")
        params = self._params(client) | {"created_at": self._now_text(client.created_at)}
        row = await self._session.fetchone(
            _insert_sql("clients", list(params)) + " RETURNING id", params
        )
        assert row is not None
        client.id, client.created_at = row["id"], parse_utc(params["created_at"])
        return client

    def get(self, client_id: int) -> Coroutine[Any, Any, Client | None]:
        return self._one("clients", "id", client_id, self._from_row)

    async def update(self, client: Client) -> None:
        self._forget("clients")
        params = self._params(client)
        await self._update(
            f"UPDATE clients SET {_assignments(list(params))}, "
            "created_at = COALESCE(:created_at, created_at) WHERE id = :id",
            params | {"id": client.id, "created_at": utc_text_or_none(client.created_at)},
            "client",
        )

    async def list(self) -> Sequence[Client]:
        rows = await self._session.fetchall("SELECT * FROM clients ORDER BY name, id")
        return [self._from_row(row) for row in rows]

    async def by_manager(self, manager_tg_id: int) -> Sequence[Client]:
        rows = await self._session.fetchall(
            "SELECT * FROM clients WHERE manager_tg_id = ? ORDER BY name, id", (manager_tg_id,)
        )
        return [self._from_row(row) for row in rows]

    async def plan_changes(self, client_id: int) -> Sequence[PlanChange]:
        rows = await self._session.fetchall(
            "SELECT * FROM client_plans WHERE client_id = ? ORDER BY from_month", (client_id,)
        )
        return [plan_change_from_row(row) for row in rows]

    async def set_plan_change(self, client_id: int, change: PlanChange, at: datetime) -> None:
        """The plan from `change.from_month` on; a change from the same month is replaced."""
        plan = change.plan
        await self._session.execute(
            "INSERT INTO client_plans (client_id, from_month, monthly_fee, hours_included, "
            "extra_hour_rate, reserve_cap, fee_free_months, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (client_id, from_month) DO UPDATE SET monthly_fee = excluded.monthly_fee, "
            "hours_included = excluded.hours_included, "
            "extra_hour_rate = excluded.extra_hour_rate, reserve_cap = excluded.reserve_cap, "
            "fee_free_months = excluded.fee_free_months, set_at = excluded.set_at",
            (
                client_id,
                f"{change.from_month:%Y-%m}",
                plan.monthly_fee,
                plan.hours_included,
                plan.extra_hour_rate,
                plan.reserve_cap,
                plan.fee_free_months,
                utc_text(at),
            ),
        )


def plan_change_from_row(row: sqlite3.Row | Mapping[str, Any]) -> PlanChange:
    return PlanChange(
        datetime.strptime(row["from_month"], "%Y-%m").date(),
        Plan(
            monthly_fee=row["monthly_fee"],
            hours_included=row["hours_included"],
            extra_hour_rate=row["extra_hour_rate"],
            reserve_cap=row["reserve_cap"],
            fee_free_months=row["fee_free_months"],
        ),
    )


# --- employees, staff, invites --------------------------------------------------------


class SqliteEmployeeRepository(_Repository):
    @staticmethod
    def _params(employee: Employee) -> dict[str, Any]:
        return {
            "id": employee.id,
            "client_id": employee.client_id,
            "tg_id": employee.tg_id,
            "name": employee.name,
            "role": enum_value(employee.role),
            "phone": employee.phone,
            "locale": employee.locale,
            "username": employee.username,
            "active": flag(employee.active),
        }

    @staticmethod
    def _from_row(row: sqlite3.Row | Mapping[str, Any]) -> Employee:
        return Employee(
            id=row["id"],
            client_id=row["client_id"],
            tg_id=row["tg_id"],
            name=row["name"],
            role=EmployeeRole(row["role"]),
            phone=row["phone"],
            locale=row["locale"],
            username=row["username"],
            active=bool(row["active"]),
            created_at=parse_utc(row["created_at"]),
        )

    async def add(self, employee: Employee) -> Employee:
        self._forget("employees")
        params = self._params(employee) | {"created_at": self._now_text(employee.created_at)}
        row = await self._session.fetchone(
            "INSERT INTO employees "
            "(client_id, tg_id, name, role, phone, locale, username, active, created_at) "
            "VALUES (:client_id, :tg_id, :name, :role, :phone, :locale, :username, :active, "
            ":created_at) RETURNING id",
            params,
        )
        assert row is not None
        employee.id, employee.created_at = row["id"], parse_utc(params["created_at"])
        return employee

    def get(self, employee_id: int) -> Coroutine[Any, Any, Employee | None]:
        return self._one("employees", "id", employee_id, self._from_row)

    def by_tg_id(self, tg_id: int) -> Coroutine[Any, Any, Employee | None]:
        return self._one("employees", "tg_id", tg_id, self._from_row)

    async def update(self, employee: Employee) -> None:
        self._forget("employees")
        params = self._params(employee) | {"created_at": utc_text_or_none(employee.created_at)}
        await self._update(
            "UPDATE employees SET client_id = :client_id, tg_id = :tg_id, name = :name, "
            "role = :role, phone = :phone, locale = :locale, username = :username, "
            "active = :active, created_at = COALESCE(:created_at, created_at) WHERE id = :id",
            params,
            "employee",
        )

    async def list_by_client(self, client_id: int) -> Sequence[Employee]:
        rows = await self._session.fetchall(
            "SELECT * FROM employees WHERE client_id = ? ORDER BY name, id", (client_id,)
        )
        return [self._from_row(row) for row in rows]


class SqliteStaffRepository(_Repository):
    @staticmethod
    def _params(staff: Staff) -> dict[str, Any]:
        return {
            "tg_id": staff.tg_id,
            "name": staff.name,
            "role": enum_value(staff.role),
            "locale": staff.locale,
            "notify_all_priorities": flag(staff.notify_all_priorities),
            "active": flag(staff.active),
        }

    @staticmethod
    def _from_row(row: sqlite3.Row | Mapping[str, Any]) -> Staff:
        return Staff(
            tg_id=row["tg_id"],
            name=row["name"],
            role=StaffRole(row["role"]),
            locale=row["locale"],
            notify_all_priorities=bool(row["notify_all_priorities"]),
            active=bool(row["active"]),
            created_at=parse_utc(row["created_at"]),
        )

    async def add(self, staff: Staff) -> Staff:
        params = self._params(staff) | {"created_at": self._now_text(staff.created_at)}
        await self._session.execute(
            "INSERT INTO staff (tg_id, name, role, locale, notify_all_priorities, active, "
            "created_at) VALUES (:tg_id, :name, :role, :locale, :notify_all_priorities, "
            ":active, :created_at)",
            params,
        )
        staff.created_at = parse_utc(params["created_at"])
        return staff

    async def get(self, tg_id: int) -> Staff | None:
        row = await self._session.fetchone("SELECT * FROM staff WHERE tg_id = ?", (tg_id,))
        return self._from_row(row) if row else None

    async def update(self, staff: Staff) -> None:
        params = self._params(staff) | {"created_at": utc_text_or_none(staff.created_at)}
        await self._update(
            "UPDATE staff SET name = :name, role = :role, locale = :locale, "
            "notify_all_priorities = :notify_all_priorities, active = :active, "
            "created_at = COALESCE(:created_at, created_at) WHERE tg_id = :tg_id",
            params,
            "staff member",
        )

    async def list(self, role: StaffRole | None = None) -> Sequence[Staff]:
        if role is None:
            rows = await self._session.fetchall("SELECT * FROM staff ORDER BY name, tg_id")
        else:
            rows = await self._session.fetchall(
                "SELECT * FROM staff WHERE role = ? ORDER BY name, tg_id", (enum_value(role),)
            )
        return [self._from_row(row) for row in rows]


class SqliteInviteRepository(_Repository):
    @staticmethod
    def _params(invite: Invite) -> dict[str, Any]:
        return {
            "code": invite.code,
            "client_id": invite.client_id,
            "role": enum_value(invite.role),
            "max_uses": invite.max_uses,
            "used": invite.used,
            "expires_at": utc_text_or_none(invite.expires_at),
            "revoked": flag(invite.revoked),
        }

    @staticmethod
    def _from_row(row: sqlite3.Row) -> Invite:
        return Invite(
            code=row["code"],
            client_id=row["client_id"],
            role=EmployeeRole(row["role"]),
            max_uses=row["max_uses"],
            used=row["used"],
            expires_at=parse_utc_or_none(row["expires_at"]),
            revoked=bool(row["revoked"]),
            created_at=parse_utc(row["created_at"]),
        )

    async def add(self, invite: Invite) -> Invite:
        params = self._params(invite) | {"created_at": self._now_text(invite.created_at)}
        await self._session.execute(
            "INSERT INTO invites (code, client_id, role, max_uses, used, expires_at, revoked, "
            "created_at) VALUES (:code, :client_id, :role, :max_uses, :used, :expires_at, "
            ":revoked, :created_at)",
            params,
        )
        invite.created_at = parse_utc(params["created_at"])
        return invite

    async def get(self, code: str) -> Invite | None:
        row = await self._session.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return self._from_row(row) if row else None

    async def update(self, invite: Invite) -> None:
        params = self._params(invite) | {"created_at": utc_text_or_none(invite.created_at)}
        await self._update(
            "UPDATE invites SET client_id = :client_id, role = :role, max_uses = :max_uses, "
            "used = :used, expires_at = :expires_at, revoked = :revoked, "
            "created_at = COALESCE(:created_at, created_at) WHERE code = :code",
            params,
            "invite",
        )

    async def list_by_client(self, client_id: int) -> Sequence[Invite]:
        rows = await self._session.fetchall(
            "SELECT * FROM invites WHERE client_id = ? ORDER BY created_at, code", (client_id,)
        )
        return [self._from_row(row) for row in rows]


# --- tickets --------------------------------------------------------------------------


def estimate_from_row(row: sqlite3.Row) -> Estimate:
    return Estimate(
        ticket_id=row["ticket_id"],
        minutes=row["minutes"],
        amount=row["amount"],
        staff_tg_id=row["staff_tg_id"],
        at=parse_utc(row["at"]),
        approver_employee_id=row["approver_employee_id"],
        billed_separately=bool(row["billed_separately"]),
        decision=_optional(Decision, row["decision"]),
        decided_by_employee_id=row["decided_by_employee_id"],
        decided_at=parse_utc_or_none(row["decided_at"]),
        id=row["id"],
    )


def pauses_by_ticket(rows: Iterable[sqlite3.Row]) -> dict[int, list[Pause]]:
    """Rows of ticket_pauses (ticket_id, started_at, ended_at), by ticket, in order."""
    pauses: dict[int, list[Pause]] = defaultdict(list)
    for pause in rows:
        pauses[pause["ticket_id"]].append(
            Pause(parse_utc(pause["started_at"]), parse_utc_or_none(pause["ended_at"]))
        )
    return pauses


# The open tickets of an employee a message of theirs is routed among: their newest.
ROUTED_OPEN_TICKETS = 20


class SqliteTicketRepository(_Repository):
    @staticmethod
    def _params(ticket: Ticket) -> dict[str, Any]:
        agreed = ticket.agreed_resolution
        return {
            "client_id": ticket.client_id,
            "employee_id": ticket.employee_id,
            "kind": enum_value(ticket.kind),
            "category": enum_value(ticket.category),
            "priority": enum_value(ticket.priority),
            "title": ticket.title,
            "description": ticket.description,
            "request_type": enum_value(ticket.request_type),
            "impact": enum_value(ticket.impact),
            "scope": enum_value(ticket.scope),
            "status": enum_value(ticket.status),
            "assignee_tg_id": ticket.assignee_tg_id,
            "registered_at": utc_text(ticket.registered_at),
            "first_response_at": utc_text_or_none(ticket.first_response_at),
            "resolved_at": utc_text_or_none(ticket.resolved_at),
            "closed_at": utc_text_or_none(ticket.closed_at),
            "after_hours": flag(ticket.after_hours),
            "emergency": flag(ticket.emergency),
            "reaction_due": utc_text_or_none(ticket.reaction_due),
            "reaction_warning_at": utc_text_or_none(ticket.reaction_warning_at),
            "resolution_due": utc_text_or_none(ticket.resolution_due),
            "resolution_warning_at": utc_text_or_none(ticket.resolution_warning_at),
            "agreed_resolution_due": utc_text_or_none(agreed.due if agreed else None),
            "resolution_agreed_at": utc_text_or_none(agreed.agreed_at if agreed else None),
            "awaiting_estimate": flag(ticket.awaiting_estimate),
            "updated_at": utc_text_or_none(ticket.updated_at),
            "outage": flag(ticket.outage),
            "parent_id": ticket.parent_id,
        }

    @staticmethod
    def _from_row(row: sqlite3.Row, pauses: list[Pause]) -> Ticket:
        return Ticket(
            id=row["id"],
            client_id=row["client_id"],
            employee_id=row["employee_id"],
            kind=TicketKind(row["kind"]),
            category=Category(row["category"]),
            priority=Priority(row["priority"]),
            title=row["title"],
            description=row["description"],
            registered_at=parse_utc(row["registered_at"]),
            request_type=_optional(RequestType, row["request_type"]),
            impact=_optional(WorkImpact, row["impact"]),
            scope=_optional(Scope, row["scope"]),
            status=TicketStatus(row["status"]),
            assignee_tg_id=row["assignee_tg_id"],
            first_response_at=parse_utc_or_none(row["first_response_at"]),
            resolved_at=parse_utc_or_none(row["resolved_at"]),
            closed_at=parse_utc_or_none(row["closed_at"]),
            after_hours=bool(row["after_hours"]),
            emergency=bool(row["emergency"]),
            pauses=pauses,
            reaction_due=parse_utc_or_none(row["reaction_due"]),
            reaction_warning_at=parse_utc_or_none(row["reaction_warning_at"]),
            resolution_due=parse_utc_or_none(row["resolution_due"]),
            resolution_warning_at=parse_utc_or_none(row["resolution_warning_at"]),
            agreed_resolution=(
                AgreedResolution(
                    parse_utc(row["agreed_resolution_due"]),
                    parse_utc(row["resolution_agreed_at"]),
                )
                if row["agreed_resolution_due"] and row["resolution_agreed_at"]
                else None
            ),
            awaiting_estimate=bool(row["awaiting_estimate"]),
            updated_at=parse_utc(row["updated_at"]),
            outage=bool(row["outage"]),
            parent_id=row["parent_id"],
        )

    async def _tickets(self, sql: str, params: Any = ()) -> list[Ticket]:
        """Run a SELECT over tickets and attach each one's pauses: a second query, over
        the first one's tickets, that goes to the database in the same trip."""
        found = self._session.later(sql, params)
        paused = self._session.later(
            "SELECT ticket_id, started_at, ended_at FROM ticket_pauses "
            f"WHERE ticket_id IN (SELECT id FROM ({sql}) AS chosen) ORDER BY ticket_id, seq",
            params,
        )
        rows = await found
        pauses = pauses_by_ticket(await paused)
        return [self._from_row(row, pauses.get(row["id"], [])) for row in rows]

    async def _write_pauses(
        self, ticket_id: int, pauses: Sequence[Pause], *, replace: bool = True
    ) -> None:
        if replace:  # a ticket just added has none to replace
            await self._session.execute(
                "DELETE FROM ticket_pauses WHERE ticket_id = ?", (ticket_id,)
            )
        if pauses:
            await self._session.executemany(
                "INSERT INTO ticket_pauses (ticket_id, seq, started_at, ended_at) "
                "VALUES (?, ?, ?, ?)",
                [
                    (ticket_id, seq, utc_text(p.started_at), utc_text_or_none(p.ended_at))
                    for seq, p in enumerate(pauses)
                ],
            )

    async def add(self, ticket: Ticket, intake_key: str | None = None) -> Ticket:
        """Register the ticket and give it its number. When `intake_key` was already used,
        nothing is written and the ticket registered with it the first time is returned."""
        params = self._params(ticket)
        params["updated_at"] = self._now_text(ticket.updated_at)
        params["intake_key"] = intake_key
        row = await self._session.fetchone(
            _insert_sql("tickets", list(params))
            + " ON CONFLICT (intake_key) DO NOTHING RETURNING id",
            params,
        )
        if row is None:
            assert intake_key is not None
            existing = await self.by_intake_key(intake_key)
            assert existing is not None
            return existing
        ticket.id, ticket.updated_at = row["id"], parse_utc(params["updated_at"])
        self._next_due_changes(ticket.id)
        await self._write_pauses(ticket.id, ticket.pauses, replace=False)
        return ticket

    async def by_intake_key(self, intake_key: str) -> Ticket | None:
        found = await self._tickets("SELECT * FROM tickets WHERE intake_key = ?", (intake_key,))
        return found[0] if found else None

    async def get(self, ticket_id: int) -> Ticket | None:
        """The ticket, locked until the transaction ends where rows are locked (PostgreSQL:
        another process changing it meanwhile waits, rather than have one change lost)."""
        found = await self._tickets(
            f"SELECT * FROM tickets WHERE id = ?{self._session.LOCK_ROWS}", (ticket_id,)
        )
        return found[0] if found else None

    async def get_many(self, ticket_ids: Sequence[int]) -> Mapping[int, Ticket]:
        """The tickets, locked as `get` locks one (in the order of their numbers, so that
        two transactions locking several never wait for each other both ways)."""
        found = await self._tickets(
            "SELECT * FROM tickets WHERE id IN (SELECT value FROM json_each(?)) "
            f"ORDER BY id{self._session.LOCK_ROWS}",
            (json.dumps(list(ticket_ids)),),
        )
        return {ticket.number: ticket for ticket in found}

    async def update(self, ticket: Ticket) -> None:
        """Write every field, and replace the pauses with the ticket's list."""
        if ticket.id is None:
            raise ValueError("cannot update a ticket that was never added")
        params = self._params(ticket)
        params["updated_at"] = self._now_text(ticket.updated_at)
        await self._update(
            f"UPDATE tickets SET {_assignments(list(params))} WHERE id = :id",
            params | {"id": ticket.id},
            "ticket",
        )
        ticket.updated_at = parse_utc(params["updated_at"])
        self._next_due_changes(ticket.id)
        await self._write_pauses(ticket.id, ticket.pauses)

    async def _list_by(
        self,
        column: str,
        value: int,
        open_only: bool,
        limit: int,
        offset: int,
        client_id: int | None = None,
    ) -> list[Ticket]:
        where = f"{column} = ?" + (f" AND {OPEN_TICKET}" if open_only else "")
        if column != "assignee_tg_id":  # a mass outage is its children's, nobody's own
            where += " AND outage = 0"
        params: tuple[int, ...] = (value,)
        if client_id is not None:
            where += " AND client_id = ?"
            params += (client_id,)
        return await self._tickets(
            f"SELECT * FROM tickets WHERE {where} "
            # Open ones first (false sorts before true), then the newest.
            f"ORDER BY NOT ({OPEN_TICKET}), id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )

    async def list_by_employee(
        self,
        employee_id: int,
        *,
        open_only: bool = False,
        limit: int = 50,
        offset: int = 0,
        client_id: int | None = None,
    ) -> Sequence[Ticket]:
        return await self._list_by("employee_id", employee_id, open_only, limit, offset, client_id)

    async def list_by_client(
        self, client_id: int, *, open_only: bool = False, limit: int = 50, offset: int = 0
    ) -> Sequence[Ticket]:
        return await self._list_by("client_id", client_id, open_only, limit, offset)

    async def list_by_assignee(
        self, staff_tg_id: int, *, open_only: bool = True, limit: int = 50, offset: int = 0
    ) -> Sequence[Ticket]:
        """A staff member's tickets (on no port: nothing but the tests asks): open first,
        then newest."""
        return await self._list_by("assignee_tg_id", staff_tg_id, open_only, limit, offset)

    async def list_open(self) -> Sequence[Ticket]:
        """Every open ticket, oldest first."""
        return await self._tickets(f"SELECT * FROM tickets WHERE {OPEN_TICKET} ORDER BY id")

    async def conversations(
        self, employee_id: int, client_id: int, *, also: int | None = None
    ) -> Sequence[Conversation]:
        # The last exchange: the ticket registered, taken, answered, asked about or resolved.
        rows = await self._session.fetchall(
            "SELECT t.id, t.status, t.category, t.title, t.closed_at, "
            "max(t.registered_at, coalesce(t.first_response_at, ''), "
            "    coalesce(t.resolved_at, ''), coalesce(max(CASE WHEN m.author = 'staff' "
            "    THEN m.created_at END), '')) AS exchanged, "
            # the description is the employee's first word
            "max(t.registered_at, coalesce(max(CASE WHEN m.author = 'employee' "
            "    THEN m.created_at END), '')) AS wrote, "
            "count(CASE WHEN m.author = 'staff' THEN 1 END) AS staff_messages, "
            # the latest word, when it is staff's: a question there awaits an answer
            f"(SELECT CASE WHEN s.author = 'staff' THEN s.created_at END {_LAST_WORD}) "
            "    AS staff_last_at, "
            f"(SELECT CASE WHEN s.author = 'staff' THEN s.text END {_LAST_WORD}) "
            "    AS staff_last_text "
            "FROM tickets t LEFT JOIN ticket_messages m ON m.ticket_id = t.id AND m.internal = 0 "
            # Their open tickets through the index that holds only those (whatever the
            # statistics say of an employee with years of tickets), and `also`.
            # Their newest ROUTED_OPEN_TICKETS only: a message is routed among what a person
            # can tell apart, and the cost stays the same whatever piles up.
            "WHERE t.id IN (SELECT id FROM (SELECT id FROM tickets "
            "INDEXED BY tickets_open_by_employee "
            f"WHERE employee_id = :employee AND client_id = :client AND {OPEN_TICKET} "
            "ORDER BY id DESC LIMIT :newest) AS newest "
            "UNION ALL SELECT :also) AND t.employee_id = :employee AND t.client_id = :client "
            "AND t.outage = 0 "
            "GROUP BY t.id",
            {
                "employee": employee_id,
                "client": client_id,
                "also": also,
                "newest": ROUTED_OPEN_TICKETS,
            },
        )
        return [
            Conversation(
                number=row["id"],
                status=TicketStatus(row["status"]),
                category=Category(row["category"]),
                title=row["title"],
                last_exchange_at=parse_utc(row["exchanged"]),
                last_employee_at=parse_utc_or_none(row["wrote"]),
                closed_at=parse_utc_or_none(row["closed_at"]),
                staff_messages=row["staff_messages"],
                last_staff_at=parse_utc_or_none(row["staff_last_at"]),
                last_staff_text=row["staff_last_text"] or "",
            )
            for row in rows
        ]

    async def open_queue(
        self, view: QueueView | None = None, *, limit: int = 50, offset: int = 0
    ) -> QueuePage:
        """The staff queue: open tickets in `view`, the nearest resolution due time first;
        tickets whose clock is stopped (no due time) last. Filtered, counted and paged here
        along the tickets_queue index, so a page costs the same at any number of tickets.
        A mass outage's children are worked through it: the outage stands for them."""
        view = view or QueueView()
        where = [OPEN_TICKET, "parent_id IS NULL"]
        params: dict[str, object] = {"limit": limit, "offset": offset}
        if view.assignee_tg_id is not None:
            where.append("assignee_tg_id = :assignee")
            params["assignee"] = view.assignee_tg_id
        if view.unassigned:
            where.append("assignee_tg_id IS NULL")
        if view.client_ids is not None:
            where.append("client_id IN (SELECT value FROM json_each(:clients))")
            params["clients"] = json.dumps(sorted(view.client_ids))
        matching = " AND ".join(where)
        counted = self._session.later(
            # All open tickets: the counts kept by the database (see open_tickets).
            "SELECT coalesce(sum(count), 0) FROM open_tickets"
            if len(where) == 2
            else f"SELECT count(*) FROM tickets WHERE {matching}",
            params,
        )
        page = await self._tickets(
            f"SELECT * FROM tickets WHERE id IN (SELECT id FROM tickets WHERE {matching} "
            f"ORDER BY {QUEUE_ORDER} LIMIT :limit OFFSET :offset) ORDER BY {QUEUE_ORDER}",
            params,
        )
        return QueuePage(total=(await counted)[0][0], tickets=page)

    async def children(self, parent_id: int) -> Sequence[Ticket]:
        """The tickets linked under a mass outage, oldest first."""
        return await self._tickets(
            "SELECT * FROM tickets WHERE parent_id = ? ORDER BY id", (parent_id,)
        )

    async def recent_incidents(
        self, client_id: int, since: datetime, numbers: Sequence[int] | None = None
    ) -> Sequence[Report]:
        """A client's open incidents registered since `since`, oldest first, as outage
        detection reads them: a few columns, not whole tickets (it runs at every
        registration, over every recent ticket of the client); with `numbers`, only those
        of these tickets."""
        among = ""
        params: list[object] = [client_id, utc_text(since)]
        if numbers is not None:
            among = f"AND id IN ({', '.join('?' * len(numbers))}) "
            params += numbers
        rows = await self._session.fetchall(
            "SELECT id, kind, category, description, registered_at, outage, parent_id "
            f"FROM tickets WHERE client_id = ? AND registered_at >= ? AND {OPEN_TICKET} "
            f"AND kind = 'incident' {among}ORDER BY id",
            params,
        )
        return [
            Report(
                number=row["id"],
                client_id=client_id,
                kind=TicketKind(row["kind"]),
                category=Category(row["category"]),
                description=row["description"],
                registered_at=parse_utc(row["registered_at"]),
                linked=bool(row["outage"]) or row["parent_id"] is not None,
            )
            for row in rows
        ]

    async def open_outages(self, client_id: int) -> Sequence[Ticket]:
        """A client's mass outages not resolved yet, the newest first."""
        return await self._tickets(
            "SELECT * FROM tickets WHERE client_id = ? AND outage = 1 "
            "AND status NOT IN ('resolved', 'closed', 'cancelled') ORDER BY id DESC",
            (client_id,),
        )

    async def list_resolved(self) -> Sequence[Ticket]:
        """Resolved tickets waiting for the employee's word: the auto-close sweep."""
        return await self._tickets(
            "SELECT * FROM tickets WHERE status = 'resolved' ORDER BY resolved_at, id"
        )

    # --- the conversation and the records around a ticket ---

    async def add_message(self, message: TicketMessage) -> TicketMessage:
        created_at = self._now_text(message.created_at)
        row = await self._session.fetchone(
            "INSERT INTO ticket_messages (ticket_id, author, author_tg_id, text, internal, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                message.ticket_id,
                message.author,
                message.author_tg_id,
                message.text,
                flag(message.internal),
                created_at,
            ),
        )
        assert row is not None
        message.id, message.created_at = row["id"], parse_utc(created_at)
        if message.attachments:
            await self._session.executemany(
                "INSERT INTO attachments (message_id, seq, kind, file_id, file_unique_id, "
                "file_name, mime_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (message.id, seq, a.kind, a.file_id, a.file_unique_id, a.file_name, a.mime_type)
                    for seq, a in enumerate(message.attachments)
                ],
            )
        return message

    async def messages(self, ticket_id: int) -> Sequence[TicketMessage]:
        """The conversation in the order it was written, internal notes included."""
        written = self._session.later(
            "SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        )
        attached = self._session.later(  # in the same trip
            "SELECT a.* FROM attachments a JOIN ticket_messages m ON m.id = a.message_id "
            "WHERE m.ticket_id = ? ORDER BY a.message_id, a.seq",
            (ticket_id,),
        )
        rows = await written
        attachments: dict[int, list[Attachment]] = defaultdict(list)
        for a in await attached:
            attachments[a["message_id"]].append(
                Attachment(
                    kind=a["kind"],
                    file_id=a["file_id"],
                    file_unique_id=a["file_unique_id"],
                    file_name=a["file_name"],
                    mime_type=a["mime_type"],
                )
            )
        return [
            TicketMessage(
                id=row["id"],
                ticket_id=row["ticket_id"],
                author=row["author"],
                author_tg_id=row["author_tg_id"],
                text=row["text"],
                internal=bool(row["internal"]),
                attachments=tuple(attachments.get(row["id"], ())),
                created_at=parse_utc(row["created_at"]),
            )
            for row in rows
        ]

    async def add_priority_change(self, change: PriorityChange) -> None:
        await self._session.execute(
            "INSERT INTO priority_changes (ticket_id, old_priority, new_priority, reason, "
            "staff_tg_id, at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                change.ticket_id,
                enum_value(change.old),
                enum_value(change.new),
                change.reason,
                change.staff_tg_id,
                utc_text(change.at),
            ),
        )

    async def add_agreed_resolution(self, agreed: ResolutionAgreed) -> None:
        await self._session.execute(
            "INSERT INTO agreed_resolutions (ticket_id, due, staff_tg_id, at) VALUES (?, ?, ?, ?)",
            (agreed.ticket_id, utc_text(agreed.due), agreed.staff_tg_id, utc_text(agreed.at)),
        )

    async def agreed_resolutions(self, ticket_id: int) -> Sequence[ResolutionAgreed]:
        rows = await self._session.fetchall(
            "SELECT * FROM agreed_resolutions WHERE ticket_id = ? ORDER BY at, id", (ticket_id,)
        )
        return [
            ResolutionAgreed(
                ticket_id=row["ticket_id"],
                due=parse_utc(row["due"]),
                staff_tg_id=row["staff_tg_id"],
                at=parse_utc(row["at"]),
            )
            for row in rows
        ]

    async def add_estimate(self, estimate: Estimate) -> Estimate:
        row = await self._session.fetchone(
            "INSERT INTO estimates (ticket_id, minutes, amount, billed_separately, staff_tg_id, "
            "at, approver_employee_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                estimate.ticket_id,
                estimate.minutes,
                estimate.amount,
                flag(estimate.billed_separately),
                estimate.staff_tg_id,
                utc_text(estimate.at),
                estimate.approver_employee_id,
            ),
        )
        assert row is not None
        return replace(estimate, id=row["id"])

    async def decide_estimate(self, estimate: Estimate) -> None:
        await self._session.execute(
            "UPDATE estimates SET decision = ?, decided_by_employee_id = ?, decided_at = ? "
            "WHERE id = ?",
            (
                enum_value(estimate.decision),
                estimate.decided_by_employee_id,
                utc_text_or_none(estimate.decided_at),
                estimate.id,
            ),
        )

    async def latest_estimates(self, ticket_ids: Sequence[int]) -> Mapping[int, Estimate]:
        rows = await self._session.fetchall(
            "SELECT * FROM estimates WHERE id IN (SELECT max(id) FROM estimates "
            "WHERE ticket_id IN (SELECT value FROM json_each(?)) GROUP BY ticket_id)",
            (json.dumps(list(ticket_ids)),),
        )
        return {row["ticket_id"]: estimate_from_row(row) for row in rows}

    async def pending_estimates(self, approver_employee_id: int) -> Sequence[Estimate]:
        rows = await self._session.fetchall(
            "SELECT e.* FROM estimates AS e JOIN tickets AS t ON t.id = e.ticket_id "
            "WHERE e.approver_employee_id = ? AND e.decision IS NULL "
            "AND t.awaiting_estimate = 1 AND t.status NOT IN ('closed', 'cancelled') "
            "AND e.id = (SELECT max(id) FROM estimates WHERE ticket_id = e.ticket_id) "
            "ORDER BY e.at DESC, e.id DESC",
            (approver_employee_id,),
        )
        return [estimate_from_row(row) for row in rows]

    async def priority_changes(self, ticket_id: int) -> Sequence[PriorityChange]:
        rows = await self._session.fetchall(
            "SELECT * FROM priority_changes WHERE ticket_id = ? ORDER BY at, id", (ticket_id,)
        )
        return [
            PriorityChange(
                ticket_id=row["ticket_id"],
                old=Priority(row["old_priority"]),
                new=Priority(row["new_priority"]),
                reason=row["reason"],
                staff_tg_id=row["staff_tg_id"],
                at=parse_utc(row["at"]),
            )
            for row in rows
        ]

    async def add_work_log(self, entry: WorkLog) -> None:
        await self._session.execute(
            "INSERT INTO work_logs (ticket_id, staff_tg_id, minutes, at, note) "
            "VALUES (?, ?, ?, ?, ?)",
            (entry.ticket_id, entry.staff_tg_id, entry.minutes, utc_text(entry.at), entry.note),
        )

    async def work_logs(self, ticket_id: int) -> Sequence[WorkLog]:
        rows = await self._session.fetchall(
            "SELECT * FROM work_logs WHERE ticket_id = ? ORDER BY at, id", (ticket_id,)
        )
        return [
            WorkLog(
                ticket_id=row["ticket_id"],
                staff_tg_id=row["staff_tg_id"],
                minutes=row["minutes"],
                at=parse_utc(row["at"]),
                note=row["note"],
            )
            for row in rows
        ]

    async def add_rating(self, rating: Rating) -> None:
        """One rating per ticket: a second one raises sqlite3.IntegrityError."""
        await self._session.execute(
            "INSERT INTO ratings (ticket_id, score, comment, at) VALUES (?, ?, ?, ?)",
            (rating.ticket_id, rating.score, rating.comment, utc_text(rating.at)),
        )

    async def update_rating(self, rating: Rating) -> None:
        await self._update(
            "UPDATE ratings SET score = :score, comment = :comment, at = :at "
            "WHERE ticket_id = :ticket_id",
            {
                "ticket_id": rating.ticket_id,
                "score": rating.score,
                "comment": rating.comment,
                "at": utc_text(rating.at),
            },
            "rating",
        )

    async def rating(self, ticket_id: int) -> Rating | None:
        row = await self._session.fetchone(
            "SELECT * FROM ratings WHERE ticket_id = ?", (ticket_id,)
        )
        if row is None:
            return None
        return Rating(row["ticket_id"], row["score"], row["comment"], parse_utc(row["at"]))


class SqliteFollowUps(_Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._tickets = SqliteTicketRepository(session)._tickets

    async def record(self, ticket_id: int, kind: str, key: str, at: datetime) -> bool:
        row = await self._session.fetchone(
            "INSERT INTO follow_ups (ticket_id, kind, key, sent_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (ticket_id, kind, key) DO NOTHING RETURNING ticket_id",
            (ticket_id, kind, key, utc_text(at)),
        )
        return row is not None

    async def recorded(self, ticket_ids: Sequence[int]) -> Mapping[int, frozenset[tuple[str, str]]]:
        if not ticket_ids:
            return {}
        ids = ", ".join(str(int(n)) for n in ticket_ids)
        rows = await self._session.fetchall(
            f"SELECT ticket_id, kind, key FROM follow_ups WHERE ticket_id IN ({ids})"
        )
        found: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for row in rows:
            found[row["ticket_id"]].add((row["kind"], row["key"]))
        return {number: frozenset(done) for number, done in found.items()}

    async def candidates(
        self, priorities: Sequence[str], quiet_before: datetime, waiting_before: datetime
    ) -> Sequence[tuple[Ticket, datetime]]:
        marks = ", ".join("?" for _ in priorities) or "NULL"
        rows = await self._session.fetchall(
            "SELECT id, news FROM ("
            "  SELECT t.id, t.status, max(t.updated_at, coalesce(t.first_response_at, ''), "
            "    coalesce((SELECT max(m.created_at) FROM ticket_messages AS m WHERE "
            "              m.ticket_id = t.id AND m.author = 'staff' AND m.internal = 0), ''),"
            "    coalesce((SELECT max(f.sent_at) FROM follow_ups AS f "
            "              WHERE f.ticket_id = t.id AND f.kind = 'status_line'), '')) AS news, "
            "    (SELECT max(p.started_at) FROM ticket_pauses AS p "
            "     WHERE p.ticket_id = t.id AND p.ended_at IS NULL) AS waiting "
            "  FROM tickets AS t WHERE t.status = 'waiting_client' "
            f"    OR (t.status = 'in_progress' AND t.priority IN ({marks}))"
            ") AS candidate WHERE (status = 'in_progress' AND news <= ?) "
            "   OR (status = 'waiting_client' AND waiting <= ?) ORDER BY id",
            (*priorities, utc_text(quiet_before), utc_text(waiting_before)),
        )
        if not rows:
            return []
        news = {row["id"]: parse_utc(row["news"]) for row in rows}
        ids = ", ".join(str(int(n)) for n in news)
        tickets = await self._tickets(f"SELECT * FROM tickets WHERE id IN ({ids}) ORDER BY id")
        return [(t, news[t.number]) for t in tickets]

    async def record_digest(self, manager_tg_id: int, day: date, at: datetime) -> bool:
        row = await self._session.fetchone(
            "INSERT INTO digests (manager_tg_id, day, sent_at) VALUES (?, ?, ?) "
            "ON CONFLICT (manager_tg_id, day) DO NOTHING RETURNING manager_tg_id",
            (manager_tg_id, day.isoformat(), utc_text(at)),
        )
        return row is not None

    async def digest_recorded(self, manager_tg_id: int, day: date) -> bool:
        row = await self._session.fetchone(
            "SELECT 1 FROM digests WHERE manager_tg_id = ? AND day = ?",
            (manager_tg_id, day.isoformat()),
        )
        return row is not None

    async def ratings_between(
        self, client_ids: Sequence[int], since: datetime, until: datetime
    ) -> Sequence[Rating]:
        if not client_ids:
            return []
        marks = ", ".join("?" for _ in client_ids)
        rows = await self._session.fetchall(
            "SELECT r.* FROM ratings AS r JOIN tickets AS t ON t.id = r.ticket_id "
            f"WHERE t.client_id IN ({marks}) AND r.at >= ? AND r.at < ? ORDER BY r.at",
            (*client_ids, utc_text(since), utc_text(until)),
        )
        return [
            Rating(row["ticket_id"], row["score"], row["comment"], parse_utc(row["at"]))
            for row in rows
        ]


# --- outbox and SLA events ------------------------------------------------------------


class SqliteOutboxRepository(_Repository):
    """The writing side of the outbox (inside a use case); delivery is storage/outbox.py."""

    async def add(self, message: OutboxMessage) -> int | None:
        """Store for delivery; None when a row with the same dedup_key already exists."""
        now = utc_text(message.created_at or self._session.now())
        row = await self._session.fetchone(
            "INSERT INTO outbox (chat_id, method, payload, dedup_key, ticket_id, attempts, "
            "next_attempt_at, created_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
            (
                message.chat_id,
                message.method,
                json.dumps(message.payload, ensure_ascii=False),
                message.dedup_key,
                message.ticket_id,
                message.attempts,
                now,
                now,
                1 if message.urgent else 0,
            ),
        )
        return row["id"] if row else None

    async def add_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Store these for delivery in one statement; one whose dedup_key exists already is
        left out."""
        now = utc_text(self._session.now())
        await self._session.executemany(
            "INSERT INTO outbox (chat_id, method, payload, dedup_key, ticket_id, attempts, "
            "next_attempt_at, created_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedup_key) DO NOTHING",
            [
                (
                    m.chat_id,
                    m.method,
                    json.dumps(m.payload, ensure_ascii=False),
                    m.dedup_key,
                    m.ticket_id,
                    m.attempts,
                    created,
                    created,
                    1 if m.urgent else 0,
                )
                for m in messages
                for created in [utc_text(m.created_at) if m.created_at else now]
            ],
        )

    async def supersede_pending(self, chat_id: int, key_prefix: str) -> int:
        """Messages still waiting for this chat whose key begins with `key_prefix` are
        covered by one queued after them (an edit of the same message with newer text):
        marked sent, as delivery marks the rows one card delivery covers; how many."""
        return await self._session.changed_rows(
            "UPDATE outbox SET status = 'sent', sent_at = ? "
            "WHERE chat_id = ? AND status = 'pending' AND substr(dedup_key, 1, ?) = ?",
            (utc_text(self._session.now()), chat_id, len(key_prefix), key_prefix),
        )

    async def drop_pending(self, chat_id: int, reason: str) -> int:
        """Give up every message still waiting for this chat; how many were dropped."""
        return await self._session.changed_rows(
            "UPDATE outbox SET status = 'failed', last_error = ? "
            "WHERE chat_id = ? AND status = 'pending'",
            (reason, chat_id),
        )


class SqliteSlaEventRepository(_Repository):
    async def record(self, event: SlaEventRecord) -> bool:
        """Record once; False when this ticket already has this milestone recorded."""
        row = await self._session.fetchone(
            "INSERT INTO sla_events (ticket_id, milestone, due_at, recorded_at, overdue_seconds) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id, milestone) DO NOTHING "
            "RETURNING ticket_id",
            (
                event.ticket_id,
                enum_value(event.milestone),
                utc_text(event.due_at),
                utc_text(event.recorded_at),
                event.overdue_seconds,
            ),
        )
        if row is None:
            return False
        self._next_due_changes(event.ticket_id)
        return True

    async def for_ticket(self, ticket_id: int) -> Sequence[SlaEventRecord]:
        rows = await self._session.fetchall(
            "SELECT * FROM sla_events WHERE ticket_id = ? ORDER BY recorded_at, milestone",
            (ticket_id,),
        )
        return [self._from_row(row) for row in rows]

    async def for_tickets(
        self, ticket_ids: Sequence[int]
    ) -> Mapping[int, Sequence[SlaEventRecord]]:
        rows = await self._session.fetchall(
            "SELECT * FROM sla_events WHERE ticket_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY ticket_id, recorded_at, milestone",
            (json.dumps(list(ticket_ids)),),
        )
        found: dict[int, list[SlaEventRecord]] = defaultdict(list)
        for row in rows:
            found[row["ticket_id"]].append(self._from_row(row))
        return found

    @staticmethod
    def _from_row(row: sqlite3.Row) -> SlaEventRecord:
        return SlaEventRecord(
            ticket_id=row["ticket_id"],
            milestone=SlaMilestone(row["milestone"]),
            due_at=parse_utc(row["due_at"]),
            recorded_at=parse_utc(row["recorded_at"]),
            overdue_seconds=row["overdue_seconds"],
        )

    async def record_many(
        self, events: Sequence[SlaEventRecord], next_due: Mapping[int, datetime | None]
    ) -> None:
        """One statement for the records and one for the next due times: the caller read
        what is on record in this transaction, which holds the write lock, so none of them
        can have been recorded since (and one that was would stay as it was)."""
        await self._session.executemany(
            "INSERT INTO sla_events (ticket_id, milestone, due_at, recorded_at, overdue_seconds) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id, milestone) DO NOTHING",
            [
                (
                    event.ticket_id,
                    enum_value(event.milestone),
                    utc_text(event.due_at),
                    utc_text(event.recorded_at),
                    event.overdue_seconds,
                )
                for event in events
            ],
        )
        await self._session.executemany(
            "UPDATE tickets SET next_due_at = ? WHERE id = ?",
            [(utc_text_or_none(due), ticket_id) for ticket_id, due in next_due.items()],
        )

    async def set_overdue(self, ticket_id: int, milestone: SlaMilestone, seconds: int) -> None:
        await self._session.execute(
            "UPDATE sla_events SET overdue_seconds = ? WHERE ticket_id = ? AND milestone = ?",
            (seconds, ticket_id, enum_value(milestone)),
        )

    async def forget(self, ticket_id: int, milestone: SlaMilestone) -> None:
        await self._session.execute(
            "DELETE FROM sla_events WHERE ticket_id = ? AND milestone = ?",
            (ticket_id, enum_value(milestone)),
        )
        self._next_due_changes(ticket_id)

    async def pending(
        self, until: datetime, ticket_ids: Sequence[int] | None = None
    ) -> list[tuple[int, SlaMilestone, datetime]]:
        """Milestones of open tickets due by `until` and not recorded yet, earliest first:
        what the SLA timers arm. The rules of
        domain.sla_milestones.pending_milestones. Without `ticket_ids`, the tickets are
        found by their stored next due time (`tickets_next_due`), `DUE_PAGE` at a time in
        due order: the cost is what falls due by `until`, not every overdue ticket."""
        if ticket_ids is not None:
            return await self._pending(until, ticket_ids)
        found: list[tuple[int, SlaMilestone, datetime]] = []
        after: tuple[str, int] | None = None
        while True:
            keyset = "" if after is None else " AND (next_due_at, id) > (:due, :id)"
            rows = await self._session.fetchall(
                "SELECT id, next_due_at FROM tickets "
                f"WHERE next_due_at <= :until{keyset} ORDER BY next_due_at, id LIMIT :limit",
                {"until": utc_text(until), "limit": DUE_PAGE}
                | ({} if after is None else {"due": after[0], "id": after[1]}),
            )
            if rows:
                found += await self._pending(until, [row["id"] for row in rows])
            if len(rows) < DUE_PAGE:
                break
            after = (rows[-1]["next_due_at"], rows[-1]["id"])
        found.sort(key=lambda item: (item[2], item[0]))
        return found

    async def _pending(
        self, until: datetime, ticket_ids: Sequence[int]
    ) -> list[tuple[int, SlaMilestone, datetime]]:
        params: dict[str, Any] = {"until": utc_text(until), "ids": json.dumps(list(ticket_ids))}
        parts = []
        # `part`: a ticket's milestones due at the same moment come in _PENDING's order,
        # whichever the engine.
        for part, (milestone, column, condition) in enumerate(_PENDING):
            parts.append(
                f"SELECT t.id AS ticket_id, '{milestone}' AS milestone, t.{column} AS due, "
                f"{part} AS part "
                "FROM tickets t WHERE t.id IN (SELECT value FROM json_each(:ids)) "
                f"AND t.{OPEN_TICKET} AND t.{column} <= :until "
                f"AND {condition} AND {_not_recorded(milestone)}"
            )
        rows = await self._session.fetchall(
            " UNION ALL ".join(parts) + " ORDER BY due, ticket_id, part", params
        )
        return [
            (row["ticket_id"], SlaMilestone(row["milestone"]), parse_utc(row["due"]))
            for row in rows
        ]


def _still_ahead(rule: MilestoneRule) -> str:
    """The domain's rule for one milestone (domain/sla_milestones.py, `MilestoneRule.ahead_of`)
    written in SQL, for an open ticket `t` whose due time is set: unanswered, or, for a
    breach, answered after the due time."""
    answer = f"t.{rule.answered_at}"
    late = f"{answer} > t.{rule.due}"  # NULL (no row) while there is no answer
    if rule.answered_in is None:
        unanswered = f"{answer} IS NULL"
    else:
        statuses = ", ".join(f"'{status.value}'" for status in sorted(rule.answered_in))
        unanswered = f"t.status NOT IN ({statuses})"
        late = f"(t.status IN ({statuses}) AND {late})"
    return f"({unanswered} OR {late})" if rule.breach else unanswered


# (milestone, due column, when it still applies) for open tickets, from the domain's rules.
_PENDING = tuple((rule.milestone, rule.due, _still_ahead(rule)) for rule in MILESTONE_RULES)


def _not_recorded(milestone: str) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM sla_events e "
        f"WHERE e.ticket_id = t.id AND e.milestone = '{milestone}')"
    )


# The ticket's next due time: the earliest of its milestones still ahead and not recorded
# (warning or breach), for an open ticket; NULL when none is left. Plain SQL that
# PostgreSQL runs as well; 0016_next_due.sql back-fills with the same expression (a test
# keeps the two alike).
NEXT_DUE = (
    f"CASE WHEN {OPEN_TICKET} THEN (SELECT MIN(due) FROM ("
    + " UNION ALL ".join(
        f"SELECT t.{column} AS due FROM tickets t WHERE t.id = tickets.id "
        f"AND {condition} AND {_not_recorded(milestone)}"
        for milestone, column, condition in _PENDING
    )
    + ") AS ahead) END"
)
# Kept by the storage whenever what it depends on changes: the ticket is written (its
# status, due times, answers), or one of its milestones is recorded or forgotten.
REFRESH_NEXT_DUE = f"UPDATE tickets SET next_due_at = {NEXT_DUE} WHERE id = ?"
# The SLA timers read the tickets falling due by this many at a time, in due order.
DUE_PAGE = 1000


async def refresh_next_due(session: Session, ticket_ids: Sequence[int] | None = None) -> None:
    """Compute the stored next due time again: of these tickets, or of every open one (for
    rows written without the repositories, as the benchmarks write them)."""
    if ticket_ids is None:
        await session.execute(f"UPDATE tickets SET next_due_at = {NEXT_DUE} WHERE {OPEN_TICKET}")
    else:
        await session.executemany(REFRESH_NEXT_DUE, [(t,) for t in ticket_ids])


# --- the duty rota and pages ------------------------------------------------------------


class SqliteDutyRepository(_Repository):
    async def add_shift(self, shift: DutyShift) -> DutyShift:
        row = await self._session.fetchone(
            "INSERT INTO duty_rota (staff_tg_id, starts_at, ends_at, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (
                shift.staff_tg_id,
                utc_text(shift.starts_at),
                utc_text(shift.ends_at),
                self._now_text(None),
            ),
        )
        assert row is not None
        return DutyShift(shift.staff_tg_id, shift.starts_at, shift.ends_at, row["id"])

    async def add_weekly(self, pattern: WeeklyDuty) -> WeeklyDuty:
        row = await self._session.fetchone(
            "INSERT INTO duty_rota (staff_tg_id, weekdays, starts, ends, timezone, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                pattern.staff_tg_id,
                weekdays_text(pattern.weekdays),
                clock_text(pattern.starts),
                clock_text(pattern.ends),
                pattern.timezone,
                self._now_text(None),
            ),
        )
        assert row is not None
        return WeeklyDuty(
            pattern.staff_tg_id,
            pattern.weekdays,
            pattern.starts,
            pattern.ends,
            pattern.timezone,
            row["id"],
        )

    async def rota(self, at: datetime | None = None) -> DutyRota:
        """Weekly patterns, and the one-off shifts not ended at `at` (all of them when None)."""
        if at is None:
            rows = await self._session.fetchall("SELECT * FROM duty_rota ORDER BY id")
        else:
            rows = await self._session.fetchall(
                "SELECT * FROM duty_rota WHERE weekdays IS NOT NULL OR ends_at > ? ORDER BY id",
                (utc_text(at),),
            )
        shifts, weekly = [], []
        for row in rows:
            if row["weekdays"] is None:
                shifts.append(
                    DutyShift(
                        row["staff_tg_id"],
                        parse_utc(row["starts_at"]),
                        parse_utc(row["ends_at"]),
                        row["id"],
                    )
                )
            else:
                weekly.append(
                    WeeklyDuty(
                        row["staff_tg_id"],
                        parse_weekdays(row["weekdays"]),
                        parse_clock(row["starts"]),
                        parse_clock(row["ends"]),
                        row["timezone"],
                        row["id"],
                    )
                )
        return DutyRota(tuple(shifts), tuple(weekly))

    async def remove(self, entry_id: int) -> bool:
        return (
            await self._session.changed_rows("DELETE FROM duty_rota WHERE id = ?", (entry_id,)) > 0
        )


class SqlitePageRepository(_Repository):
    @staticmethod
    def _from_row(row: sqlite3.Row) -> Page:
        return Page(
            id=row["id"],
            ticket_id=row["ticket_id"],
            target_tg_id=row["target_tg_id"],
            reason=PageReason(row["reason"]),
            level=row["level"],
            attempt=row["attempt"],
            next_at=parse_utc_or_none(row["next_at"]),
            created_at=parse_utc(row["created_at"]),
            acknowledged_by=row["acknowledged_by"],
            acknowledged_at=parse_utc_or_none(row["acknowledged_at"]),
        )

    async def add(self, page: Page) -> Page | None:
        """Store the page and fill in its id; None (nothing written) when this person is
        already paged at that level about the ticket."""
        created_at = self._now_text(page.created_at)
        row = await self._session.fetchone(
            "INSERT INTO pages (ticket_id, target_tg_id, reason, level, attempt, next_at, "
            "created_at, acknowledged_by, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ticket_id, level, target_tg_id) DO NOTHING RETURNING id",
            (
                page.ticket_id,
                page.target_tg_id,
                enum_value(page.reason),
                page.level,
                page.attempt,
                utc_text_or_none(page.next_at),
                created_at,
                page.acknowledged_by,
                utc_text_or_none(page.acknowledged_at),
            ),
        )
        if row is None:
            return None
        page.id, page.created_at = row["id"], parse_utc(created_at)
        return page

    async def get(self, page_id: int) -> Page | None:
        row = await self._session.fetchone("SELECT * FROM pages WHERE id = ?", (page_id,))
        return self._from_row(row) if row else None

    async def update(self, page: Page) -> None:
        await self._update(
            "UPDATE pages SET attempt = :attempt, next_at = :next_at, "
            "acknowledged_by = :acknowledged_by, acknowledged_at = :acknowledged_at "
            "WHERE id = :id",
            {
                "id": page.id,
                "attempt": page.attempt,
                "next_at": utc_text_or_none(page.next_at),
                "acknowledged_by": page.acknowledged_by,
                "acknowledged_at": utc_text_or_none(page.acknowledged_at),
            },
            "page",
        )

    async def for_ticket(self, ticket_id: int) -> Sequence[Page]:
        rows = await self._session.fetchall(
            "SELECT * FROM pages WHERE ticket_id = ? ORDER BY level, id", (ticket_id,)
        )
        return [self._from_row(row) for row in rows]

    async def pending(self, ticket_ids: Sequence[int] | None = None) -> Sequence[Page]:
        """Pages still to be sent (again), the earliest first."""
        if ticket_ids is None:
            rows = await self._session.fetchall(
                "SELECT * FROM pages WHERE next_at IS NOT NULL ORDER BY next_at, id"
            )
        else:
            rows = await self._session.fetchall(
                "SELECT * FROM pages WHERE next_at IS NOT NULL AND ticket_id IN "
                "(SELECT value FROM json_each(?)) ORDER BY next_at, id",
                (json.dumps(list(ticket_ids)),),
            )
        return [self._from_row(row) for row in rows]


# --- for the handlers and the bot: processed updates, people, where ticket cards live ---


class SqliteProcessedUpdates(_Repository):
    def seen_before(self, update_id: int) -> Coroutine[Any, Any, bool]:
        """Remember the update; True when it was already remembered (a redelivery).

        The statement is queued at once and goes to the database with the next trip, so
        what is asked next (who wrote) goes in the same one. Part of the unit of work: if
        the update's handling rolls back, so does this, and the redelivered update is
        handled again.
        """
        inserted = self._session.later(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            (update_id, utc_text(self._session.now())),
        )
        return _then(inserted, lambda rows: not rows)


class SqlitePeople(_Repository):
    def by_tg_id(self, tg_id: int) -> Coroutine[Any, Any, Person]:
        """The employee with their client and the staff member, in one query (every update
        asks who wrote it); queued at once, like `SqliteProcessedUpdates.seen_before`."""
        cache = self._session.cache
        written = (cache.get((_ROWS, "employees"), 0), cache.get((_ROWS, "clients"), 0))
        found = self._session.later(
            "SELECT e.*, NULL AS client_, c.*, NULL AS staff_, s.* "
            "FROM (SELECT CAST(? AS BIGINT) AS tg_id) AS me "
            "LEFT JOIN employees AS e ON e.tg_id = me.tg_id "
            "LEFT JOIN clients AS c ON c.id = e.client_id "
            "LEFT JOIN staff AS s ON s.tg_id = me.tg_id",
            (tg_id,),
        )

        def person(rows: list[sqlite3.Row]) -> Person:
            # The tables share column names: split the row at the marker columns.
            names, values = list(rows[0].keys()), tuple(rows[0])
            c, s = names.index("client_"), names.index("staff_")
            e = dict(zip(names[:c], values[:c], strict=True))
            cl = dict(zip(names[c + 1 : s], values[c + 1 : s], strict=True))
            st = dict(zip(names[s + 1 :], values[s + 1 :], strict=True))
            if e["id"] is not None:
                self._keep(cache, "employees", written[0], {"id": e["id"], "tg_id": tg_id}, e)
            if cl["id"] is not None:
                self._keep(cache, "clients", written[1], {"id": cl["id"]}, cl)
            return self._person(e, cl, st)

        return _then(found, person)

    @staticmethod
    def _person(e: dict[str, Any], cl: dict[str, Any], st: dict[str, Any]) -> Person:
        return Person(
            employee=None if e["id"] is None else SqliteEmployeeRepository._from_row(e),
            client=None if cl["id"] is None else SqliteClientRepository._from_row(cl),
            staff=None if st["tg_id"] is None else SqliteStaffRepository._from_row(st),
        )


class SqliteTicketPosts(_Repository):
    @staticmethod
    def _from_row(row: sqlite3.Row | None) -> TicketPost | None:
        if row is None:
            return None
        return TicketPost(row["ticket_id"], row["chat_id"], row["message_id"], row["thread_id"])

    async def get(self, ticket_id: int) -> TicketPost | None:
        return self._from_row(
            await self._session.fetchone(
                "SELECT * FROM ticket_posts WHERE ticket_id = ?", (ticket_id,)
            )
        )

    async def draft(self, ticket_id: int) -> TicketPost | None:
        """A card on its way: where it is being posted (`message_id` 0: not known yet)."""
        row = await self._session.fetchone(
            "SELECT * FROM ticket_post_drafts WHERE ticket_id = ?", (ticket_id,)
        )
        if row is None:
            return None
        return TicketPost(row["ticket_id"], row["chat_id"], 0, row["thread_id"])

    async def set_draft(self, ticket_id: int, chat_id: int, thread_id: int | None) -> None:
        """Remember, before sending, where the ticket's card is about to be posted."""
        await self._session.execute(
            "INSERT INTO ticket_post_drafts (ticket_id, chat_id, thread_id) VALUES (?, ?, ?) "
            "ON CONFLICT (ticket_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, thread_id = excluded.thread_id",
            (ticket_id, chat_id, thread_id),
        )

    async def set(self, post: TicketPost) -> None:
        """Remember (or move) the ticket's card; its draft, if any, is done with."""
        await self._session.execute(
            "DELETE FROM ticket_post_drafts WHERE ticket_id = ?", (post.ticket_id,)
        )
        await self._session.execute(
            "INSERT INTO ticket_posts (ticket_id, chat_id, message_id, thread_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, message_id = excluded.message_id, "
            "thread_id = excluded.thread_id",
            (post.ticket_id, post.chat_id, post.message_id, post.thread_id),
        )

    async def by_message(self, chat_id: int, message_id: int) -> TicketPost | None:
        return self._from_row(
            await self._session.fetchone(
                "SELECT * FROM ticket_posts WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            )
        )

    async def by_thread(self, chat_id: int, thread_id: int) -> TicketPost | None:
        return self._from_row(
            await self._session.fetchone(
                "SELECT * FROM ticket_posts WHERE chat_id = ? AND thread_id = ? "
                "ORDER BY ticket_id DESC LIMIT 1",
                (chat_id, thread_id),
            )
        )
