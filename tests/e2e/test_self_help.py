"""Self-help before a request is registered: a known fix is suggested after the description
("Возможно, поможет: …"); «Помогло» ends without a ticket and is counted, «Нет, нужна помощь»
goes on with the same description, and the staff's card says what was suggested."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.sandbox import Person
from domain.knowledge import parse_article
from domain.use_cases import knowledge
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_client_side import answer_questions
from tests.e2e.test_sla_timers import card_of
from tests.e2e.test_staff_desk import staff_world

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
