"""A client's contract as people notice it: new tickets go to the client's fixed
specialist while on shift, and at the end of the contract its employees are told goodbye,
get a polite answer instead of a new request, and the manager gets the hand-over list."""

from __future__ import annotations

from bot.i18n import create_i18n
from bot.workers.notices.notifier import OutboxNotifier
from domain import StaffRole, TicketStatus
from domain.use_cases import accounts
from handlers.ui.callbacks import TicketCb
from tests.e2e.harness import Desk
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import staff_world, texts

SPECIALIST_ID = 603


async def end_contract(desk: Desk, client_id: int) -> accounts.Deactivation:
    """What `frontdesk admin client deactivate --yes` does."""
    notifier = OutboxNotifier(desk.app.settings, create_i18n("ru"), desk.clock)
    async with desk.db.unit_of_work() as uow:
        outcome = await accounts.deactivate_client(uow, desk.clock, client_id=client_id)
        await notifier.publish(uow, outcome.events)
        await uow.commit()
    return outcome.value


async def ticket_count(desk: Desk) -> int:
    async with desk.db.unit_of_work() as uow:
        return len(await uow.tickets.list_open())


async def test_new_tickets_go_to_the_clients_fixed_specialist_on_shift(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    await desk.add_staff(SPECIALIST_ID, "Олег", StaffRole.SECOND_LINE)
    oleg = desk.emulator.create_user("Олег", user_id=SPECIALIST_ID, language_code="ru")
    async with desk.db.unit_of_work() as uow:
        await accounts.edit_client(uow, client_id=1, default_assignee_tg_id=SPECIALIST_ID)
        await uow.commit()

    number = await send_ticket(anna)  # Monday morning: Олег is at work

    told = await oleg.wait_for_message(contains=f"№{number}")
    assert told.text.startswith(f"Вам назначена заявка №{number} (ООО Ромашка).")
    card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    assert "Исполнитель: Олег" in card.text
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    # His until he takes or answers it: the reaction clock still runs.
    assert ticket.assignee_tg_id == SPECIALIST_ID and ticket.status is TicketStatus.NEW
    assert ticket.first_response_at is None
    await desk.settled()
    assert not any("занимается" in t for t in texts(anna))  # nobody has reacted yet

    await oleg.press("Открыть карточку", message=told)
    opened = await oleg.wait_for_message(contains="Исполнитель: Олег")
    await oleg.press("🙋 Взять", message=opened)
    taken = await anna.wait_for_message(contains="занимается")
    assert taken.text.startswith(f"Вашей заявкой №{number} занимается Олег.")


async def test_at_the_end_of_a_contract_employees_are_told_and_file_nothing_more(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.settled()

    ended = await end_contract(desk, client_id=1)

    assert (ended.employees, ended.open_tickets) == (1, 1)
    farewell = await anna.wait_for_message(contains="Спасибо, что работали с нами")
    assert farewell.text.startswith("Договор на ИТ-обслуживание с компанией ООО Ромашка завершён.")
    assert "вашему персональному менеджеру — Мария." in farewell.text
    assert anna.reply_keyboard == []  # the menu of requests went with it
    checklist = await manager.wait_for_message(contains="Что осталось сделать при передаче дел")
    assert "☐ передать клиенту пароли и логины" in checklist.text
    assert "☐ завершить открытые заявки: 1;" in checklist.text
    assert f"/report 1 {desk.clock.now():%Y-%m}" in checklist.text
    await desk.settled()
    before = await ticket_count(desk)

    await anna.send("не печатает принтер")
    answer = await anna.wait_for_message(contains="больше не принимаю")
    assert answer.text == (
        "Договор на ИТ-обслуживание с компанией ООО Ромашка завершён, поэтому новые заявки я "
        "больше не принимаю. Если остались вопросы, напишите, пожалуйста, вашему персональному "
        "менеджеру — Мария."
    )
    await anna.command("new")
    assert "больше не принимаю" in (await anna.wait_for_message()).text
    await anna.send("📝 Новая заявка")
    assert "больше не принимаю" in (await anna.wait_for_message()).text
    # a button of one of her request's messages, pressed after the end: "cancel it"
    old_message = next(m for m in reversed(anna.bot_messages) if f"№{number}" in (m.text or ""))
    await anna.press_with_data(old_message, TicketCb(ticket=number, action="cancel").pack())
    assert "больше не принимаю" in (await anna.wait_for_message()).text
    await desk.settled()
    assert await ticket_count(desk) == before  # nothing registered
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None and ticket.is_open  # the history stays, staff finish it


async def test_a_renewed_contract_gives_the_menu_back_and_takes_requests(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    await end_contract(desk, client_id=1)
    await anna.wait_for_message(contains="Спасибо, что работали с нами")
    await desk.settled()

    notifier = OutboxNotifier(desk.app.settings, create_i18n("ru"), desk.clock)
    async with desk.db.unit_of_work() as uow:
        outcome = await accounts.reactivate_client(uow, client_id=1)
        await notifier.publish(uow, outcome.events)
        await uow.commit()

    back = await anna.wait_for_message(contains="возобновлён")
    assert "Пишите мне о любой проблеме или задаче, как раньше." in back.text
    assert anna.reply_keyboard == [["📝 Новая заявка", "📋 Мои заявки"]]
    await manager.wait_for_message(contains="снова могут оставлять заявки")
    await desk.settled()
    number = await send_ticket(anna)
    assert await ticket_count(desk) == 1 and number


async def test_after_the_end_of_a_contract_a_reply_still_reaches_an_open_request(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    await desk.settled()
    await end_contract(desk, client_id=1)

    await engineer.send("Какая модель принтера?", chat=desk.staff_chat, reply_to=card)
    asked = await anna.wait_for_message(contains="Какая модель принтера?")
    await anna.send("HP LaserJet 1020", reply_to=asked)

    assert f"Добавлено к №{number}" in (await anna.wait_for_message()).text
    await desk.staff_chat.wait_for_message(contains="HP LaserJet 1020")
