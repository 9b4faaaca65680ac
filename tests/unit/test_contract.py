"""A client's contract over time: terms edited, its fixed specialist, a plan from a month
on, and its end."""

from datetime import date

import pytest

from domain import events as ev
from domain.enums import SlaTier, StaffRole
from domain.errors import ContractEnded, InvalidInput, InviteUnusable, NotFound
from domain.model import Plan
from domain.plan_changes import PlanChange
from domain.use_cases import accounts
from tests.unit.fakes import EMPLOYEE_TG
from tests.unit.test_use_cases import open_printer_ticket

SPECIALIST = 777


async def test_edit_changes_only_what_is_given(uow):
    outcome = await accounts.edit_client(uow, client_id=1, tier=SlaTier.SILVER, manager_tg_id=None)
    client = await uow.clients.get(1)
    assert client == outcome.value
    assert (client.tier, client.manager_tg_id, client.name) == (SlaTier.SILVER, None, "ООО Ромашка")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"manager_tg_id": 424242}, NotFound),
        ({"default_assignee_tg_id": 424242}, NotFound),
        ({"warning_fraction": 1.0}, InvalidInput),
        ({"warning_fraction": 0.0}, InvalidInput),
        ({"name": "  "}, InvalidInput),
    ],
)
async def test_edit_refuses_what_cannot_be_and_changes_nothing(uow, changes, error):
    before = await uow.clients.get(1)
    with pytest.raises(error):
        await accounts.edit_client(uow, client_id=1, **changes)
    assert await uow.clients.get(1) == before


async def test_a_staff_member_who_left_cannot_be_the_fixed_specialist(uow, clock):
    await accounts.add_staff(uow, clock, tg_id=SPECIALIST, name="Олег", role=StaffRole.SECOND_LINE)
    await accounts.deactivate_staff(uow, tg_id=SPECIALIST)
    with pytest.raises(NotFound):
        await accounts.edit_client(uow, client_id=1, default_assignee_tg_id=SPECIALIST)


async def test_a_new_ticket_goes_to_the_fixed_specialist_on_shift_without_a_reaction(uow, clock):
    await accounts.add_staff(uow, clock, tg_id=SPECIALIST, name="Олег", role=StaffRole.SECOND_LINE)
    await accounts.edit_client(uow, client_id=1, default_assignee_tg_id=SPECIALIST)

    morning = (await open_printer_ticket(uow, clock)).value
    clock.advance(hours=10)  # 20:00, and nobody on the rota
    evening = (await open_printer_ticket(uow, clock)).value

    assert morning.assignee_tg_id == SPECIALIST and morning.first_response_at is None
    assert evening.assignee_tg_id is None


async def test_a_plan_change_is_kept_from_its_month_and_says_what_it_replaced(uow, clock):
    first = await accounts.set_plan(uow, clock, client_id=1, plan=Plan(1, 1, 1, 0))
    assert first.value.change == PlanChange(date(2026, 11, 1), Plan(1, 1, 1, 0))
    assert first.value.previous is None

    later = await accounts.set_plan(
        uow, clock, client_id=1, plan=Plan(2, 2, 2, 0), from_month=date(2027, 2, 1)
    )
    assert later.value.previous == Plan(1, 1, 1, 0)
    assert await uow.clients.plan_changes(1) == [
        PlanChange(date(2026, 11, 1), Plan(1, 1, 1, 0)),
        PlanChange(date(2027, 2, 1), Plan(2, 2, 2, 0)),
    ]


async def test_a_plan_change_of_an_invoiced_month_needs_force(uow, clock):
    clock.advance(days=40)  # January 2027: November and December are invoiced
    with pytest.raises(InvalidInput, match="2026-12 is invoiced already"):
        await accounts.set_plan(
            uow, clock, client_id=1, plan=Plan(1, 1, 1, 0), from_month=date(2026, 12, 1)
        )
    assert await uow.clients.plan_changes(1) == []
    await accounts.set_plan(
        uow, clock, client_id=1, plan=Plan(1, 1, 1, 0), from_month=date(2026, 12, 1), force=True
    )
    assert len(await uow.clients.plan_changes(1)) == 1


async def test_the_end_of_a_contract_stops_new_tickets_and_keeps_the_history(uow, clock):
    ticket = (await open_printer_ticket(uow, clock)).value
    invite = (await accounts.create_invite(uow, clock, client_id=1, max_uses=5)).value

    outcome = await accounts.deactivate_client(uow, clock, client_id=1)

    assert (outcome.value.employees, outcome.value.open_tickets) == (3, 1)
    assert outcome.events == (ev.ClientDeactivated(1),)
    assert (await uow.clients.get(1)).deactivated_at == clock.now()
    with pytest.raises(ContractEnded):
        await open_printer_ticket(uow, clock)
    with pytest.raises(InviteUnusable):
        await accounts.register_employee(uow, clock, code=invite.code, tg_id=5555, name="Вера")
    assert (await uow.tickets.get(ticket.number)).is_open  # staff finish it
    with pytest.raises(InvalidInput, match="has ended already"):
        await accounts.deactivate_client(uow, clock, client_id=1)


async def test_a_renewed_contract_takes_requests_again(uow, clock):
    with pytest.raises(InvalidInput, match="has not ended"):
        await accounts.reactivate_client(uow, client_id=1)
    await accounts.deactivate_client(uow, clock, client_id=1)

    outcome = await accounts.reactivate_client(uow, client_id=1)

    assert outcome.value == 3
    assert outcome.events == (ev.ClientReactivated(1),)
    assert (await uow.clients.get(1)).active
    assert (await open_printer_ticket(uow, clock)).value.is_open


async def test_an_employee_of_an_ended_contract_may_join_another_company(uow, clock):
    await accounts.deactivate_client(uow, clock, client_id=1)
    other = (await accounts.register_client(uow, clock, name="ЗАО Лютик")).value
    invite = (await accounts.create_invite(uow, clock, client_id=other.id)).value

    joined = await accounts.register_employee(
        uow, clock, code=invite.code, tg_id=EMPLOYEE_TG, name="Анна"
    )

    assert joined.value.client_id == other.id and joined.value.active
