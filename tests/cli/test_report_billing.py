"""The month's statement as the client was told: the plan's hours, an after-hours emergency
billed apart at its own rate, the SLA penalty, hours logged without a plan; in the
message, the workbook's "Часы" sheet and the CSV, cell by cell."""

import asyncio
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.cli.main import main
from bot.clock import MovableClock
from domain import Category, Scope, SlaTier, StaffRole, TicketKind, WorkImpact
from domain.billing import START_PLAN
from domain.enums import PenaltyBasis
from domain.model import PenaltyRule, Plan
from domain.use_cases import accounts, employee_tickets, intake, staff_tickets
from storage import Database

MSK = ZoneInfo("Europe/Moscow")
IVAN, ANNA = 1, 100


def draft(what: str, impact: WorkImpact, *, emergency: bool = False) -> intake.TicketDraft:
    return intake.TicketDraft(
        what, TicketKind.INCIDENT, Category.OTHER, impact, Scope.ME, emergency=emergency
    )


async def a_month(path, *, plan: Plan | None, emergency_rate: int | None = 3_000) -> int:
    """A Bronze client with us since 1 September 2026. October 2026:
    - №1, registered on 30 September, 1 h logged then, closed on 1 October;
    - №2, 1 h 30 min on 5 October, closed that day;
    - №3, an after-hours emergency on Tuesday 6 October at 21:00, 2 h, closed the next day;
    - №4, a Standard incident of Monday 12 October 10:00 taken on Tuesday 12:00: its 8
      working hours to react ran out on Monday 18:00, 3 working hours late (09:00–12:00).
    """
    clock = MovableClock(datetime(2026, 9, 1, 10, 0, tzinfo=MSK), ticking=False)
    db = await Database.open(path, clock=clock)

    async def work(number: int, minutes: int) -> None:
        await staff_tickets.take(uow, clock, ticket_id=number, staff_tg_id=IVAN)
        await staff_tickets.log_work(
            uow, clock, ticket_id=number, staff_tg_id=IVAN, minutes=minutes
        )

    async def close(number: int) -> None:
        await staff_tickets.resolve(uow, clock, ticket_id=number, staff_tg_id=IVAN)
        await employee_tickets.confirm_resolution(uow, clock, ticket_id=number, tg_id=ANNA)

    async def open_ticket(what: str, impact: WorkImpact, **kw: bool) -> int:
        ticket = await intake.open_ticket(
            uow, clock, employee_tg_id=ANNA, draft=draft(what, impact, **kw)
        )
        return ticket.value.number

    async with db.unit_of_work() as uow:
        await accounts.add_staff(uow, clock, tg_id=IVAN, name="Иван", role=StaffRole.FIRST_LINE)
        client = (
            await accounts.register_client(
                uow, clock, name="ООО Ромашка", tier=SlaTier.BRONZE, plan=plan
            )
        ).value
        assert client.id is not None
        await accounts.edit_client(
            uow,
            client_id=client.id,
            emergency_hour_rate=emergency_rate,
            penalty=PenaltyRule(PenaltyBasis.OVERDUE_HOUR, 1_000, 0.1),
        )
        code = (await accounts.create_invite(uow, clock, client_id=client.id)).value.code
        await accounts.register_employee(uow, clock, code=code, tg_id=ANNA, name="Анна")

        clock.set(datetime(2026, 9, 30, 10, 0, tzinfo=MSK))
        first = await open_ticket("не печатает принтер", WorkImpact.HAMPERED)
        await work(first, 60)
        clock.set(datetime(2026, 10, 1, 11, 0, tzinfo=MSK))
        await close(first)

        clock.set(datetime(2026, 10, 5, 10, 0, tzinfo=MSK))
        second = await open_ticket("не открывается 1С", WorkImpact.HAMPERED)
        await work(second, 90)
        await close(second)

        clock.set(datetime(2026, 10, 6, 21, 0, tzinfo=MSK))
        night = await open_ticket("сервер не отвечает", WorkImpact.BLOCKED, emergency=True)
        await work(night, 120)
        clock.set(datetime(2026, 10, 7, 8, 0, tzinfo=MSK))
        await close(night)

        clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=MSK))
        late = await open_ticket("не работает сканер", WorkImpact.HAMPERED)
        clock.set(datetime(2026, 10, 13, 12, 0, tzinfo=MSK))
        await staff_tickets.take(uow, clock, ticket_id=late, staff_tg_id=IVAN)
        await close(late)
        await uow.commit()
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=MSK))
    await db.close()
    return client.id


def report(tmp_path, monkeypatch, capsys, **terms) -> tuple[str, dict, list[list[str]]]:
    """The October report: the printed message, the "Часы" sheet as {label: value}, and
    the CSV's statement rows."""
    db_path = tmp_path / "frontdesk.db"
    client_id = asyncio.run(a_month(db_path, **terms))
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        main(["report", "--client", str(client_id), "--month", "2026-10", "--out", str(out)])
    assert done.value.code == 0
    printed = capsys.readouterr().err
    book = load_workbook(io.BytesIO((out / "report-2026-10.xlsx").read_bytes()))
    sheet = [tuple(row) for row in book["Часы"].iter_rows(values_only=True)]
    for label, *rest in sheet:  # a label and a number, the number a number in the workbook
        assert isinstance(label, str)
        assert all(isinstance(v, int | float) for v in rest if v is not None), (label, rest)
    rows = list(
        csv.reader(
            io.StringIO((out / "report-2026-10-tickets.csv").read_text("utf-8-sig")), delimiter=";"
        )
    )
    statement = rows[rows.index([]) + 1 :]
    return printed, {label: rest[0] if rest else None for label, *rest in sheet}, statement


def test_the_emergency_is_billed_apart_and_the_penalty_deducted(tmp_path, monkeypatch, capsys):
    printed, hours, statement = report(tmp_path, monkeypatch, capsys, plan=START_PLAN)

    # The plan: №1 (closed in October) and №2, 2,5 h of 10; the night's 2 h are not among them.
    assert "Часы: 2,5 из 10 включённых; из резерва 0; сверх плана 0 (0 ₽)." in printed
    assert (
        "Аварии в нерабочее время, отдельно от тарифа: 2 ч по 3\xa0000 ₽ за час, 6\xa0000 ₽."
        in printed
    )
    # 3 working hours late × 1,000 = 3,000, cut to 10 % of the 20,000 fee
    assert (
        "Штраф за нарушение SLA: 2\xa0000 ₽ (1\xa0000 ₽ за каждый рабочий час просрочки, всего "
        "просрочено 3 рабочих часа). По договору штраф не превышает 10\xa0% абонентской платы."
    ) in printed
    assert "Итого к оплате за месяц: 24\xa0000 ₽." in printed  # 20,000 + 6,000 − 2,000

    assert hours == {
        "Абонентская плата, ₽": 20_000,
        "Включено часов": 10.0,
        "Использовано часов": 2.5,
        "Резерв на начало": 10.0,  # September's 10 unused hours, at the cap
        "Взято из резерва": 0.0,
        "Не использовано, в резерв": 0.0,
        "Резерв на конец": 10.0,
        "Часы сверх плана": 0.0,
        "Стоимость часа сверх плана, ₽": 2_000,
        "Часы сверх плана, ₽": 0,
        "Аварии в нерабочее время, часов (отдельно от тарифа)": 2.0,
        "Стоимость часа работ по аварии, ₽": 3_000,
        "Аварии в нерабочее время, ₽": 6_000,
        "Просрочено, раб. ч": 3.0,
        "Заявок с нарушением SLA": 1,
        "Штраф до ограничения, ₽": 3_000,
        "Штраф за нарушение SLA, ₽": 2_000,
        "Итого к оплате, ₽": 24_000,
    }
    assert statement == [
        ["Расчёт за месяц"],
        ["Абонентская плата, ₽", "20000"],
        ["Включено часов", "10,00"],
        ["Использовано часов", "2,50"],
        ["Резерв на начало", "10,00"],
        ["Взято из резерва", "0,00"],
        ["Не использовано, в резерв", "0,00"],
        ["Резерв на конец", "10,00"],
        ["Часы сверх плана", "0,00"],
        ["Стоимость часа сверх плана, ₽", "2000"],
        ["Часы сверх плана, ₽", "0"],
        ["Аварии в нерабочее время, часов (отдельно от тарифа)", "2,00"],
        ["Стоимость часа работ по аварии, ₽", "3000"],
        ["Аварии в нерабочее время, ₽", "6000"],
        ["Просрочено, раб. ч", "3,00"],
        ["Заявок с нарушением SLA", "1"],
        ["Штраф до ограничения, ₽", "3000"],
        ["Штраф за нарушение SLA, ₽", "2000"],
        ["Итого к оплате, ₽", "24000"],
    ]


def test_hours_without_a_plan_are_shown_not_dropped(tmp_path, monkeypatch, capsys):
    printed, hours, statement = report(
        tmp_path, monkeypatch, capsys, plan=None, emergency_rate=None
    )

    assert (
        "Отработано часов: 2,5. В договоре нет тарифа с часами, по ним ничего не начислено."
        in printed
    )
    assert (
        "Аварии в нерабочее время, отдельно от тарифа: 2 ч; стоимость часа для них в договоре "
        "не указана." in printed
    )
    assert "Итого к оплате" not in printed  # nothing has a price
    assert hours["В договоре нет тарифа с часами."] is None
    assert hours["Отработано часов, без тарифа"] == 2.5
    assert hours["Аварии в нерабочее время, часов (отдельно от тарифа)"] == 2.0
    assert hours["Штраф за нарушение SLA, ₽"] == 3_000  # no plan: no fee to cap it by
    assert ["Отработано часов, без тарифа", "2,50"] in statement


def test_the_first_months_without_the_fee_pay_for_every_hour(tmp_path, monkeypatch, capsys):
    trial = Plan(20_000, 10, 2_000, 10, fee_free_months=2)  # September and October
    printed, hours, _statement = report(tmp_path, monkeypatch, capsys, plan=trial)

    assert "Часы: 2,5; месяц без абонентской платы, оплачиваются все часы: 5\xa0000 ₽." in printed
    assert hours["Месяц без абонентской платы: оплачиваются все часы"] is None
    assert hours["Абонентская плата, ₽"] == 0
    assert hours["Часы сверх плана, ₽"] == 5_000
    # the penalty's cap is a share of the plan's fee, 2,000; 5,000 + 6,000 − 2,000
    assert hours["Итого к оплате, ₽"] == 9_000
