"""Taking a ticket: one nobody has in work is taken; one somebody else works on is not taken
from them by an old card's «Взять» (it is handed over with «Назначить»), unless they have
left."""

import pytest

from domain import TicketStatus
from domain.errors import AlreadyTaken, InvalidInput
from domain.use_cases import accounts, staff_tickets
from tests.unit.fakes import ENGINEER, MANAGER
from tests.unit.test_use_cases import open_printer_ticket


async def test_an_old_card_does_not_take_the_ticket_from_who_works_on_it(uow, clock):
    ticket = (await open_printer_ticket(uow, clock)).value
    await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=ENGINEER)

    with pytest.raises(AlreadyTaken) as refused:
        await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=MANAGER)
    assert refused.value.holder_tg_id == ENGINEER
    with pytest.raises(InvalidInput):  # one's own: nothing to do
        await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=ENGINEER)
    found = await uow.tickets.get(ticket.number)
    assert (found.status, found.assignee_tg_id) == (TicketStatus.IN_PROGRESS, ENGINEER)


async def test_the_ticket_of_somebody_who_left_is_taken(uow, clock):
    ticket = (await open_printer_ticket(uow, clock)).value
    await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=ENGINEER)
    await accounts.deactivate_staff(uow, tg_id=ENGINEER)

    await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=MANAGER)
    assert (await uow.tickets.get(ticket.number)).assignee_tg_id == MANAGER
