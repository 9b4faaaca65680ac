"""The client side end to end: invitation, intake, deadlines, what lands in the database."""

from __future__ import annotations

from bot.sandbox import BotApiEmulator
from domain import Priority, StaffRole, TicketKind, TicketStatus
from tests.e2e.harness import Desk, buttons, msk, running_desk

MANAGER_ID = 700


async def test_invited_employee_reports_a_broken_printer_with_a_photo(desk: Desk):
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    manager = desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    client = await desk.add_client("ООО Ромашка", manager_tg_id=MANAGER_ID)
    anna = desk.person("Анна", last_name="Петрова")
    await desk.register(anna, client)

    await anna.send_photo(caption="Не печатает принтер в бухгалтерии, горит красная лампа")
    question = await anna.wait_for_message(contains="Похоже, что-то сломалось")
    assert "принтер" in question.text
    await anna.press("Да, верно")
    await anna.wait_until(lambda t: "Можете сейчас работать?" in (t[-1].text or ""))
    await anna.press("Нет, работа стоит")
    await anna.wait_until(lambda t: "Кого это затрагивает?" in (t[-1].text or ""))
    await anna.press("Только меня")
    summary = await anna.wait_until(lambda t: "Ваша заявка" in (t[-1].text or ""))
    card = summary[-1].text
    assert "высокий — работать невозможно" in card
    # Gold, High: answer within 1 h, fix within 8 working hours (Monday 10:00 → 18:00)
    assert "Ответим до 11:00, решим до 18:00" in card
    assert "📎 Файлов: 1" in card

    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята")
    assert "Заявка №1 принята" in accepted.text

    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(1)
        messages = await uow.tickets.messages(1)
    assert ticket.kind is TicketKind.INCIDENT and ticket.priority is Priority.HIGH
    assert ticket.status is TicketStatus.NEW
    assert (ticket.reaction_due, ticket.resolution_due) == (
        msk(2026, 11, 23, 11, 0),
        msk(2026, 11, 23, 18, 0),
    )
    assert messages[0].attachments[0].kind == "photo"
    # the staff chat and the personal manager hear of it, once each
    staff_notice = await desk.staff_chat.wait_for_message(contains="№1")
    assert "ООО Ромашка" in staff_notice.text and "Анна Петрова" in staff_notice.text
    ping = await manager.wait_for_message(contains="№1")
    assert "Новая заявка ООО Ромашка: №1, Высокий." in ping.text
    assert await desk.outbox_drained()
    assert len([m for m in manager.bot_messages if "№1" in (m.text or "")]) == 1


async def test_after_hours_request_on_friday_evening_is_due_on_monday(
    emulator: BotApiEmulator, tmp_path
):
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 27, 19, 30)) as desk:
        client = await desk.add_client("ООО Ромашка")
        boris = desk.person("Boris", language_code="en")
        await desk.register(boris, client)
        await boris.send("Please install Zoom on my laptop")
        await boris.wait_for_message(contains="Looks like you need help")
        await boris.press("Yes, right")
        await boris.wait_until(lambda t: "What kind of request" in (t[-1].text or ""))
        await boris.press("Help, a consultation or a routine task")
        summary = await boris.wait_until(lambda t: "Your request" in (t[-1].text or ""))
        card = summary[-1].text
        assert "outside working hours now; the clock starts on Monday at 09:00" in card
        # Gold, Standard: 4 h to answer, 16 h to fix, counted from Monday 09:00
        assert "We will answer by Monday 13:00 and fix it by Tuesday 16:00" in card


async def test_double_tap_on_send_registers_one_ticket(desk: Desk):
    client = await desk.add_client()
    anna = desk.person("Анна")
    await desk.register(anna, client)
    await anna.send("нет интернета во всем офисе")
    await anna.wait_for_message(contains="сломалось")
    await anna.press("Да, верно")
    await anna.wait_until(lambda t: "Можете" in (t[-1].text or ""))
    await anna.press("Нет, работа стоит")
    await anna.wait_until(lambda t: "Кого" in (t[-1].text or ""))
    await anna.press("Весь офис")
    await anna.wait_until(lambda t: "Ваша заявка" in (t[-1].text or ""))
    card = anna.last_bot_message
    first = await anna.press("✅ Отправить", message=card)
    second = await anna.press("✅ Отправить", message=card)
    await first.wait_answered()
    answer = await second.wait_answered()
    assert "№1" in (answer.text or "")
    async with desk.db.unit_of_work() as uow:
        assert await uow.tickets.get(2) is None
        assert (await uow.tickets.get(1)).priority is Priority.HIGHEST
    assert "Отправить" not in buttons(anna)
