"""Taking access away: removing an employee or a director, a director removing a colleague,
revoking an invite, deactivating a staff member; and a moved employee."""

import pytest

from domain.errors import AccessDenied, InvalidInput, InviteUnusable, NotFound
from domain.ports import OutboxMessage
from domain.use_cases import accounts, employee_tickets, staff_tickets
from tests.unit.fakes import COLLEAGUE_TG, DIRECTOR_TG, EMPLOYEE_TG, ENGINEER, MANAGER
from tests.unit.test_use_cases import open_printer_ticket


def queued(uow, chat_id: int, text: str = "Пароль от почты: 123") -> None:
    uow.store.outbox.append(
        OutboxMessage(chat_id=chat_id, method="sendMessage", payload={"text": text})
    )


async def employee_id(uow, tg_id: int) -> int:
    return (await uow.employees.by_tg_id(tg_id)).id


async def test_a_removed_employee_loses_access_and_nothing_queued_reaches_them(uow, clock):
    ticket = (await open_printer_ticket(uow, clock)).value
    queued(uow, EMPLOYEE_TG)
    queued(uow, COLLEAGUE_TG, "для коллеги")

    removal = (await accounts.remove_employee(uow, tg_id=EMPLOYEE_TG)).value

    assert (removal.open_tickets, removal.dropped_messages) == (1, 1)
    assert not (await uow.employees.by_tg_id(EMPLOYEE_TG)).active
    assert [m.chat_id for m in uow.store.outbox] == [COLLEAGUE_TG]
    assert [reason for _m, reason in uow.store.dropped] == [accounts.ACCESS_REMOVED]
    with pytest.raises(AccessDenied):
        await employee_tickets.ticket_for_employee(uow, ticket.number, EMPLOYEE_TG)
    # The ticket stays with the company: the director still sees it.
    assert (
        await employee_tickets.ticket_for_employee(uow, ticket.number, DIRECTOR_TG)
    ).number == ticket.number
    assert not employee_tickets.may_hear_about(ticket, await uow.employees.by_tg_id(EMPLOYEE_TG))


async def test_removing_someone_unknown_or_already_removed_is_not_found(uow, clock):
    await accounts.remove_employee(uow, tg_id=EMPLOYEE_TG)
    for tg_id in (EMPLOYEE_TG, 424242):
        with pytest.raises(NotFound):
            await accounts.remove_employee(uow, tg_id=tg_id)


async def test_a_director_removes_a_colleague_but_not_themselves(uow, clock):
    people = await accounts.colleagues(uow, director_tg_id=DIRECTOR_TG)
    assert people[0].tg_id == DIRECTOR_TG
    assert {p.tg_id for p in people} == {DIRECTOR_TG, EMPLOYEE_TG, COLLEAGUE_TG}

    with pytest.raises(InvalidInput):
        await accounts.remove_colleague(
            uow, director_tg_id=DIRECTOR_TG, employee_id=await employee_id(uow, DIRECTOR_TG)
        )
    with pytest.raises(AccessDenied):
        await accounts.remove_colleague(
            uow, director_tg_id=EMPLOYEE_TG, employee_id=await employee_id(uow, COLLEAGUE_TG)
        )
    with pytest.raises(AccessDenied):
        await accounts.colleagues(uow, director_tg_id=EMPLOYEE_TG)

    await accounts.remove_colleague(
        uow, director_tg_id=DIRECTOR_TG, employee_id=await employee_id(uow, COLLEAGUE_TG)
    )
    people = await accounts.colleagues(uow, director_tg_id=DIRECTOR_TG)
    assert {p.tg_id for p in people} == {DIRECTOR_TG, EMPLOYEE_TG}


async def test_a_director_cannot_remove_someone_of_another_company(uow, clock):
    other = (await accounts.register_client(uow, clock, name="ООО Другая")).value
    invite = (await accounts.create_invite(uow, clock, client_id=other.id)).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=7777, name="Чужой")

    with pytest.raises(NotFound):
        await accounts.remove_colleague(
            uow, director_tg_id=DIRECTOR_TG, employee_id=await employee_id(uow, 7777)
        )
    assert (await uow.employees.by_tg_id(7777)).active


async def test_a_revoked_invite_registers_nobody(uow, clock):
    client = (await uow.clients.list())[0]
    invite = (await accounts.create_invite(uow, clock, client_id=client.id, max_uses=5)).value

    await accounts.revoke_invite(uow, code=invite.code)

    with pytest.raises(InviteUnusable) as refused:
        await accounts.register_employee(uow, clock, code=invite.code, tg_id=5555, name="Новый")
    assert refused.value.reason == "revoked"
    with pytest.raises(NotFound):
        await accounts.revoke_invite(uow, code="no-such-code")


async def test_a_deactivated_staff_member_keeps_their_tickets_and_loses_their_queue(uow, clock):
    ticket = (await open_printer_ticket(uow, clock)).value
    await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=ENGINEER)
    queued(uow, ENGINEER)

    removal = (await accounts.deactivate_staff(uow, tg_id=ENGINEER)).value

    assert (removal.open_tickets, removal.dropped_messages) == (1, 1)
    assert not (await uow.staff.get(ENGINEER)).active
    assert (await uow.tickets.get(ticket.number)).assignee_tg_id == ENGINEER
    with pytest.raises(AccessDenied):
        await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=ENGINEER)
    with pytest.raises(NotFound):
        await accounts.deactivate_staff(uow, tg_id=ENGINEER)
    assert (await accounts.deactivate_staff(uow, tg_id=MANAGER)).value.managed_clients == 1


async def test_an_employee_moved_to_another_company_sees_only_the_new_companys_tickets(uow, clock):
    old = (await open_printer_ticket(uow, clock)).value
    await accounts.remove_employee(uow, tg_id=EMPLOYEE_TG)
    other = (await accounts.register_client(uow, clock, name="ООО Другая")).value
    invite = (await accounts.create_invite(uow, clock, client_id=other.id)).value
    await accounts.register_employee(uow, clock, code=invite.code, tg_id=EMPLOYEE_TG, name="Анна")
    moved = await uow.employees.by_tg_id(EMPLOYEE_TG)

    with pytest.raises(NotFound):
        await employee_tickets.ticket_for_employee(uow, old.number, EMPLOYEE_TG)
    assert await uow.tickets.list_by_employee(moved.id, client_id=moved.client_id) == []
    assert not employee_tickets.may_hear_about(old, moved)
