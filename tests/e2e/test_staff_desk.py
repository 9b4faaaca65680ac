"""A ticket's whole life in Telegram: the staff chat card, staff buttons and replies, the
employee hearing about every step, the personal manager pinged; each notice exactly once."""

from __future__ import annotations

import html
import re

import pytest

from bot.sandbox import BotApiEmulator, Person
from domain import StaffRole, TicketKind, TicketStatus
from domain.enums import Scope, WorkImpact
from domain.use_cases import accounts, intake
from tests.e2e.harness import Desk, running_desk
from tests.e2e.test_client_side import send_ticket

ENGINEER_ID, MANAGER_ID = 601, 602


async def staff_world(desk: Desk) -> tuple[Person, Person, Person]:
    await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.MANAGER)
    engineer = desk.emulator.create_user("Иван", user_id=ENGINEER_ID, language_code="ru")
    manager = desk.emulator.create_user("Мария", user_id=MANAGER_ID, language_code="ru")
    assert desk.staff_chat is not None
    desk.staff_chat.add_member(engineer)
    desk.staff_chat.add_member(manager)
    client = await desk.add_client("ООО Ромашка", manager_tg_id=MANAGER_ID)
    anna = desk.person("Анна")
    await desk.register(anna, client)
    return anna, engineer, manager


async def ticket_status(desk: Desk, number: int) -> TicketStatus:
    async with desk.db.unit_of_work() as uow:
        return (await uow.tickets.get(number)).status


def texts(person: Person) -> list[str]:
    return [m.text or m.caption or "" for m in person.bot_messages]


async def test_a_ticket_lives_its_whole_life_in_telegram(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)

    card = await chat.wait_for_message(contains=f"№{number}")
    assert (
        "ООО Ромашка" in card.text
        and "Анна" in card.text
        and "Исполнитель: пока никто" in card.text
    )
    ping = await manager.wait_for_message(contains=f"№{number}")
    assert "ООО Ромашка" in ping.text

    await (await engineer.press("🙋 Взять", message=card, chat=chat)).wait_answered()
    taken = await anna.wait_for_message(contains="Иван")
    assert f"№{number}" in taken.text
    await chat.wait_until(lambda _t: "Исполнитель: Иван" in (card.text or ""))

    await engineer.press("❓ Вопрос клиенту", message=card, chat=chat)
    await chat.wait_for_message(contains="вопрос")
    await engineer.send("Какая модель принтера?", chat=chat)
    question = await anna.wait_for_message(contains="Какая модель")
    assert await ticket_status(desk, number) is TicketStatus.WAITING_CLIENT
    await anna.press("💬 Ответить", message=question)
    await anna.wait_for_message(contains="комментарий")
    await anna.send("HP 1020")
    await anna.wait_for_message(contains="Добавлено")
    relayed = await chat.wait_for_message(contains="HP 1020")
    assert f"№{number}" in relayed.text
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS

    await engineer.send("Поменяем картридж через полчаса", chat=chat, reply_to=card)
    answer = await anna.wait_for_message(contains="картридж")
    assert f"Ответ по заявке №{number}" in answer.text
    await engineer.send("!клиент капризный", chat=chat, reply_to=card)
    await chat.wait_for_message(contains="Внутренняя заметка")

    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.send("Заменили картридж", chat=chat)
    resolved = await anna.wait_for_message(contains="решена")
    assert "Заменили картридж" in resolved.text
    await anna.press("✅ Всё работает", message=resolved)
    await anna.wait_until(lambda _t: "Оцените" in (anna.last_bot_message.text or ""))
    await anna.press("5")
    await anna.wait_for_message(contains="Спасибо за оценку")
    assert await ticket_status(desk, number) is TicketStatus.CLOSED
    await chat.wait_until(lambda _t: "закрыта" in (card.text or ""))

    # every step reached the employee once, and the internal note never did
    employee_texts = texts(anna)
    assert sum(t.startswith("Вашей заявкой") and "Иван" in t for t in employee_texts) == 1
    assert sum(t.startswith("Вопрос по заявке") for t in employee_texts) == 1
    assert sum(t.startswith("Ответ по заявке") for t in employee_texts) == 1
    assert not any("капризный" in t for t in employee_texts)
    manager_texts = [t for t in texts(manager) if f"№{number}" in t]
    assert sum(t.startswith("Новая заявка") for t in manager_texts) == 1
    # the answer is the engineer's business; the manager heard of the ticket itself
    assert not [t for t in manager_texts if "HP 1020" in t]


async def test_someone_who_is_not_staff_cannot_press_staff_buttons(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    intruder = desk.person("Посторонний")
    desk.staff_chat.add_member(intruder)
    number = await send_ticket(anna)
    card = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    press = await intruder.press("🙋 Взять", message=card, chat=desk.staff_chat)
    answer = await press.wait_answered()
    assert "только сотрудники поддержки" in (answer.text or "")
    assert await ticket_status(desk, number) is TicketStatus.NEW


async def test_in_a_forum_every_ticket_gets_its_own_topic(emulator: BotApiEmulator, tmp_path):
    async with running_desk(emulator, tmp_path, forum=True) as desk:
        anna, engineer, _manager = await staff_world(desk)
        number = await send_ticket(anna, "не работает 1С у бухгалтера")
        chat = desk.staff_chat
        card = await chat.wait_for_message(contains=f"№{number}")
        topic = chat.topics[-1]
        assert topic.name.startswith(f"№{number} · ООО Ромашка · не работает 1С")
        assert card.thread_id == topic.message_thread_id
        await engineer.send(
            "Подключусь удалённо через 5 минут", chat=chat, thread=topic.message_thread_id
        )
        answer = await anna.wait_for_message(contains="Подключусь")
        assert f"№{number}" in answer.text
        await engineer.press("✅ Решено", message=card, chat=chat)
        await chat.wait_for_message(contains="что сделано")
        await engineer.press("Решено без комментария", chat=chat)
        resolved = await anna.wait_for_message(contains="решена")
        await anna.press("✅ Всё работает", message=resolved)
        await chat.wait_until(lambda _t: chat.topics[-1].is_closed)


async def test_a_long_description_reaches_the_staff_whole(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    long_text = "Не работает 1С: " + " ".join(f"шаг{i}" for i in range(1500))
    parts = [long_text[i : i + 4000] for i in range(0, len(long_text), 4000)]
    await anna.send(parts[0])
    await anna.wait_for_message(contains="Верно?")
    for part in parts[1:]:
        await anna.send(part)
        await anna.wait_for_message(contains="Добавил")
    from tests.e2e.test_client_side import answer_questions

    await answer_questions(anna)
    await anna.press("✅ Отправить")
    await anna.wait_for_message(contains="принята")
    assert await desk.outbox_drained()
    relayed = "".join((m.text or "").removeprefix("№1\n") for m in desk.staff_chat.bot_messages[1:])
    # Telegram trims each message, so compare the words, not the spaces at the cuts
    assert "".join(relayed.split()) == "".join(long_text.split())


async def test_staff_get_their_own_command_menu(desk: Desk):
    _anna, engineer, _manager = await staff_world(desk)
    await engineer.command("start")
    await engineer.wait_for_message(contains="сотрудник поддержки")
    await desk.emulator.wait_idle()
    menu = desk.emulator.commands({"type": "chat", "chat_id": ENGINEER_ID})
    assert [c["command"] for c in menu][:3] == ["queue", "mine", "t"]
    employee_menu = desk.emulator.commands({"type": "all_private_chats"}, "ru")
    assert [c["command"] for c in employee_menu][:2] == ["new", "my"]


async def test_staff_help_says_what_each_command_does_and_my_lists_their_tickets(desk: Desk):
    _anna, engineer, _manager = await staff_world(desk)
    await engineer.command("help")
    help_ = await engineer.wait_for_message(contains="Команды для сотрудников поддержки")
    assert "/queue — " in help_.text and "/mine — " in help_.text and "/t — " in help_.text
    await engineer.command("my")  # the employees' word for it: his own queue, empty yet
    await engineer.wait_for_message(contains="Открытых заявок нет")


async def test_a_manager_who_wants_only_urgent_tickets_is_not_pinged_for_the_rest(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        from domain.use_cases import accounts

        await accounts.add_staff(
            uow,
            desk.clock,
            tg_id=MANAGER_ID,
            name="Мария",
            role=StaffRole.MANAGER,
            notify_all_priorities=False,
        )
        await uow.commit()
    await send_ticket(anna)  # Standard: no ping
    assert await desk.outbox_drained()
    from tests.e2e.test_client_side import answer_questions

    await anna.send("сервер упал, никто не работает")
    await answer_questions(anna, impact="Нет, работа стоит", scope="Весь офис")
    await anna.press("✅ Отправить")
    ping = await manager.wait_for_message(contains="№2")
    assert "Высший" in ping.text
    assert not any("№1" in (m.text or "") for m in manager.bot_messages)


async def test_staff_work_from_their_private_chat_too(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    first = await send_ticket(anna)
    second = await send_ticket(anna, "не работает почта у бухгалтера")
    await engineer.command("queue")
    queue = await engineer.wait_for_message(contains="Открытые заявки")
    assert f"№{first}" in queue.text and f"№{second}" in queue.text
    await engineer.command("t", str(second))
    card = await engineer.wait_for_message(contains=f"№{second}")
    await (await engineer.press("🙋 Взять", message=card)).wait_answered()
    await engineer.command("mine")
    mine = await engineer.wait_for_message(contains="Мои открытые заявки")
    assert f"№{second}" in mine.text and f"№{first} " not in mine.text

    await engineer.press("⚡ Приоритет", message=card)
    await engineer.wait_for_message(contains="Новый приоритет")
    await engineer.press("Высокий")
    await engineer.wait_until(lambda t: any("почему" in (m.text or "") for m in t))
    await engineer.send("Бухгалтерия сдаёт отчёт сегодня")
    await engineer.wait_for_message(contains="клиенту сообщили")
    told = await anna.wait_for_message(contains="Приоритет вашей заявки")
    assert "высокий" in told.text and "Бухгалтерия сдаёт отчёт сегодня" in told.text
    assert "Решим до" in told.text

    await engineer.send_photo(
        caption="Вот так должна выглядеть настройка",
        chat=desk.staff_chat,
        reply_to=await desk.staff_chat.wait_for_message(contains=f"№{second}"),
    )
    answer = await anna.wait_for_message(contains=f"Ответ по заявке №{second}")
    assert "Вот так должна выглядеть настройка" in answer.text
    await anna.wait_for_message(lambda m: m.kind == "photo")


@pytest.mark.real_flood_limits
@pytest.mark.slow
async def test_when_many_file_at_once_every_ticket_is_in_the_staff_chat_within_seconds(
    emulator: BotApiEmulator, tmp_path
):
    # The cards still queued at the end need minutes: the bot stops without waiting.
    async with running_desk(emulator, tmp_path, SHUTDOWN_FLUSH_SECONDS=0) as desk:
        await many_file_at_once(desk)


async def many_file_at_once(desk: Desk) -> None:
    emulator, chat = desk.emulator, desk.staff_chat
    assert chat is not None
    await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
    engineer = emulator.create_user("Иван", user_id=ENGINEER_ID, language_code="ru")
    chat.add_member(engineer)
    client = await desk.add_client("ООО Ромашка")
    many = 40  # twice what Telegram lets into a group in a minute
    code = await desk.invite(client, uses=many)
    people = [desk.person(f"Сотрудник {n}") for n in range(many)]
    numbers = []
    for person in people:  # everyone files at once: a printer outage in the whole office
        async with desk.db.unit_of_work() as uow:
            await accounts.register_employee(
                uow, desk.clock, code=code, tg_id=person.id, name=person.first_name
            )
            outcome = await intake.open_ticket(
                uow,
                desk.clock,
                employee_tg_id=person.id,
                draft=intake.TicketDraft(
                    "Не печатает принтер на втором этаже",
                    TicketKind.INCIDENT,
                    impact=WorkImpact.HAMPERED,
                    scope=Scope.SEVERAL,
                ),
            )
            await desk.app.timers.notifier.publish(uow, outcome.events)
            await uow.commit()
        numbers.append(outcome.value.number)
    desk.app.delivery.wake()

    def in_sight() -> list[int]:
        """The tickets a person in the staff chat can see: a card, or a line of the list."""
        shown = "\n".join(m.text or "" for m in chat.bot_messages if not m.deleted)
        return [n for n in numbers if re.search(rf"№{n}\b", shown)]

    await chat.wait_until(lambda _: len(in_sight()) == many, timeout=30)

    [listing] = [m for m in chat.bot_messages if "Новые заявки" in (m.text or "")]
    line = next(row for row in listing.text.splitlines() if f"№{numbers[-1]} " in row)
    assert "ООО Ромашка" in line and "Не печатает принтер" in line
    # Telegram's limit was kept: no 429, never more than 20 in a minute, edits included.
    assert emulator.too_many_requests_count == 0
    assert emulator.busiest_windows().group <= 20

    # A ticket can be taken right from the list; the list stays a list.
    await (await engineer.press(f"🙋 №{numbers[-1]}", message=listing, chat=chat)).wait_answered()
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(numbers[-1])
    assert ticket.assignee_tg_id == ENGINEER_ID
    assert "Новые заявки" in (listing.text or "")


async def long_answer_reaches_the_employee(desk: Desk, answer: str) -> None:
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    before = len(anna.bot_messages)
    await engineer.send(answer, chat=chat, reply_to=card)
    await chat.wait_for_message(contains="Отправлено клиенту")
    assert await desk.outbox_drained()
    parts = [m.text or "" for m in anna.bot_messages[before:]]
    head = f"Ответ по заявке №{number}:"
    assert len(parts) >= 2
    assert all(p.startswith(head) for p in parts)  # a reply to any part finds the ticket
    assert parts[-1].endswith("Чтобы что-то добавить, ответьте на это сообщение.")
    assert not any("amp;" in p or "lt;" in p for p in parts)
    received = "".join(p.removeprefix(head) for p in parts)
    received = received.removesuffix("Чтобы что-то добавить, ответьте на это сообщение.")
    # Telegram trims each message, so compare the words, not the spaces at the cuts
    assert "".join(received.split()) == "".join(answer.split())


async def test_an_answer_of_2040_emoji_reaches_the_employee_whole(desk: Desk):
    """2,040 emoji are 4,080 UTF-16 units: with the heading, over one message's 4,096."""
    await long_answer_reaches_the_employee(desk, "😀" * 2040)


async def test_an_answer_full_of_ampersands_and_angle_brackets_reaches_the_employee_whole(
    desk: Desk,
):
    """The longest message a person can send (4,096), every sixth character a `&`, `<` or
    `>`: escaped for HTML it is over 5,000 characters, and a cut by characters of the
    escaped text lands inside `&amp;` (it did here)."""
    answer = "".join(f"if a<b && c>d ({i}); " for i in range(400))[:4096]
    assert len(html.escape(answer)) > 5000
    await long_answer_reaches_the_employee(desk, answer)


async def test_beru_typed_on_a_card_takes_the_ticket_and_is_not_sent_to_the_client(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")

    await engineer.send("беру", chat=chat)  # no reply, no number: which one?
    hint = await chat.wait_for_message(contains="Ответьте так на карточку заявки")
    assert "«🙋 Взять»" in hint.text
    assert await ticket_status(desk, number) is TicketStatus.NEW

    await engineer.send("беру", chat=chat, reply_to=card)
    await chat.wait_for_message(contains=f"№{number} теперь ваша")
    taken = await anna.wait_for_message(contains="Иван")
    assert taken.text.startswith("Вашей заявкой")
    await chat.wait_until(lambda _t: "Исполнитель: Иван" in (card.text or ""))
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS

    # Мария's «взяла» on the same card does not take it from him unnoticed
    await manager.send("взяла", chat=chat, reply_to=card)
    await chat.wait_for_message(contains=f"№{number} уже в работе, исполнитель — Иван")
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(number)).assignee_tg_id == ENGINEER_ID
    assert not any(t.startswith("Ответ по заявке") for t in texts(anna))


async def test_beru_with_the_number_takes_that_ticket(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await desk.staff_chat.wait_for_message(contains=f"№{number}")
    await engineer.send(f"взял №{number}", chat=desk.staff_chat)
    await desk.staff_chat.wait_for_message(contains=f"№{number} теперь ваша")
    await anna.wait_for_message(contains="Иван")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
    await engineer.send(f"беру {number}")  # again, in his private chat: it is his already
    await engineer.wait_for_message(contains=f"№{number} уже ваша")


async def test_a_time_typed_under_the_time_menu_is_logged(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(contains=f"№{number}")
    await (await engineer.press("🙋 Взять", message=card)).wait_answered()

    await engineer.press("⏱ Время", message=card)
    menu = await engineer.wait_for_message(contains=f"Время работы по №{number}")
    await engineer.send("полчаса")
    await engineer.wait_for_message(contains=f"Записано 30 мин по №{number}; всего 30 мин")
    await engineer.wait_until(lambda _t: not menu.inline_keyboard)  # logged once, not twice

    await engineer.press("⏱ Время", message=card)
    await engineer.wait_for_message(contains=f"Время работы по №{number}")
    await engineer.send("не успел, потом")
    hint = await engineer.wait_for_message(contains="Не понял, сколько времени записать")
    assert "Чтобы ответить клиенту" not in hint.text and "45 мин" in hint.text
    await engineer.send("1,5 ч")  # the menu took one message: this is no time entry now
    await engineer.wait_for_message(contains="Чтобы ответить клиенту")

    # in the staff chat too, under the card's menu
    chat = desk.staff_chat
    staff_card = await chat.wait_for_message(contains=f"№{number}")
    await engineer.press("⏱ Время", message=staff_card, chat=chat)
    await chat.wait_for_message(contains=f"Время работы по №{number}")
    await engineer.send("40 минут", chat=chat)
    await chat.wait_for_message(contains="Записано 40 мин")
    async with desk.db.unit_of_work() as uow:
        assert sum(w.minutes for w in await uow.tickets.work_logs(number)) == 70
    assert not any("полчаса" in t or "минут" in t for t in texts(anna))


async def test_a_question_typed_after_resolved_is_checked_before_the_client_sees_it(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    await (await engineer.press("🙋 Взять", message=card, chat=chat)).wait_answered()
    await anna.wait_for_message(contains="Иван")

    await engineer.press("✅ Решено", message=card, chat=chat)  # meant «❓ Вопрос клиенту»
    await chat.wait_for_message(contains="что сделано")
    await engineer.send("Какой ноутбук? Мигает ли индикатор зарядки?", chat=chat)
    check = await chat.wait_for_message(contains="Это вопрос клиенту?")
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
    as_question = await engineer.press("❓ Отправить как вопрос", message=check, chat=chat)
    await as_question.wait_answered()
    question = await anna.wait_for_message(contains=f"Вопрос по заявке №{number}")
    assert "Мигает ли индикатор" in question.text
    assert await ticket_status(desk, number) is TicketStatus.WAITING_CLIENT
    assert not any("решена" in t for t in texts(anna))
    await chat.wait_until(lambda _t: "Отправить как вопрос" not in str(check.inline_keyboard))

    # a real resolution that happens to ask something goes out as one, after the check
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.send("Заменили блок питания. Пришлите фото, если снова не включится", chat=chat)
    check = await chat.wait_for_message(lambda m: m is not check and "Это вопрос" in (m.text or ""))
    await (await engineer.press("✅ Это решение", message=check, chat=chat)).wait_answered()
    resolved = await anna.wait_for_message(contains="решена")
    assert "Заменили блок питания" in resolved.text
    assert await ticket_status(desk, number) is TicketStatus.RESOLVED


async def test_a_resolution_sent_too_soon_goes_back_to_work_until_the_client_confirms(
    desk: Desk,
):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    await (await engineer.press("🙋 Взять", message=card, chat=chat)).wait_answered()
    await engineer.press("✅ Решено", message=card, chat=chat)
    prompt = await chat.wait_for_message(contains="что сделано")
    await engineer.send("Заменили картридж", chat=chat)
    resolved = await anna.wait_for_message(contains="решена")
    await chat.wait_until(lambda _t: "↩ Вернуть в работу" in str(card.inline_keyboard))

    back = await engineer.press("↩ Вернуть в работу", message=card, chat=chat)
    assert "снова в работе" in ((await back.wait_answered()).text or "")
    told = await anna.wait_for_message(contains="снова в работе")
    assert "подтверждать ничего не нужно" in told.text
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
    await chat.wait_until(lambda _t: "✅ Решено" in str(card.inline_keyboard))
    stale = await anna.press("✅ Всё работает", message=resolved)  # her older message
    await stale.wait_answered()
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS

    # once she confirms a resolution, there is nothing to take back
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(lambda m: "что сделано" in (m.text or "") and m is not prompt)
    await engineer.send("Заменили картридж и барабан", chat=chat)
    again = await anna.wait_for_message(contains="Заменили картридж и барабан")
    await anna.press("✅ Всё работает", message=again)
    await anna.wait_until(lambda _t: "Оцените" in (anna.last_bot_message.text or ""))
    await chat.wait_until(lambda _t: "↩ Вернуть в работу" not in str(card.inline_keyboard))


async def test_the_question_check_left_unanswered_in_the_staff_chat_lets_talk_go_on(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    await (await engineer.press("🙋 Взять", message=card, chat=chat)).wait_answered()
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.send("Какая модель принтера?", chat=chat)
    await chat.wait_for_message(contains="Это вопрос клиенту?")
    await engineer.send("ещё не выбрал", chat=chat)  # at once: he is asked to choose
    await chat.wait_for_message(contains="Выберите выше")
    await desk.move_clock(minutes=10)  # he went on with other things
    await engineer.send("Перезагрузите принтер, пожалуйста", chat=chat, reply_to=card)
    answer = await anna.wait_for_message(contains="Перезагрузите принтер")
    assert f"Ответ по заявке №{number}" in answer.text
    assert not any("модель" in t for t in texts(anna))
    assert await ticket_status(desk, number) is TicketStatus.IN_PROGRESS
