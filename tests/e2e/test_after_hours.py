"""After hours, end to end: what waits for the morning and what cannot wait. A billable
emergency is confirmed with one more tap that repeats the price rule (or it waits for the
morning at no extra charge); it pages the on-duty engineer and the personal manager, repeats
every 5 minutes until somebody presses "Принял", and goes up to the leads and then the
admins when nobody does. The employee is told honestly who is being called, that we still
try when nobody answers, and who is on it; every copy of the page then says who took it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox import BotApiEmulator, Person
from domain import StaffRole, TicketStatus
from tests.e2e.harness import Desk, buttons, msk, running_desk
from tests.e2e.test_client_side import answer_questions, shown
from tests.e2e.test_staff_desk import texts

# Monday evening in Moscow: the client's working day (09:00-18:00) is over.
MONDAY_EVENING = msk(2026, 11, 23, 20, 0)
ENGINEER_ID, MANAGER_ID, DUTY_ID, LEAD_ID, ADMIN_STAFF_ID = 601, 602, 603, 604, 605
EMERGENCY = "🚨 Это авария, нужна помощь сейчас"
WAIT = "🌙 Подождёт до утра"
CALL = "🚨 Да, вызвать сейчас"
NO_CALL = "🌙 Нет, подождёт до утра"
CONFIRM = "Вызвать дежурного инженера сейчас?"
PAGE = "Авария в нерабочее время"
ACK = "✅ Принял"
TAKEN_BY_OLEG = "Вызов принят: Олег, "


@dataclass
class World:
    desk: Desk
    anna: Person  # an employee of the client
    engineer: Person  # first line, at home
    manager: Person  # the client's personal manager
    duty: Person  # the on-duty engineer
    lead: Person
    admin: Person


@pytest.fixture
async def evening(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(emulator, tmp_path, start=MONDAY_EVENING) as desk:
        yield desk


async def world(
    desk: Desk, *, on_duty: bool = True, round_the_clock: bool = False, anna_locale: str = "ru"
) -> World:
    people = {}
    for tg_id, name, role in (
        (ENGINEER_ID, "Иван", StaffRole.FIRST_LINE),
        (MANAGER_ID, "Мария", StaffRole.MANAGER),
        (DUTY_ID, "Олег", StaffRole.SECOND_LINE),
        (LEAD_ID, "Пётр", StaffRole.LEAD),
        (ADMIN_STAFF_ID, "Ольга", StaffRole.ADMIN),
    ):
        await desk.add_staff(tg_id, name, role)
        people[tg_id] = desk.emulator.create_user(name, user_id=tg_id, language_code="ru")
        assert desk.staff_chat is not None
        desk.staff_chat.add_member(people[tg_id])
    if on_duty:
        await desk.add_weekly_duty(DUTY_ID, "mon-fri 18:00-09:00")
    client = await desk.add_client(
        "ООО Ромашка", manager_tg_id=MANAGER_ID, round_the_clock=round_the_clock
    )
    anna = desk.person("Анна" if anna_locale == "ru" else "Anne", language_code=anna_locale)
    await desk.register(anna, client)
    return World(
        desk,
        anna,
        people[ENGINEER_ID],
        people[MANAGER_ID],
        people[DUTY_ID],
        people[LEAD_ID],
        people[ADMIN_STAFF_ID],
    )


async def summary(anna: Person, description: str, impact: str, scope: str) -> str:
    await anna.send(description)
    return await answer_questions(anna, impact=impact, scope=scope)


async def send(anna: Person, button: str = "✅ Отправить") -> str:
    await anna.press(button)
    registered = await anna.wait_for_message(contains="принята")
    return registered.text or ""


async def confirmation(anna: Person, button: str = EMERGENCY) -> str:
    """The emergency button: the summary turns into the question with the price rule."""
    await anna.press(button)
    transcript = await anna.wait_until(lambda t: CONFIRM in (t[-1].text or ""))
    return transcript[-1].text or ""


async def call_now(anna: Person, button: str = EMERGENCY) -> str:
    """The emergency button, then the one more tap that confirms the billable call."""
    await confirmation(anna, button)
    return await send(anna, CALL)


def count(person: Person, text: str) -> int:
    return sum(text in t for t in texts(person))


async def ticket(desk: Desk, number: int = 1):
    async with desk.db.unit_of_work() as uow:
        return await uow.tickets.get(number)


async def test_a_normal_ticket_waits_for_the_morning_and_offers_the_emergency_button(
    evening: Desk,
):
    w = await world(evening)
    card = await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    assert "нерабочее время" in card and "завтра в 09:00" in card
    assert "«Это авария»" in card and "оплачивается отдельно" in card
    assert EMERGENCY in buttons(w.anna)

    registered = await send(w.anna)
    assert "Ответим до завтра" in registered and "дежурн" not in registered
    await evening.move_clock(minutes=30)
    for person in (w.duty, w.manager, w.lead):
        assert count(person, PAGE) == 0 and count(person, ACK) == 0
    assert not (await ticket(evening)).emergency


async def test_the_emergency_button_pages_the_duty_engineer_and_the_manager(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    question = await confirmation(w.anna)
    # one more tap, with the price rule said again; nothing is paged until then
    assert "оплачивается отдельно, сверх тарифа" in question
    assert "завтра в 09:00, без доплаты" in question
    assert buttons(w.anna) == [CALL, NO_CALL, "« Назад", "✖ Отмена"]
    await evening.move_clock(minutes=10)
    assert count(w.duty, PAGE) == count(w.manager, PAGE) == 0

    registered = await send(w.anna, CALL)
    # honest: who is called by name, that they will write here, that it is paid separately,
    # and the contract's deadlines only as the fallback
    assert "Вызываем дежурного инженера: сейчас дежурит Олег." in registered
    assert "Ваш персональный менеджер тоже в курсе." in registered
    assert "оплачивается отдельно" in registered and "Ответим до" not in registered
    assert "Крайние сроки по договору: ответ до завтра 13:00, решение до среды 16:00." in registered

    page = await w.duty.wait_for_message(contains=PAGE)
    assert "№1" in page.text and "ООО Ромашка" in page.text and "Анна" in page.text
    assert buttons(w.duty) == [ACK, "Открыть карточку"]
    await w.manager.wait_for_message(contains=PAGE)
    assert count(w.lead, PAGE) == count(w.engineer, PAGE) == 0
    alarm = await evening.staff_chat.wait_for_message(contains="вызываем")
    assert "Олег" in alarm.text and "Мария" in alarm.text
    assert (await ticket(evening)).emergency
    await evening.settled()
    # the manager's page is their one message about it: no separate "new ticket"
    assert len(w.manager.bot_messages) == 1
    card = next(m for m in evening.staff_chat.bot_messages if "Исполнитель" in (m.text or ""))
    assert "🚨 авария в нерабочее время" in card.text


async def test_a_page_repeats_until_acknowledged_and_the_employee_hears_who_is_on_it(
    evening: Desk,
):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await call_now(w.anna)
    first = await w.duty.wait_for_message(contains=PAGE)
    assert "Напоминание" not in first.text
    manager_page = await w.manager.wait_for_message(contains=PAGE)
    # hers is to know, not to act: no «Принял», or she would take the engineer's ticket
    assert "Для сведения: инженеры уже вызваны" in manager_page.text
    assert [b["text"] for row in manager_page.inline_keyboard for b in row] == ["Открыть карточку"]
    manager_ack = first.inline_keyboard[0][0]["callback_data"]
    await evening.move_clock(minutes=4)
    assert count(w.duty, PAGE) == 1
    await evening.move_clock(minutes=1)  # 20:05: the first repeat, numbered from 1
    reminder = await w.duty.wait_for_message(contains="Напоминание 1:")
    assert PAGE in reminder.text
    # the manager's page is edited in place: one message, however many repeats
    await w.manager.wait_until(lambda _t: "Напоминание 1:" in (manager_page.text or ""))
    assert len(w.manager.bot_messages) == 1

    press = await w.duty.press(ACK, message=reminder)
    answer = await press.wait_answered()
    assert "№1 ваша" in (answer.text or "")
    told = await w.anna.wait_for_message(contains="Олег")
    assert "№1" in told.text and "Решим до" not in told.text  # tonight, not by the contract
    taken = await ticket(evening)
    assert taken.status is TicketStatus.IN_PROGRESS and taken.assignee_tg_id == DUTY_ID

    # every copy of the page now says who took it and when, and offers no «Принял»
    await evening.settled()
    copies = [*w.duty.bot_messages, manager_page]
    assert len(copies) == 3
    for copy in copies:
        assert TAKEN_BY_OLEG + "20:05" in (copy.text or ""), copy.text
        assert [b["text"] for row in copy.inline_keyboard or [] for b in row] == [
            "Открыть карточку"
        ]
        assert "Нажмите «Принял»" not in (copy.text or "")
    assert len(w.manager.bot_messages) == 1  # edited, not told again

    await evening.move_clock(minutes=30)  # no more repeats, nobody else is paged
    assert count(w.duty, PAGE) == 2 and count(w.manager, PAGE) == 1
    assert count(w.lead, PAGE) == 0

    # Мария presses «Принял» anyway (a forged press with the engineer's button), too late
    late = await w.manager.press_with_data(manager_page, manager_ack)
    assert "Олег уже занимается этой заявкой" in ((await late.wait_answered()).text or "")
    assert (await ticket(evening)).assignee_tg_id == DUTY_ID


async def test_nobody_answers_the_page_goes_to_the_leads_then_the_admins(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await call_now(w.anna)
    await w.duty.wait_for_message(contains=PAGE)
    await evening.move_clock(minutes=5)  # 20:05: the second try
    await evening.move_clock(minutes=5)  # 20:10: the third
    assert count(w.duty, PAGE) == 3 and count(w.lead, PAGE) == 0
    assert count(w.anna, "никто не ответил") == 0
    await evening.move_clock(minutes=5)  # 20:15: three tries unanswered: the leads
    up = await w.lead.wait_for_message(contains=PAGE)
    assert "Никто не принял вызов вовремя" in up.text
    # the employee hears, once, that we are still reaching somebody, and who next
    still = await w.anna.wait_for_message(contains="пока никто не ответил")
    assert "№1" in still.text and "вызываем руководителя смены" in still.text
    assert count(w.duty, PAGE) == 3 and count(w.admin, PAGE) == 0
    for _ in range(3):  # the lead is reminded too, then it goes to the admins
        await evening.move_clock(minutes=5)
    assert count(w.lead, PAGE) == 3
    await w.admin.wait_for_message(contains=PAGE)
    assert count(w.engineer, PAGE) == 0
    await evening.settled()
    assert count(w.anna, "пока никто не ответил") == 1  # not again for the admins

    late = await w.duty.press(ACK)  # the on-duty engineer wakes up after all
    assert "№1 ваша" in ((await late.wait_answered()).text or "")
    await w.anna.wait_for_message(contains="Олег")
    await evening.settled()
    for person in (w.duty, w.manager, w.lead, w.admin):  # every copy, every level
        pages = [m.text or "" for m in person.bot_messages if PAGE in (m.text or "")]
        assert pages and all(TAKEN_BY_OLEG + "20:30" in t for t in pages), person
    await evening.move_clock(minutes=30)
    assert count(w.admin, PAGE) == 1 and count(w.lead, PAGE) == 3


async def test_a_highest_incident_is_called_in_with_one_more_tap(evening: Desk):
    w = await world(evening)
    card = await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    assert buttons(w.anna)[:2] == [EMERGENCY, WAIT]
    assert "можем вызвать дежурного инженера" in card and "оплачивается отдельно" in card
    assert "Крайние сроки по договору: ответ до завтра 09:30" in card  # the fallback only
    question = await confirmation(w.anna)
    assert "сверх тарифа" in question
    await evening.settled()
    assert count(w.duty, PAGE) == 0
    registered = await send(w.anna, CALL)
    assert "сейчас дежурит Олег" in registered
    await w.duty.wait_for_message(contains=PAGE)
    await w.manager.wait_for_message(contains=PAGE)
    # the ticket's thread says who is called to work on it, and who is told to know
    assert evening.staff_chat is not None
    thread = await evening.staff_chat.wait_for_message(contains="нерабочее время, вызываем")
    assert "вызываем: Олег. Для сведения: Мария." in thread.text


async def test_a_highest_incident_that_can_wait_until_the_morning_pages_nobody(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    registered = await send(w.anna, WAIT)
    assert "Возьмём её в работу завтра в 09:00" in registered
    assert "Ответим до завтра 09:30" in registered and "дежурн" not in registered
    await evening.move_clock(minutes=30)
    for person in (w.duty, w.manager, w.lead, w.admin):
        assert count(person, PAGE) == 0
    found = await ticket(evening)
    assert not found.emergency  # no extra charge
    assert found.status is TicketStatus.NEW


async def test_the_summarys_own_choices_typed_work_as_its_buttons(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await w.anna.send("подождёт до утра")  # the button's words, typed on the summary
    registered = await w.anna.wait_for_message(contains="принята")
    assert "Возьмём её в работу завтра в 09:00" in registered.text
    await evening.settled()
    assert count(w.duty, PAGE) == 0 and not (await ticket(evening)).emergency

    await w.anna.command("new")
    await w.anna.wait_for_message(contains="Опишите")
    await summary(w.anna, "сервер снова упал, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await w.anna.send("авария, вызывайте")
    await w.anna.wait_for_message(contains=CONFIRM)
    await w.anna.send("ну что там??")  # nobody is called until she says so
    await w.anna.wait_for_message(contains="пока никого не вызываем")
    await evening.settled()
    assert count(w.duty, PAGE) == 0
    await w.anna.send("да")
    await w.duty.wait_for_message(contains=PAGE)


async def test_typed_yes_and_no_answer_the_call_question(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await w.anna.send("отправить")  # sending a Highest incident asks first
    await w.anna.wait_for_message(contains=CONFIRM)
    await w.anna.send("нет, подождёт")
    registered = await w.anna.wait_for_message(contains="принята")
    assert "завтра в 09:00" in registered.text
    await evening.settled()
    assert count(w.duty, PAGE) == 0

    await w.anna.command("new")  # a new problem, not a word more about №1
    await w.anna.wait_for_message(contains="Опишите")
    await summary(w.anna, "сервер снова упал, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await confirmation(w.anna)
    await w.anna.send("да")
    registered = await w.anna.wait_for_message(contains="принята")
    assert "сейчас дежурит Олег" in registered.text
    page = await w.duty.wait_for_message(contains=PAGE)
    assert "№2" in page.text


async def test_a_lower_priority_emergency_needs_the_confirmation_tap(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await confirmation(w.anna)
    registered = await send(w.anna, NO_CALL)  # she thinks again: it can wait
    assert "Возьмём её в работу завтра в 09:00" in registered
    await evening.move_clock(minutes=15)
    assert count(w.duty, PAGE) == count(w.manager, PAGE) == 0
    assert not (await ticket(evening)).emergency


async def test_a_round_the_clock_client_pages_the_duty_engineer_at_once(evening: Desk):
    w = await world(evening, round_the_clock=True)
    card = await summary(
        w.anna, "не работает 1С, не могу работать", "Нет, работа стоит", "Только меня"
    )
    assert EMERGENCY not in buttons(w.anna) and "круглосуточная поддержка" in card
    assert "оплачивается отдельно" not in card
    registered = await send(w.anna)
    # the High ticket runs on the round-the-clock clock: an answer within the hour
    assert "круглосуточная поддержка" in registered and "сейчас дежурит Олег" in registered
    assert "Ответим до 21:00" in registered and "оплачивается" not in registered
    page = await w.duty.wait_for_message(contains="Круглосуточная поддержка")
    assert "№1" in page.text
    await evening.settled()
    assert count(w.manager, "Круглосуточная поддержка") == 0  # covered by the contract
    assert not (await ticket(evening)).emergency

    # a Standard ticket of the same client waits for the morning like any other
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    assert EMERGENCY in buttons(w.anna)


async def test_nobody_on_duty_pages_the_leads(evening: Desk):
    w = await world(evening, on_duty=False)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    registered = await call_now(w.anna)
    # the employee is told who is actually called: a gap in the rota is no "on-duty engineer"
    assert "вызываем руководителя смены" in registered and "дежурит" not in registered
    await w.lead.wait_for_message(contains=PAGE)
    await w.manager.wait_for_message(contains=PAGE)
    alarm = await evening.staff_chat.wait_for_message(contains="вызываем")
    assert "никто не дежурит" in alarm.text and "Пётр" in alarm.text


async def test_staff_see_who_is_on_duty_and_employees_do_not(evening: Desk):
    w = await world(evening)
    await evening.add_duty(LEAD_ID, msk(2026, 11, 24, 9, 0), msk(2026, 11, 24, 18, 0))
    await w.engineer.command("duty")
    duty = await w.engineer.wait_for_message(contains="Дежурит сейчас")
    assert "Олег, до завтра 09:00" in duty.text
    assert "Следующий: Пётр, завтра в 09:00, до завтра 18:00" in duty.text

    await w.anna.command("duty")
    answer = await w.anna.wait_for_message()
    assert "Олег" not in answer.text and "дежур" not in answer.text.lower()


async def test_leads_see_the_gaps_in_the_rota(evening: Desk):
    w = await world(evening)  # Олег: weeknights only, so the weekends are nobody's
    await w.lead.command("duty")
    duty = await w.lead.wait_for_message(contains="Дежурит сейчас")
    assert "в ближайшие две недели никто не дежурит" in duty.text
    assert "• суббота, 28 ноября 09:00 – понедельник, 30 ноября 09:00" in duty.text
    assert "• суббота, 5 декабря 09:00 – понедельник, 7 декабря 09:00" in duty.text

    await w.engineer.command("duty")  # the first line only needs who is on duty
    plain = await w.engineer.wait_for_message(contains="Дежурит сейчас")
    assert "никто не дежурит" not in plain.text

    await evening.add_weekly_duty(LEAD_ID, "sat,sun 09:00-09:00")
    await w.lead.command("duty")
    covered = await w.lead.wait_for_message(contains="Дежурит сейчас")
    assert "никто не дежурит" not in covered.text


async def test_duty_that_carries_on_without_a_break_reads_as_one(evening: Desk):
    w = await world(evening)  # Олег: mon-fri 18:00-09:00
    await evening.add_duty(DUTY_ID, msk(2026, 11, 24, 9, 0), msk(2026, 11, 24, 18, 0))
    await evening.add_duty(LEAD_ID, msk(2026, 11, 25, 9, 0), msk(2026, 11, 25, 18, 0))

    await w.engineer.command("duty")

    duty = await w.engineer.wait_for_message(contains="Дежурит сейчас")
    # tonight, tomorrow's day shift and tomorrow night are one duty: Олег hands over on Wednesday
    assert "Олег, до среды 09:00" in duty.text
    assert "Следующий: Пётр, в среду в 09:00, до среды 18:00" in duty.text


async def test_a_forged_or_stale_acknowledge_is_refused_politely(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)

    stale = await w.duty.press_with_data(page, "pg:999:ack")
    assert "неактуален" in ((await stale.wait_answered()).text or "")
    forged = await w.anna.press_with_data(page, page.inline_keyboard[0][0]["callback_data"])
    assert "не действует" in ((await forged.wait_answered()).text or "")
    await evening.settled()
    assert (await ticket(evening)).status is TicketStatus.NEW
    assert count(w.anna, "Олег") == 1  # who is called, on registering; nobody took it


async def test_pages_and_the_employee_speak_english_too(evening: Desk):
    w = await world(evening, anna_locale="en")
    async with evening.db.unit_of_work() as uow:
        oleg = await uow.staff.get(DUTY_ID)
        oleg.locale = "en"
        await uow.staff.update(oleg)
        await uow.commit()
    await w.anna.send("the printer does not print")
    await shown(w.anna, "right?")
    await w.anna.press("Yes, right")
    await shown(w.anna, "work")
    await w.anna.press("Yes, but it is hard or slow")
    await shown(w.anna, "affected")
    await w.anna.press("Only me")
    card = await shown(w.anna, "Your request")
    assert "«It's an emergency»" in card
    await w.anna.press("🚨 It's an emergency, I need help now")
    await w.anna.wait_until(lambda t: "Call the on-duty engineer now?" in (t[-1].text or ""))
    assert "paid separately, beyond the plan" in (w.anna.last_bot_message.text or "")
    await w.anna.press("🚨 Yes, call now")
    registered = await w.anna.wait_for_message(contains="registered")
    assert "We are calling the on-duty engineer: Олег is on duty now." in registered.text
    assert "Your personal manager knows too." in registered.text
    page = await w.duty.wait_for_message(contains="After-hours emergency")
    assert [b["text"] for row in page.inline_keyboard for b in row] == [
        "✅ Acknowledge",
        "Open the card",
    ]
    await (await w.duty.press("✅ Acknowledge", message=page)).wait_answered()
    told = await w.anna.wait_for_message(contains="Олег")
    assert "has taken your request #1" in told.text
    await w.duty.wait_until(lambda _t: "Acknowledged by Олег at 20:00." in (page.text or ""))


async def test_a_request_cancelled_at_night_stops_the_pages(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)
    ack = page.inline_keyboard[0][0]["callback_data"]
    await w.anna.press_keyboard_button("📋 Мои заявки")
    await w.anna.wait_for_message(contains="Ваши заявки")
    await w.anna.press("№1 · не печатает принтер")
    await w.anna.wait_until(lambda t: "Статус" in (t[-1].text or ""))
    await w.anna.press("✖ Отменить заявку")
    await w.anna.wait_until(lambda t: "Отменить заявку №1?" in (t[-1].text or ""))
    await w.anna.press("✖ Да, отменить")
    await w.anna.wait_until(lambda t: "отменена" in (t[-1].text or ""))

    off = await w.duty.wait_for_message(contains="вызов снят")
    assert "№1" in off.text
    await w.manager.wait_for_message(contains="вызов снят")
    await evening.move_clock(minutes=15)
    assert count(w.duty, PAGE) == count(w.manager, PAGE) == 1
    assert count(w.lead, PAGE) == 0
    # the page itself says so too, and offers no «Принял»
    assert "заявка отменена, вызов снят" in (page.text or "") and ACK not in str(
        page.inline_keyboard
    )
    late = await w.duty.press_with_data(page, ack)  # a client that kept the old button
    assert "неактуален" in ((await late.wait_answered()).text or "")


async def test_taking_the_ticket_from_the_card_stops_the_pages(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)
    ack = page.inline_keyboard[0][0]["callback_data"]
    card = await evening.staff_chat.wait_for_message(contains="Исполнитель")
    await (
        await w.engineer.press("🙋 Взять", message=card, chat=evening.staff_chat)
    ).wait_answered()
    await w.anna.wait_for_message(contains="Иван")
    await evening.move_clock(minutes=20)
    assert count(w.duty, PAGE) == count(w.manager, PAGE) == 1 and count(w.lead, PAGE) == 0
    # the page says who has it now and asks nobody to acknowledge it
    assert "✅ В работе: Иван, с 20:00." in (page.text or "")
    assert ACK not in str(page.inline_keyboard)
    late = await w.duty.press_with_data(page, ack)  # a client that kept the old button
    assert "Иван уже занимается этой заявкой" in ((await late.wait_answered()).text or "")


async def test_a_page_pending_across_a_restart_repeats_once(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, start=MONDAY_EVENING) as desk:
        w = await world(desk)
        await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
        await call_now(w.anna)
        await w.duty.wait_for_message(contains=PAGE)
        await desk.move_clock(minutes=2)
    # Down from 20:02 to 20:07: the repeat due at 20:05 goes out as soon as the bot is back.
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 23, 20, 7)) as desk:
        await w.duty.wait_for_message(contains="Напоминание 1:")
        await desk.settled()
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 23, 20, 8)) as desk:
        await desk.settled()
        assert count(w.duty, PAGE) == 2 and count(w.manager, PAGE) == 1  # hers is edited
        await desk.move_clock(minutes=4)  # 20:12: five minutes after the repeat
        await w.duty.wait_for_message(contains="Напоминание 2:")
        assert count(w.duty, PAGE) == 3


@pytest.mark.parametrize("typed", ["до утра не подождёт", "ждать не можем, пришлите кого-нибудь"])
async def test_waiting_denied_in_words_calls_the_duty_engineer(evening: Desk, typed: str):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await w.anna.send(typed)  # on the summary: "It's an emergency", not "it can wait"
    await w.anna.wait_for_message(contains=CONFIRM)
    await w.anna.send(typed)  # and again to "call now?": yes
    registered = await w.anna.wait_for_message(contains="принята")
    assert "сейчас дежурит Олег" in registered.text
    await w.duty.wait_for_message(contains=PAGE)
    assert (await ticket(evening)).emergency


async def test_call_someone_now_in_english_is_the_emergency_not_another_problem(evening: Desk):
    w = await world(evening, anna_locale="en")
    await w.anna.send("server is down, nobody can work!!!")
    await shown(w.anna, "Is that right?")
    await w.anna.send("yes")
    await shown(w.anna, "Can you work right now?")
    await w.anna.send("no")
    await shown(w.anna, "Who is affected?")
    await w.anna.send("everyone")
    await shown(w.anna, "Your request")
    await w.anna.send("call someone now")
    await w.anna.wait_for_message(contains="Call the on-duty engineer now?")
    assert not any("another problem" in t for t in texts(w.anna))
    await w.anna.send("we can't wait")
    registered = await w.anna.wait_for_message(contains="registered")
    assert "Олег" in registered.text
    await w.duty.wait_for_message(contains=PAGE)


async def test_a_typed_choice_takes_the_buttons_off_the_card(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await w.anna.send("подождёт до утра")
    await w.anna.wait_for_message(contains="принята")
    await evening.settled()
    summaries = [m for m in w.anna.bot_messages if "Ваша заявка" in (m.text or "")]
    assert summaries and not any(m.inline_keyboard for m in summaries)


async def test_news_asked_of_a_called_emergency_say_the_engineer_is_called(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "не печатает принтер", "С трудом", "Только меня")
    await call_now(w.anna)
    await w.anna.send("что с моей заявкой?")
    said = await w.anna.wait_for_message(contains="вызываем дежурного инженера")
    # not the contract's morning: the on-duty engineer works it now, and hears the question
    assert "завтра" not in said.text and "передал в поддержку" in said.text
    await evening.staff_chat.wait_for_message(contains="что с моей заявкой?")


async def test_the_duty_engineer_who_types_accepted_on_the_page_acknowledges_it(evening: Desk):
    """«принял» typed instead of pressed: as «✅ Принял» does, not a text for the client."""
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)
    manager_page = await w.manager.wait_for_message(contains=PAGE)
    await evening.move_clock(minutes=2)
    await w.duty.send("принял")
    said = await w.duty.wait_for_message(contains="№1 ваша")
    assert "клиенту сообщили" in said.text
    told = await w.anna.wait_for_message(contains="Олег")
    assert "№1" in told.text
    assert not any("принял" in t for t in texts(w.anna))  # no «Ответ по заявке: принял»
    await evening.settled()
    for copy in (page, manager_page):
        assert TAKEN_BY_OLEG + "20:02" in (copy.text or ""), copy.text
        assert ACK not in str(copy.inline_keyboard)
    taken = await ticket(evening)
    assert taken.status is TicketStatus.IN_PROGRESS and taken.assignee_tg_id == DUTY_ID
    # his «ок, смотрю» as a reply to the page now: nothing more for the client either
    await w.duty.send("ок, смотрю", reply_to=page)
    await w.duty.wait_for_message(contains="№1 уже ваша")
    await evening.move_clock(minutes=20)
    assert count(w.duty, PAGE) == 1 and count(w.lead, PAGE) == 0
    assert not any("смотрю" in t for t in texts(w.anna))


async def test_answering_the_client_instead_of_acknowledging_settles_the_page(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)
    manager_page = await w.manager.wait_for_message(contains=PAGE)
    await w.duty.send("Подключаюсь удалённо, сервер не перезагружайте", reply_to=page)
    await w.duty.wait_for_message(contains="Отправлено клиенту")
    answer = await w.anna.wait_for_message(contains="Подключаюсь удалённо")
    # she hears who is on it, before the answer, as after «Принял»
    who = texts(w.anna).index(next(t for t in texts(w.anna) if "занимается Олег" in t))
    assert who < texts(w.anna).index(answer.text)
    await evening.settled()
    for copy in (page, manager_page):
        assert TAKEN_BY_OLEG + "20:00" in (copy.text or ""), copy.text
        assert ACK not in str(copy.inline_keyboard)
    await evening.move_clock(minutes=20)
    assert count(w.duty, PAGE) == count(w.manager, PAGE) == 1 and count(w.lead, PAGE) == 0


async def test_beru_on_a_paged_tickets_card_in_the_staff_chat_answers_the_page(evening: Desk):
    w = await world(evening)
    await summary(w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис")
    await call_now(w.anna)
    page = await w.duty.wait_for_message(contains=PAGE)
    card = await evening.staff_chat.wait_for_message(contains="Исполнитель")
    await w.engineer.send("беру", chat=evening.staff_chat, reply_to=card)
    await evening.staff_chat.wait_for_message(contains="№1 ваша: клиенту сообщили")
    await w.anna.wait_for_message(contains="Иван")
    await evening.settled()
    assert "✅ Вызов принят: Иван, 20:00." in (page.text or "")
    assert ACK not in str(page.inline_keyboard)
    assert (await ticket(evening)).assignee_tg_id == ENGINEER_ID
    assert not any("беру" in t for t in texts(w.anna))


async def test_on_a_friday_night_the_wait_is_until_monday_never_the_morning(
    emulator: BotApiEmulator, tmp_path: Path
):
    friday_night = msk(2026, 11, 27, 21, 0)
    async with running_desk(emulator, tmp_path, start=friday_night) as desk:
        w = await world(desk)
        card = await summary(
            w.anna, "упал сервер, весь офис стоит", "Нет, работа стоит", "Весь офис"
        )
        assert "Если дело подождёт до понедельника, доплаты не будет." in card
        assert "до утра" not in card
        assert buttons(w.anna)[:2] == [EMERGENCY, "🌙 Подождёт до понедельника"]
        await confirmation(w.anna)
        assert buttons(w.anna)[:2] == [CALL, "🌙 Нет, подождёт до понедельника"]
        registered = await send(w.anna, "🌙 Нет, подождёт до понедельника")
        assert "Возьмём её в работу в понедельник в 09:00" in registered
        await desk.move_clock(minutes=30)
        assert count(w.duty, PAGE) == 0
