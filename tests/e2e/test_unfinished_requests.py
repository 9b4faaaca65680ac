"""A request described and left half-way through the questions: its author is told once
that nothing was sent, and sends it as it stands or drops it; answering the question
still works; nobody is called out at night for a request its author did not finish."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import BotApiEmulator
from domain import Priority
from tests.e2e.harness import Desk, buttons, running_desk
from tests.e2e.test_after_hours import MONDAY_EVENING, PAGE, count, ticket, world
from tests.e2e.test_staff_desk import texts

NOT_SENT = "Заявка ещё не отправлена"
AS_IS = "✅ Отправить как есть"
NOT_NEEDED = "✖ Не нужно"


@pytest.fixture
async def desk(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path) as desk:  # Monday 23 November, 10:00
        yield desk


async def left_at_who(desk: Desk, description: str = "не работает принтер в приемной работа стоит"):
    """Анна describes it, says it is broken, answers «нет» to «Можете работать?» and
    leaves «Кого это затрагивает?» unanswered."""
    w = await world(desk)
    await w.anna.send(description)
    asked = ("Верно?", "Можете сейчас работать?")
    transcript = await w.anna.wait_until(lambda t: any(a in (t[-1].text or "") for a in asked))
    if "Верно?" in (transcript[-1].text or ""):  # the guess is asked about when unsure
        await w.anna.press("Да, верно")
        await w.anna.wait_for_message(contains="Можете сейчас работать?")
    await w.anna.send("нет")
    await w.anna.wait_for_message(contains="Кого это затрагивает?")
    return w


async def test_a_request_left_half_way_is_reminded_of_once_and_sent_as_it_stands(desk: Desk):
    w = await left_at_who(desk)
    await desk.move_clock(minutes=5)
    assert count(w.anna, NOT_SENT) == 0  # still answering, perhaps
    await desk.move_clock(minutes=6)
    reminder = await w.anna.wait_for_message(contains=NOT_SENT)
    assert "«не работает принтер в приемной работа стоит»" in (reminder.text or "")
    assert buttons(w.anna)[-2:] == [AS_IS, NOT_NEEDED]
    await desk.move_clock(hours=3)
    assert count(w.anna, NOT_SENT) == 1  # once, not every ten minutes

    await w.anna.press(AS_IS)
    registered = await w.anna.wait_for_message(contains="принята")
    assert "Заявка №1 принята" in (registered.text or "")
    found = await ticket(desk)
    # "работа стоит" said in the description stands for the impact; "who" was not answered
    assert found.priority is Priority.HIGH
    assert desk.staff_chat is not None
    await desk.staff_chat.wait_for_message(contains="№1 ·")
    # the question it stopped at has nothing left to answer
    assert "Только меня" not in buttons(w.anna)


async def test_answering_after_the_reminder_goes_on_and_the_reminder_then_says_it_is_settled(
    desk: Desk,
):
    w = await left_at_who(desk)
    await desk.move_clock(minutes=11)
    reminder = await w.anna.wait_for_message(contains=NOT_SENT)
    await w.anna.send("только я")
    await w.anna.wait_for_message(contains="Ваша заявка")
    await w.anna.press("✅ Отправить")
    await w.anna.wait_for_message(contains="Заявка №1 принята")
    answered = await (await w.anna.press(AS_IS, message=reminder)).wait_answered()
    assert answered is not None and "уже отправлена или отменена" in (answered.text or "")
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.get(2) is None  # nothing sent twice


async def test_not_needed_drops_it_and_nothing_is_sent(desk: Desk):
    w = await left_at_who(desk)
    await desk.move_clock(minutes=11)
    await w.anna.wait_for_message(contains=NOT_SENT)
    await w.anna.press(NOT_NEEDED)
    # the reminder itself says so
    await w.anna.wait_until(lambda t: any("Ничего не отправлено" in (m.text or "") for m in t))
    assert await ticket(desk) is None
    assert desk.staff_chat is not None
    assert not any("№1" in t for t in texts(desk.staff_chat))
    await w.anna.send("сканер не сканирует")  # a new problem starts afresh
    await w.anna.wait_for_message(contains="Верно?")


async def test_at_night_a_request_sent_as_it_stands_waits_for_the_morning_and_pages_nobody(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, start=MONDAY_EVENING) as desk:
        w = await left_at_who(desk, "сервер упал, во всём офисе никто не может работать")
        await desk.move_clock(minutes=11)
        await w.anna.wait_for_message(contains=NOT_SENT)
        await w.anna.press(AS_IS)
        registered = await w.anna.wait_for_message(contains="принята")
        assert "завтра в 09:00" in (registered.text or "")
        found = await ticket(desk)
        assert found.priority is Priority.HIGHEST and not found.emergency
        await desk.move_clock(minutes=30)
        assert count(w.duty, PAGE) == 0


async def test_asking_what_is_going_on_mid_request_is_told_it_is_not_sent_yet(desk: Desk):
    w = await left_at_who(desk)
    await w.anna.send("ну что там?")
    told = await w.anna.wait_for_message(contains="Эта заявка ещё не отправлена")
    assert "Кого это затрагивает?" in (told.text or "")  # the question it waits for, again
    assert await ticket(desk) is None
