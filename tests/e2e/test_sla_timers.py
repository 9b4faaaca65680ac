"""SLA timers as the staff live them: a ticket nobody takes warns the first line, then
breaches to the personal manager (High, by day) and the leads, each exactly once, when the
business clock reaches the due time; the card turns red. Taking, waiting for the client, a
priority change and a restart of the bot all move or keep the timers as the contract says."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import BotApiEmulator, Person
from domain import StaffRole
from tests.e2e.harness import Desk, msk, running_desk
from tests.e2e.test_client_side import answer_questions, send_ticket
from tests.e2e.test_staff_desk import staff_world, texts

LEAD_ID = 604
REACTION_WARNING = "реакция нужна до"
REACTION_BREACH = "просрочено время реакции"
RESOLUTION_WARNING = "решить нужно до"


async def with_lead(desk: Desk) -> Person:
    await desk.add_staff(LEAD_ID, "Пётр", StaffRole.LEAD)
    return desk.emulator.create_user("Пётр", user_id=LEAD_ID, language_code="ru")


async def send_high(anna: Person, description: str = "не работает 1С, не могу работать") -> int:
    """Gold, High: the reaction is due in 1 working hour (warning at 45 min), the
    resolution in 8 (warning at 6)."""
    await anna.send(description)
    await answer_questions(anna, impact="Нет, работа стоит", scope="Только меня")
    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята")
    return int(accepted.text.split("№")[1].split()[0])


def count(person: Person, text: str) -> int:
    return sum(text in t for t in texts(person))


async def card_of(desk: Desk, number: int) -> str:
    """The ticket's card in the staff chat as it reads now (it is edited in place)."""
    assert desk.staff_chat is not None
    await desk.settled()
    texts_now = [m.text or "" for m in desk.staff_chat.bot_messages]
    return next(t for t in texts_now if f"№{number} ·" in t and "Исполнитель" in t)


async def test_a_ticket_nobody_takes_warns_then_breaches_once_each(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    lead = await with_lead(desk)
    number = await send_high(anna)
    await desk.settled()

    await desk.move_clock(minutes=44)  # 10:44: a minute before the warning
    assert count(engineer, REACTION_WARNING) == count(manager, REACTION_WARNING) == 0

    await desk.move_clock(minutes=1)  # 10:45: 75 % of the hour
    warning = await engineer.wait_for_message(contains=REACTION_WARNING)
    assert f"№{number}" in warning.text and "ООО Ромашка" in warning.text
    assert "реакция нужна до 11:00" in warning.text
    assert count(lead, f"№{number}") == 0  # leads hear of breaches, not warnings

    await desk.move_clock(minutes=14)  # 10:59
    assert count(manager, REACTION_BREACH) == 0
    await desk.move_clock(minutes=21)  # 11:20
    breach = await manager.wait_for_message(contains=REACTION_BREACH)
    assert "срок был 11:00" in breach.text and "Просрочено на 20 рабочих минут." in breach.text
    await lead.wait_for_message(contains=REACTION_BREACH)
    assert count(engineer, REACTION_BREACH) == 0
    # The staff chat's card stays as the breach left it until the next change: it says that
    # the target is missed, not by how much, which grows while nobody edits it.
    assert "Реакция до 23 ноября 11:00 · 🔴 просрочено\n" in await card_of(desk, number)

    await desk.move_clock(hours=2)  # more time passes: nothing is said twice
    assert count(engineer, REACTION_WARNING) == 1
    assert count(manager, REACTION_WARNING) == 0  # the manager's digest has what can wait
    for person in (manager, lead):
        assert count(person, REACTION_BREACH) == 1


async def test_taking_the_ticket_before_the_warning_means_no_warning(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number = await send_high(anna)
    card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    await desk.move_clock(minutes=30)
    await (await engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)).wait_answered()
    await anna.wait_for_message(contains="Иван")
    await desk.move_clock(hours=1)
    assert count(engineer, REACTION_WARNING) == count(manager, REACTION_WARNING) == 0
    assert count(manager, REACTION_BREACH) == 0
    assert "просрочено" not in await card_of(desk, number)


async def test_waiting_for_the_client_pauses_the_resolution_clock(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_high(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    await desk.move_clock(minutes=30)  # 10:30: 7 h 30 min of the 8 are left
    await engineer.press("❓ Вопрос клиенту", message=card, chat=chat)
    await chat.wait_for_message(contains="вопрос")
    await engineer.send("Какая ошибка на экране?", chat=chat)
    question = await anna.wait_for_message(contains="Какая ошибка")
    await desk.settled()
    paused = await card_of(desk, number)
    assert "ждём ответа клиента" in paused
    assert "⏸ ждём клиента: отсчёт решения приостановлен" in paused

    # Without the pause, the warning would come at 16:00 and the breach at 18:00.
    await desk.move_clock_to(msk(2026, 11, 24, 10, 0))
    assert count(engineer, RESOLUTION_WARNING) == count(manager, RESOLUTION_WARNING) == 0
    assert count(manager, "просрочено") == 0

    await anna.press("💬 Ответить", message=question)
    await anna.wait_for_message(contains="комментарий")
    await anna.send("Пишет «нет связи с сервером»")
    await anna.wait_for_message(contains="Добавлено")
    await desk.move_clock_to(msk(2026, 11, 24, 15, 29))
    assert count(engineer, RESOLUTION_WARNING) == 0
    await desk.move_clock(minutes=1)  # 6 of the 8 working hours have run
    warning = await engineer.wait_for_message(contains=RESOLUTION_WARNING)
    assert "17:30" in warning.text  # Tuesday 10:00 + the 7 h 30 min that were left


async def test_a_priority_change_moves_the_timers(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    number = await send_ticket(anna)  # Gold, Standard: an answer within 4 h
    await desk.move_clock(minutes=10)
    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(contains=f"№{number}")
    await engineer.press("⚡ Приоритет", message=card)
    await engineer.wait_for_message(contains="Новый приоритет")
    await engineer.press("Высокий")
    await engineer.wait_until(lambda t: any("почему" in (m.text or "") for m in t))
    await engineer.send("Бухгалтерия сдаёт отчёт сегодня")
    await engineer.wait_for_message(contains="клиенту сообщили")

    await desk.move_clock_to(msk(2026, 11, 23, 10, 45))  # High: 45 min of the hour
    warning = await engineer.wait_for_message(contains=REACTION_WARNING)
    assert f"№{number}" in warning.text and "11:00" in warning.text
    await desk.move_clock_to(msk(2026, 11, 23, 11, 0))
    await manager.wait_for_message(contains=REACTION_BREACH)
    await desk.move_clock_to(msk(2026, 11, 23, 14, 0))  # the Standard times are gone
    assert count(engineer, REACTION_WARNING) == count(manager, REACTION_BREACH) == 1


async def test_a_timer_pending_across_a_restart_fires_once_after_it(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path) as desk:
        anna, engineer, manager = await staff_world(desk)
        number = await send_high(anna)
        await desk.move_clock(minutes=30)
        await desk.settled()
    # The bot is down from 10:30 to 10:50; the warning fell due at 10:45.
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 23, 10, 50)) as desk:
        warning = await engineer.wait_for_message(contains=REACTION_WARNING)
        assert f"№{number}" in warning.text
        await desk.settled()
    async with running_desk(emulator, tmp_path, start=msk(2026, 11, 23, 10, 55)) as desk:
        await desk.settled()
        await desk.move_clock(minutes=5)  # 11:00: the breach, once
        await manager.wait_for_message(contains=REACTION_BREACH)
        await desk.move_clock(minutes=30)
    assert count(engineer, REACTION_WARNING) == 1
    assert count(manager, REACTION_BREACH) == 1
    assert count(anna, "Простите") == 1  # the apology, once


async def send_low(anna: Person) -> int:
    """Gold, Low: the reaction is due in 32 working hours, the resolution in 64."""
    await anna.send("сканер медленно сканирует, работать не мешает")
    await answer_questions(anna, impact="Да, не мешает", scope="Только меня")
    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята")
    return int(accepted.text.split("№")[1].split()[0])


async def test_working_time_is_shown_in_working_hours_never_as_days(desk: Desk):
    """64 working hours from Monday 10:00 run to the Wednesday after next, nine days away:
    "64 раб. ч", never "2 дня 16 часов"; a reaction late by four days and three hours of the
    clock is late by "21 рабочий час"; the client sees the due time, never an amount."""
    anna, engineer, _manager = await staff_world(desk)
    lead = await with_lead(desk)
    number = await send_low(anna)  # Monday 10:00
    await desk.settled()

    await engineer.command("queue")
    queue = await engineer.wait_for_message(contains="Открытые заявки")
    assert "на 10:00" in queue.text
    # nobody has answered yet: the answer is the nearest promise
    assert "ответ до четверга 15:00 · осталось 32 раб. ч" in queue.text
    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(contains="Исполнитель")
    assert "Реакция до четверга 15:00 · осталось 32 раб. ч (на 10:00)" in card.text
    assert "Решение до 2 декабря 11:00 · осталось 64 раб. ч (на 10:00)" in card.text
    in_chat = await card_of(desk, number)
    assert "Решение до 2 декабря 11:00\n" in in_chat and "осталось" not in in_chat
    assert "дн" not in queue.text + card.text + in_chat

    # The reaction was due on Thursday at 15:00; the bot hears of it on the next Monday at
    # 18:00: 3 working hours on Thursday, 9 on Friday, 9 on Monday.
    await desk.move_clock_to(msk(2026, 11, 30, 18, 0))
    breach = await lead.wait_for_message(contains=REACTION_BREACH)
    assert "Просрочено на 21 рабочий час." in breach.text
    in_chat = await card_of(desk, number)
    assert "Реакция до 26 ноября 15:00 · 🔴 просрочено\n" in in_chat
    assert "Решение до среды 11:00 · ⚠️ скоро срок\n" in in_chat

    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(
        lambda m: "Исполнитель" in (m.text or "") and "на 18:00" in (m.text or "")
    )
    assert "🔴 просрочено на 21 раб. ч (на 18:00)" in card.text
    assert "осталось 11 раб. ч (на 18:00)" in card.text

    await anna.command("my")
    mine = await anna.wait_for_message(contains="Ваши заявки")
    assert "новая · решим до среды 11:00" in mine.text and "осталось" not in mine.text


async def test_the_queue_shows_the_answer_due_until_somebody_answers_then_the_fix(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_low(anna)  # Monday 10:00: answer by Thursday 15:00
    await desk.settled()
    await desk.move_clock(hours=78)  # Thursday 16:00: the answer is an hour late
    await engineer.command("queue")
    queue = await engineer.wait_for_message(contains="Открытые заявки")
    assert "ответ до 15:00 · 🔴 просрочено на 1 раб. ч" in queue.text

    assert desk.staff_chat is not None
    card = next(m for m in desk.staff_chat.bot_messages if f"№{number} ·" in (m.text or ""))
    await (await engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)).wait_answered()
    await anna.wait_for_message(contains="Иван")
    await engineer.command("queue")
    queue = await engineer.wait_for_message(contains="Открытые заявки")
    assert "ответ до" not in queue.text
    assert "в работе · до среды 11:00 · осталось 31 раб. ч" in queue.text
