"""Self-help before a request is registered: a known fix is suggested after the description
("Возможно, поможет: …"); «Помогло» ends without a ticket and is counted, «Нет, нужна помощь»
goes on with the same description, and the staff's card says what was suggested."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.sandbox import Person
from domain.enums import EmployeeRole, StaffRole
from domain.knowledge import parse_article
from domain.model import Plan
from domain.use_cases import knowledge, staff_tickets
from handlers.ui.callbacks import KbCb
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_agreed_dates import the_card
from tests.e2e.test_client_side import answer_questions, send_ticket, shown
from tests.e2e.test_month_statement import close, log
from tests.e2e.test_operations import get, samples
from tests.e2e.test_sla_timers import card_of
from tests.e2e.test_staff_desk import ENGINEER_ID, staff_world

ARTICLES = Path(__file__).parent.parent / "data" / "kb"


async def add_article(desk: Desk, name: str) -> None:
    """An article of tests/data/kb, as `frontdesk admin kb add` stores it."""
    text = (ARTICLES / f"{name}.md").read_text(encoding="utf-8")
    article = parse_article(text, default_slug=name).article
    async with desk.db.unit_of_work() as uow:
        await knowledge.save_article(uow, desk.clock, article, new=True)
        await uow.commit()


async def tickets_count(desk: Desk) -> int:
    async with desk.db.unit_of_work() as uow:
        return len(await uow.tickets.list_open())


async def deflections(desk: Desk) -> int:
    now = desk.clock.now()
    async with desk.db.unit_of_work() as uow:
        return await uow.knowledge.deflections(None, now - timedelta(days=1), now + timedelta(1))


async def suggested(person: Person, description: str) -> str:
    await person.send(description)
    offer = await person.wait_for_message(contains="Возможно, поможет")
    return offer.text or ""


async def test_an_article_that_helped_ends_without_a_ticket_and_is_counted(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await add_article(desk, "printer-queue")
    text = await suggested(anna, "принтер не печатает, документы висят в очереди")
    offer = anna.last_bot_message
    assert offer is not None
    helped_data = offer.inline_keyboard[0][0]["callback_data"]
    assert "Принтер не печатает: документы висят в очереди" in text
    assert "Очистить очередь печати" in text
    assert buttons(anna)[:2] == ["👍 Помогло", "Нет, нужна помощь"]
    await (await anna.press("👍 Помогло")).wait_answered()
    done = await anna.wait_for_message(contains="Рад, что помогло")
    assert "Заявку не оформляю" in (done.text or "")
    await desk.settled()
    assert await tickets_count(desk) == 0
    assert await deflections(desk) == 1
    # The conversation is over: the same button again decides nothing more.
    again = await anna.press_with_data(offer, helped_data)
    assert "не действует" in ((await again.wait_answered()).text or "")
    assert await deflections(desk) == 1

    # Counted where the desk is watched, and in the company's monthly report.
    base = await desk.app.serve_monitoring("127.0.0.1", 0)
    _status, metrics = await get(f"{base}/metrics")
    assert samples(metrics)[("frontdesk_self_help_deflections", ())] == 1
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    assert client is not None
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    await director.command("report")
    report = await director.wait_for_message(contains="отчёт")
    assert "Решено по статьям базы знаний, без заявки: 1." in (report.text or "")


async def test_typed_helped_counts_too(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await add_article(desk, "printer-jam")
    await suggested(anna, "принтер зажевал бумагу")
    await anna.send("да, помогло, спасибо")
    await anna.wait_for_message(contains="Рад, что помогло")
    await desk.settled()
    assert await deflections(desk) == 1 and await tickets_count(desk) == 0


async def test_an_article_that_did_not_help_goes_on_with_the_same_description(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await add_article(desk, "printer-queue")
    await add_article(desk, "vpn-connect")
    description = "принтер не печатает, документы висят в очереди"
    text = await suggested(anna, description)
    assert "VPN" not in text  # only what answers the description
    await anna.send("нет, не помогло")
    await anna.wait_for_message(contains="Тогда оформим заявку")
    await answer_questions(anna)
    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята")
    number = int((accepted.text or "").split("№")[1].split()[0])
    await desk.settled()
    assert await deflections(desk) == 0
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None and ticket.description == description
    card = await card_of(desk, number)
    assert "📚 Предлагали статью, не помогла: «Принтер не печатает: документы висят в очереди»" in (
        card
    )


async def test_no_suggestion_for_an_outage_of_the_whole_office(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await add_article(desk, "no-internet")
    await anna.send("нет интернета во всем офисе, никто не может работать")
    question = await anna.wait_for_message(lambda m: bool(m.inline_keyboard))
    assert "Возможно, поможет" not in (question.text or "")


async def test_no_suggestion_after_hours(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await add_article(desk, "no-internet")
    await desk.move_clock(hours=10)  # 20:00 in Moscow
    await anna.send("пропал интернет на компьютере")
    question = await anna.wait_for_message(lambda m: bool(m.inline_keyboard))
    assert "Возможно, поможет" not in (question.text or "")


# --- questions about the service ----------------------------------------------------------


async def test_a_question_about_the_hours_left_is_answered_with_the_clients_own_numbers(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
        assert client is not None
        client.plan = Plan(20_000, 10, 2_000, 4)  # a reserve of at most 4 hours
        await uow.clients.update(client)
        # With us since October, which used none of its 10 hours: 4 of them in reserve.
        await uow.session.execute(
            "UPDATE clients SET created_at = '2026-10-01T07:00:00.000000Z' WHERE id = 1"
        )
        await uow.commit()
    number = await send_ticket(anna)
    await engineer.press("🙋 Взять", message=await the_card(desk, number), chat=desk.staff_chat)
    await anna.wait_for_message(contains="занимается Иван")
    await log(desk, number, ENGINEER_ID, 7 * 60, "перенастроил принтеры")
    await close(desk, number, ENGINEER_ID, anna.id)
    await desk.settled()

    # the company's director reads the contract's money
    director = desk.person("Ольга")
    assert client is not None
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    await director.send("сколько часов у нас осталось в этом месяце?")
    answer = await director.wait_for_message(contains="Что входит в абонентское обслуживание")
    text = (answer.text or "").replace("\xa0", " ")  # numbers are grouped by a no-break space
    assert "В этом месяце у вас осталось 3 ч из 10 ч и 4 ч резерва." in text
    assert "Ваш тариф: 20 000 ₽ в месяц, включено 10 ч, час сверх них — 2 000 ₽." in text
    assert "{{" not in text
    assert buttons(director) == ["✉️ Спросить менеджера", "🔧 Это не вопрос — оформить заявку"]
    await director.send("спасибо, понятно")
    await director.wait_for_message(contains="Пожалуйста")

    # any other employee is told who knows, not the price
    await anna.send("сколько часов у нас осталось в этом месяце?")
    answer = await anna.wait_for_message(contains="Что входит в абонентское обслуживание")
    text = answer.text or ""
    assert "знает руководство вашей компании" in text
    assert "₽" not in text and "осталось" not in text
    async with desk.db.unit_of_work() as uow:
        assert [t.number for t in await uow.tickets.list_open()] == []


async def test_a_question_without_an_answer_goes_to_the_manager_not_to_the_queue(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    await anna.send("сколько стоит ваш час работы?")
    told = await anna.wait_for_message(contains="персональному менеджеру")
    assert "Мария" in (told.text or "") and "не заявка" in (told.text or "")
    question = await manager.wait_for_message(contains="Вопрос об обслуживании, не заявка")
    assert "«сколько стоит ваш час работы?»" in (question.text or "")
    assert "ООО Ромашка" in (question.text or "") and "Анна" in (question.text or "")
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert list(await uow.tickets.list_open()) == []
    # It was a request after all: the same words become one.
    await anna.press("🔧 Это не вопрос — оформить заявку")
    await anna.wait_for_message(contains="Тогда оформим заявку")


async def test_after_the_faqs_answer_the_manager_is_asked_with_a_tap(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    await anna.send("какие у вас скидки?")
    await anna.wait_for_message(contains="Дадите скидку")
    await anna.press("✉️ Спросить менеджера")
    await anna.wait_for_message(contains="персональному менеджеру — Мария")
    question = await manager.wait_for_message(contains="Вопрос об обслуживании, не заявка")
    assert "«Дадите скидку? Мы нашли предложение дешевле»" in (question.text or "")


async def test_an_english_speaking_employee_is_answered_from_the_english_faq(desk: Desk):
    _anna, _engineer, manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    assert client is not None
    boris = desk.person("Boris", language_code="en")
    await desk.register(boris, client)
    await boris.send("Who is our manager?")
    answer = await boris.wait_for_message(contains="Who is our personal manager")
    text = answer.text or ""
    assert "Мария" in text and "in charge of the contract" in text
    assert "Менеджер" not in text and "{{" not in text
    assert buttons(boris) == ["✉️ Ask the manager", "🔧 It is not a question: register a request"]
    await boris.press("✉️ Ask the manager")
    await boris.wait_for_message(contains="personal manager")
    question = await manager.wait_for_message(contains="Вопрос об обслуживании, не заявка")
    assert "«Who is our personal manager»" in (question.text or "")


async def test_an_english_speaker_is_not_offered_an_article_in_russian(desk: Desk):
    await staff_world(desk)
    await add_article(desk, "outlook-password")
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    assert client is not None
    boris = desk.person("Boris", language_code="en")
    await desk.register(boris, client)
    await boris.send("outlook keeps asking for my password")
    await shown(boris, "Is that right?")
    assert not any("Maybe this helps" in (m.text or "") for m in boris.bot_messages)


async def test_a_question_typed_between_a_requests_questions_is_answered_and_not_described(
    desk: Desk,
):
    anna, _engineer, _manager = await staff_world(desk)
    await anna.send("не печатает принтер")
    await shown(anna, "Верно?")
    await anna.press("Да, верно")
    await shown(anna, "Можете")
    await anna.send("а вы в выходные работаете?")
    answer = await anna.wait_for_message(contains="Работаете после 18:00 и в выходные?")
    assert "Ваше рабочее время по договору" in (answer.text or "")
    again = await shown(anna, "вернёмся к вашей заявке")
    assert "Можете" in again and "не отправлена" in again
    await anna.press("С трудом")
    await shown(anna, "Кого")
    await anna.press("Только меня")
    summary = await shown(anna, "Ваша заявка")
    assert "выходные" not in summary
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    async with desk.db.unit_of_work() as uow:
        [ticket] = await uow.tickets.list_open()
    assert ticket.description == "не печатает принтер"


# --- the knowledge base grows from solved tickets --------------------------------------------

LEAD_ID = 604


async def test_a_draft_from_a_solved_ticket_approved_by_a_lead_helps_the_next_employee(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    await desk.add_staff(LEAD_ID, "Пётр", StaffRole.LEAD)
    lead = desk.emulator.create_user("Пётр", user_id=LEAD_ID, language_code="ru")
    chat = desk.staff_chat
    assert chat is not None
    number = await send_ticket(anna, "outlook постоянно просит пароль")  # nothing to suggest
    card = await the_card(desk, number)
    await engineer.press("🙋 Взять", message=card, chat=chat)
    await anna.wait_for_message(contains="занимается Иван")
    await engineer.press("✅ Решено", message=await the_card(desk, number), chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.send(
        "1. Закройте Outlook.\n2. Удалите пароли почты в **Диспетчере учётных данных**.\n"
        "3. Откройте Outlook и введите пароль с галочкой «Запомнить».",
        chat=chat,
    )
    resolved = await chat.wait_for_message(contains="решена; клиента попросили")
    await engineer.press("📚 В базу знаний", message=resolved, chat=chat)
    made = await chat.wait_for_message(contains="Черновик статьи")
    assert "/kb drafts" in (made.text or "")

    # Not suggested while it is a draft.
    boris = desk.person("Борис")
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    assert client is not None
    await desk.register(boris, client)
    await boris.send("аутлук спрашивает пароль")
    question = await boris.wait_for_message(lambda m: bool(m.inline_keyboard))
    assert "Возможно, поможет" not in (question.text or "")
    await boris.press("✖ Отмена")

    # Only a lead reviews drafts.
    await engineer.command("kb", "drafts")
    assert "руководитель" in ((await engineer.wait_for_message(contains="Черновики")).text or "")
    await lead.command("kb", "drafts")
    draft = await lead.wait_for_message(contains=f"Черновик из заявки №{number}")
    assert "Диспетчере учётных данных" in (draft.text or "")
    assert "«outlook постоянно просит пароль»" in (draft.text or "")
    await lead.press("✏️ Изменить", message=draft)
    await lead.wait_for_message(contains="новый текст статьи")
    await lead.send(
        "# Outlook всё время спрашивает пароль\n"
        "1. Закройте Outlook.\n2. Удалите пароли почты в **Диспетчере учётных данных**.\n"
        "3. Откройте Outlook и введите пароль с галочкой «Запомнить»."
    )
    edited = await lead.wait_for_message(contains="Outlook всё время спрашивает пароль")
    await (await lead.press("✅ Опубликовать", message=edited)).wait_answered()
    await lead.wait_until(lambda _t: "Опубликовано" in (lead.last_bot_message.text or ""))

    # Борис's next message gets it.
    await boris.send("аутлук спрашивает пароль")
    offer = await boris.wait_for_message(contains="Возможно, поможет")
    assert "Outlook всё время спрашивает пароль" in (offer.text or "")
    assert "Диспетчере учётных данных" in (offer.text or "")


async def test_only_a_lead_publishes_and_a_forged_draft_button_changes_nothing(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna, "outlook постоянно просит пароль")
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.resolve(
            uow, desk.clock, ticket_id=number, staff_tg_id=ENGINEER_ID, summary="Шаги: …"
        )
        await knowledge.draft_from_ticket(
            uow, desk.clock, ticket_id=number, staff_tg_id=ENGINEER_ID
        )
        await uow.commit()
    await engineer.send("/start")
    hello = await engineer.wait_for_message()
    publish = KbCb(action="approve", key=f"ticket-{number}").pack()
    refused = await engineer.press_with_data(hello, publish)
    assert "руководитель" in ((await refused.wait_answered()).text or "")
    unknown = await engineer.press_with_data(hello, KbCb(action="draft", key="x").pack())
    assert "не действует" in ((await unknown.wait_answered()).text or "")
    async with desk.db.unit_of_work() as uow:
        draft = await uow.knowledge.by_slug(f"ticket-{number}")
    assert draft is not None and not draft.published


async def test_the_manager_answers_a_question_by_replying_and_the_employee_gets_it_here(
    desk: Desk,
):
    anna, _engineer, manager = await staff_world(desk)
    await anna.send("сколько стоит ваш час работы?")
    await anna.wait_for_message(contains="Ответ придёт вам в Telegram")
    question = await manager.wait_for_message(contains="Вопрос об обслуживании, не заявка")
    assert "Ответьте на это сообщение" in (question.text or "")

    await manager.send("Анна, добрый день! Час сверх тарифа — 2 000 ₽.", reply_to=question)
    await manager.wait_for_message(contains="Передал")
    answer = await anna.wait_for_message(contains="отвечает на ваш вопрос об обслуживании")
    assert "Мария" in (answer.text or "") and "Час сверх тарифа — 2 000 ₽." in (answer.text or "")
    async with desk.db.unit_of_work() as uow:
        assert list(await uow.tickets.list_open()) == []  # nothing became a ticket
