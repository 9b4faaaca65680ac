"""The intake says what it understood and lets people correct it: the kind and the topic
separately, a call for help with no subject, another problem typed in the middle, a
description replaced on the summary, a ticket cancelled by mistake, the name at
registration; by pressing or by typing, with typos."""

from __future__ import annotations

from bot.sandbox import Person
from domain import Category, Priority, RequestType, Scope, TicketKind, TicketStatus, WorkImpact
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_client_side import send_ticket, shown
from tests.e2e.test_conversation import a_resolved_ticket
from tests.e2e.test_staff_desk import staff_world, ticket_status


async def registered(desk: Desk, name: str = "Анна") -> Person:
    client = await desk.add_client()
    person = desk.person(name)
    await desk.register(person, client)
    return person


async def only_ticket(desk: Desk, number: int = 1):
    async with desk.db.unit_of_work() as uow:
        return await uow.tickets.get(number)


# --- what happened, and the topic ---------------------------------------------------------


async def test_a_wrong_topic_is_corrected_and_what_happened_stays(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    guess = await shown(anna, "Верно?")
    assert "Похоже, что-то сломалось" in guess and "Тема: принтер" in guess
    await anna.press("Тема другая")
    topics = await shown(anna, "Выберите тему или напишите её")
    assert "Тема другая" not in topics
    assert {"Принтер или сканер", "1С", "Почта", "Интернет и сеть", "Другое"} <= set(buttons(anna))
    await anna.send("1ска")  # typed, as people name it
    question = await shown(anna, "Можете сейчас работать?")
    assert "Тема: 1С" in question  # said above the next question
    await anna.press("С трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    summary = await shown(anna, "Ваша заявка")
    assert "🔧 Что-то сломалось" in summary and "Тема: 1С" in summary
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert (ticket.kind, ticket.category) == (TicketKind.INCIDENT, Category.ONE_C)


async def test_a_scanner_is_stated_as_a_scanner_not_a_printer(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("не работает сканер")
    guess = await shown(anna, "Верно?")
    assert "Тема: сканер" in guess and "принтер" not in guess
    await anna.send("да")
    await answer_questions_typed(anna)
    ticket = await only_ticket(desk)
    assert ticket.category is Category.PRINTER  # the topic of printers, scanners and МФУ
    card = await desk.staff_chat.wait_for_message(contains=f"№{ticket.number}")
    assert "инцидент · сканер" in card.text


async def test_no_to_what_was_understood_asks_which_part_is_wrong(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.send("нет")  # not silently a Low request any more
    which = await shown(anna, "Что поправить")
    assert "Тема другая" in buttons(anna)
    assert "Что поправить — что случилось или тему?" in which
    await anna.send("это не поломка, а просьба")
    await shown(anna, "Что именно нужно?")
    await anna.press("Помощь, консультация или обслуживание")
    summary = await shown(anna, "Ваша заявка")
    assert "🙋 Нужна помощь или изменение" in summary and "Тема: принтер" in summary
    await anna.send("отправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert (ticket.kind, ticket.category) == (TicketKind.REQUEST, Category.PRINTER)


async def test_help_alone_is_asked_what_happened_before_anything_is_guessed(desk: Desk):
    anna = await registered(desk)
    await anna.send("Помогите, срочно!!")
    asked = await anna.wait_for_message(contains="Что случилось?")
    assert "Опишите в двух словах" in asked.text and "Тема" not in asked.text
    assert "Верно?" not in (anna.last_bot_message.text or "")
    await anna.send("не печатает принтр")  # with a typo
    guess = await shown(anna, "Верно?")
    assert "Похоже, что-то сломалось" in guess and "Тема: принтер" in guess
    await anna.send("да")
    await answer_questions_typed(anna)
    ticket = await only_ticket(desk)
    assert ticket.description == "не печатает принтр" and ticket.category is Category.PRINTER


async def test_it_does_not_work_alone_claims_no_topic(desk: Desk):
    anna = await registered(desk)
    await anna.send("не работает")
    await anna.wait_for_message(contains="Что случилось?")
    await anna.send("не работает")  # asked once: now the plain question, with no made-up topic
    card = await shown(anna, "Верно?")
    assert "Тема" not in card
    assert "Тема другая" not in buttons(anna)


async def answer_questions_typed(anna: Person) -> None:
    await shown(anna, "Можете сейчас работать?")
    await anna.send("с трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.send("только я")
    await shown(anna, "Ваша заявка")
    await anna.send("атправить")
    await anna.wait_for_message(contains="принята")


async def test_a_requests_summary_speaks_of_requests(desk: Desk):
    anna = await registered(desk)
    await anna.send("нужно установить zoom на ноутбук")
    guess = await shown(anna, "Верно?")
    assert "нужна помощь или изменение" in guess
    await anna.press("Да, верно")
    await shown(anna, "Что именно нужно?")
    await anna.press("Помощь, консультация или обслуживание")
    summary = await shown(anna, "Ваша заявка")
    assert "Приоритет: стандартный — помощь или обычная задача" in summary
    assert "работать" not in summary  # an incident's words ("работать труднее")
    await anna.press("« Назад")
    await shown(anna, "Что именно нужно?")
    await anna.press("Что-то новое, изменение или закупка")
    summary = await shown(anna, "Ваша заявка")
    assert "Приоритет: низкий — что-то новое, изменение или покупка" in summary
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert (ticket.priority, ticket.request_type) == (Priority.LOW, RequestType.CHANGE)


# --- another problem typed in the middle ----------------------------------------------------


async def test_another_problem_becomes_a_separate_request_after_the_first(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер в бухгалтерии")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("а ещё не работает 1С у главбуха")
    asked = await shown(anna, "Добавить её к этой заявке или это отдельная?")
    assert "«а ещё не работает 1С у главбуха»" in asked
    await anna.press("Это отдельная заявка")
    back = await shown(anna, "Можете сейчас работать?")
    assert "отдельная заявка — займёмся ею сразу после этой" in back
    await anna.press("Нет, работа стоит")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="Заявка №1 принята")
    second = await shown(anna, "Верно?")
    assert "Теперь отдельная заявка: «не работает 1С у главбуха»" in second
    assert "Тема: 1С" in second
    await anna.send("да")
    await answer_questions_typed(anna)
    first, other = await only_ticket(desk, 1), await only_ticket(desk, 2)
    assert first.description == "не печатает принтер в бухгалтерии"
    assert first.priority is Priority.HIGH
    assert other.description == "не работает 1С у главбуха"
    assert other.category is Category.ONE_C


async def test_a_small_problem_typed_during_an_emergency_is_not_glued_to_it(desk: Desk):
    anna = await registered(desk)
    await anna.send("сервер не отвечает, никто не может работать")
    await shown(anna, "Верно?")
    await anna.send("мышка заедает")  # two words the classifier is unsure of
    asked = await shown(anna, "Добавить её к этой заявке или это отдельная?")
    assert "«мышка заедает»" in asked
    await anna.press("Это отдельная заявка")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.press("Нет, работа стоит")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Весь офис")
    await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="Заявка №1 принята")
    second = await shown(anna, "Верно?")
    assert "Теперь отдельная заявка: «мышка заедает»" in second
    server = await only_ticket(desk, 1)
    assert server.description == "сервер не отвечает, никто не может работать"
    assert server.priority is Priority.HIGHEST


async def test_another_problem_typed_on_the_summary_registers_the_first_at_once(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.press("С трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.send("и ещё почта не приходит с утра")
    await shown(anna, "Добавить её к этой заявке или это отдельная?")
    await anna.send("атдельная")  # typed, with a typo
    await anna.wait_for_message(contains="Заявка №1 принята")
    second = await shown(anna, "Верно?")
    assert "Теперь отдельная заявка: «почта не приходит с утра»" in second
    assert (await only_ticket(desk, 1)).description == "не печатает принтер"
    assert await only_ticket(desk, 2) is None  # the second one is being described


async def test_answering_on_past_the_other_problem_keeps_it_and_takes_the_answer(desk: Desk):
    anna = await registered(desk)
    await anna.send("1с не запускается")
    await shown(anna, "Верно?")
    await anna.send("да")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("кстати почта тоже не приходит")
    await shown(anna, "Добавить её к этой заявке или это отдельная?")
    await anna.send("нет")  # the answer to "Можете работать?", the question ignored
    added = await anna.wait_for_message(contains="Добавил к описанию: «кстати почта")
    assert added.text
    await shown(anna, "Кого это затрагивает?")
    await anna.send("только я")
    summary = await shown(anna, "Ваша заявка")
    assert "кстати почта тоже не приходит" in summary and "высокий" in summary
    await anna.send("отправить")
    await anna.wait_for_message(contains="Заявка №1 принята")
    ticket = await only_ticket(desk, 1)
    assert ticket.description == "1с не запускается\nкстати почта тоже не приходит"
    assert ticket.priority is Priority.HIGH


async def test_an_unclear_answer_to_the_other_problem_question_says_what_to_choose(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("а ещё не работает 1С у главбуха")
    await shown(anna, "Добавить её к этой заявке или это отдельная?")
    await anna.send("что?")
    again = await anna.wait_for_message(contains="Выберите, пожалуйста, ниже: добавить это")
    assert "Добавить её к этой заявке или это отдельная?" in again.text
    assert "что?" not in again.text


async def test_thanks_and_a_question_mark_between_the_questions_describe_nothing(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("?")  # "so what?": the request has not gone anywhere yet
    await shown(anna, "Эта заявка ещё не отправлена")
    await anna.press("С трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.send("спасибо")
    again = await shown(anna, "Заявка ещё не отправлена")
    assert "спасибо" not in again
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="Заявка №1 принята")
    assert (await only_ticket(desk, 1)).description == "не печатает принтер"


async def test_yes_to_can_you_work_after_saying_nobody_can_is_asked_again(desk: Desk):
    anna = await registered(desk)
    await anna.send("сервер упал, никто не может работать")
    await shown(anna, "Верно?")
    await anna.send("да")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("да")
    again = await shown(anna, "Вы написали, что работа стоит")
    assert "Можете сейчас работать?" in again
    await anna.send("нет")
    await shown(anna, "Кого это затрагивает?")


async def test_more_about_the_same_problem_is_added_without_a_question(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("горит красная лампа")
    again = await anna.wait_for_message(contains="Добавил к описанию")
    assert "Можете сейчас работать?" in again.text
    assert not any("другая проблема" in (m.text or "") for m in anna.bot_messages)


async def test_answers_typed_in_the_wrong_place_are_not_taken_for_the_description(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.send("весь офис")  # the next question's answer, too early
    again = await anna.wait_for_message(contains="Не понял ответ")
    assert "Можете сейчас работать?" in again.text
    await anna.send("2")  # the second button, typed
    await shown(anna, "Кого это затрагивает?")
    await anna.send("атправить")  # not yet: there is no summary to send
    await anna.wait_for_message(contains="Не понял ответ")
    await anna.send("весь офис")
    await shown(anna, "Ваша заявка")
    await anna.send("ну что там??")
    pending = await anna.wait_for_message(contains="Заявка ещё не отправлена")
    assert "Ваша заявка" in pending.text and "✅ Отправить" in buttons(anna)
    assert not any(
        "заменена" in (m.text or "") or "изменилась" in (m.text or "") for m in anna.bot_messages
    )  # nothing changed, nothing replaced
    await anna.send("атправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert ticket.description == "не печатает принтер"  # none of those answers went into it
    assert (ticket.impact, ticket.scope) == (WorkImpact.HAMPERED, Scope.COMPANY)


# --- the summary card replaced --------------------------------------------------------------


async def test_an_edited_description_disarms_the_old_summary_card(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.press("С трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    old_id = anna.last_bot_message.message_id
    old_send = anna.last_bot_message.inline_button("✅ Отправить")["callback_data"]
    await anna.press("✏️ Изменить описание")
    await anna.wait_for_message(contains="Напишите новое описание")
    await anna.send("принтер в бухгалтерии не печатает, горит красная лампа")
    new_card = await anna.wait_for_message(contains="горит красная лампа")
    await anna.wait_until(lambda _t: replaced(anna, old_id))
    old_card = replaced(anna, old_id)
    assert old_card is not None
    assert old_card.text == "⤵️ Заявка изменилась — актуальная карточка ниже."
    assert not old_card.inline_keyboard
    # The old card's button, pressed anyway (an old client, a slow network): refused.
    refused = await (await anna.press_with_data(old_card, old_send)).wait_answered()
    assert "карточка уже заменена" in (refused.text or "")
    assert await only_ticket(desk) is None
    await anna.press("✅ Отправить", message=new_card)
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert ticket.description == "принтер в бухгалтерии не печатает, горит красная лампа"


def replaced(person: Person, message_id: int):
    """The bot's message `message_id`, once it says it was replaced."""
    message = next(m for m in person.bot_messages if m.message_id == message_id)
    return message if (message.text or "").startswith("⤵️") else None


# --- cancelling -----------------------------------------------------------------------------


async def open_card_of(anna: Person, number: int) -> None:
    await anna.press_keyboard_button("📋 Мои заявки")
    await anna.wait_for_message(contains="Ваши заявки")
    await anna.press(f"№{number} · не печатает принтер")
    await shown(anna, "Статус")


async def test_cancelling_asks_once_and_the_manager_hears_of_it(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)
    await manager.wait_for_message(contains=f"№{number}")
    await open_card_of(anna, number)
    await anna.press("✖ Отменить заявку")
    asked = await shown(anna, f"Отменить заявку №{number}?")
    assert "Тогда ею никто не будет заниматься" in asked
    await anna.press("« Нет, оставить")
    await anna.wait_until(lambda _t: "✖ Отменить заявку" in buttons(anna))
    assert await ticket_status(desk, number) is TicketStatus.NEW

    await anna.press("✖ Отменить заявку")
    await shown(anna, f"Отменить заявку №{number}?")
    await anna.send("да, отменяйте")  # typed instead of pressed
    await anna.wait_for_message(contains=f"Заявка №{number} отменена")
    assert await ticket_status(desk, number) is TicketStatus.CANCELLED
    told = await manager.wait_for_message(contains="отменена по просьбе сотрудника")
    assert f"№{number}" in told.text and "Анна" in told.text


async def test_a_typed_no_keeps_the_ticket(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await open_card_of(anna, number)
    await anna.press("✖ Отменить заявку")
    await shown(anna, f"Отменить заявку №{number}?")
    await anna.send("нет, оставьте")
    await anna.wait_for_message(contains=f"заявку №{number} не отменяем")
    assert await ticket_status(desk, number) is TicketStatus.NEW
    await anna.send("да")  # the question is over: "да" is small talk now
    await anna.wait_for_message()
    assert await ticket_status(desk, number) is TicketStatus.NEW


# --- registration ---------------------------------------------------------------------------


async def test_registration_asks_how_to_address_and_keeps_the_invitation(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    code = await desk.invite(client)
    oleg = desk.person("Олег")
    await oleg.command("start", code)
    greeting = await oleg.wait_for_message(contains="ООО Ромашка")
    assert "Как к вам обращаться? Олег — верно?" in greeting.text
    await oleg.send("а что это за бот?")  # not an answer: asked again, the invitation stays
    again = await oleg.wait_for_message(contains="Как к вам обращаться?")
    assert "Чтобы закончить регистрацию" in again.text
    assert "Да, верно" in buttons(oleg)
    await oleg.send("меня зовут Олег Иванович")
    phone = await oleg.wait_for_message(contains="номером")
    assert "Приятно познакомиться, Олег Иванович!" in phone.text
    await oleg.press_keyboard_button("Пропустить")
    done = await oleg.wait_for_message(contains="Готово")
    assert "Олег Иванович" in done.text
    async with desk.db.unit_of_work() as uow:
        employee = await uow.employees.by_tg_id(oleg.id)
    assert employee.name == "Олег Иванович"


async def test_a_problem_typed_at_the_phone_question_registers_and_becomes_a_request(
    desk: Desk,
):
    client = await desk.add_client("ООО Ромашка")
    code = await desk.invite(client)
    oleg = desk.person("Олег")
    await oleg.command("start", code)
    await oleg.wait_for_message(contains="Как к вам обращаться?")
    await oleg.send("да")
    await oleg.wait_for_message(contains="номером")
    await oleg.send("не работает интернет во всём офисе")  # what he came for
    await oleg.wait_for_message(contains="Готово")
    await shown(oleg, "Верно?")  # the intake of what he wrote, without typing it again
    async with desk.db.unit_of_work() as uow:
        employee = await uow.employees.by_tg_id(oleg.id)
    assert employee is not None and employee.phone is None


async def test_a_typed_phone_number_is_taken(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    code = await desk.invite(client)
    oleg = desk.person("Олег")
    await oleg.command("start", code)
    await oleg.wait_for_message(contains="Как к вам обращаться?")
    await oleg.send("да")
    await oleg.wait_for_message(contains="номером")
    await oleg.send("+7 916 123-45-67")
    await oleg.wait_for_message(contains="Готово")
    async with desk.db.unit_of_work() as uow:
        employee = await uow.employees.by_tg_id(oleg.id)
    assert employee is not None and employee.phone == "+79161234567"


async def test_a_typed_yes_accepts_the_name_offered(desk: Desk):
    client = await desk.add_client("ООО Ромашка")
    code = await desk.invite(client)
    vera = desk.person("Вера")
    await vera.command("start", code)
    await vera.wait_for_message(contains="Вера — верно?")
    await vera.send("да")
    await vera.wait_for_message(contains="номером")
    await vera.press_keyboard_button("Пропустить")
    await vera.wait_for_message(contains="Готово, Вера")


# --- a question is no confirmation ----------------------------------------------------------


async def test_works_as_a_question_does_not_close_the_ticket(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("работает?")
    await anna.wait_for_message()
    assert await ticket_status(desk, number) is TicketStatus.RESOLVED


# --- old and forged buttons -----------------------------------------------------------------


async def test_forged_topic_and_cancel_buttons_change_nothing(desk: Desk):
    from handlers.ui.callbacks import IntakeCb, TicketCb
    from tests.e2e.test_conversation import card_of, take

    anna, engineer, _manager = await staff_world(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Тема другая")
    await shown(anna, "Выберите тему")
    topics = anna.last_bot_message
    intake = IntakeCb.unpack(topics.inline_button("Принтер или сканер")["callback_data"]).intake
    forged = IntakeCb(intake=intake, action="topic", value="no-such-topic").pack()
    answer = await (await anna.press_with_data(topics, forged)).wait_answered()
    assert "не действует" in (answer.text or "")
    await anna.press("Почта")  # the real one still works
    await shown(anna, "Можете сейчас работать?")

    await anna.send("/cancel")
    number = await send_ticket(anna)
    await take(desk, engineer, await card_of(desk, number))
    await anna.command("status", str(number))
    card = await anna.wait_for_message(contains="Статус")
    yes = TicketCb(ticket=number, action="cancel_yes").pack()
    refused = await (await anna.press_with_data(card, yes)).wait_answered()
    assert "Работа уже началась" in (refused.text or "")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS


async def test_cancel_typed_after_a_voice_note_cancels_instead_of_describing(desk: Desk):
    anna = await registered(desk)
    await anna.send_voice()
    await shown(anna, "в двух словах")
    await anna.send("отмена")
    await anna.wait_for_message(contains="Отменено")
    await anna.send("отменить подписку на антивирус")  # a request that names cancelling
    assert "Отменено" not in (await anna.wait_for_message()).text
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.get(1) is None  # no request was made


async def test_a_typed_correction_changes_the_earlier_answer_not_the_description(desk: Desk):
    anna = await registered(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете сейчас работать?")
    await anna.press("Нет, работа стоит")
    await shown(anna, "Кого это затрагивает?")
    await anna.send("ой нет, работать могу, просто неудобно")
    asked = await shown(anna, "Поменял ваш ответ на вопрос «Можете сейчас работать?»")
    assert "Кого это затрагивает?" in asked
    await anna.send("только я")
    summary = await shown(anna, "Ваша заявка")
    assert "Приоритет: стандартный — работать труднее" in summary
    assert "ой нет" not in summary
    before = len(anna.bot_messages)
    await anna.send("ой, нет, весь офис")  # on the summary: the other answer changes
    await anna.wait_until(lambda _t: len(anna.bot_messages) > before)
    await shown(anna, "Ваша заявка")
    await anna.send("отправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert ticket.description == "не печатает принтер"
    assert (ticket.impact, ticket.scope) == (WorkImpact.HAMPERED, Scope.COMPANY)
    assert ticket.priority is Priority.STANDARD


async def test_naming_the_right_topic_to_the_guess_takes_it(desk: Desk):
    anna = await registered(desk)
    await anna.send("не открывается почта")
    guess = await shown(anna, "Верно?")
    assert "Тема: почта" in guess
    await anna.send("нет, это 1с, а не почта")
    asked = await shown(anna, "Можете сейчас работать?")
    assert "Тема: 1С" in asked
    await anna.press("С трудом")
    await shown(anna, "Кого это затрагивает?")
    await anna.press("Только меня")
    await shown(anna, "Ваша заявка")
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    ticket = await only_ticket(desk)
    assert (ticket.category, ticket.description) == (Category.ONE_C, "не открывается почта")


async def test_a_description_taken_back_is_replaced_and_asked_about_again(desk: Desk):
    anna = await registered(desk)
    await anna.send("не работает мышка")
    await shown(anna, "Верно?")
    await anna.send("ой нет не то у меня вообще компьютер не включается")
    asked = await shown(anna, "Заменил описание.")
    assert "Верно?" in asked
    await anna.send("да")
    await answer_questions_typed(anna)
    ticket = await only_ticket(desk)
    assert ticket.description == "у меня вообще компьютер не включается"
