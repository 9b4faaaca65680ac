"""Reports in Telegram: a director's own company, a manager's client, and the files."""

from __future__ import annotations

import asyncio
import io

from openpyxl import load_workbook

from domain import SlaTier, StaffRole
from domain.enums import EmployeeRole
from domain.model import Plan
from domain.use_cases import employee_tickets, staff_tickets
from tests.e2e.harness import Desk, msk, running_desk
from tests.e2e.test_client_side import send_ticket

MANAGER_ID = 602
SHEETS = [
    "Сводка",
    "Закрытые в месяце",
    "Открытые на конец месяца",
    "Журнал работ",
    "Нарушения",
    "Аварии",
    "Оценки",
    "Часы",
]


def file_bytes(desk: Desk, message) -> bytes:
    media = message.data.get("document") or message.data["photo"][-1]
    stored = desk.emulator.state.files.get(media["file_id"])
    assert stored is not None
    return stored.data


async def test_a_director_and_a_manager_get_the_report_with_its_files(desk: Desk):
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    manager = desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    client = await desk.add_client(
        "ООО Ромашка", manager_tg_id=MANAGER_ID, plan=Plan(20_000, 10, 2_000, 10)
    )
    director = desk.person("Директор")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    anna = desk.person("Анна")
    await desk.register(anna, client)
    number = await send_ticket(anna)  # Gold, Standard: 4 h to answer
    desk.clock.advance(hours=5)  # nobody answered: the reaction target is breached
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.take(uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID)
        await staff_tickets.log_work(
            uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID, minutes=90
        )
        await staff_tickets.resolve(uow, desk.clock, ticket_id=number, staff_tg_id=MANAGER_ID)
        await employee_tickets.confirm_resolution(uow, desk.clock, ticket_id=number, tg_id=anna.id)
        await employee_tickets.rate(uow, desk.clock, ticket_id=number, tg_id=anna.id, score=4)
        await uow.commit()

    await director.command("report")
    text = await director.wait_for_message(contains="отчёт")
    assert "ООО Ромашка" in text.text and "Нарушений SLA: 1" in text.text
    # numbers as Russian writes them: a decimal comma, a space before "%"
    assert "Реакция в срок: 0\xa0%; решение в срок: 100\xa0%." in text.text
    assert "Средняя оценка: 4,0 из 5" in text.text
    assert "Часы: 1,5 из 10 включённых" in text.text
    workbook_message = await director.wait_for_message(lambda m: m.kind == "document")
    assert workbook_message.data["document"]["file_name"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(file_bytes(desk, workbook_message)))
    assert book.sheetnames == SHEETS
    breaches = list(book["Нарушения"].iter_rows(values_only=True))
    assert breaches[1][0] == number and breaches[1][1] == "реакция"
    assert breaches[1][5] == 1.0  # one working hour late
    tickets_csv = await director.wait_for_message(lambda m: m.kind == "document")
    assert f"{number}," in file_bytes(desk, tickets_csv).decode("utf-8-sig")
    work_log = await director.wait_for_message(lambda m: m.kind == "document")
    assert work_log.data["document"]["file_name"].endswith("-work-log.csv")
    chart = await director.wait_for_message(lambda m: m.kind == "photo")
    assert file_bytes(desk, chart).startswith(b"\x89PNG\r\n\x1a\n")

    await manager.command("report", "Ромашка")
    assert "ООО Ромашка" in (await manager.wait_for_message(contains="отчёт")).text


async def test_nobody_gets_a_report_of_a_company_that_is_not_theirs(desk: Desk):
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    manager = desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    ours = await desk.add_client("ООО Ромашка")
    theirs = await desk.add_client("ЗАО Лютик", manager_tg_id=MANAGER_ID)
    director = desk.person("Директор")
    await desk.register(director, ours, EmployeeRole.DIRECTOR)
    anna = desk.person("Анна")
    await desk.register(anna, ours)
    await manager.command("report", "Ромашка")
    assert "нет среди ваших" in (await manager.wait_for_message()).text
    await director.command("report", str(theirs.id))
    answer = await director.wait_for_message(contains="отчёт")
    assert "ООО Ромашка" in answer.text and "Лютик" not in answer.text
    await anna.command("report")
    assert "руководитель" in (await anna.wait_for_message()).text


# --- the monthly report that goes out by itself ------------------------------------------

REPORT_PARTS = ["text", "document", "document", "document", "photo"]


async def test_gold_directors_get_last_months_report_on_the_first_working_day_once(
    emulator, tmp_path
):
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 30, 12, 0)) as desk:
        gold = await desk.add_client("ООО Ромашка")
        silver = await desk.add_client("ЗАО Лютик", tier=SlaTier.SILVER)
        director = desk.person("Директор")
        await desk.register(director, gold, EmployeeRole.DIRECTOR)
        other = desk.person("Директор Лютика")
        await desk.register(other, silver, EmployeeRole.DIRECTOR)
        anna = desk.person("Анна")
        await desk.register(anna, gold)
        number = await send_ticket(anna)
        seen = len(director.bot_messages)

        desk.clock.set(msk(2026, 12, 1, 9, 59))
        await asyncio.sleep(0.3)
        assert len(director.bot_messages) == seen  # not before ten

        desk.clock.set(msk(2026, 12, 1, 10, 0))
        text = await director.wait_for_message(contains="отчёт")
        assert "ООО Ромашка: отчёт за ноябрь 2026" in text.text
        for kind in REPORT_PARTS[1:]:
            await director.wait_for_message(lambda m, kind=kind: m.kind == kind)
        book = load_workbook(io.BytesIO(file_bytes(desk, director.bot_messages[-4])))
        # sent on 30 November and not closed: listed as open at the month's end
        assert list(book["Открытые на конец месяца"].iter_rows(values_only=True))[1][0] == number
        assert await desk.outbox_drained()
        received = len(director.bot_messages)
        assert not [m for m in other.bot_messages if "отчёт" in (m.text or "")]

    # A restart later that day: nothing is sent twice.
    async with running_desk(emulator, tmp_path, start=msk(2026, 12, 1, 15, 0)) as desk:
        desk.clock.advance(hours=1)
        await asyncio.sleep(0.3)
        assert await desk.outbox_drained()
        assert len(director.bot_messages) == received


async def test_a_report_missed_while_the_bot_was_down_goes_out_when_it_is_back(emulator, tmp_path):
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 27, 12, 0)) as desk:
        await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
        await desk.add_client("ООО Ромашка", tier=SlaTier.PLATINUM, manager_tg_id=MANAGER_ID)
    manager = emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")

    # Down over the weekend and on the morning of 1 December.
    async with running_desk(emulator, tmp_path, start=msk(2026, 12, 1, 14, 0)):
        # No director registered: the personal manager gets it to pass on.
        text = await manager.wait_for_message(contains="отчёт")
        assert "ООО Ромашка: отчёт за ноябрь 2026" in text.text
        await manager.wait_for_message(lambda m: m.kind == "photo")


async def test_a_stranger_asking_for_a_report_is_told_how_to_get_access(desk: Desk):
    await desk.add_client("ООО Ромашка")
    stranger = desk.person("Пётр")
    await stranger.command("report")
    answer = await stranger.wait_for_message()
    await stranger.send("Здравствуйте")
    usual = await stranger.wait_for_message()
    assert answer.text == usual.text and "ссылку-приглашение" in answer.text


async def test_an_admin_who_is_not_on_the_staff_gets_any_clients_report(desk: Desk):
    from tests.e2e.harness import ADMIN_ID

    await desk.add_client("ООО Ромашка")
    admin = desk.emulator.create_user("Админ", user_id=ADMIN_ID, language_code="ru")
    await admin.command("report", "Ромашка")
    assert "ООО Ромашка" in (await admin.wait_for_message(contains="отчёт")).text


# --- the month's tickets: those closed in it, and those still open at its end -------------

ENGINEER_ID = 601


async def log(desk: Desk, number: int, minutes: int, note: str) -> None:
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.log_work(
            uow, desk.clock, ticket_id=number, staff_tg_id=ENGINEER_ID, minutes=minutes, note=note
        )
        await uow.commit()


async def test_a_month_lists_and_bills_what_was_closed_in_it_and_lists_what_is_still_open(
    emulator, tmp_path
):
    """A printer reported on 28 October and fixed on 3 November is November's: listed,
    counted and billed there with both days of work, whoever did it and what they did. A
    scanner reported on 10 November and still in work at the month's end is listed apart,
    its half hour not billed yet. October lists the printer as open at its end."""
    async with running_desk(emulator, tmp_path, start=msk(2026, 10, 28, 10, 0)) as desk:
        await desk.add_staff(ENGINEER_ID, "Олег", StaffRole.FIRST_LINE)
        desk.emulator.create_user("Олег", user_id=ENGINEER_ID, language_code="ru")
        client = await desk.add_client(
            "ООО Ромашка", tier=SlaTier.SILVER, plan=Plan(20_000, 10, 2_000, 10)
        )
        director = desk.person("Директор")
        await desk.register(director, client, EmployeeRole.DIRECTOR)
        anna = desk.person("Анна")
        await desk.register(anna, client)
        printer = await send_ticket(anna)
        async with desk.db.unit_of_work() as uow:
            await staff_tickets.take(uow, desk.clock, ticket_id=printer, staff_tg_id=ENGINEER_ID)
            await uow.commit()
        await log(desk, printer, 45, "проверил драйвер, дело в картридже")

        desk.clock.set(msk(2026, 11, 3, 11, 0))
        await log(desk, printer, 60, "заменил картридж")
        async with desk.db.unit_of_work() as uow:
            await staff_tickets.resolve(uow, desk.clock, ticket_id=printer, staff_tg_id=ENGINEER_ID)
            await employee_tickets.confirm_resolution(
                uow, desk.clock, ticket_id=printer, tg_id=anna.id
            )
            await uow.commit()

        desk.clock.set(msk(2026, 11, 10, 12, 0))
        scanner = await send_ticket(anna, "не сканирует сканер")
        async with desk.db.unit_of_work() as uow:
            await staff_tickets.take(uow, desk.clock, ticket_id=scanner, staff_tg_id=ENGINEER_ID)
            await uow.commit()
        await log(desk, scanner, 30, "заказали ролик подачи")

        desk.clock.set(msk(2026, 12, 2, 12, 0))
        await director.command("report", "2026-11")
        text = (await director.wait_for_message(contains="отчёт за ноябрь")).text
        assert "Закрыто заявок за месяц: 1 (инцидентов 1, запросов 0)" in text
        assert "Не закрыто на конец месяца: 1;" in text
        assert "Часы: 1,75 из 10 включённых" in text  # 45 + 60 minutes, the scanner's not yet
        book = load_workbook(
            io.BytesIO(
                file_bytes(desk, await director.wait_for_message(lambda m: m.kind == "document"))
            )
        )
        closed = list(book["Закрытые в месяце"].iter_rows(values_only=True))
        header = closed[0]
        row = dict(zip(header, closed[1], strict=True))
        assert len(closed) == 2 and row["Номер"] == printer
        assert row["Статус"] == "закрыта" and row["Исполнитель"] == "Олег"
        assert row["Зарегистрирована"].date().isoformat() == "2026-10-28"
        assert row["Закрыта"].date().isoformat() == "2026-11-03"
        assert row["Затрачено часов"] == 1.75
        still_open = list(book["Открытые на конец месяца"].iter_rows(values_only=True))
        row = dict(zip(header, still_open[1], strict=True))
        assert len(still_open) == 2 and row["Номер"] == scanner
        assert row["Статус"] == "в работе" and row["Закрыта"] is None
        assert row["Затрачено часов"] == 0.5
        work = [r[:6] for r in book["Журнал работ"].iter_rows(min_row=2, values_only=True)]
        assert [(r[0], r[3], r[4], r[5]) for r in work] == [
            (printer, "Олег", 0.75, "проверил драйвер, дело в картридже"),
            (printer, "Олег", 1.0, "заменил картридж"),
            (scanner, "Олег", 0.5, "заказали ролик подачи"),
        ]
        await director.wait_for_message(lambda m: m.kind == "document")  # the tickets' CSV
        work_csv = await director.wait_for_message(lambda m: m.kind == "document")
        assert "заменил картридж" in file_bytes(desk, work_csv).decode("utf-8-sig")
        await director.wait_for_message(lambda m: m.kind == "photo")

        await director.command("report", "2026-10")
        text = (await director.wait_for_message(contains="отчёт за октябрь")).text
        assert "Закрыто заявок за месяц: 0" in text and "Не закрыто на конец месяца: 1;" in text
        book = load_workbook(
            io.BytesIO(
                file_bytes(desk, await director.wait_for_message(lambda m: m.kind == "document"))
            )
        )
        rows = list(book["Открытые на конец месяца"].iter_rows(values_only=True))
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["Номер"] == printer and row["Статус"] == "в работе"
        assert row["Затрачено часов"] == 0.75  # what was done by 31 October
        await director.wait_for_message(lambda m: m.kind == "photo")
