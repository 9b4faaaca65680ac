"""Messages about open requests, read as people mean them: "интернет еле работает" is a
problem, "ну вроде норм" confirms a fix, "что с моей заявкой?" is answered from the request,
details written before "всё равно не печатает" go back to work with it, and the personal
manager hears what matters, not every line."""

from __future__ import annotations

from domain import TicketStatus
from tests.e2e.harness import Desk
from tests.e2e.test_client_side import answer_questions, send_ticket, shown
from tests.e2e.test_conversation import (
    a_resolved_ticket,
    ask_the_client,
    card_of,
    messages_of,
    take,
)
from tests.e2e.test_staff_desk import staff_world, texts, ticket_status


async def test_a_problem_with_works_in_it_is_a_new_request_not_a_thank_you(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("интернет еле работает")
    await shown(anna, "Верно?")
    assert not any("Отлично" in t for t in texts(anna))


async def test_working_badly_is_not_the_word_a_resolved_request_waits_for(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    # the printer's fix waits for her word: slow internet is not that word
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("интернет еле работает")
    await anna.wait_for_message(contains="Тема: интернет")
    assert await ticket_status(desk, number) is TicketStatus.RESOLVED
    assert ("employee", "интернет еле работает") not in await messages_of(desk, number)


async def test_details_written_before_it_still_fails_go_back_to_work_with_it(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)

    await anna.send("горит красная лампочка и пишет замятие бумаги")
    await anna.wait_for_message(contains="Проблема осталась?")
    await anna.send("всё равно не печатает")
    await anna.wait_for_message(contains="снова в работе")
    assert await ticket_status(desk, number) is TicketStatus.REOPENED
    reopened = await desk.staff_chat.wait_for_message(contains="всё равно не печатает")
    assert "замятие бумаги" in reopened.text
    # Иван has it: he hears of the reopening privately, with her words
    told = await engineer.wait_for_message(contains="возвращена в работу")
    assert "замятие бумаги" in told.text and "всё равно не печатает" in told.text
    await manager.wait_for_message(contains="замятие бумаги")


async def test_a_status_question_is_answered_from_the_request(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    await anna.send("?")
    await anna.wait_for_message(contains="Открытых заявок у вас нет")

    number = await send_ticket(anna)
    await anna.send("что с моей заявкой?")
    said = await anna.wait_for_message(contains=f"№{number}: новая, ответим до")
    assert "решим до" in said.text

    await take(desk, engineer, await card_of(desk, number))
    await anna.wait_for_message(contains="занимается")
    anna.mark_all_seen()
    await anna.send("?")
    said = await anna.wait_for_message(contains=f"№{number}: в работе, занимается Иван")
    assert "решим до" in said.text
    # in working hours the question reaches the engineer too; a lone "?" says nothing to pass on
    await anna.send("ну что там?")
    passed = await anna.wait_for_message(contains="передал в поддержку")
    assert "занимается Иван" in passed.text
    await engineer.wait_for_message(contains="ну что там?")
    asked = [t for _a, t in await messages_of(desk, number) if "?" in t]
    assert asked == ["что с моей заявкой?", "ну что там?"]


async def test_a_status_question_after_hours_says_when_work_starts_and_wakes_nobody(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.move_clock(hours=10)  # Monday 20:00 in Moscow
    await anna.send("а когда?")
    said = await anna.wait_for_message(contains=f"№{number}: новая, возьмём в работу")
    assert "завтра в 09:00" in said.text
    assert "передал" not in said.text
    assert ("employee", "а когда?") not in await messages_of(desk, number)


async def test_when_to_the_engineers_question_is_the_answer_and_a_bare_question_mark_is_not(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    await ask_the_client(desk, engineer, card, "Можно подключиться удалённо?")
    await anna.wait_for_message(contains="Можно подключиться")
    await anna.send("?")
    await anna.wait_for_message(contains="инженер ждёт вашего ответа")
    assert await ticket_status(desk, number) is TicketStatus.WAITING_CLIENT
    await anna.send("а когда?")
    await anna.wait_for_message(contains="передан инженеру")
    await engineer.wait_for_message(contains="а когда?")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS


async def test_a_short_message_on_another_topic_right_after_sending_is_asked_about(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna, "не включается компьютер")
    await desk.move_clock(minutes=5)
    await anna.send("1с виснит")
    await anna.wait_for_message(contains=f"Это по заявке №{number} или новая")
    assert ("employee", "1с виснит") not in await messages_of(desk, number)


async def test_fine_in_ones_own_words_confirms_and_a_typed_score_rates(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)

    await anna.send("ну вроде норм")
    await anna.wait_for_message(contains="Оцените")
    assert await ticket_status(desk, number) is TicketStatus.CLOSED
    await anna.send("на четверочку")
    await anna.wait_for_message(contains="Спасибо за оценку")
    await anna.send("спасибо")  # thanks after the stars are no review
    await anna.wait_for_message(contains="Пожалуйста!")
    async with desk.db.unit_of_work() as uow:
        rating = await uow.tickets.rating(number)
    assert rating is not None and rating.score == 4 and rating.comment == ""


async def test_the_score_typed_again_or_a_bare_question_mark_is_no_review(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number, _resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.send("вроде работает")
    await anna.wait_for_message(contains="Оцените")
    await anna.send("4")
    await anna.wait_for_message(contains="Спасибо за оценку")
    await anna.send("ну на 4")
    await anna.wait_for_message(contains="Спасибо!")
    await anna.send("?")
    await anna.wait_for_message(contains="Открытых заявок у вас нет")
    async with desk.db.unit_of_work() as uow:
        rating = await uow.tickets.rating(number)
    assert rating is not None and rating.score == 4 and rating.comment == ""


async def test_the_complaint_after_a_low_rating_reaches_the_manager(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    _number, resolved = await a_resolved_ticket(desk, anna, engineer)
    await anna.press("✅ Всё работает", message=resolved)
    await shown(anna, "Оцените")
    await anna.press("2")
    await anna.wait_for_message(contains="Жаль, что так вышло")
    await anna.send("долго и никто не позвонил")
    complaint = await manager.wait_for_message(contains="никто не позвонил")
    assert "Жалоба" in complaint.text and "2 из 5" in complaint.text


async def test_the_manager_is_not_told_every_comment_the_engineer_is(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)
    await take(desk, engineer, await card_of(desk, number))
    await anna.send("забыла сказать: принтер в бухгалтерии, второй этаж")
    await anna.wait_for_message(contains="инженер увидит")
    await engineer.wait_for_message(contains="второй этаж")
    await desk.staff_chat.wait_for_message(contains="второй этаж")
    await desk.settled()
    assert await desk.outbox_drained()
    assert any("Новая заявка" in t for t in texts(manager))
    assert not any("второй этаж" in t for t in texts(manager))


async def test_a_problem_that_works_badly_goes_through_the_intake_to_its_summary(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("почта плохо работает")
    await answer_questions(anna)


async def test_an_english_speaker_asking_for_news_is_answered_in_english(desk: Desk):
    await staff_world(desk)
    client = await desk.add_client("Acme")
    anne = desk.person("Anne", language_code="en")
    await desk.register(anne, client)
    await anne.send("?")
    said = await anne.wait_for_message(contains="You have no open requests")
    assert "«📋 My requests»" in said.text  # the keyboard's own words


async def test_hello_anybody_there_goes_to_the_one_request_not_behind_a_question(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.move_clock(minutes=20)  # no longer "writing to it": once it was asked about

    await anna.send("алло")
    added = await anna.wait_for_message(contains="Добавлено")
    assert f"№{number}" in added.text
    await anna.send("вы вообще работаете?")
    await anna.wait_for_message(contains=f"Добавлено к №{number}")
    await desk.staff_chat.wait_for_message(contains="вы вообще работаете?")
    said = [text for author, text in await messages_of(desk, number) if author == "employee"]
    assert said == ["алло", "вы вообще работаете?"]
    assert not any("или новая" in t or "Что у вас" in t for t in texts(anna))


async def test_hello_typed_while_asked_where_a_message_goes_reaches_the_request(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.move_clock(minutes=20)
    await anna.send("И ещё у Петрова то же самое")
    await anna.wait_for_message(contains=f"Это по заявке №{number} или новая заявка?")

    await anna.send("алло, вы вообще работаете?")
    await anna.wait_for_message(contains=f"Добавлено к №{number}")
    said = [text for author, text in await messages_of(desk, number) if author == "employee"]
    assert said == ["алло, вы вообще работаете?"]
    await anna.press(f"💬 К заявке №{number} · не печатает принтер")  # the question still holds
    await anna.wait_for_message(contains=f"Добавлено к №{number}")
    assert "И ещё у Петрова то же самое" in [t for _a, t in await messages_of(desk, number)]


async def test_a_complaint_about_a_request_reaches_its_engineer_and_the_manager_with_its_number(
    desk: Desk,
):
    anna, engineer, manager = await staff_world(desk)
    number = await send_ticket(anna, "не работает 1с совсем")
    await take(desk, engineer, await card_of(desk, number))
    await desk.move_clock(minutes=20)

    await anna.send("два часа без 1с, никто не позвонил")
    told = await anna.wait_for_message(contains="персональному менеджеру")
    assert f"№{number}" in told.text
    complaint = await manager.wait_for_message(contains="никто не позвонил")
    assert f"Жалоба по заявке №{number}" in complaint.text and "Иван" in complaint.text
    assert "Открыть карточку" in str(complaint.inline_keyboard)
    await engineer.wait_for_message(contains="никто не позвонил")
    assert not any("вопрос о нашем обслуживании" in t for t in texts(anna))
    assert not any("Вопрос об обслуживании" in t for t in texts(manager))


async def test_asking_for_a_person_is_told_who_answers_and_opens_no_request(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("позовите живого человека")
    told = await anna.wait_for_message(contains="Здесь вам отвечают люди")
    assert "Мария" in (told.text or "")  # the personal manager, for the contract
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert list(await uow.tickets.list_open()) == []
    await anna.send("не печатает принтер")  # then the problem, as asked
    await anna.wait_until(lambda t: "?" in (t[-1].text or ""))
