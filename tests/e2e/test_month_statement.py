"""December 2026 for one client, played through the running bot, and the director's report
of it: a printer reported on 30 November and fixed on 1 December (listed and billed in
December with both days' hours), a mail request whose estimate Анна approves by typing
"да", and a night's emergency billed on its own line at the client's emergency rate.

Hand-computed: plan "Старт" (20,000 ₽, 10 h included, 2,000 ₽ an extra hour, a reserve of
at most 10 h). November closed nothing: its 10 included hours went to the reserve. In
December the plan's hours are the printer's 3 + 4 and the mail's 4.5 = 11.5 h: 10
included, 1.5 from the reserve (10 - 1.5 = 8.5 left), nothing extra. Had November's 3 h
stayed in November it would be 8.5 of 10; had the emergency counted, 3.5 from the
reserve. The emergency's 2 h are apart: 2 × 3,000 = 6,000 ₽. Due: 20,000 + 6,000 =
26,000 ₽."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.sandbox import BotApiEmulator
from domain import StaffRole
from domain.enums import EmployeeRole
from domain.model import Plan
from domain.use_cases import accounts, employee_tickets, staff_tickets
from tests.e2e.harness import Desk, msk, running_desk
from tests.e2e.test_after_hours import ACK, PAGE, call_now, summary
from tests.e2e.test_agreed_dates import the_card
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_estimates import estimate
from tests.e2e.test_reports import file_bytes

ENGINEER_ID, DUTY_ID = 601, 603


@pytest.fixture
async def late_november(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 30, 10, 0)) as desk:
        yield desk


async def log(desk: Desk, number: int, staff_tg_id: int, minutes: int, note: str) -> None:
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.log_work(
            uow, desk.clock, ticket_id=number, staff_tg_id=staff_tg_id, minutes=minutes, note=note
        )
        await uow.commit()


async def close(desk: Desk, number: int, staff_tg_id: int, employee_tg_id: int) -> None:
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.resolve(uow, desk.clock, ticket_id=number, staff_tg_id=staff_tg_id)
        await employee_tickets.confirm_resolution(
            uow, desk.clock, ticket_id=number, tg_id=employee_tg_id
        )
        await uow.commit()


async def test_a_month_of_one_client_is_listed_and_billed_as_the_report_states(
    late_november: Desk,
):
    desk = late_november
    chat = desk.staff_chat
    assert chat is not None
    await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
    await desk.add_staff(DUTY_ID, "Олег", StaffRole.SECOND_LINE)
    engineer = desk.emulator.create_user("Иван", user_id=ENGINEER_ID, language_code="ru")
    duty = desk.emulator.create_user("Олег", user_id=DUTY_ID, language_code="ru")
    chat.add_member(engineer)
    await desk.add_weekly_duty(DUTY_ID, "mon-fri 18:00-09:00")
    client = await desk.add_client("ООО Ромашка", plan=Plan(20_000, 10, 2_000, 10))
    assert client.id is not None
    async with desk.db.unit_of_work() as uow:
        await accounts.edit_client(uow, client_id=client.id, emergency_hour_rate=3_000)
        await uow.commit()
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    anna = desk.person("Анна")
    await desk.register(anna, client)

    # Monday 30 November: the printer, taken at once, three hours of work that day.
    printer = await send_ticket(anna, "не печатает принтер")
    await engineer.press("🙋 Взять", message=await the_card(desk, printer), chat=chat)
    await anna.wait_for_message(contains="занимается Иван")
    await desk.move_clock_to(msk(2026, 11, 30, 14, 0))
    await log(desk, printer, ENGINEER_ID, 180, "проверил драйвер, дело в фьюзере")

    # 1 December: November's report goes out by itself, the printer open at its end.
    await desk.move_clock_to(msk(2026, 12, 1, 11, 0))
    november = await director.wait_for_message(contains="отчёт за ноябрь 2026")
    assert "Не закрыто на конец месяца: 1;" in (november.text or "")
    await director.wait_for_message(lambda m: m.kind == "photo")
    await log(desk, printer, ENGINEER_ID, 240, "заменил фьюзер")
    await close(desk, printer, ENGINEER_ID, anna.id)

    # Wednesday 2 December: the mail, estimated at three hours, approved by typing "да".
    await desk.move_clock_to(msk(2026, 12, 2, 10, 0))
    mail = await send_ticket(anna, "не работает почта")
    await engineer.press("🙋 Взять", message=await the_card(desk, mail), chat=chat)
    await anna.wait_for_message(contains="занимается Иван")
    said = await estimate(desk, engineer, mail, "3 часа")
    assert "согласует Анна" in said
    await anna.wait_for_message(contains="Согласовать?")
    await desk.move_clock_to(msk(2026, 12, 2, 11, 0))
    await anna.send("да")
    approved = await anna.wait_for_message(contains="согласована")
    assert approved.text == (
        f"✅ Оценка по заявке №{mail} согласована: ~3 ч. Специалист продолжает работу."
    )
    await desk.move_clock_to(msk(2026, 12, 2, 16, 0))
    await log(desk, mail, ENGINEER_ID, 270, "перенастроил почтовый сервер")
    await close(desk, mail, ENGINEER_ID, anna.id)

    # Monday 7 December, 20:00: the server is down, Анна calls the on-duty engineer.
    await desk.move_clock_to(msk(2026, 12, 7, 20, 0))
    await summary(anna, "сервер не отвечает", "С трудом", "Только меня")
    assert "оплачивается отдельно" in await call_now(anna)
    await duty.wait_for_message(contains=PAGE)
    await duty.press(ACK)
    await anna.wait_for_message(contains="Олег")
    async with desk.db.unit_of_work() as uow:
        night = max(t.number for t in await uow.tickets.list_by_client(client.id))
    assert night not in (printer, mail)
    await desk.move_clock_to(msk(2026, 12, 7, 22, 0))
    await log(desk, night, DUTY_ID, 120, "перезапустил сервер")
    await close(desk, night, DUTY_ID, anna.id)

    # Tuesday 8 December: the director asks for December's report.
    await desk.move_clock_to(msk(2026, 12, 8, 10, 0))
    await director.command("report", "2026-12")
    text = (await director.wait_for_message(contains="отчёт за декабрь 2026")).text or ""
    lines = text.splitlines()
    assert "Закрыто заявок за месяц: 3 (инцидентов 3, запросов 0); отменено: 0." in lines
    assert "Аварий в нерабочее время: 1." in lines
    assert "Часы: 11,5 из 10 включённых; из резерва 1,5; сверх плана 0 (0 ₽)." in lines
    assert (
        "Аварии в нерабочее время, отдельно от тарифа: 2 ч по 3\xa0000 ₽ за час, 6\xa0000 ₽."
        in lines
    )
    assert "Итого к оплате за месяц: 26\xa0000 ₽." in lines

    workbook = await director.wait_for_message(lambda m: m.kind == "document")
    book = load_workbook(io.BytesIO(file_bytes(desk, workbook)))
    closed = list(book["Закрытые в месяце"].iter_rows(values_only=True))
    header = closed[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in closed[1:]}
    assert len(closed) == 4 and set(rows) == {printer, mail, night}
    assert [
        (
            rows[n]["Зарегистрирована"],
            rows[n]["Закрыта"].date(),
            rows[n]["Исполнитель"],
            rows[n]["Авария"],
            rows[n]["Затрачено часов"],
            rows[n]["Оценка"],
        )
        for n in (printer, mail, night)
    ] == [
        (datetime(2026, 11, 30, 10, 0), datetime(2026, 12, 1).date(), "Иван", None, 4 + 3, None),
        (
            datetime(2026, 12, 2, 10, 0),
            datetime(2026, 12, 2).date(),
            "Иван",
            None,
            4.5,
            "~3 ч, согласована 2026-12-02 (Анна)",
        ),
        (datetime(2026, 12, 7, 20, 0), datetime(2026, 12, 7).date(), "Олег", "✓", 2, None),
    ]
    assert list(book["Открытые на конец месяца"].iter_rows(values_only=True))[1:] == []
    assert list(book["Часы"].iter_rows(values_only=True)) == [
        ("Абонентская плата, ₽", 20_000),
        ("Включено часов", 10),
        ("Использовано часов", 11.5),
        ("Резерв на начало", 10),
        ("Взято из резерва", 1.5),
        ("Не использовано, в резерв", 0),
        ("Резерв на конец", 8.5),
        ("Часы сверх плана", 0),
        ("Стоимость часа сверх плана, ₽", 2_000),
        ("Часы сверх плана, ₽", 0),
        ("Аварии в нерабочее время, часов (отдельно от тарифа)", 2),
        ("Стоимость часа работ по аварии, ₽", 3_000),
        ("Аварии в нерабочее время, ₽", 6_000),
        ("Итого к оплате, ₽", 26_000),
    ]
    for kind in ("document", "document", "photo"):  # the CSVs and the chart follow
        await director.wait_for_message(lambda m, kind=kind: m.kind == kind)
