"""Accounts: client companies and their plans, invites, employees and staff; and taking a
person's access away (an administrator, or a director for the company's people)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from domain import events as ev
from domain.billing import month_start
from domain.calendar import WorkCalendar
from domain.enums import EmployeeRole, SlaTier, StaffRole
from domain.errors import AccessDenied, InvalidInput, InviteUnusable, NotFound
from domain.model import Client, Employee, Invite, PenaltyRule, Plan, Staff
from domain.plan_changes import PlanChange, is_invoiced, plan_in_force
from domain.ports import Clock, UnitOfWork
from domain.sla import SlaTable, check_sla_table
from domain.use_cases.common import (
    Outcome,
    acting_employee,
    acting_staff,
    clean_text,
    get_client,
    staff_member,
)


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
    name = clean_text(name, limit=200, what="name")
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


class Keep:
    """Leave the field as it is (for fields where None means "none")."""


KEEP = Keep()


async def edit_client(
    uow: UnitOfWork,
    *,
    client_id: int,
    name: str | None = None,
    tier: SlaTier | None = None,
    timezone: str | None = None,
    hours: tuple[time, time] | None = None,
    weekdays: frozenset[int] | None = None,
    country: str | Keep | None = KEEP,
    round_the_clock: bool | None = None,
    manager_tg_id: int | Keep | None = KEEP,
    warning_fraction: float | None = None,
    default_assignee_tg_id: int | Keep | None = KEEP,
    emergency_hour_rate: int | Keep | None = KEEP,
    penalty: PenaltyRule | Keep | None = KEEP,
) -> Outcome[Client]:
    """Change a client's contract terms; what is not given stays. New tickets get the new
    terms; open tickets keep the deadlines they were given. The billing terms (the
    emergency rate, the penalty rule) apply to every statement issued from then on."""
    client = await get_client(uow, client_id)
    if not isinstance(emergency_hour_rate, Keep):
        if emergency_hour_rate is not None and emergency_hour_rate < 0:
            raise InvalidInput("the emergency hour rate cannot be negative", field="emergency")
        client.emergency_hour_rate = emergency_hour_rate
    if not isinstance(penalty, Keep):
        if penalty is not None and penalty.amount < 0:
            raise InvalidInput("a penalty cannot be negative", field="penalty")
        share = penalty.cap_share if penalty is not None else None
        if share is not None and not 0 <= share <= 1:
            raise InvalidInput(
                "the penalty's cap is a share of the monthly fee from 0 to 100%", field="penalty"
            )
        client.penalty = penalty
    if name is not None:
        client.name = clean_text(name, limit=200, what="name")
    if tier is not None:
        client.tier = SlaTier(tier)
    if timezone is not None:
        client.timezone = timezone
    if hours is not None:
        client.opens, client.closes = hours
    if weekdays is not None:
        client.weekdays = frozenset(weekdays)
    if not isinstance(country, Keep):
        client.country = country
    if round_the_clock is not None:
        client.round_the_clock = round_the_clock
    if warning_fraction is not None:
        if not 0 < warning_fraction < 1:
            raise InvalidInput(
                "the warning share must be between 0 and 1 (0.75, or 75%)", field="warning"
            )
        client.warning_fraction = warning_fraction
    if not isinstance(manager_tg_id, Keep):
        if manager_tg_id is not None:
            await _active_staff_member(uow, manager_tg_id, "manager")
        client.manager_tg_id = manager_tg_id
    if not isinstance(default_assignee_tg_id, Keep):
        if default_assignee_tg_id is not None:
            await _active_staff_member(uow, default_assignee_tg_id, "assignee")
        client.default_assignee_tg_id = default_assignee_tg_id
    client.calendar  # noqa: B018  # validates the calendar; raises ValueError
    await uow.clients.update(client)
    return Outcome(client)


async def _active_staff_member(uow: UnitOfWork, tg_id: int, field: str) -> Staff:
    staff = await uow.staff.get(tg_id)
    if staff is None or not staff.active:
        raise NotFound(f"staff member {tg_id} not found", field=field)
    return staff


async def set_sla(uow: UnitOfWork, *, client_id: int, table: SlaTable | None) -> Outcome[Client]:
    """The contract's own SLA table (all four priorities), or None: the tier's table again.
    New tickets get it; open tickets keep the deadlines they were given."""
    if table is not None:
        try:
            check_sla_table(table)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="sla") from None
    client = await get_client(uow, client_id)
    client.custom_sla = dict(table) if table is not None else None
    await uow.clients.update(client)
    return Outcome(client)


@dataclass(frozen=True, slots=True)
class PlanSet:
    client: Client
    change: PlanChange
    previous: Plan | None  # the plan that month had before


async def set_plan(
    uow: UnitOfWork,
    clock: Clock,
    *,
    client_id: int,
    plan: Plan,
    from_month: date | None = None,
    force: bool = False,
) -> Outcome[PlanSet]:
    """The client's monthly subscription (fee, hours included, extra rate, reserve cap)
    from `from_month` on (this month of the client's calendar when None); the months before
    keep theirs. A month already invoiced is refused unless `force`."""
    if plan.monthly_fee < 0 or plan.hours_included < 0 or plan.extra_hour_rate < 0:
        raise InvalidInput("a plan's amounts cannot be negative", field="plan")
    if plan.reserve_cap < 0:
        raise InvalidInput("the reserve cap cannot be negative", field="plan")
    if plan.fee_free_months < 0:
        raise InvalidInput("the months without the fee cannot be negative", field="plan")
    client = await get_client(uow, client_id)
    zone = ZoneInfo(client.timezone)
    now = clock.now()
    this_month = month_start(now.astimezone(zone))
    month = month_start(from_month) if from_month is not None else this_month
    since = month_start((client.created_at or now).astimezone(zone))
    if not force and is_invoiced(month, this_month=this_month, client_since=since):
        raise InvalidInput(
            f"{month:%Y-%m} is invoiced already: a plan from then would rewrite its statement; "
            f"give --from {this_month:%Y-%m} or later, or --force to correct it",
            field="from",
        )
    changes = await uow.clients.plan_changes(client_id)
    previous = plan_in_force(client.plan, changes, month)
    change = PlanChange(month, plan)
    await uow.clients.set_plan_change(client_id, change, now)
    return Outcome(PlanSet(client, change, previous))


@dataclass(frozen=True, slots=True)
class Deactivation:
    client: Client
    employees: int  # who hear farewell
    open_tickets: int  # they stay with staff to finish


async def deactivate_client(
    uow: UnitOfWork, clock: Clock, *, client_id: int
) -> Outcome[Deactivation]:
    """The end of a contract: no new tickets from its employees (they are told why and who
    to contact), a farewell to each of them, the hand-over checklist to the personal
    manager; its tickets, reports and people stay on record. Open tickets stay with staff."""
    client = await get_client(uow, client_id)
    if client.deactivated_at is not None:
        raise InvalidInput(
            f"the contract of {client.name} has ended already, "
            f"on {client.deactivated_at:%Y-%m-%d %H:%M} UTC",
            field="client",
        )
    client.deactivated_at = clock.now()
    await uow.clients.update(client)
    employees = [e for e in await uow.employees.list_by_client(client_id) if e.active]
    open_tickets = [t for t in await uow.tickets.list_open() if t.client_id == client_id]
    return Outcome(
        Deactivation(client, len(employees), len(open_tickets)),
        (ev.ClientDeactivated(client_id),),
    )


async def reactivate_client(uow: UnitOfWork, *, client_id: int) -> Outcome[int]:
    """A contract that had ended is renewed: its employees may file requests again (each is
    told so, with the menu of requests back); the invitations revoked at its end stay
    revoked. How many employees are told."""
    client = await get_client(uow, client_id)
    if client.deactivated_at is None:
        raise InvalidInput(f"the contract of {client.name} has not ended", field="client")
    client.deactivated_at = None
    await uow.clients.update(client)
    employees = [e for e in await uow.employees.list_by_client(client_id) if e.active]
    return Outcome(len(employees), (ev.ClientReactivated(client_id),))


def new_invite_code() -> str:
    """Twelve URL-safe characters (72 random bits), never starting with "-": a command line
    would take such a code for an option (`frontdesk admin invite revoke -x…`)."""
    while (code := secrets.token_urlsafe(9)).startswith("-"):
        pass
    return code


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
    await get_client(uow, client_id)
    if max_uses < 1:
        raise InvalidInput("an invite must allow at least one use", field="uses")
    now = clock.now()
    invite = Invite(
        code=code or new_invite_code(),
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
    if reason is None:
        client = await uow.clients.get(invite.client_id)
        if client is not None and not client.active:
            reason = "revoked"  # the contract has ended: nobody joins it any more
    if reason is not None:
        raise InviteUnusable(f"this invite code is {reason.replace('_', ' ')}", reason=reason)
    return invite


async def revoke_invite(uow: UnitOfWork, *, code: str) -> Outcome[Invite]:
    """Nobody else registers with this invite (those who did keep their access)."""
    invite = await uow.invites.get(code.strip()) if code.strip() else None
    if invite is None:
        raise NotFound(f"invite {code} not found")
    if not invite.revoked:
        invite.revoked = True
        await uow.invites.update(invite)
    return Outcome(invite)


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
    name = clean_text(name, limit=200, what="name")
    existing = await uow.employees.by_tg_id(tg_id)
    if existing is not None and existing.active and existing.client_id != invite.client_id:
        former = await uow.clients.get(existing.client_id)
        if former is not None and not former.active:  # their company's contract has ended
            existing.active = False
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


async def set_language(uow: UnitOfWork, tg_id: int, locale: str) -> Outcome[None]:
    """The language a registered person reads the bot in: a client's employee, or a staff
    member (their cards, pages and notices); AccessDenied for anybody else."""
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is not None and employee.active:
        employee.locale = locale
        await uow.employees.update(employee)
        return Outcome(None)
    staff = await acting_staff(uow, tg_id)
    staff.locale = locale
    await uow.staff.update(staff)
    return Outcome(None)


async def colleagues(uow: UnitOfWork, *, director_tg_id: int) -> list[Employee]:
    """The people of the director's company who have access, the director first."""
    director = await acting_employee(uow, director_tg_id)
    if not director.is_director:
        raise AccessDenied("only the company's director manages its people")
    people = [e for e in await uow.employees.list_by_client(director.client_id) if e.active]
    return sorted(people, key=lambda e: (e.id != director.id, e.name.casefold(), e.id or 0))


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
    name = clean_text(name, limit=200, what="name")
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


async def remove_colleague(
    uow: UnitOfWork, *, director_tg_id: int, employee_id: int
) -> Outcome[Removal]:
    """A director takes a colleague's access away (never their own)."""
    director = await acting_employee(uow, director_tg_id)
    if not director.is_director:
        raise AccessDenied("only the company's director manages its people")
    employee = await uow.employees.get(employee_id)
    if employee is None or not employee.active or employee.client_id != director.client_id:
        raise NotFound(f"employee {employee_id} not found")
    if employee.id == director.id:
        raise InvalidInput("a director cannot remove themselves", field="employee")
    return await _remove_employee(uow, employee)


async def deactivate_staff(uow: UnitOfWork, *, tg_id: int) -> Outcome[Removal]:
    """A staff member leaves: no staff command or button works for them from the next
    update on, they are paged and notified no more, and what was queued for them is
    dropped. Their open tickets keep them as the assignee until somebody reassigns them."""
    staff = await staff_member(uow, tg_id)
    staff.active = False
    await uow.staff.update(staff)
    assigned = [t for t in await uow.tickets.list_open() if t.assignee_tg_id == tg_id]
    managed = await uow.clients.by_manager(tg_id)
    dropped = await uow.outbox.drop_pending(tg_id, ACCESS_REMOVED)
    return Outcome(Removal(staff.name, len(assigned), dropped, len(managed)))
