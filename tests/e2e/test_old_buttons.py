"""Buttons pressed days later. Telegram sends a press on a message older than 48 hours
without the message (only its chat and id): the employee confirming a fix after the
weekend, the rating given on Monday, the engineer's week-old card, the on-duty engineer's
page from Friday night all still do what they say, and nothing fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import BotApiEmulator, ChatMessage, Person
from domain import TicketStatus
from tests.e2e.harness import Desk, buttons, msk, running_desk
from tests.e2e.test_after_hours import ACK, PAGE, call_now, summary, world
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_conversation import a_resolved_ticket, ask_the_client, card_of, take
from tests.e2e.test_staff_desk import staff_world, ticket_status

FRIDAY_MORNING = msk(2026, 11, 27, 10, 0)
FRIDAY_EVENING = msk(2026, 11, 27, 20, 0)
RATINGS = ["1", "2", "3", "4", "5"]


@pytest.fixture
async def friday(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path, start=FRIDAY_MORNING) as desk:
        yield desk


async def over_the_weekend(desk: Desk) -> None:
    """Friday to Monday: the messages of Friday are older than Telegram shows to the bot."""
    await desk.move_clock(days=3)


def too_old(desk: Desk, message: ChatMessage) -> bool:
    """A press on `message` now comes without it, as an InaccessibleMessage."""
    return desk.emulator.state.pressed_message(message)["date"] == 0


def current(person: Person, message: ChatMessage) -> ChatMessage:
    """The message as the person's chat shows it now (after the bot's edits)."""
    return next(m for m in person.bot_messages if m.message_id == message.message_id)


async def test_it_works_pressed_after_the_weekend_closes_the_ticket_and_asks_for_a_rating(
    friday: Desk,
):
    anna, engineer, _manager = await staff_world(friday)
    number, resolved = await a_resolved_ticket(friday, anna, engineer)
    await over_the_weekend(friday)
    assert too_old(friday, resolved)

    press = await anna.press("✅ Всё работает", message=resolved)
    assert (await press.wait_answered()).text == "Спасибо!"
    await anna.wait_until(lambda _t: "Оцените" in (resolved.text or ""))
    assert f"№{number}" in resolved.text and "Статус: закрыта" in resolved.text
    assert [b["text"] for row in resolved.inline_keyboard for b in row][:5] == RATINGS
    assert await ticket_status(friday, number) is TicketStatus.CLOSED


async def test_a_rating_given_after_the_weekend_is_taken_and_a_comment_invited(friday: Desk):
    anna, engineer, _manager = await staff_world(friday)
    number, resolved = await a_resolved_ticket(friday, anna, engineer)
    await (await anna.press("✅ Всё работает", message=resolved)).wait_answered()
    await anna.wait_until(lambda _t: "Оцените" in (resolved.text or ""))
    await over_the_weekend(friday)

    press = await anna.press("5", message=resolved)
    assert (await press.wait_answered()).text == "Спасибо!"
    await anna.wait_for_message(contains="Спасибо за оценку")
    assert not any(
        b["text"] in RATINGS for row in current(anna, resolved).inline_keyboard for b in row
    )
    async with friday.db.unit_of_work() as uow:
        assert (await uow.tickets.rating(number)).score == 5
    await anna.send("Быстро и вежливо")
    await anna.wait_for_message(contains="Спасибо")


async def test_still_not_working_pressed_after_the_weekend_reopens_and_asks_what_is_wrong(
    friday: Desk,
):
    anna, engineer, _manager = await staff_world(friday)
    number, resolved = await a_resolved_ticket(friday, anna, engineer)
    await over_the_weekend(friday)

    await (await anna.press("❌ Не работает", message=resolved)).wait_answered()
    asked = await anna.wait_for_message(contains="снова в работе")
    assert f"№{number}" in asked.text
    assert current(anna, resolved).inline_keyboard == []
    assert await ticket_status(friday, number) is TicketStatus.REOPENED


async def test_an_engineer_uses_the_buttons_of_a_week_old_card(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await ask_the_client(desk, engineer, card, "Какая модель принтера?")
    await anna.wait_for_message(contains="Какая модель")
    await engineer.command("t", str(number))
    private_card = await engineer.wait_for_message(contains=f"№{number}")
    assert "▶ Продолжить без ответа" in buttons(engineer)
    await desk.move_clock(days=7)
    assert too_old(desk, private_card) and too_old(desk, card)

    # his own copy of the card, opened with /t a week ago: it shows the ticket as it is now
    press = await engineer.press("▶ Продолжить без ответа", message=private_card)
    await press.wait_answered()

    def on_it() -> list[str]:
        return [b["text"] for row in (private_card.inline_keyboard or []) for b in row]

    # (his latest message is the question whether to close it, after four days unanswered)
    await engineer.wait_until(lambda _t: "▶ Продолжить без ответа" not in on_it())
    assert "❓ Вопрос клиенту" in on_it()
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS

    # the staff chat's card from a week ago
    await engineer.press("⏱ Время", message=card, chat=desk.staff_chat)
    options = await desk.staff_chat.wait_for_message(contains="Время работы")
    await (await engineer.press("30 мин", message=options)).wait_answered()
    await desk.staff_chat.wait_until(lambda _t: "Записано 30 мин" in (options.text or ""))
    await engineer.press("✅ Решено", message=card, chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains="что сделано")
    await engineer.send("Заменили картридж", chat=desk.staff_chat)
    resolved = await anna.wait_for_message(contains="решена")
    assert "Заменили картридж" in resolved.text
    assert await ticket_status(desk, number) is TicketStatus.RESOLVED


async def test_the_on_duty_engineer_presses_accept_on_fridays_page_on_monday(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, start=FRIDAY_EVENING) as desk:
        w = await world(desk)
        await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
        await call_now(w.anna)  # the whole office stands: the on-duty engineer is called
        page = await w.duty.wait_for_message(contains=PAGE)
        ack = page.inline_keyboard[0][0]["callback_data"]
        card = await desk.staff_chat.wait_for_message(contains="Исполнитель")
        await (
            await w.engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)
        ).wait_answered()
        await w.anna.wait_for_message(contains="Иван")
        await over_the_weekend(desk)
        assert too_old(desk, page)

        # the page was edited to say Иван has it; a client that kept the old button sends it
        assert "В работе: Иван" in (page.text or "")
        late = await w.duty.press_with_data(page, ack)
        assert "Иван уже занимается этой заявкой" in ((await late.wait_answered()).text or "")
        await w.duty.wait_until(lambda _t: ACK not in buttons_of(page))
        assert buttons_of(page) == ["Открыть карточку"]
        await (await w.duty.press("Открыть карточку", message=page)).wait_answered()
        opened = await w.duty.wait_for_message(contains="Исполнитель: Иван")
        assert "№1" in opened.text


async def test_the_on_duty_engineer_accepts_an_unanswered_page_days_later(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, start=FRIDAY_EVENING) as desk:
        w = await world(desk)
        await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
        await call_now(w.anna)
        page = await w.duty.wait_for_message(contains=PAGE)
        await over_the_weekend(desk)

        press = await w.duty.press(ACK, message=page)
        answer = (await press.wait_answered()).text or ""
        assert answer.startswith("№1 ваша")
        told = await w.anna.wait_for_message(contains="Олег")
        assert "№1" in told.text
        await w.duty.wait_until(lambda _t: ACK not in buttons_of(page))
        assert buttons_of(page) == ["Открыть карточку"]
        taken = await ticket_status(desk, 1)
        assert taken is TicketStatus.IN_PROGRESS


def buttons_of(message: ChatMessage) -> list[str]:
    return [b["text"] for row in message.inline_keyboard for b in row]


async def test_still_not_working_pressed_after_it_closed_by_itself_reopens_it(friday: Desk):
    anna, engineer, _manager = await staff_world(friday)
    number, resolved = await a_resolved_ticket(friday, anna, engineer)
    await friday.move_clock(days=7)
    await anna.wait_until(lambda _t: any("закрыта" in (m.text or "") for m in anna.bot_messages))
    assert await ticket_status(friday, number) is TicketStatus.CLOSED

    await (await anna.press("❌ Не работает", message=resolved)).wait_answered()
    await anna.wait_for_message(contains="снова в работе")
    assert await ticket_status(friday, number) is TicketStatus.REOPENED
