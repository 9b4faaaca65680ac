"""A task's estimate: staff put it on a ticket, the client approves it or not
(domain/estimates.py says who decides and what it costs)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain import events as ev
from domain.billing import month_start
from domain.enums import TicketStatus
from domain.errors import InvalidInput, NotFound
from domain.estimates import (
    MOST_IN_ONE_ESTIMATE,
    Decision,
    Estimate,
    approver,
    billed_separately,
    estimate_amount,
)
from domain.model import Client, Plan, Ticket
from domain.plan_changes import plan_in_force
from domain.ports import Clock, UnitOfWork
from domain.use_cases.common import (
    Outcome,
    acting_employee,
    acting_staff,
    get_client,
    get_ticket,
)


async def _plan_now(uow: UnitOfWork, client: Client, now: datetime) -> Plan | None:
    assert client.id is not None
    changes = await uow.clients.plan_changes(client.id)
    month = month_start(now.astimezone(ZoneInfo(client.timezone)))
    return plan_in_force(client.plan, changes, month)


async def put_estimate(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_tg_id: int, minutes: int
) -> Outcome[Estimate]:
    """Staff estimate the work; the client is asked to approve it and the resolution clock
    stands still until they decide. A new estimate replaces one not decided yet."""
    await acting_staff(uow, staff_tg_id)
    ticket = await get_ticket(uow, ticket_id)
    if not ticket.is_open or ticket.status is TicketStatus.RESOLVED:
        raise InvalidInput("the ticket is already finished", field="ticket")
    if not 0 < minutes <= MOST_IN_ONE_ESTIMATE:
        raise InvalidInput("an estimate is from 1 minute to 200 hours", field="minutes")
    client = await get_client(uow, ticket.client_id)
    now = clock.now()
    plan = await _plan_now(uow, client, now)
    separately = billed_separately(emergency=ticket.emergency, plan=plan)
    assert client.id is not None
    directors = [
        e.id
        for e in await uow.employees.list_by_client(client.id)
        if e.is_director and e.active and e.id is not None
    ]
    decides = approver(
        separately=separately,
        author_id=ticket.employee_id,
        director_ids=directors,
        outage=ticket.outage,
    )
    if decides is None:
        raise InvalidInput(
            "a mass outage's estimate is approved by the company's director, and it has none",
            field="estimate_outage",
        )
    estimate = await uow.tickets.add_estimate(
        Estimate(
            ticket_id=ticket.number,
            minutes=minutes,
            amount=estimate_amount(minutes, plan, separately=separately),
            staff_tg_id=staff_tg_id,
            at=now,
            approver_employee_id=decides,
            billed_separately=separately,
        )
    )
    assert estimate.id is not None
    if ticket.assignee_tg_id is None:
        ticket.assignee_tg_id = staff_tg_id
    ticket.await_estimate(now)
    ticket.refresh_deadlines(client)
    await uow.tickets.update(ticket)
    return Outcome(
        estimate,
        (
            ev.EstimateGiven(ticket.number, estimate.id, staff_tg_id),
            ev.DeadlinesChanged(ticket.number),
        ),
    )


async def latest_estimate(uow: UnitOfWork, ticket_id: int) -> Estimate | None:
    return (await uow.tickets.latest_estimates([ticket_id])).get(ticket_id)


async def decide(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket_id: int,
    tg_id: int,
    decision: Decision,
    estimate_id: int | None = None,
) -> Outcome[tuple[Ticket, Estimate]]:
    """The client's decision on the estimate waiting for them (`estimate_id`: the one a
    button named; a button of an older estimate is refused). The clock runs again, the
    ticket stays in work either way and staff hear the answer."""
    employee = await acting_employee(uow, tg_id)
    ticket = await uow.tickets.get(ticket_id)
    estimate = await latest_estimate(uow, ticket_id)
    if (
        ticket is None
        or estimate is None
        or ticket.client_id != employee.client_id
        or estimate.approver_employee_id != employee.id
    ):
        raise NotFound(f"no estimate of ticket №{ticket_id} waits for this employee")
    if estimate_id is not None and estimate.id != estimate_id:
        raise InvalidInput("this estimate was replaced by a newer one", field="estimate")
    if not estimate.pending:
        raise InvalidInput("the estimate is decided already", field="estimate")
    if not ticket.is_open:
        raise InvalidInput("the ticket is already finished", field="ticket")
    now = clock.now()
    decided = Estimate(
        ticket_id=estimate.ticket_id,
        minutes=estimate.minutes,
        amount=estimate.amount,
        staff_tg_id=estimate.staff_tg_id,
        at=estimate.at,
        approver_employee_id=estimate.approver_employee_id,
        billed_separately=estimate.billed_separately,
        decision=decision,
        decided_by_employee_id=employee.id,
        decided_at=now,
        id=estimate.id,
    )
    await uow.tickets.decide_estimate(decided)
    ticket.estimate_decided(now)
    ticket.refresh_deadlines(await get_client(uow, ticket.client_id))
    await uow.tickets.update(ticket)
    assert decided.id is not None and employee.id is not None
    return Outcome(
        (ticket, decided),
        (
            ev.EstimateDecided(
                ticket.number, decided.id, decision is Decision.APPROVED, employee.id
            ),
            ev.DeadlinesChanged(ticket.number),
        ),
    )


async def waiting_for(uow: UnitOfWork, tg_id: int) -> list[Estimate]:
    """The estimates waiting for this employee's decision, the newest first."""
    employee = await uow.employees.by_tg_id(tg_id)
    if employee is None or employee.id is None or not employee.active:
        return []
    return list(await uow.tickets.pending_estimates(employee.id))
