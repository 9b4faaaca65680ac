"""Odd inputs get a clear answer, never a crash and silence: numbers too long for any
ticket, digits that are not ASCII, months out of range, filters too long for a button.
(The harness fails a test whose handler logged an error.)"""

from __future__ import annotations

import pytest

from domain import Scope, StaffRole, TicketKind, WorkImpact
from domain.enums import EmployeeRole
from domain.use_cases import accounts, intake
from tests.e2e.harness import Desk

LEAD_ID = 603
TWENTY_DIGITS = "12345678901234567890"


async def lead(desk: Desk):
    await desk.add_staff(LEAD_ID, "Ольга", StaffRole.LEAD)
    return desk.emulator.create_user("Ольга", user_id=LEAD_ID, language_code="ru")


async def employee(desk: Desk, role: EmployeeRole = EmployeeRole.EMPLOYEE):
    client = await desk.add_client("ООО Ромашка")
    anna = desk.person("Анна")
    await desk.register(anna, client, role)
    return anna


@pytest.mark.parametrize("number", [TWENTY_DIGITS, "#" + TWENTY_DIGITS, "№" + TWENTY_DIGITS])
async def test_t_with_a_twenty_digit_number(desk: Desk, number: str):
    staff = await lead(desk)
    await staff.command("t", number)
    answer = await staff.wait_for_message()
    assert answer.text == f"Заявка №{TWENTY_DIGITS} не найдена."


async def test_t_with_a_superscript_digit(desk: Desk):
    staff = await lead(desk)
    await staff.command("t", "²")
    answer = await staff.wait_for_message()
    assert answer.text == "Укажите номер заявки, например: /t 15"


async def test_status_with_a_twenty_digit_number(desk: Desk):
    anna = await employee(desk)
    await anna.command("status", TWENTY_DIGITS)
    answer = await anna.wait_for_message()
    assert answer.text.startswith(f"Заявка №{TWENTY_DIGITS} не найдена")


async def test_status_with_a_superscript_digit(desk: Desk):
    anna = await employee(desk)
    await anna.command("status", "²")
    answer = await anna.wait_for_message()
    assert answer.text == "Укажите номер заявки, например: /status 15"


async def test_a_hash_and_twenty_one_digits(desk: Desk):
    anna = await employee(desk)
    await anna.send("#123456789012345678901")
    answer = await anna.wait_for_message()
    assert answer.text.startswith("Заявка №123456789012345678901 не найдена")


async def test_a_hash_and_a_superscript_digit_is_taken_as_a_request(desk: Desk):
    anna = await employee(desk)
    await anna.send("#²")
    answer = await anna.wait_for_message()
    assert answer.reply_markup is not None  # the intake asks what it is about


@pytest.mark.parametrize("month", ["9999-12", "0000-00", "1999-12", "2026-13"])
async def test_report_for_a_month_out_of_range(desk: Desk, month: str):
    await desk.add_client("ООО Ромашка")
    staff = await lead(desk)
    await staff.command("report", f"Ромашка {month}")
    answer = await staff.wait_for_message()
    assert "Месяц" in answer.text, answer.text
    assert "2000-01" in answer.text or "ГГГГ-ММ" in answer.text


async def test_a_director_asks_for_a_report_of_year_9999(desk: Desk):
    director = await employee(desk, EmployeeRole.DIRECTOR)
    await director.command("report", "9999-12")
    answer = await director.wait_for_message()
    assert "Месяц" in answer.text and "2000-01" in answer.text


async def test_report_with_a_superscript_client_number(desk: Desk):
    await desk.add_client("ООО Ромашка")
    staff = await lead(desk)
    await staff.command("report", "²")
    answer = await staff.wait_for_message()
    assert answer.text == "Такого клиента нет среди ваших."


async def many_open_tickets(desk: Desk, client_name: str, count: int) -> None:
    client = await desk.add_client(client_name)
    async with desk.db.unit_of_work() as uow:
        code = (await accounts.create_invite(uow, desk.clock, client_id=client.id)).value.code
        await accounts.register_employee(uow, desk.clock, code=code, tg_id=100, name="Анна")
        for i in range(count):
            draft = intake.TicketDraft(
                f"не печатает принтер {i}",
                TicketKind.INCIDENT,
                impact=WorkImpact.BLOCKED,
                scope=Scope.ME,
            )
            await intake.open_ticket(uow, desk.clock, employee_tg_id=100, draft=draft)
        await uow.commit()


LONG_NAME = "Научно-производственное объединение «Северо-Западные информационные системы»"


@pytest.mark.parametrize(
    "wanted",
    [
        "Северо-Западные информационные системы",  # 76 bytes: too long for a button
        "объединение «Северо-Западные",
        "«Северо-Западные: информационные",  # matches nothing, and has a colon
    ],
)
async def test_queue_of_a_client_with_a_long_name_turns_pages(desk: Desk, wanted: str):
    await many_open_tickets(desk, LONG_NAME, 12)
    staff = await lead(desk)
    await staff.command("queue", wanted)
    first = await staff.wait_for_message()
    if ":" in wanted:
        assert first.text == "Открытых заявок нет."
        return
    assert "(12)" in first.text and first.text.count("№") == 10
    await (await staff.press("»", message=first)).wait_answered()
    await staff.wait_until(lambda _t: (first.text or "").count("№") == 2)
    assert "(12)" in first.text and "Северо-Западные" in first.text
    await (await staff.press("«", message=first)).wait_answered()
    await staff.wait_until(lambda _t: (first.text or "").count("№") == 10)
