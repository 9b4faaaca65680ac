"""Staff talking among themselves in the staff chat never reaches the client: a reply to
the bot's own lines of a ticket (whom it pages, a note, what was sent) is kept as a note,
and a text written long after «💬 Ответить» was pressed is not taken for the answer. A reply
to the card or to the client's own words still goes to the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.staff.desk import answers_the_client, prompt_expired
from tests.e2e.harness import Desk
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import staff_world, texts


@pytest.mark.parametrize(
    ("line", "for_client"),
    [
        ("💬 №1 · Анна:\nне печатает", True),  # the client's words
        ("↩️ №1: клиент пишет, что всё ещё не работает: опять полосы", True),
        ("№1\nне печатает принтер в бухгалтерии", True),  # the description
        ("№1 ⭐⭐: долго", True),  # the rating and its words
        ("🚨 №1: нерабочее время, вызываем: Олег. Для сведения: Мария.", False),
        ("📝 Внутренняя заметка к №1.", False),
        ("✉️ Отправлено клиенту (№1).", False),
        ("✉️ №1 · Иван клиенту:\nПоменяем картридж", False),  # a colleague's answer
        ("№12\nне печатает", False),  # №12's description is no line of №1
    ],
)
def test_a_reply_is_for_the_client_only_on_the_clients_own_words(line: str, for_client: bool):
    assert answers_the_client(line, 1) is for_client


NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("asked_minutes_ago", "replies_to_it", "expired"),
    [(1, False, False), (5, False, False), (6, False, True), (40, False, True), (40, True, False)],
)
def test_a_prompt_in_the_staff_chat_waits_a_few_minutes_or_for_a_reply_to_it(
    asked_minutes_ago: int, replies_to_it: bool, expired: bool
):
    asked = NOW - timedelta(minutes=asked_minutes_ago)
    assert prompt_expired(asked, NOW, replies_to_it=replies_to_it) is expired


async def test_a_reply_to_the_bots_line_stays_among_staff_and_one_to_the_client_goes_to_her(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    assert chat is not None
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number} ·")
    await engineer.send("!клиент капризный", chat=chat, reply_to=card)
    noted = await chat.wait_for_message(contains="Внутренняя заметка")

    await engineer.send("согласен, глянь потом", chat=chat, reply_to=noted)
    kept = await chat.wait_for_message(contains="Сохранил как заметку")
    assert f"к №{number}" in (kept.text or "")
    await desk.settled()
    assert not any("согласен" in t for t in texts(anna))

    await anna.send("и ещё: он пищит")
    relayed = await chat.wait_for_message(contains="он пищит")
    await engineer.send("Выключите его из розетки", chat=chat, reply_to=relayed)
    await anna.wait_for_message(contains="Выключите его из розетки")


async def test_text_written_long_after_the_reply_button_is_not_sent_to_the_client(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    assert chat is not None
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number} ·")
    await engineer.press("💬 Ответить", message=card, chat=chat)
    prompt = await chat.wait_for_message(contains="напишите ответ клиенту")
    await desk.move_clock(minutes=40)

    await engineer.send("Петя, глянь, там картридж не так вставили", chat=chat)
    told = await chat.wait_for_message(contains="Никуда не отправил")
    assert f"для №{number}" in (told.text or "")
    await desk.settled()
    assert not any("Петя" in t for t in texts(anna))

    # answering the prompt itself is the answer, however late
    await engineer.press("💬 Ответить", message=card, chat=chat)
    prompt = await chat.wait_for_message(contains="напишите ответ клиенту")
    await desk.move_clock(minutes=40)
    await engineer.send("Картридж заменили", chat=chat, reply_to=prompt)
    await anna.wait_for_message(contains="Картридж заменили")


async def test_an_old_card_says_who_took_the_ticket_and_takes_nothing(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    chat = desk.staff_chat
    assert chat is not None
    number = await send_ticket(anna)
    await manager.command("t", str(number))
    old_card = await manager.wait_for_message(contains="Исполнитель: пока никто")
    card = await chat.wait_for_message(contains=f"№{number} ·")
    await (await engineer.press("🙋 Взять", message=card, chat=chat)).wait_answered()
    await anna.wait_for_message(contains="Иван")

    answered = await (await manager.press("🙋 Взять", message=old_card)).wait_answered()
    assert answered is not None and answered.show_alert
    assert f"№{number} уже в работе, исполнитель — Иван" in (answered.text or "")
    await manager.wait_until(lambda _t: "Исполнитель: Иван" in (old_card.text or ""))
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(number)).assignee_tg_id == engineer.id
    await desk.settled()
    assert sum("Мария" in t for t in texts(anna)) == 0
