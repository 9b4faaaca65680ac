"""The interactive sandbox as a person uses it: lines typed, the screen printed back.

Each test runs the real sandbox (the bot, its database and the emulator) on a frozen
clock at 10:00 on Monday 23 November 2026 in Moscow, and reads what it printed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.terminal.session import Sandbox

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


class Terminal:
    def __init__(self, sandbox: Sandbox, lines: list[str]) -> None:
        self.sandbox = sandbox
        self.lines = lines

    async def type(self, line: str) -> str:
        """What the sandbox printed for this line."""
        before = len(self.lines)
        await self.sandbox.handle(line)
        return "\n".join(self.lines[before:])

    async def file_a_ticket(self, text: str = "не работает 1С, не могу работать") -> str:
        """The employee on screen files a ticket: an incident that stops her work, hers only
        (High for a Gold client). What the last step printed."""
        await self.type(text)
        for press in ("/1", "/3", "/1"):  # it is broken; cannot work; only me
            await self.type(press)
        return await self.type("/1")  # send


@pytest.fixture
async def terminal(tmp_path: Path) -> AsyncIterator[Terminal]:
    lines: list[str] = []
    sandbox = Sandbox(tmp_path, lines.append, start=MONDAY_10, ticking=False, patience=30)
    await sandbox.start()
    try:
        yield Terminal(sandbox, lines)
    finally:
        await sandbox.stop()
    assert not sandbox.emulator.stats.internal_errors


# --- /time ----------------------------------------------------------------------------


async def test_time_to_a_clock_time_goes_forward_to_it_and_what_fell_due_fires(terminal):
    assert "Заявка №1 принята." in await terminal.file_a_ticket()

    moved = await terminal.type("/time 22:00")

    assert "(sandbox time: Mon 23 Nov 2026 22:00 Moscow, 12 h later)" in moved
    assert "(🔔 2 new for lead: /as lead)" in moved  # both deadlines breached on the way
    lead = await terminal.type("/as lead")
    assert "🔴 №1, ООО «Ромашка»: просрочено время решения (срок был 18:00)." in lead


async def test_time_to_an_hour_already_past_is_tomorrow(terminal):
    assert "Tue 24 Nov 2026 09:00 Moscow, 23 h later" in await terminal.type("/time 09:00")
    assert "Tue 24 Nov 2026 10:00 Moscow, 1 h later" in await terminal.type("/time 10:00")


async def test_time_to_a_weekday_in_russian_or_english(terminal):
    saturday = await terminal.type("/time сб 09:00")
    assert "(sandbox time: Sat 28 Nov 2026 09:00 Moscow, 4 days 23 h later)" in saturday
    next_saturday = await terminal.type("/time sat 09:00")
    assert "(sandbox time: Sat 05 Dec 2026 09:00 Moscow, 7 days later)" in next_saturday


async def test_time_by_compound_amounts_says_where_the_clock_is(terminal):
    assert "Mon 23 Nov 2026 11:30 Moscow)" in await terminal.type("/time +1h30m")
    assert "Wed 25 Nov 2026 11:30 Moscow)" in await terminal.type("/time +2д")
    assert "Wed 25 Nov 2026 13:00 Moscow)" in await terminal.type("/time +90m")


async def test_bad_time_is_one_line_of_usage_and_the_clock_stays(terminal):
    answer = await terminal.type("/time soon")
    assert answer.startswith("  (sandbox: /time +1h30m")
    assert "\n" not in answer
    past = await terminal.type("/time today 09:00")
    assert "has passed: the sandbox clock only moves forward" in past
    assert "Mon 23 Nov 2026 10:00 Moscow" in await terminal.type("/time")


# --- the director -----------------------------------------------------------------------


async def test_the_director_sees_the_company_tickets_and_gets_the_report(terminal):
    await terminal.file_a_ticket()
    employee_report = await terminal.type("/report")
    assert "Отчёты получает руководитель вашей компании." in employee_report

    await terminal.type("/as director")
    company = await terminal.type("/company")
    assert "Заявки компании ООО «Ромашка»" in company
    assert "№1 не работает 1С, не могу работать" in company  # Анна's ticket

    report = await terminal.type("/report")
    assert "ООО «Ромашка»: отчёт за ноябрь 2026" in report
    # the month is of the tickets closed in it: Анна's, still open, is counted apart
    assert "Закрыто заявок за месяц: 0 (инцидентов 0, запросов 0)" in report
    assert "Сейчас не закрыто: 1;" in report
    assert "[document: report-2026-11.xlsx]" in report


# --- buttons ----------------------------------------------------------------------------


async def test_an_older_card_keeps_its_numbers_and_can_be_pressed(terminal):
    await terminal.file_a_ticket("не работает 1С, не могу работать")
    await terminal.type("/as employee-en")
    await terminal.type("Please create a mailbox for our new accountant")
    for press in ("/1", "/1", "/1"):  # right; help or a routine task; send
        await terminal.type(press)

    chat = await terminal.type("/as staff-chat")
    # two cards: the first keeps [1]..[8], the second's buttons go on from [9]
    assert "[1] 🙋 Взять  [2] 💬 Ответить" in chat
    assert "[9] 🙋 Взять  [10] 💬 Ответить" in chat
    assert chat.index("№1 · Высокий") < chat.index("[1] 🙋 Взять") < chat.index("№2 · ")

    taken = await terminal.type("/1")  # the older card's «Взять», not the newest one's
    assert "💬 №1 теперь ваша." in taken
    assert "Исполнитель: Иван" in taken
    assert "[1] 💬 Ответить" in taken  # the card edited: its numbers start where they did
    assert "№2 · " not in taken  # the other card did not change: not printed, numbers kept

    assert "💬 №2 теперь ваша." in await terminal.type("/9")


async def test_the_reply_keyboard_keeps_its_numbers_while_new_buttons_arrive(terminal):
    filed = await terminal.file_a_ticket()
    assert "⌨ [1] 📝 Новая заявка  [2] 📋 Мои заявки" in filed
    listed = await terminal.type("/my")
    assert "[3] №1 · не работает 1С" in listed
    assert "⌨ [1] 📝 Новая заявка  [2] 📋 Мои заявки" in listed
    assert "Ваши заявки" in await terminal.type("/2")  # the keyboard's «Мои заявки»


async def test_a_number_that_is_not_on_the_screen_says_so(terminal):
    assert "(sandbox: no button [7] on this screen)" in await terminal.type("/7")
