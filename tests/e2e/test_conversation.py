"""Conversation continuity, as people really write: they type instead of pressing buttons,
reply to old messages, send the photo that was asked for, say thanks. Every message lands
where it is meant, and the staff see the whole conversation."""

from __future__ import annotations

import pytest

from bot.sandbox import Person
from bot.sandbox.model import ChatMessage
from domain import TicketStatus
from domain.enums import EmployeeRole
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_client_side import answer_questions, send_ticket, shown
from tests.e2e.test_staff_desk import MANAGER_ID, staff_world, texts, ticket_status


async def card_of(desk: Desk, number: int) -> ChatMessage:
    return await desk.staff_chat.wait_for_message(contains=f"№{number}")


async def take(desk: Desk, engineer: Person, card: ChatMessage) -> None:
    await (await engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)).wait_answered()


async def ask_the_client(desk: Desk, engineer: Person, card: ChatMessage, question: str) -> None:
    await engineer.press("❓ Вопрос клиенту", message=card, chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains="вопрос")
    await engineer.send(question, chat=desk.staff_chat)


async def answer_the_client(desk: Desk, engineer: Person, card: ChatMessage, text: str) -> None:
    await engineer.send(text, chat=desk.staff_chat, reply_to=card)
    await desk.staff_chat.wait_for_message(contains="Отправлено клиенту")


async def resolve(desk: Desk, engineer: Person, card: ChatMessage, summary: str) -> None:
    await engineer.press("✅ Решено", message=card, chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains="что сделано")
    await engineer.send(summary, chat=desk.staff_chat)


async def a_resolved_ticket(desk: Desk, anna: Person, engineer: Person) -> tuple[int, ChatMessage]:
    """Анна's printer ticket, taken and resolved by Иван; the "resolved" message she got."""
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await resolve(desk, engineer, card, "Заменили картридж")
    return number, await anna.wait_for_message(contains="решена")


async def messages_of(desk: Desk, number: int) -> list[tuple[str, str]]:
    async with desk.db.unit_of_work() as uow:
        return [(m.author, m.text) for m in await uow.tickets.messages(number)]


async def test_a_typed_answer_to_the_engineers_question_reaches_the_engineer(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await ask_the_client(desk, engineer, card, "Какая модель принтера?")
    question = await anna.wait_for_message(contains="Какая модель")
    assert "просто напишите ответ" in question.text.lower()
    assert await ticket_status(desk, number) is TicketStatus.WAITING_CLIENT

    await anna.send("HP LaserJet 1020")  # typed, no button pressed
    thanks = await anna.wait_for_message(contains=f"№{number}")
    assert "передан инженеру" in thanks.text
    relayed = await desk.staff_chat.wait_for_message(contains="HP LaserJet 1020")
    assert f"№{number}" in relayed.text and "Анна" in relayed.text
    private = await engineer.wait_for_message(contains="HP LaserJet 1020")
    assert private.text.startswith(f"💬 №{number} · Анна, ответ на вопрос:")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
        assert not ticket.is_paused  # the resolution clock runs again
    assert not any("Что у вас" in t or "Верно?" in t for t in texts(anna))


async def test_the_photo_the_engineer_asked_for_goes_to_the_ticket(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await ask_the_client(desk, engineer, card, "Пришлите фото экрана принтера")
    await anna.wait_for_message(contains="фото экрана")

    await anna.send_photo()
    await anna.wait_for_message(contains="передан инженеру")
    photo = await desk.staff_chat.wait_for_message(lambda m: "photo" in m.data)
    assert photo.caption == f"💬 №{number} · Анна:"  # whose it is, at a glance
    assert "photo" in (await engineer.wait_for_message(lambda m: "photo" in m.data)).data
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS


async def test_a_reply_to_an_old_answer_goes_to_that_ticket(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    first = await send_ticket(anna, "не печатает принтер")
    first_card = await card_of(desk, first)
    await answer_the_client(desk, engineer, first_card, "Поменяем картридж завтра")
    answer = await anna.wait_for_message(contains="Ответ по заявке")
    assert "ответьте на это сообщение" in answer.text
    second = await send_ticket(anna, "не работает 1С у бухгалтера")
    second_card = await card_of(desk, second)
    await answer_the_client(desk, engineer, second_card, "Посмотрим 1С после обеда")
    await anna.wait_for_message(contains="1С после обеда")

    await anna.send("Лампочка мигает оранжевым, бумага есть", reply_to=answer)
    added = await anna.wait_for_message(contains="Добавлено")
    assert f"№{first}" in added.text
    assert ("employee", "Лампочка мигает оранжевым, бумага есть") in await messages_of(desk, first)
    assert await messages_of(desk, second) == [("staff", "Посмотрим 1С после обеда")]
    relayed = await desk.staff_chat.wait_for_message(contains="Лампочка мигает")
    assert f"№{first}" in relayed.text


async def test_thanks_it_works_after_resolved_closes_the_ticket_and_asks_for_a_rating(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)

    await anna.send("спасибо, заработало")
    closed = await anna.wait_for_message(contains="закрыта")
    assert "Оцените" in closed.text and buttons(anna) == ["1", "2", "3", "4", "5"]
    assert await ticket_status(desk, number) is TicketStatus.CLOSED
    await anna.press("5")
    await anna.wait_for_message(contains="Спасибо за оценку")
    await desk.staff_chat.wait_for_message(contains="спасибо, заработало")


async def test_a_typed_score_under_the_rating_question_rates_it(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("спасибо работает")
    closed = await anna.wait_for_message(contains="Оцените")
    await anna.send("5")  # typed, not pressed: no new request
    await anna.wait_for_message(contains="Спасибо за оценку")
    async with desk.db.unit_of_work() as uow:
        rating = await uow.tickets.rating(number)
    assert rating is not None and rating.score == 5
    assert not any("Что у вас?" in (m.text or "") for m in anna.bot_messages)
    assert not (closed.inline_keyboard or [])  # the score buttons went with the score


async def test_words_that_are_no_score_under_the_rating_question_go_as_usual(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.press("✅ Всё работает", message=resolved)
    await anna.wait_until(lambda _t: "Оцените" in (anna.last_bot_message.text or ""))
    await anna.send("не работает почта у директора")  # a new problem, not a score
    await anna.wait_for_message(contains="Верно?")
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.rating(number) is None


async def test_still_not_working_after_resolved_reopens_it_with_those_words(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)

    await anna.send("всё равно не печатает")
    back = await anna.wait_for_message(contains="снова в работе")
    assert f"№{number}" in back.text
    assert await ticket_status(desk, number) is TicketStatus.REOPENED
    reopened = await desk.staff_chat.wait_for_message(contains="всё равно не печатает")
    assert "не работает" in reopened.text
    await manager.wait_for_message(contains="всё равно не печатает")


async def test_plain_thanks_after_resolved_asks_one_tap_whether_it_works(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)

    await anna.send("спасибо!")
    asked = await anna.wait_for_message(contains="всё работает?")
    assert f"№{number}" in asked.text
    await anna.press("✅ Всё работает", message=asked)
    await anna.wait_until(lambda _t: "Оцените" in (anna.last_bot_message.text or ""))
    assert await ticket_status(desk, number) is TicketStatus.CLOSED


async def test_two_tickets_waiting_for_answers_ask_which_one_once(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    printer = await send_ticket(anna, "не печатает принтер")
    one_c = await send_ticket(anna, "не работает 1С у бухгалтера")
    cards = {printer: await card_of(desk, printer), one_c: await card_of(desk, one_c)}
    await desk.move_clock(minutes=15)  # no longer "just sent": her next words are not for them
    for number, question in ((printer, "Какая модель?"), (one_c, "Какая база 1С?")):
        await ask_the_client(desk, engineer, cards[number], question)
        await anna.wait_for_message(contains=question)

    await anna.send("Бухгалтерия, версия 3.0")
    asked = await anna.wait_for_message(contains="К какой заявке")
    labels = buttons(anna)
    assert any(f"№{printer}" in b for b in labels) and any(f"№{one_c}" in b for b in labels)
    assert "📝 Новая заявка" in labels
    await anna.send("и ещё кое-что")  # joins the held message, not asked again
    await anna.wait_for_message(contains="Добавил и это")
    assert sum("К какой заявке" in t for t in texts(anna)) == 1

    first_choice = asked.inline_keyboard[0][0]["callback_data"]
    await anna.press(next(b for b in labels if f"№{one_c}" in b), message=asked)
    await anna.wait_for_message(contains="передан инженеру")
    assert ("employee", "Бухгалтерия, версия 3.0\nи ещё кое-что") in await messages_of(desk, one_c)
    assert await ticket_status(desk, one_c) is TicketStatus.IN_PROGRESS
    assert await ticket_status(desk, printer) is TicketStatus.WAITING_CLIENT
    stale = await anna.press_with_data(asked, first_choice)
    assert "не действует" in ((await stale.wait_answered()).text or "")


async def test_a_message_soon_after_an_answer_is_asked_about_and_can_be_a_new_request(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna, "не печатает принтер")
    card = await card_of(desk, number)
    await desk.move_clock(minutes=15)
    await answer_the_client(desk, engineer, card, "Посмотрю через час")
    await anna.wait_for_message(contains="Посмотрю через час")

    await anna.send("И ещё у Петрова то же самое")
    await anna.wait_for_message(contains=f"Это по заявке №{number} или новая заявка?")
    await anna.press("📝 Новая заявка")
    await shown(anna, "Что у вас?")  # no topic to guess: the plain question
    await anna.press("🔧 Что-то сломалось или не работает")
    await shown(anna, "Можете")
    assert await messages_of(desk, number) == [("staff", "Посмотрю через час")]


async def test_a_problem_plainly_about_something_else_is_a_new_request_at_once(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna, "не печатает принтер")
    await answer_the_client(desk, engineer, await card_of(desk, number), "Посмотрю через час")
    await anna.wait_for_message(contains="Посмотрю через час")

    await anna.send("а ещё у Петрова мигает экран монитора")
    await shown(anna, "Верно?")
    assert not any("или новая" in t for t in texts(anna))


async def test_greetings_thanks_and_emoji_get_a_friendly_word_not_a_new_request(desk: Desk):
    _anna, _engineer, _manager = await staff_world(desk)
    boris = desk.person("Борис")
    client = await desk.add_client("ООО Лютик")
    await desk.register(boris, client)
    for said, answer in (
        ("Добрый день!", "Здравствуйте"),
        ("спасибо", "Пожалуйста"),
        ("👍", "👌"),
        ("ок", "👌"),
    ):
        await boris.send(said)
        assert answer in (await boris.wait_for_message()).text
    assert not any("пустое" in t or "Верно?" in t for t in texts(boris))
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.list_by_client(client.id) == []


async def test_small_talk_reminds_of_an_answer_the_engineer_is_waiting_for(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await ask_the_client(desk, engineer, await card_of(desk, number), "Какая модель?")
    await anna.wait_for_message(contains="Какая модель")
    await anna.send("Привет")
    hello = await anna.wait_for_message(contains="Здравствуйте")
    assert "инженер ждёт вашего ответа" in hello.text and f"№{number}" in hello.text
    assert await ticket_status(desk, number) is TicketStatus.WAITING_CLIENT


async def test_the_keyboard_buttons_work_mid_intake_and_never_become_text(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("не открывается 1С")
    await shown(anna, "Верно?")
    await anna.press_keyboard_button("📋 Мои заявки")
    unsent = await anna.wait_for_message(contains="ответьте, пожалуйста, на вопрос выше")
    assert "Заявок пока нет" not in unsent.text  # no "describe a problem" in the middle of one
    await anna.press_keyboard_button("📝 Новая заявка")
    await anna.wait_for_message(contains="неотправленная заявка")
    await anna.press("Продолжить")
    summary = await answer_questions(anna)
    assert "Мои заявки" not in summary and "Новая заявка" not in summary


async def test_the_keyboard_buttons_at_a_comment_a_reason_and_a_rating_comment(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)

    await anna.command("my")
    await anna.wait_for_message(contains="Ваши заявки")
    await anna.press(f"№{number} · не печатает принтер")
    await shown(anna, "Статус")
    await anna.press("💬 Добавить комментарий или фото")
    await anna.wait_for_message(contains="комментарий")
    await anna.press_keyboard_button("📋 Мои заявки")
    await anna.wait_for_message(contains="Ваши заявки")

    await resolve(desk, engineer, card, "Заменили картридж")
    resolved = await anna.wait_for_message(contains="решена")
    await anna.press("❌ Не работает", message=resolved)
    await anna.wait_for_message(contains="Что именно не работает")
    assert await ticket_status(desk, number) is TicketStatus.REOPENED  # the press says it all
    await anna.press_keyboard_button("📝 Новая заявка")
    await anna.wait_for_message(contains="Опишите")
    await anna.command("cancel")
    await anna.wait_for_message(contains="Отменено")
    await desk.settled()  # the card in the staff chat shows the reopened ticket's buttons

    await resolve(desk, engineer, card, "Заменили картридж ещё раз")
    resolved = await anna.wait_for_message(contains="ещё раз")
    await anna.press("✅ Всё работает", message=resolved)
    await shown(anna, "Оцените")
    await anna.press("2")
    await anna.wait_for_message(contains="Жаль, что так вышло")
    await anna.press_keyboard_button("📋 Мои заявки")
    await anna.wait_for_message(contains="Ваши заявки")
    await manager.wait_for_message(contains="оценили на 2")
    await desk.settled()
    assert await messages_of(desk, number) == [
        ("staff", "Заменили картридж"),
        ("staff", "Заменили картридж ещё раз"),
    ]
    assert not any("📋 Мои заявки" in t or "📝 Новая заявка" in t for t in texts(manager))
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.rating(number)).comment == ""


async def test_a_reply_to_a_closed_ticket_offers_to_reopen_it_or_start_a_new_one(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.press("✅ Всё работает", message=resolved)
    await anna.wait_until(lambda _t: "Оцените" in (anna.last_bot_message.text or ""))
    await desk.move_clock(hours=26)

    await anna.send("Опять замял бумагу", reply_to=resolved)
    await anna.wait_for_message(contains="закрыта. Открыть её снова")
    await anna.press(f"↩️ Вернуть №{number} в работу")
    await anna.wait_for_message(contains="снова в работе")
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket.status is TicketStatus.REOPENED and ticket.closed_at is None
        # the day it stood closed does not count against the resolution time
        assert ticket.time_left(await uow.clients.get(ticket.client_id), desk.clock.now()) > (
            ticket.sla_clock(await uow.clients.get(ticket.client_id)).targets.resolution / 2
        )
    await desk.staff_chat.wait_for_message(contains="Опять замял бумагу")


async def test_a_reply_to_my_own_message_naming_a_strangers_ticket_attaches_nothing(
    desk: Desk,
):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    boris = desk.person("Борис")
    await desk.register(boris, await desk.add_client("ООО Лютик"))
    mine = await boris.send(f"по заявке №{number}")
    await boris.wait_for_message()
    await boris.send("Тут тоже не печатает принтер", reply_to=mine)
    await shown(boris, "Верно?")  # a new intake of his own
    assert await messages_of(desk, number) == []


async def test_staff_see_the_whole_conversation_and_private_replies_reach_the_thread(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await anna.wait_for_message(contains="занимается")
    await anna.send("Принтер в бухгалтерии, второй этаж")  # just after sending: it goes with it
    await anna.wait_for_message(contains="Добавлено")

    await engineer.command("t", str(number))
    private_card = await engineer.wait_for_message(contains="Переписка")
    assert "Принтер в бухгалтерии, второй этаж" in private_card.text
    await engineer.press("📝 Заметка", message=private_card)
    await engineer.wait_for_message(contains="внутреннюю заметку")
    await engineer.send("картридж на складе кончился")
    await engineer.wait_for_message(contains="Внутренняя заметка")
    await engineer.press("💬 Ответить", message=private_card)
    await engineer.wait_for_message(contains="ответ клиенту")
    await engineer.send("Привезём картридж завтра")
    await anna.wait_for_message(contains="Привезём картридж завтра")

    note = await desk.staff_chat.wait_for_message(contains="картридж на складе кончился")
    assert "внутренняя заметка" in note.text and "Иван" in note.text
    mirrored = await desk.staff_chat.wait_for_message(contains="Привезём картридж завтра")
    assert "Иван — клиенту" in mirrored.text
    assert not any("кончился" in t for t in texts(anna))

    await engineer.command("t", str(number))
    again = await engineer.wait_for_message(contains="Переписка")
    assert "📝 Иван (внутренняя заметка): картридж на складе кончился" in again.text
    await engineer.press("📜 Вся переписка", message=again)
    history = await engineer.wait_for_message(contains="вся переписка")
    order = ["второй этаж", "кончился", "Привезём картридж"]
    assert sorted(order, key=history.text.index) == order


async def test_statuses_follow_events_a_reply_puts_the_ticket_in_work(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await answer_the_client(desk, engineer, card, "Посмотрю через час")
    await anna.wait_for_message(contains="Посмотрю через час")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
    await desk.staff_chat.wait_until(lambda _t: "Исполнитель: Иван" in (card.text or ""))
    assert "🙋 Взять" not in [b["text"] for row in card.inline_keyboard for b in row]
    await anna.command("my")
    listing = await anna.wait_for_message(contains="Ваши заявки")
    assert "в работе" in listing.text


async def test_the_clients_words_reach_whoever_has_it_not_the_manager(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)
    await take(desk, engineer, await card_of(desk, number))
    await anna.wait_for_message(contains="занимается")
    await anna.send("Принтер HP в бухгалтерии", reply_to=anna.last_bot_message)
    await anna.wait_for_message(contains="Добавлено")
    words = await engineer.wait_for_message(contains="Принтер HP в бухгалтерии")
    assert words.text.startswith(f"💬 №{number} · Анна, комментарий:")
    await desk.settled()
    assert await desk.outbox_drained()
    assert not any("Принтер HP в бухгалтерии" in t for t in texts(manager))
    assert manager.id == MANAGER_ID


async def test_a_question_left_unanswered_does_not_swallow_what_comes_next(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await desk.move_clock(minutes=15)
    await answer_the_client(desk, engineer, card, "Посмотрю через час")
    await anna.wait_for_message(contains="Посмотрю через час")
    await anna.send("забыла сказать, он мигает")
    pending = await anna.wait_for_message(contains="или новая заявка?")

    await ask_the_client(desk, engineer, card, "Какая модель?")
    await anna.wait_for_message(contains="Какая модель")
    await anna.send("HP 1020")  # the awaited answer goes through at once
    await anna.wait_for_message(contains="передан инженеру")
    await anna.send("👍")
    assert "👌" in (await anna.wait_for_message()).text

    await anna.press(f"💬 К заявке №{number} · не печатает принтер", message=pending)
    await anna.wait_for_message(contains="Добавлено")
    assert [text for author, text in await messages_of(desk, number) if author == "employee"] == [
        "HP 1020",
        "забыла сказать, он мигает",
    ]


async def test_a_rating_comment_asked_for_long_ago_does_not_take_the_next_message(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("спасибо, заработало")
    await anna.wait_for_message(contains="Оцените")
    await anna.press("5")
    await anna.wait_for_message(contains="Хотите что-то добавить")
    await desk.move_clock(hours=3)

    await anna.send("Опять зажевал бумагу", reply_to=resolved)
    await anna.wait_for_message(contains="Открыть её снова")
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.rating(number)).comment == ""


async def test_a_reply_to_another_message_is_not_taken_as_the_comment_asked_for(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    printer = await send_ticket(anna, "не печатает принтер")
    one_c = await send_ticket(anna, "не работает 1С у бухгалтера")
    printer_card = await card_of(desk, printer)
    await answer_the_client(desk, engineer, printer_card, "Картридж везём")
    answer = await anna.wait_for_message(contains="Картридж везём")
    await anna.command("status", str(one_c))
    await shown(anna, "Статус")
    await anna.press("💬 Добавить комментарий или фото")
    await anna.wait_for_message(contains="Напишите комментарий")

    await anna.send("Когда привезёте?", reply_to=answer)
    await anna.wait_for_message(contains=f"№{printer}")
    assert ("employee", "Когда привезёте?") in await messages_of(desk, printer)
    assert await messages_of(desk, one_c) == []


async def test_typed_answers_to_the_intakes_questions_work_as_its_buttons(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("не открывается 1с")
    await shown(anna, "Верно?")
    await anna.send("да")
    await anna.wait_for_message(contains="Можете сейчас работать?")
    await anna.send("нет, работа стоит")
    await anna.wait_for_message(contains="Кого это затрагивает?")
    await anna.send("ещё и почта не приходит")  # not an answer: another problem?
    await anna.wait_for_message(contains="Добавить её к этой заявке или это отдельная?")
    await anna.send("дабавить")  # typed, with a typo: it adds to the description
    again = await anna.wait_for_message(contains="Добавил к описанию")
    assert "Кого это затрагивает?" in again.text  # the question again, below what she wrote
    await anna.send("только я")
    summary = await anna.wait_for_message(contains="Ваша заявка")
    assert "высокий" in summary.text and "почта не приходит" in summary.text
    await anna.send("отправить")
    await anna.wait_for_message(contains="принята")
    async with desk.db.unit_of_work() as uow:
        [ticket] = await uow.tickets.list_open()
    assert ticket.description == "не открывается 1с\nещё и почта не приходит"


async def test_it_does_not_work_puts_the_ticket_back_in_work_at_once(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.press("❌ Не работает", message=resolved)
    await anna.wait_for_message(contains="Что именно не работает")
    assert await ticket_status(desk, number) is TicketStatus.REOPENED
    await desk.staff_chat.wait_for_message(contains="всё ещё не работает")
    await anna.send_photo(caption="вот ошибка")
    await anna.wait_for_message(contains="Добавлено")
    await desk.staff_chat.wait_for_message(contains="вот ошибка")
    await desk.move_clock(days=4)  # it never closes by itself as if it worked
    assert await ticket_status(desk, number) is TicketStatus.REOPENED


async def test_a_detail_written_right_after_sending_goes_with_the_request(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await anna.send("забыла сказать: он в бухгалтерии, мигает оранжевым")
    added = await anna.wait_for_message(contains="Добавлено")
    assert f"№{number}" in added.text
    await desk.staff_chat.wait_for_message(contains="мигает оранжевым")
    await anna.send("а ещё не работает 1С у главбуха")  # another topic: a new request
    await shown(anna, "Верно?")


async def test_an_engineer_answers_from_the_private_chat_by_replying_to_the_notice(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await take(desk, engineer, await card_of(desk, number))
    await anna.send("Принтер HP, в бухгалтерии")
    await anna.wait_for_message(contains="Добавлено")
    notice = await engineer.wait_for_message(contains="Принтер HP")

    await engineer.send("Сейчас подойду", reply_to=notice)
    await engineer.wait_for_message(contains="Отправлено клиенту")
    await anna.wait_for_message(contains="Сейчас подойду")
    await desk.staff_chat.wait_for_message(contains="Сейчас подойду")  # in the thread too
    await engineer.send("просто текст")
    hint = await engineer.wait_for_message(contains="Чтобы ответить клиенту")
    assert "/t N" in hint.text


async def test_a_note_in_the_staff_chat_that_names_no_ticket_gets_a_hint(desk: Desk):
    _anna, engineer, _manager = await staff_world(desk)
    await engineer.send("!коммутатор в серверной глючит", chat=desk.staff_chat)
    hint = await desk.staff_chat.wait_for_message(contains="Чтобы заметка попала в заявку")
    assert "карточку" in hint.text


async def test_new_request_pressed_while_asked_where_a_message_goes_keeps_the_message(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.move_clock(minutes=15)
    await answer_the_client(desk, engineer, await card_of(desk, number), "Посмотрю")
    await anna.wait_for_message(contains="Посмотрю")
    await anna.send("у бухгалтера тоже не работает")
    await anna.wait_for_message(contains="или новая заявка?")
    await anna.press_keyboard_button("📝 Новая заявка")
    kind = await anna.wait_for_message(lambda m: bool(m.inline_keyboard))
    summary_of_it = kind.text
    assert "Верно?" in summary_of_it or "Что у вас?" in summary_of_it
    await anna.command("new")
    await anna.wait_for_message(contains="неотправленная заявка")


async def test_new_request_on_an_empty_draft_just_starts_again(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.command("new")
    await anna.wait_for_message(contains="Опишите")
    await anna.press_keyboard_button("📝 Новая заявка")
    again = await anna.wait_for_message()
    assert "Опишите" in again.text and "неотправленная" not in again.text


async def test_a_photo_with_a_few_words_right_after_an_answer_goes_with_it(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await desk.move_clock(minutes=15)
    await ask_the_client(desk, engineer, card, "Пришлите фото")
    await anna.wait_for_message(contains="Пришлите фото")
    await anna.send("HP LaserJet 1020, мигает оранжевым")
    await anna.wait_for_message(contains="передан инженеру")
    await anna.send_photo(caption="вот экран")  # "экран" names no new problem here
    await anna.wait_for_message(contains="Добавлено")
    assert ("employee", "вот экран") in await messages_of(desk, number)


async def test_a_photo_and_its_words_reach_the_staff_as_one_message(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await take(desk, engineer, await card_of(desk, number))
    await anna.send_photo(caption="вот экран, ошибка E-05")
    await anna.wait_for_message(contains="Добавлено")
    in_thread = await desk.staff_chat.wait_for_message(lambda m: "photo" in m.data)
    assert in_thread.caption == f"💬 №{number} · Анна:\nвот экран, ошибка E-05"
    private = await engineer.wait_for_message(lambda m: "photo" in m.data)
    assert "вот экран, ошибка E-05" in private.caption
    await desk.settled()
    texts_alone = [m for m in desk.staff_chat.bot_messages if m.kind == "text"]
    assert not any("вот экран" in (m.text or "") for m in texts_alone)


@pytest.mark.expect_failures  # the injected 5xx are logged as warnings and refused calls
@pytest.mark.slow
async def test_an_intake_goes_on_through_telegrams_blips(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    desk.emulator.faults.add_server_error(502, count=2, method="editMessageText")
    await anna.press("Да, верно")
    await shown(anna, "Можете")  # the card moved on all the same
    desk.emulator.faults.add_server_error(502, count=3, method="editMessageText")
    await anna.press("С трудом")  # three blips: more than the retries; the card stays behind
    await desk.settled()
    await anna.press("С трудом")  # pressed again on the old card: the question comes anew
    await anna.wait_for_message(contains="Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")


async def test_a_director_reads_a_colleagues_request_as_waiting_for_the_colleague(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    assert client is not None
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    await director.command("company")
    listing = await director.wait_for_message(contains=f"№{number}")
    assert "решена, ждём подтверждения от сотрудника" in listing.text
    assert "вашего подтверждения" not in listing.text  # it is Анна who confirms
    await anna.command("my")
    own = await anna.wait_for_message(contains=f"№{number}")
    assert "решена, ждём вашего подтверждения" in own.text


async def asked_a_question(desk: Desk) -> tuple[Person, Person, int]:
    """Анна's printer ticket, taken by Иван, who asked her the printer's model."""
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await take(desk, engineer, card)
    await ask_the_client(desk, engineer, card, "Какая модель принтера?")
    await anna.wait_for_message(contains="Какая модель")
    return anna, engineer, number


async def test_no_longer_needed_typed_to_a_waiting_question_offers_to_close_it(desk: Desk):
    anna, engineer, number = await asked_a_question(desk)

    await anna.send("уже не надо, сам заработал")
    asked = await anna.wait_for_message(contains="больше не нужна?")
    assert f"№{number}" in asked.text
    assert buttons(anna)[-2:] == ["🚫 Да, закрыть", "💬 Нет, передать инженеру"]
    await anna.press("🚫 Да, закрыть", message=asked)
    await anna.wait_for_message(contains=f"Заявка №{number} закрыта")
    assert await ticket_status(desk, number) is TicketStatus.CLOSED
    await engineer.wait_for_message(contains=f"№{number}")


async def test_no_longer_needed_can_still_go_to_the_engineer_as_words(desk: Desk):
    anna, _engineer, number = await asked_a_question(desk)

    await anna.send("неактуально")
    asked = await anna.wait_for_message(contains="больше не нужна?")
    await anna.press("💬 Нет, передать инженеру", message=asked)
    await anna.wait_for_message(contains="передан инженеру")
    assert ("employee", "неактуально") in await messages_of(desk, number)
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS


async def test_no_longer_needed_right_after_sending_withdraws_the_request(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await anna.send("ой, всё, отбой, разобрались")
    asked = await anna.wait_for_message(contains="больше не нужна?")
    await anna.press("🚫 Да, закрыть", message=asked)
    await anna.wait_for_message(contains=f"Заявка №{number} закрыта")
    assert await ticket_status(desk, number) is TicketStatus.CANCELLED


async def test_a_new_problem_typed_before_answering_whether_to_close_is_a_new_request(
    desk: Desk,
):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await anna.send("уже не надо")
    asked = await anna.wait_for_message(contains="больше не нужна?")

    await anna.send("не приходит почта от клиентов")  # before answering: a problem of its own
    await answer_questions(anna)  # its own intake, «Верно?» first
    # The close question still answers with its button, and only "уже не надо" closes №1.
    await anna.press("🚫 Да, закрыть", message=asked)
    await anna.wait_for_message(contains=f"Заявка №{number} закрыта")
    assert await ticket_status(desk, number) is TicketStatus.CANCELLED
    assert not any("почта" in words for _who, words in await messages_of(desk, number))
    await anna.press("✅ Отправить")  # the new request's summary is still there to send
    accepted = await anna.wait_for_message(contains="принята")
    second = int(accepted.text.split("№")[1].split()[0])
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(second)
    assert ticket is not None and ticket.description == "не приходит почта от клиентов"


async def test_a_typed_no_to_whether_to_close_passes_the_words_on(desk: Desk):
    anna, _engineer, number = await asked_a_question(desk)
    await anna.send("неактуально")
    await anna.wait_for_message(contains="больше не нужна?")
    await anna.send("нет, ещё нужна")  # typed instead of «Нет, передать инженеру»
    await anna.wait_for_message(contains="передан инженеру")
    assert ("employee", "неактуально") in await messages_of(desk, number)
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS


async def test_a_typed_yes_to_whether_to_close_closes_it(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await anna.send("уже не надо, сам заработал")
    asked = await anna.wait_for_message(contains="больше не нужна?")
    await anna.send("да, закрывайте")
    await anna.wait_for_message(contains=f"Заявка №{number} закрыта")
    assert await ticket_status(desk, number) is TicketStatus.CANCELLED
    await anna.wait_until(  # the question's buttons are gone
        lambda t: not next(m for m in t if m.message_id == asked.message_id).inline_keyboard
    )


async def test_no_longer_needed_with_nothing_open_starts_no_request(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("уже не надо")
    await anna.wait_for_message()
    assert not any("Верно?" in t or "Что у вас" in t for t in texts(anna))
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.get(1) is None  # no request was made


async def test_a_question_in_reply_to_a_resolved_ticket_asks_plainly_if_it_is_still_broken(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("а когда будет готово?", reply_to=resolved)
    asked = await anna.wait_for_message(contains="Проблема осталась?")
    assert f"№{number}" in asked.text
    assert buttons(anna)[-3:] == [
        "↩️ Да, вернуть в работу",
        "💬 Нет, передать инженеру",
        "📝 Новая заявка",
    ]
    await anna.press("💬 Нет, передать инженеру", message=asked)
    await anna.wait_for_message(contains=f"№{number}")
    assert ("employee", "а когда будет готово?") in await messages_of(desk, number)
    assert await ticket_status(desk, number) is TicketStatus.RESOLVED
