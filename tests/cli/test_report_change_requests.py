"""The monthly report counts a change request's resolution only against an agreed date:
one without it is said to have its date to be agreed, neither on time nor late."""

import asyncio
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.cli.main import main
from bot.clock import MovableClock
from domain import Category, RequestType, SlaTier, StaffRole, TicketKind
from domain.use_cases import accounts, employee_tickets, intake, staff_tickets
from storage import Database

MSK = ZoneInfo("Europe/Moscow")


async def two_purchases(path) -> int:
    """October: a laptop bought with no date agreed, finished on the 30th; a monitor
    agreed for Friday 9 October and delivered on Monday 12th, three working hours late.
    Both confirmed by the employee in October: the month's report is of the closed."""
    clock = MovableClock(datetime(2026, 10, 5, 10, 0, tzinfo=MSK), ticking=False)
    db = await Database.open(path, clock=clock)
    async with db.unit_of_work() as uow:
        await accounts.add_staff(uow, clock, tg_id=1, name="Иван", role=StaffRole.FIRST_LINE)
        client = (
            await accounts.register_client(uow, clock, name="ООО Ромашка", tier=SlaTier.GOLD)
        ).value
        code = (await accounts.create_invite(uow, clock, client_id=client.id)).value.code
        await accounts.register_employee(uow, clock, code=code, tg_id=100, name="Анна")
        numbers = []
        for what in ("купить ноутбук", "купить монитор"):
            draft = intake.TicketDraft(
                what, TicketKind.REQUEST, Category.OTHER, request_type=RequestType.CHANGE
            )
            ticket = (await intake.open_ticket(uow, clock, employee_tg_id=100, draft=draft)).value
            await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=1)
            numbers.append(ticket.number)
        laptop, monitor = numbers
        await staff_tickets.agree_resolution(
            uow,
            clock,
            ticket_id=monitor,
            staff_tg_id=1,
            due=datetime(2026, 10, 9, 18, 0, tzinfo=MSK),
        )
        clock.advance(days=7, hours=2)  # Monday 12 October, 12:00
        await staff_tickets.resolve(uow, clock, ticket_id=monitor, staff_tg_id=1)
        await employee_tickets.confirm_resolution(uow, clock, ticket_id=monitor, tg_id=100)
        clock.advance(days=18)
        await staff_tickets.resolve(uow, clock, ticket_id=laptop, staff_tg_id=1)
        await employee_tickets.confirm_resolution(uow, clock, ticket_id=laptop, tg_id=100)
        await uow.commit()
    await db.close()
    return client.id


def test_a_change_request_without_an_agreed_date_is_neither_on_time_nor_late(
    tmp_path, monkeypatch, capsys
):
    db_path = tmp_path / "frontdesk.db"
    client_id = asyncio.run(two_purchases(db_path))
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        main(["report", "--client", str(client_id), "--month", "2026-10", "--out", str(out)])
    assert done.value.code == 0
    printed = capsys.readouterr().err  # the summary; stdout carries only the file paths
    assert "Реакция в срок: 100\xa0%; решение в срок: 0\xa0%." in printed
    assert "Запросов на изменение без согласованного срока: 1;" in printed
    assert "Нарушений SLA: 1, всего просрочено 3 рабочих часа." in printed
    rows = list(
        csv.reader(
            io.StringIO((out / "report-2026-10-tickets.csv").read_text("utf-8-sig")), delimiter=";"
        )
    )
    resolution = rows[0].index("Решение")
    tickets = rows[1 : rows.index([])]  # the month's statement follows an empty line
    assert [row[resolution] for row in tickets] == ["срок по согласованию", "просрочено"]
    book = load_workbook(io.BytesIO((out / "report-2026-10.xlsx").read_bytes()))
    summary = {row[0].value: row[1].value for row in book["Сводка"].iter_rows()}
    assert summary["Срок решения по согласованию"] == 1
    assert summary["Решение просрочено"] == 1
