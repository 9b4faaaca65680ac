"""An edited message after the request was sent: a correction of the open request the
employee last wrote to, if lately; else nothing."""

import pytest

from domain.errors import NotFound
from domain.use_cases import employee_tickets
from tests.unit.fakes import EMPLOYEE_TG
from tests.unit.test_use_cases import open_printer_ticket


async def test_a_correction_goes_to_the_request_last_written_to(uow, clock):
    await open_printer_ticket(uow, clock)  # №1
    clock.advance(minutes=5)
    await open_printer_ticket(uow, clock)  # №2
    clock.advance(minutes=5)
    await employee_tickets.comment_as_employee(
        uow, clock, ticket_id=1, tg_id=EMPLOYEE_TG, text="в кабинете 305"
    )
    clock.advance(minutes=1)
    outcome = await employee_tickets.correct_last_written(
        uow, clock, tg_id=EMPLOYEE_TG, text="✏️ в кабинете 205"
    )
    assert (outcome.value.ticket_id, outcome.value.text) == (1, "✏️ в кабинете 205")


async def test_nothing_written_lately_takes_no_correction(uow, clock):
    await open_printer_ticket(uow, clock)
    clock.advance(hours=49)
    with pytest.raises(NotFound):
        await employee_tickets.correct_last_written(uow, clock, tg_id=EMPLOYEE_TG, text="✏️ x")
