"""The month's workbook and CSVs, cell by cell: the tickets closed in the month (one of
them registered in the month before), those open at its end, and the work log; numbers
and moments kept as numbers and dates with their formats."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook

from bot.i18n import create_i18n
from bot.reports import Report, Reports
from domain.enums import Category, Priority, SlaTier, TicketKind, TicketStatus
from domain.model import Client, Rating, Ticket, WorkLog
from storage.reports import ReportData
from tests.unit.fakes import msk

OLEG, MARIA = 601, 602
CLIENT = Client(
    name="ООО Ромашка",
    tier=SlaTier.GOLD,
    timezone="Europe/Moscow",
    opens=time(9),
    closes=time(18),
    weekdays=frozenset(range(5)),
    country="RU",
    id=1,
)


def ticket(number: int, title: str, registered: datetime, **kw) -> Ticket:
    return Ticket(
        client_id=1,
        employee_id=1,
        kind=TicketKind.INCIDENT,
        category=Category.PRINTER,
        priority=Priority.STANDARD,  # Gold: 4 working hours to answer, 16 to resolve
        title=title,
        description=title,
        registered_at=registered,
        id=number,
        **kw,
    )


PRINTER = ticket(  # Friday 30 October to Monday 2 November: 14 working hours, on time
    1,
    "Не печатает принтер",
    msk(2026, 10, 30, 10, 0),
    status=TicketStatus.CLOSED,
    assignee_tg_id=OLEG,
    first_response_at=msk(2026, 10, 30, 10, 30),
    resolved_at=msk(2026, 11, 2, 15, 0),
    closed_at=msk(2026, 11, 3, 12, 0),
)
SCANNER = ticket(  # Tuesday 10 November, answered, never resolved: 16 h passed long ago
    2,
    "Не сканирует сканер",
    msk(2026, 11, 10, 12, 0),
    status=TicketStatus.IN_PROGRESS,
    assignee_tg_id=MARIA,
    first_response_at=msk(2026, 11, 10, 12, 20),
)
CANCELLED = ticket(
    3,
    "Не открывается почта",
    msk(2026, 11, 12, 9, 0),
    status=TicketStatus.CANCELLED,
    closed_at=msk(2026, 11, 12, 9, 10),
)
LOGS = [
    WorkLog(1, OLEG, 45, msk(2026, 10, 30, 12, 0), "проверил драйвер"),
    WorkLog(1, MARIA, 60, msk(2026, 11, 2, 14, 0), "=заменила картридж"),  # formula-like
    WorkLog(2, MARIA, 30, msk(2026, 11, 10, 13, 0), "заказали ролик подачи"),
]


@pytest.fixture(scope="module")
def report() -> Report:
    data = ReportData(
        client=CLIENT,
        tickets=[PRINTER, SCANNER, CANCELLED],
        closed=[PRINTER],
        work_logs=LOGS,
        ratings=[Rating(1, 5, "спасибо", msk(2026, 11, 3, 12, 0))],
        staff_names={OLEG: "Олег", MARIA: "Мария"},
    )
    reports = Reports(None, None, create_i18n("ru"))  # type: ignore[arg-type]
    return reports.render(data, date(2026, 11, 1), "ru", msk(2026, 12, 2, 12, 0))


HEADER = [
    "Номер",
    "Зарегистрирована",
    "Закрыта",
    "Вид",
    "Тема",
    "Приоритет",
    "Статус",
    "Заголовок",
    "Исполнитель",
    "Первый ответ",
    "Решена",
    "Реакция",
    "Решение",
    "Авария",
    "Затрачено часов",
    "Оценка",
]
PRINTER_ROW = [
    1,
    datetime(2026, 10, 30, 10, 0),
    datetime(2026, 11, 3, 12, 0),
    "инцидент",
    "принтер",
    "Стандартный",
    "закрыта",
    "Не печатает принтер",
    "Олег",
    datetime(2026, 10, 30, 10, 30),
    datetime(2026, 11, 2, 15, 0),
    "в срок",
    "в срок",
    None,
    1.75,
    None,  # no estimate
]
SCANNER_ROW = [
    2,
    datetime(2026, 11, 10, 12, 0),
    None,
    "инцидент",
    "сканер",  # the device reported, not the printer its topic is named after
    "Стандартный",
    "в работе",
    "Не сканирует сканер",
    "Мария",
    datetime(2026, 11, 10, 12, 20),
    None,
    "в срок",
    "просрочено",
    None,
    0.5,
    None,
]


def test_the_workbook_lists_the_closed_then_the_open_with_their_work(report: Report):
    book = load_workbook(io.BytesIO(report.xlsx))
    assert book.sheetnames[:4] == [
        "Сводка",
        "Закрытые в месяце",
        "Открытые на конец месяца",
        "Журнал работ",
    ]
    summary = book["Сводка"]
    assert str(summary["A1"].value).startswith("Отчёт составлен по заявкам, закрытым в этом")
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=3, values_only=True)}
    assert values["Закрытые в месяце"] == 1
    assert values["Отменено"] == 1
    assert values["Открытые на конец месяца"] == 1
    assert values["Затрачено часов на закрытые заявки"] == 1.75

    closed = [list(row) for row in book["Закрытые в месяце"].iter_rows(values_only=True)]
    assert closed == [HEADER, PRINTER_ROW]
    still_open = [list(row) for row in book["Открытые на конец месяца"].iter_rows(values_only=True)]
    assert still_open == [HEADER, SCANNER_ROW]
    row = book["Закрытые в месяце"][2]
    assert row[1].number_format == row[2].number_format == "yyyy-mm-dd hh:mm"
    assert row[14].number_format == "#,##0.00" and row[0].data_type == "n"

    work = book["Журнал работ"]
    assert [list(r) for r in work.iter_rows(values_only=True)] == [
        ["Номер", "Заголовок", "Когда", "Кто", "Часы", "Что сделано", "Заявка"],
        [
            1,
            "Не печатает принтер",
            datetime(2026, 10, 30, 12, 0),
            "Олег",
            0.75,
            "проверил драйвер",
            "закрыта в месяце",
        ],
        [
            1,
            "Не печатает принтер",
            datetime(2026, 11, 2, 14, 0),
            "Мария",
            1,
            "=заменила картридж",
            "закрыта в месяце",
        ],
        [
            2,
            "Не сканирует сканер",
            datetime(2026, 11, 10, 13, 0),
            "Мария",
            0.5,
            "заказали ролик подачи",
            "ещё открыта",
        ],
    ]
    assert work["F3"].data_type == "s" and work["F3"].quotePrefix  # text, not a formula
    assert work["E2"].number_format == "#,##0.00"


def test_an_english_readers_csv_has_commas_and_decimal_points():
    data = ReportData(
        client=CLIENT,
        tickets=[PRINTER],
        closed=[PRINTER],
        work_logs=LOGS[:1],
        ratings=[],
        staff_names={OLEG: "Oleg"},
    )
    reports = Reports(None, None, create_i18n("ru"))  # type: ignore[arg-type]
    english = reports.render(data, date(2026, 11, 1), "en", msk(2026, 12, 2, 12, 0))
    work = list(csv.reader(io.StringIO(english.work_csv.decode("utf-8-sig"))))
    assert work[0] == ["Number", "Title", "When", "Who", "Hours", "What was done", "Ticket"]
    assert work[1][3:5] == ["Oleg", "0.75"]


def test_the_csvs_hold_the_same_rows_as_text(report: Report):
    rows = list(csv.reader(io.StringIO(report.csv.decode("utf-8-sig")), delimiter=";"))
    tickets = rows[: rows.index([])]  # the month's statement follows an empty line
    assert rows[rows.index([]) + 1] == ["Расчёт за месяц"]
    assert tickets == [
        ["Раздел", *HEADER],
        [
            "закрыта в месяце",
            "1",
            "2026-10-30 10:00",
            "2026-11-03 12:00",
            "инцидент",
            "принтер",
            "Стандартный",
            "закрыта",
            "Не печатает принтер",
            "Олег",
            "2026-10-30 10:30",
            "2026-11-02 15:00",
            "в срок",
            "в срок",
            "",
            "1,75",
            "",
        ],
        [
            "открыта на конец месяца",
            "2",
            "2026-11-10 12:00",
            "",
            "инцидент",
            "сканер",
            "Стандартный",
            "в работе",
            "Не сканирует сканер",
            "Мария",
            "2026-11-10 12:20",
            "",
            "в срок",
            "просрочено",
            "",
            "0,50",
            "",
        ],
    ]
    work = list(csv.reader(io.StringIO(report.work_csv.decode("utf-8-sig")), delimiter=";"))
    assert work == [
        ["Номер", "Заголовок", "Когда", "Кто", "Часы", "Что сделано", "Заявка"],
        [
            "1",
            "Не печатает принтер",
            "2026-10-30 12:00",
            "Олег",
            "0,75",
            "проверил драйвер",
            "закрыта в месяце",
        ],
        [
            "1",
            "Не печатает принтер",
            "2026-11-02 14:00",
            "Мария",
            "1,00",
            "'=заменила картридж",
            "закрыта в месяце",
        ],
        [
            "2",
            "Не сканирует сканер",
            "2026-11-10 13:00",
            "Мария",
            "0,50",
            "заказали ролик подачи",
            "ещё открыта",
        ],
    ]


def test_the_message_states_the_month_in_the_readers_numbers(report: Report):
    assert report.text.splitlines()[1:3] == [
        "Закрыто заявок за месяц: 1 (инцидентов 1, запросов 0); отменено: 1.",
        "Не закрыто на конец месяца: 1; каждая заявка войдёт в отчёт месяца, в котором её закроют.",
    ]
    assert "Реакция в срок: 100\xa0%; решение в срок: 100\xa0%." in report.text
    assert "Средняя оценка: 5,0 из 5 (оценок: 1)." in report.text


def test_a_mass_outage_is_billed_once_and_its_requests_are_what_is_counted():
    from dataclasses import replace

    from domain.billing import START_PLAN

    down, fixed = msk(2026, 11, 16, 10, 0), msk(2026, 11, 16, 11, 30)
    closed = {"status": TicketStatus.CLOSED, "resolved_at": fixed, "closed_at": fixed}
    outage = ticket(4, "Не работает интернет", down, outage=True, assignee_tg_id=OLEG, **closed)
    children = [
        ticket(n, f"Нет интернета у №{n}", down, parent_id=4, assignee_tg_id=OLEG, **closed)
        for n in (1, 2, 3)
    ]
    data = ReportData(
        client=replace(CLIENT, plan=START_PLAN),
        tickets=[*children, outage],
        closed=[*children, outage],
        work_logs=[WorkLog(4, OLEG, 90, fixed, "перезагрузили оборудование провайдера")],
        ratings=[],
        staff_names={OLEG: "Олег"},
    )
    reports = Reports(None, None, create_i18n("ru"))  # type: ignore[arg-type]
    report = reports.render(data, date(2026, 11, 1), "ru", msk(2026, 12, 2, 12, 0))

    # Three people's requests, not four tickets; the outage's 1.5 hours billed once.
    assert "Закрыто заявок за месяц: 3 (инцидентов 3, запросов 0); отменено: 0." in report.text
    assert "Часы: 1,5 из 10 включённых" in report.text
    book = load_workbook(io.BytesIO(report.xlsx))
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(values_only=True) if row}
    assert summary["Закрытые в месяце"] == 3
    assert summary["Затрачено часов на закрытые заявки"] == 1.5
    rows = {row[0]: row for row in book["Закрытые в месяце"].iter_rows(values_only=True)}
    assert rows[4][3] == "массовый сбой"
    assert rows[4][7] == "Не работает интернет (заявки №1, №2, №3)"
    assert rows[4][11:13] == (None, None)  # held to no deadline of its own: its requests are
    assert [rows[n][3] for n in (1, 2, 3)] == ["инцидент"] * 3
