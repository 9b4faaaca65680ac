"""A task's estimate agreed with the client before the work (seed 003): the engineer puts
it on the card, the employee approves it with a tap or a typed "да" (the director, for work
billed separately), the resolution clock stands still meanwhile, staff hear the answer, the
card and the monthly report show it, and hours beyond it are flagged."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.sandbox import Person
from domain import TicketStatus
from domain.enums import EmployeeRole
from domain.model import Plan
from domain.use_cases import employee_tickets, staff_tickets
from handlers.ui.callbacks import TicketCb
from tests.e2e.harness import Desk
from tests.e2e.test_agreed_dates import the_card
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_reports import file_bytes
from tests.e2e.test_sla_timers import card_of
from tests.e2e.test_staff_desk import ENGINEER_ID, staff_world

START = Plan(20_000, 10, 2_000, 10)


async def estimate(desk: Desk, engineer: Person, number: int, typed: str) -> str:
    """The engineer presses «💰 Оценка» on the card and types the estimate; the bot's answer."""
    chat = desk.staff_chat
    assert chat is not None
    card = await the_card(desk, number)
    await (await engineer.press("💰 Оценка", message=card, chat=chat)).wait_answered()
    await chat.wait_for_message(contains="сколько времени займёт работа")
    before = len(chat.bot_messages)
    await engineer.send(typed, chat=chat)
    await chat.wait_until(
        lambda _t: any("оценка" in (m.text or "") for m in chat.bot_messages[before:])
    )
    await desk.settled()
    return next(m.text or "" for m in chat.bot_messages[before:] if "оценка" in (m.text or ""))


async def ticket_now(desk: Desk, number: int):
    async with desk.db.unit_of_work() as uow:
        return await uow.tickets.get(number)


async def test_an_estimate_approved_by_typing_pauses_the_clock_and_reaches_the_report(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
        assert client is not None
        client.plan = START
        await uow.clients.update(client)
        await uow.commit()
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)
    await engineer.press("🙋 Взять", message=await the_card(desk, number), chat=desk.staff_chat)
    await anna.wait_for_message(contains="занимается Иван")
    due_before = (await ticket_now(desk, number)).resolution_due

    said = await estimate(desk, engineer, number, "3 часа")
    # Within the plan's hours: the employee who asked decides, not the director.
    assert said == (
        f"№{number}: оценка ~3 ч отправлена на согласование, согласует Анна. "
        "Пока ответа нет, срок решения стоит."
    )
    card = await card_of(desk, number)
    assert "ждём согласования оценки" in card and "💰 Оценка: ~3 ч · ждём согласования" in card
    asked = await anna.wait_for_message(contains="Согласовать?")
    assert asked.text.startswith(
        f"💰 Оценка по заявке №{number}: ~3 ч, в счёт часов по тарифу. Согласовать?"
    )
    assert "✅ Согласовать" in str(asked.inline_keyboard)
    assert "❌ Не согласовывать" in str(asked.inline_keyboard)
    assert not [m for m in director.bot_messages if "Оценка" in (m.text or "")]

    # Анна thinks it over for two working hours: the resolution clock stands still.
    await desk.move_clock(hours=2)
    await anna.send("да")
    approved = await anna.wait_for_message(contains="согласована")
    assert approved.text == (
        f"✅ Оценка по заявке №{number} согласована: ~3 ч. Специалист продолжает работу."
    )
    told = await engineer.wait_for_message(contains="согласована")
    assert told.text == f"✅ №{number}: оценка ~3 ч согласована (Анна). Можно работать."
    ticket = await ticket_now(desk, number)
    assert ticket.status is TicketStatus.IN_PROGRESS and not ticket.awaiting_estimate
    assert due_before is not None and ticket.resolution_due is not None
    assert (ticket.resolution_due - due_before).total_seconds() >= 2 * 3600
    card = await card_of(desk, number)
    assert "💰 Оценка: ~3 ч · согласована: Анна" in card and "ждём согласования" not in card

    # The old button after the typed answer: refused politely, nothing changes.
    again = await (await anna.press("✅ Согласовать", message=asked)).wait_answered()
    assert again.text == "Вы уже ответили по этой оценке." and again.show_alert

    # Four hours logged against three approved: the card says so.
    chat = desk.staff_chat
    assert chat is not None
    await (
        await engineer.press("⏱ Время", message=await the_card(desk, number), chat=chat)
    ).wait_answered()
    await chat.wait_until(lambda _t: any(m.inline_button("Другое…") for m in chat.bot_messages))
    await (await engineer.press("Другое…", chat=chat)).wait_answered()
    await engineer.send("4 ч", chat=chat)
    await chat.wait_for_message(contains="Записано 4 ч")
    card = await card_of(desk, number)
    assert "⚠️ Списано 4 ч: на 1 ч больше согласованной оценки" in card

    # The monthly report's tickets say who approved the estimate, and when.
    await director.command("report")
    workbook = await director.wait_for_message(lambda m: m.kind == "document")
    book = load_workbook(io.BytesIO(file_bytes(desk, workbook)))
    # still in work at the report: on the sheet of the tickets open at the month's end
    rows = list(book["Открытые на конец месяца"].iter_rows(values_only=True))
    column = rows[0].index("Оценка")
    row = next(r for r in rows[1:] if r[0] == number)
    day = desk.clock.now().strftime("%Y-%m-%d")
    assert row[column] == f"~3 ч, согласована {day} (Анна)"


async def test_work_billed_separately_is_for_the_director_who_declines_and_work_goes_on(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
        assert client is not None
        client.plan = Plan(0, 0, 2_000, 0)  # every hour paid: billed separately
        await uow.clients.update(client)
        await uow.commit()
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    number = await send_ticket(anna)
    await engineer.press("🙋 Взять", message=await the_card(desk, number), chat=desk.staff_chat)
    await anna.wait_for_message(contains="занимается Иван")

    said = await estimate(desk, engineer, number, "2ч 30м")
    assert "согласует Елена" in said
    asked = await director.wait_for_message(contains="Согласовать?")
    assert asked.text == (
        f"💰 Оценка по заявке №{number}: ~2 ч 30 мин (≈ 5\xa0000 ₽), оплачивается отдельно, "
        "сверх тарифа. Согласовать?\n«не печатает принтер»\nАвтор заявки: Анна."
    )
    told = await anna.wait_for_message(contains="согласует Елена")
    assert told.text.startswith(f"💰 Оценка по вашей заявке №{number}: ~2 ч 30 мин (≈ 5\xa0000 ₽).")
    assert not told.inline_keyboard

    # Анна is not the one to decide: her "да" decides nothing, and the director's button,
    # forged onto her message, is refused.
    await anna.send("да")
    await desk.settled()
    assert (await ticket_now(desk, number)).awaiting_estimate
    approve = asked.inline_button("✅ Согласовать")
    assert approve is not None
    forged = await (await anna.press_with_data(told, approve["callback_data"])).wait_answered()
    assert forged.text == "Заявка не найдена."
    nonsense = TicketCb(ticket=number, action="estimate", value="abc").pack()
    stale = await (await director.press_with_data(asked, nonsense)).wait_answered()
    assert stale.text == "Эта кнопка уже не действует."
    assert (await ticket_now(desk, number)).awaiting_estimate

    await (await director.press("❌ Не согласовывать", message=asked)).wait_answered()
    await desk.settled()
    assert asked.text == (
        f"❌ Оценка по заявке №{number} не согласована. Специалист свяжется с вами, "
        "чтобы обсудить работу."
    )
    declined = await engineer.wait_for_message(contains="не согласована")
    assert declined.text == (
        f"❌ №{number}: оценка ~2 ч 30 мин (≈ 5\xa0000 ₽) не согласована (Елена). Заявка "
        "снова в работе: обсудите объём с клиентом."
    )
    heard = await anna.wait_for_message(contains="не согласована")
    assert heard.text == (
        f"Оценка по вашей заявке №{number} не согласована (Елена). Специалист обсудит с вами "
        "объём работ."
    )
    ticket = await ticket_now(desk, number)
    assert ticket.status is TicketStatus.IN_PROGRESS and not ticket.awaiting_estimate
    assert "не согласована: Елена" in await card_of(desk, number)

    # A new estimate; the request is closed before anybody decides: the button is refused.
    await estimate(desk, engineer, number, "1 ч")
    newer = await director.wait_for_message(contains="~1 ч")
    old = await (await director.press_with_data(asked, approve["callback_data"])).wait_answered()
    assert old.text == "Эту оценку заменила новая: ответьте, пожалуйста, на последнее сообщение."
    async with desk.db.unit_of_work() as uow:
        await staff_tickets.resolve(uow, desk.clock, ticket_id=number, staff_tg_id=ENGINEER_ID)
        await employee_tickets.confirm_resolution(uow, desk.clock, ticket_id=number, tg_id=anna.id)
        await uow.commit()
    late = await (await director.press("✅ Согласовать", message=newer)).wait_answered()
    assert late.text == "Заявка уже завершена."
    assert (await ticket_now(desk, number)).status is TicketStatus.CLOSED
