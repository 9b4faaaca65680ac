"""A month as the client was told it would be billed: the night's emergency, confirmed as
"paid separately, beyond the plan", is its own line of the director's report at the
client's emergency rate, and its hours are not taken from the plan's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import BotApiEmulator
from domain import StaffRole
from domain.enums import EmployeeRole
from domain.model import Plan
from domain.use_cases import accounts, employee_tickets, staff_tickets
from tests.e2e.harness import Desk, running_desk
from tests.e2e.test_after_hours import ACK, MONDAY_EVENING, PAGE, call_now, summary
from tests.e2e.test_client_side import send_ticket

MANAGER_ID, DUTY_ID = 602, 603


@pytest.fixture
async def evening(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path, start=MONDAY_EVENING) as desk:
        yield desk


async def test_the_nights_emergency_is_billed_apart_from_the_plans_hours(evening: Desk):
    desk = evening
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    await desk.add_staff(DUTY_ID, "Олег", StaffRole.SECOND_LINE)
    desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    duty = desk.emulator.create_user("Олег", user_id=DUTY_ID, language_code="ru")
    await desk.add_weekly_duty(DUTY_ID, "mon-fri 18:00-09:00")
    client = await desk.add_client(
        "ООО Ромашка", manager_tg_id=MANAGER_ID, plan=Plan(20_000, 10, 2_000, 10)
    )
    assert client.id is not None
    async with desk.db.unit_of_work() as uow:
        await accounts.edit_client(uow, client_id=client.id, emergency_hour_rate=3_000)
        await uow.commit()
    director = desk.person("Директор")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    anna = desk.person("Анна")
    await desk.register(anna, client)

    # Monday 20:00: the server is down, Анна calls the on-duty engineer, told it is paid apart
    await summary(anna, "сервер не отвечает", "С трудом", "Только меня")
    registered = await call_now(anna)
    assert "оплачивается отдельно" in registered
    await duty.wait_for_message(contains=PAGE)
    await duty.press(ACK)
    await anna.wait_for_message(contains="Олег")
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.log_work(uow, desk.clock, ticket_id=1, staff_tg_id=DUTY_ID, minutes=120)
        await staff_tickets.resolve(uow, desk.clock, ticket_id=1, staff_tg_id=DUTY_ID)
        await employee_tickets.confirm_resolution(uow, desk.clock, ticket_id=1, tg_id=anna.id)
        await uow.commit()

    # Tuesday 10:00: an ordinary request of the working day, an hour and a half
    await desk.move_clock(hours=14)
    number = await send_ticket(anna, "не печатает принтер")
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.take(uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID)
        await staff_tickets.log_work(
            uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID, minutes=90
        )
        await staff_tickets.resolve(uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID)
        await employee_tickets.confirm_resolution(uow, desk.clock, ticket_id=number, tg_id=anna.id)
        await uow.commit()

    await director.command("report")
    text = (await director.wait_for_message(contains="отчёт")).text
    assert "Аварий в нерабочее время: 1." in text
    assert "Часы: 1,5 из 10 включённых; из резерва 0; сверх плана 0 (0 ₽)." in text
    assert (
        "Аварии в нерабочее время, отдельно от тарифа: 2 ч по 3\xa0000 ₽ за час, 6\xa0000 ₽."
        in text
    )
    assert "Итого к оплате за месяц: 26\xa0000 ₽." in text  # 20,000 + 6,000, nothing twice
