"""Nobody left in silence, and nobody spammed, end to end: a status line while a High
ticket is worked (none when staff wrote), reminders of an unanswered question and then the
engineer asked whether to close it, an apology for a missed deadline (once), «Продолжить
без ответа» told to the employee with the new due time, and the personal manager's digest
at the start of the day (once, however often the bot restarts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import BotApiEmulator, Person
from domain import TicketStatus
from tests.e2e.harness import Desk, buttons, msk, running_desk
from tests.e2e.test_after_hours import World, call_now, count, send, summary, ticket, world
from tests.e2e.test_staff_desk import texts

STATUS_LINE = "работа идёт: занимается Иван"
REMINDER = "Напоминаю о заявке №1"
SECOND_REMINDER = "Заявка №1 всё ещё ждёт вашего ответа"
DIGEST = "Ваши клиенты сегодня"


@pytest.fixture
async def desk(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path) as desk:  # Monday 23 November, 10:00
        yield desk


async def high_ticket(w: World) -> None:
    """Анна cannot work (Gold, High: answer by 11:00, fix by 18:00)."""
    await summary(w.anna, "не работает 1С, не могу работать", "Нет, работа стоит", "Только меня")
    await send(w.anna)


async def standard_ticket(w: World) -> None:
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await send(w.anna)


async def card_of(desk: Desk, number: int = 1):
    """The ticket's card in the staff chat, as it is now."""
    chat = desk.staff_chat
    assert chat is not None
    await chat.wait_until(
        lambda _t: any(f"№{number} ·" in (m.text or "") for m in chat.bot_messages)
    )
    return next(m for m in reversed(chat.bot_messages) if f"№{number} ·" in (m.text or ""))


async def take(desk: Desk, w: World) -> None:
    card = await card_of(desk)
    await (await w.engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)).wait_answered()
    await w.anna.wait_for_message(contains="Иван")


async def ask(desk: Desk, w: World, question: str) -> None:
    card = await card_of(desk)
    await w.engineer.press("❓ Вопрос клиенту", message=card, chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains="вопрос")
    await w.engineer.send(question, chat=desk.staff_chat)
    await w.anna.wait_for_message(contains=question)


def private(person: Person, text: str) -> list[str]:
    return [t for t in texts(person) if text in t]


# --- keep-in-loop ------------------------------------------------------------------------


async def test_a_high_ticket_in_work_gets_a_status_line_after_four_quiet_working_hours(desk: Desk):
    w = await world(desk)
    await high_ticket(w)
    await desk.move_clock_to(msk(2026, 11, 23, 10, 10))
    await take(desk, w)  # 10:10
    await desk.move_clock_to(msk(2026, 11, 23, 14, 9))
    assert count(w.anna, STATUS_LINE) == 0
    await desk.move_clock_to(msk(2026, 11, 23, 14, 10))
    line = await w.anna.wait_for_message(contains=STATUS_LINE)
    assert line.text == (
        "По заявке №1 работа идёт: занимается Иван. Напишем, как только будет результат."
    )
    # four more quiet working hours: 3 h 50 min to the close, the night does not count,
    # and 10 minutes on Tuesday morning
    await desk.move_clock_to(msk(2026, 11, 23, 23, 0))
    assert count(w.anna, STATUS_LINE) == 1
    await desk.move_clock_to(msk(2026, 11, 24, 9, 9))
    assert count(w.anna, STATUS_LINE) == 1
    await desk.move_clock_to(msk(2026, 11, 24, 9, 10))
    await w.anna.wait_until(lambda _t: count(w.anna, STATUS_LINE) == 2)


async def test_no_status_line_when_the_engineer_wrote_to_the_employee(desk: Desk):
    w = await world(desk)
    await high_ticket(w)
    await take(desk, w)
    card = await card_of(desk)
    await desk.move_clock_to(msk(2026, 11, 23, 13, 0))
    await w.engineer.send(
        "Переустанавливаю платформу, ещё час", chat=desk.staff_chat, reply_to=card
    )
    await w.anna.wait_for_message(contains="ещё час")
    await desk.move_clock_to(msk(2026, 11, 23, 16, 59))
    assert count(w.anna, STATUS_LINE) == 0  # four quiet hours from 13:00, not from 10:00
    await desk.move_clock_to(msk(2026, 11, 23, 17, 0))
    await w.anna.wait_for_message(contains=STATUS_LINE)


async def test_a_standard_ticket_gets_no_status_lines(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)
    await take(desk, w)
    await desk.move_clock_to(msk(2026, 11, 24, 17, 0))
    assert count(w.anna, "работа идёт") == 0


# --- waiting for the client --------------------------------------------------------------


async def test_an_unanswered_question_is_reminded_twice_then_the_engineer_is_asked(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)
    await take(desk, w)
    await ask(desk, w, "Какая модель принтера?")  # Monday 10:00
    await desk.move_clock_to(msk(2026, 11, 24, 9, 59))
    assert count(w.anna, REMINDER) == 0
    await desk.move_clock_to(msk(2026, 11, 24, 10, 0))  # a working day later
    first = await w.anna.wait_for_message(contains=REMINDER)
    assert "«Какая модель принтера?»" in first.text
    assert buttons(w.anna) == ["💬 Ответить", "🚫 Больше не нужна"]
    await desk.move_clock_to(msk(2026, 11, 26, 10, 0))  # three working days
    second = await w.anna.wait_for_message(contains=SECOND_REMINDER)
    assert "«Какая модель принтера?»" in second.text
    assert count(w.engineer, "ответа нет и после двух напоминаний") == 0
    await desk.move_clock_to(msk(2026, 11, 27, 10, 0))  # four: the engineer is asked
    asked = await w.engineer.wait_for_message(contains="ответа нет и после двух напоминаний")
    assert "№1, ООО Ромашка" in asked.text
    assert buttons(w.engineer) == ["🔒 Закрыть", "⏳ Ждать дальше"]
    await desk.move_clock_to(msk(2026, 12, 1, 12, 0))  # nothing more, to anybody
    assert count(w.anna, REMINDER) == count(w.anna, SECOND_REMINDER) == 1
    assert count(w.engineer, "двух напоминаний") == 1
    assert count(w.manager, "напомина") == 0

    press = await w.engineer.press("🔒 Закрыть", message=asked)
    assert "№1 закрыта" in ((await press.wait_answered()).text or "")
    told = await w.anna.wait_for_message(contains="мы закрыли")
    assert "Если она ещё нужна, просто напишите мне" in told.text
    assert (await ticket(desk)).status is TicketStatus.CLOSED
    await w.engineer.wait_until(lambda _t: buttons(w.engineer) == [])  # answered


async def test_keep_waiting_changes_nothing(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)
    await take(desk, w)
    await ask(desk, w, "Какая модель принтера?")
    await desk.move_clock_to(msk(2026, 11, 27, 10, 0))
    asked = await w.engineer.wait_for_message(contains="двух напоминаний")
    press = await w.engineer.press("⏳ Ждать дальше", message=asked)
    assert "ждём ответа клиента дальше" in ((await press.wait_answered()).text or "")
    await w.engineer.wait_until(lambda _t: buttons(w.engineer) == [])  # answered
    assert (await ticket(desk)).status is TicketStatus.WAITING_CLIENT


async def test_the_employee_says_it_is_no_longer_needed(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)
    await take(desk, w)
    await ask(desk, w, "Какая модель принтера?")
    await desk.move_clock_to(msk(2026, 11, 24, 10, 0))
    reminder = await w.anna.wait_for_message(contains=REMINDER)
    await (await w.anna.press("🚫 Больше не нужна", message=reminder)).wait_answered()
    await w.anna.wait_for_message(contains="Спасибо, что сообщили")
    assert (await ticket(desk)).status is TicketStatus.CLOSED
    told = await w.engineer.wait_for_message(contains="больше не нужна")
    assert "№1, ООО Ромашка" in told.text
    assert not reminder.inline_keyboard  # the reminder's buttons are gone
    await desk.move_clock_to(msk(2026, 11, 27, 10, 0))
    assert count(w.engineer, "двух напоминаний") == 0


async def test_going_on_without_an_answer_tells_the_employee_the_new_due_time(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)  # Gold, Standard: fix by tomorrow 17:00
    await take(desk, w)
    await ask(desk, w, "Какая модель принтера?")  # 10:00
    await desk.move_clock_to(msk(2026, 11, 23, 12, 0))  # two hours waited
    card = await card_of(desk)
    await (
        await w.engineer.press("▶ Продолжить без ответа", message=card, chat=desk.staff_chat)
    ).wait_answered()
    told = await w.anna.wait_for_message(contains="не дожидаясь вашего ответа")
    # due Tuesday 17:00, and the two hours it waited: Wednesday 10:00
    assert "Срок решения сдвинулся на время ожидания: решим до среды 10:00" in told.text
    assert (await ticket(desk)).status is TicketStatus.IN_PROGRESS


# --- a missed deadline ---------------------------------------------------------------------


async def test_a_missed_reaction_brings_one_apology_and_then_who_is_on_it(desk: Desk):
    w = await world(desk)
    await high_ticket(w)  # answer by 11:00
    await desk.move_clock_to(msk(2026, 11, 23, 11, 0))
    apology = await w.anna.wait_for_message(contains="Простите")
    assert "обещали ответить до 11:00" in apology.text
    assert "Руководитель смены уже знает" in apology.text
    await desk.move_clock_to(msk(2026, 11, 23, 11, 30))
    assert count(w.anna, "Простите") == 1
    await take(desk, w)
    assert count(w.anna, "Простите") == 1
    # the resolution deadline: another apology, naming who is on it
    await desk.move_clock_to(msk(2026, 11, 23, 18, 0))
    await w.anna.wait_until(lambda _t: count(w.anna, "Простите") == 2)
    resolution = private(w.anna, "обещали решить до 18:00")
    assert len(resolution) == 1 and "занимается Иван" in resolution[0]
    await desk.move_clock_to(msk(2026, 11, 24, 12, 0))
    assert count(w.anna, "Простите") == 2
    # the manager heard of the reaction breach (High, by day) and of no warning
    assert count(w.manager, "просрочено время реакции") == 1
    assert count(w.manager, "⚠️") == 0


async def test_a_ticket_taken_in_time_brings_no_apology(desk: Desk):
    w = await world(desk)
    await high_ticket(w)
    await take(desk, w)
    await desk.move_clock_to(msk(2026, 11, 23, 12, 0))
    assert count(w.anna, "Простите") == 0


# --- the manager -----------------------------------------------------------------------------


async def test_the_manager_gets_one_digest_at_the_start_of_the_day(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path) as desk:
        w = await world(desk)
        await standard_ticket(w)  # №1: nobody takes it, answer by 14:00
        await desk.move_clock_to(msk(2026, 11, 23, 14, 30))
        assert count(w.manager, "просрочено") == 0  # Standard: not now, in the digest
        await desk.move_clock_to(msk(2026, 11, 24, 8, 59))
        assert count(w.manager, DIGEST) == 0
        await desk.move_clock_to(msk(2026, 11, 24, 9, 0))
        digest = await w.manager.wait_for_message(contains=DIGEST)
        assert "🔴 Просрочены:" in digest.text
        assert (
            "№1 · ООО Ромашка · не печатает принтер — ответа нет, срок был 23 ноября 14:00"
            in digest.text
        )
        await desk.move_clock_to(msk(2026, 11, 24, 9, 20))
    # the bot restarts within the hour: no second digest
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 24, 9, 30)) as desk:
        await desk.move_clock_to(msk(2026, 11, 24, 9, 50))
        await desk.move_clock_to(msk(2026, 11, 24, 17, 0))
        assert count(w.manager, DIGEST) == 1
        await desk.move_clock_to(msk(2026, 11, 25, 9, 0))  # the next day: the next digest
        await w.manager.wait_until(lambda _t: count(w.manager, DIGEST) == 2)


async def test_a_low_rating_with_its_comment_reaches_the_manager_once(desk: Desk):
    w = await world(desk)
    await standard_ticket(w)
    await take(desk, w)
    card = await card_of(desk)
    await w.engineer.press("✅ Решено", message=card, chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains="что сделано")
    await w.engineer.send("Заменили картридж", chat=desk.staff_chat)
    resolved = await w.anna.wait_for_message(contains="решена")
    await w.anna.press("✅ Всё работает", message=resolved)
    await w.anna.wait_until(lambda _t: "Оцените" in (w.anna.last_bot_message.text or ""))
    await w.anna.press("2")
    await w.anna.wait_for_message(contains="что было не так")
    await w.anna.send("Долго ждали")
    await w.anna.wait_for_message(contains="прочитаем")
    await desk.settled()
    assert count(w.manager, "оценили на 2 из 5") == 1
    # the words that followed are in the next morning's digest
    await desk.move_clock_to(msk(2026, 11, 24, 9, 0))
    digest = await w.manager.wait_for_message(contains=DIGEST)
    assert "2 из 5: «Долго ждали»" in digest.text


async def test_an_emergency_reaches_the_manager_as_a_page_not_also_as_a_new_ticket(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 23, 20, 0)) as evening:
        w = await world(evening)
        await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
        await call_now(w.anna)
        await w.manager.wait_for_message(contains="Авария в нерабочее время")
        await evening.settled()
        assert count(w.manager, "Новая заявка") == 0
