"""The bot in a client's own group chat, through the emulator: bound by a one-time code,
spoken to by a mention, a reply, /new or #заявка, the request's questions answered by
its author only, its news told in the group as replies; groups not bound, the bot's
removal, a supergroup's new id, and the odd inputs of a group."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.sandbox import BotApiEmulator, Group, Person
from bot.sandbox.model import ChatMessage
from domain import StaffRole, TicketStatus
from domain.enums import EmployeeRole
from domain.model import Client
from domain.ports import OutboxMessage
from domain.use_cases import client_groups
from tests.e2e.harness import Desk, running_desk
from tests.e2e.test_staff_desk import ENGINEER_ID, staff_world

BOT = "@frontdesk_bot"


async def group_code(desk: Desk, client: Client, valid_for: timedelta = timedelta(days=1)) -> str:
    """What `frontdesk admin client group --client ID` prints."""
    async with desk.db.unit_of_work() as uow:
        code = await client_groups.create_code(
            uow, desk.clock, client_id=client.id or 0, valid_for=valid_for
        )
        await uow.commit()
    return code.value.code


async def office(desk: Desk) -> tuple[Client, Group, Person, Person, Person]:
    """The demo world with Ромашка's group bound by its director: (client, group, director,
    Анна the employee, the engineer)."""
    anna, engineer, _manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = (await uow.clients.list())[0]
    director = desk.person("Ольга")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    group = desk.emulator.create_group("Офис Ромашка", members=[anna, director])
    await director.command("bind", await group_code(desk, client), chat=group)
    await group.wait_for_message(contains="привязана")
    return client, group, director, anna, engineer


async def on_card(engineer: Person, number: int, button: str, then: str = "") -> None:
    """The engineer opens the ticket's card in his chat and presses `button` (and sees
    the bot ask `then`)."""
    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(contains=f"№{number}")
    await (await engineer.press(button, message=card)).wait_answered()
    if then:
        await engineer.wait_for_message(contains=then)


async def take(engineer: Person, number: int) -> None:
    await on_card(engineer, number, "🙋 Взять")


async def ticket_count(desk: Desk) -> int:
    async with desk.db.unit_of_work() as uow:
        return len(await uow.tickets.list_open())


def live_card(transcript: list[ChatMessage], text: str) -> ChatMessage | None:
    """The bot's latest message with buttons, if it says `text` (cards are edited in place)."""
    cards = [m for m in transcript if m.from_bot and not m.deleted and m.inline_keyboard]
    return cards[-1] if cards and text in (cards[-1].text or "") else None


async def answered_card(group: Group, text: str) -> ChatMessage:
    """Wait until the group's live question says `text`."""
    transcript = await group.wait_until(lambda messages: live_card(messages, text))
    card = live_card(transcript, text)
    assert card is not None
    return card


async def answer_in_group(group: Group, person: Person) -> int:
    """The author answers the questions of the request they just asked for and sends it;
    its number."""
    await person.press("Да, верно", message=await answered_card(group, "Верно?"))
    await person.press("С трудом", message=await answered_card(group, "Можете"))
    await person.press("Только меня", message=await answered_card(group, "Кого"))
    await person.press("✅ Отправить", message=await answered_card(group, "Ваша заявка"))
    accepted = await group.wait_for_message(contains="принята")
    return int(accepted.text.split("№")[1].split()[0])


async def test_a_mention_becomes_a_request_its_author_alone_answers(desk: Desk):
    _client, group, _director, anna, engineer = await office(desk)
    colleague = desk.person("Пётр")
    group.add_member(colleague)

    asked = await anna.send(f"{BOT} не печатает принтер в бухгалтерии", chat=group)
    kind = await answered_card(group, "Верно?")
    assert kind.reply_to_message_id == asked.message_id
    assert group.reply_keyboard == []  # the private chat's keyboard never shows here
    # The bot reads only what is said to it here: the first question says how to answer.
    assert "нажмите кнопку или ответьте на моё сообщение («Ответить»)" in kind.text

    refused = await colleague.press("Да, верно", message=kind)
    assert (await refused.wait_answered()).text == "Это не ваша заявка"
    await colleague.send("Да, верно", chat=group, reply_to=kind)  # typing hijacks nothing
    assert (await group.wait_for_message(contains="не ваша заявка")).reply_to_message_id
    assert live_card(group.transcript, "Верно?") == kind

    await anna.press("Да, верно", message=kind)
    work = await answered_card(group, "Можете")
    assert work.reply_to_message_id == asked.message_id
    assert "ответьте на моё сообщение" not in work.text  # said once
    await anna.send("с трудом", chat=group, reply_to=work)  # typed, as a reply
    scope = await answered_card(group, "Кого")
    await anna.press("Только меня", message=scope)
    summary = await answered_card(group, "Ваша заявка")
    await anna.press("✅ Отправить", message=summary)
    accepted = await group.wait_for_message(contains="принята")
    number = int(accepted.text.split("№")[1].split()[0])

    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
        author = await uow.employees.get(ticket.employee_id)
    assert author.tg_id == anna.id
    assert ticket.description == "не печатает принтер в бухгалтерии"

    # Staff answer: the group hears it as a reply to Анна's message, and so does Анна.
    await take(engineer, number)
    taken = await group.wait_for_message(contains="занимается")
    assert taken.reply_to_message_id == asked.message_id and not taken.inline_keyboard
    assert f"№{number}" in (await anna.wait_for_message(contains="занимается")).text


async def test_an_unknown_member_joins_by_asking_and_hears_only_in_the_group(desk: Desk):
    client, group, _director, _anna, engineer = await office(desk)
    newcomer = desk.person("Семён", last_name="Котов")
    group.add_member(newcomer)

    asked = await newcomer.send("#заявка не работает сканер", chat=group)
    kind = await answered_card(group, "Верно?")
    assert kind.reply_to_message_id == asked.message_id
    async with desk.db.unit_of_work() as uow:
        employee = await uow.employees.by_tg_id(newcomer.id)
    assert employee.client_id == client.id and employee.name == "Семён Котов"

    number = await answer_in_group(group, newcomer)

    await take(engineer, number)
    await group.wait_for_message(contains="занимается")
    await desk.settled()
    await engineer.send_photo(
        caption="Так выглядит настройка прокси",
        chat=desk.staff_chat,
        reply_to=await desk.staff_chat.wait_for_message(contains=f"№{number}"),
    )
    photo = await group.wait_for_message(lambda m: m.kind == "photo")
    assert photo.reply_to_message_id == asked.message_id
    # Never written to privately: Telegram would refuse, and nobody is told he is lost.
    await desk.settled()
    assert newcomer.bot_messages == []
    assert await desk.outbox() == []

    # Once he has written to the bot, he hears privately too.
    await newcomer.command("start")
    await newcomer.wait_for_message()
    await on_card(engineer, number, "❓ Вопрос клиенту", then="вопрос")
    await engineer.send("Какой у вас компьютер?")
    assert "Какой у вас компьютер?" in (await newcomer.wait_for_message(contains="компьютер")).text
    assert (
        await group.wait_for_message(contains="компьютер")
    ).reply_to_message_id == asked.message_id


async def test_with_joining_off_an_unknown_member_is_asked_for_an_invitation(
    emulator: BotApiEmulator, tmp_path: Path
):
    async with running_desk(emulator, tmp_path, GROUP_MEMBERS_JOIN=False) as desk:
        _client, group, _director, _anna, _engineer = await office(desk)
        newcomer = desk.person("Семён")
        group.add_member(newcomer)
        await newcomer.send(f"{BOT} не работает сканер", chat=group)
        assert "приглашение" in (await group.wait_for_message(contains="приглашение")).text
        await desk.settled()
        async with desk.db.unit_of_work() as uow:
            assert await uow.employees.by_tg_id(newcomer.id) is None
        assert await ticket_count(desk) == 0


async def test_a_group_is_bound_only_by_the_director_or_manager_with_a_live_code(desk: Desk):
    anna, _engineer, manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = (await uow.clients.list())[0]
    group = desk.emulator.create_group("Офис Ромашка", members=[anna, manager])
    code = await group_code(desk, client)

    await anna.command("bind", code, chat=group)
    assert "директор" in (await group.wait_for_message()).text
    await manager.command("bind", "no-such-code", chat=group)
    assert "нет" in (await group.wait_for_message()).text.lower()
    await manager.command("bind", chat=group)
    assert "/bind КОД" in (await group.wait_for_message()).text
    await anna.command("bind", code)  # in private
    assert "в групповом чате" in (await anna.wait_for_message()).text

    await manager.command("bind", code, chat=group)  # the code survived the refusals
    assert "привязана к компании «ООО Ромашка»" in (await group.wait_for_message()).text
    await manager.command("bind", code, chat=group)
    assert "уже использован" in (await group.wait_for_message()).text

    old = await group_code(desk, client, valid_for=timedelta(hours=1))
    await desk.move_clock(hours=2)
    await manager.command("bind", old, chat=group)
    assert "истёк" in (await group.wait_for_message()).text


async def test_the_groups_own_talk_is_neither_answered_nor_kept(desk: Desk):
    _client, group, _director, anna, _engineer = await office(desk)
    before = len(desk.emulator.api.calls)
    await anna.send("коллеги, кто брал степлер?", chat=group)
    chatter = await anna.send("и у кого ключ от переговорки", chat=group)
    await anna.edit(chatter, "и у кого ключ от склада")
    await desk.settled()

    assert [m.text for m in group.bot_messages][-1].startswith("Готово")
    assert await ticket_count(desk) == 0
    async with desk.db.unit_of_work() as uow:
        kept = await uow.session.fetchall("SELECT payload FROM inbox")
    assert kept == []
    sent = [c.method for c in list(desk.emulator.api.calls)[before:] if c.method != "getUpdates"]
    assert sent == []


async def test_a_group_not_bound_is_ignored(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    group = desk.emulator.create_group("Курилка", members=[anna])
    await anna.send(f"{BOT} не работает интернет", chat=group)
    await anna.send("#заявка не работает интернет", chat=group)
    await desk.settled()
    assert group.bot_messages == [] and await ticket_count(desk) == 0


async def test_a_supergroup_keeps_the_binding_and_its_requests(desk: Desk):
    _anna, engineer, _manager = await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = (await uow.clients.list())[0]
    director = desk.person("Ольга")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    group = desk.emulator.create_group("Офис Ромашка", members=[director], supergroup=False)
    await director.command("bind", await group_code(desk, client), chat=group)
    await group.wait_for_message(contains="привязана")
    await director.command("new", "не работает сканер", chat=group)
    number = await answer_in_group(group, director)

    supergroup = desk.emulator.migrate_to_supergroup(group, by=director)
    await desk.settled()
    await take(engineer, number)
    assert "занимается" in (await supergroup.wait_for_message(contains="занимается")).text

    asked = await director.send(f"{BOT} не печатает принтер", chat=supergroup)
    assert (await answered_card(supergroup, "Верно?")).reply_to_message_id == asked.message_id


async def test_a_message_queued_for_the_old_group_reaches_the_supergroup(desk: Desk):
    await staff_world(desk)
    async with desk.db.unit_of_work() as uow:
        client = (await uow.clients.list())[0]
    director = desk.person("Ольга")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    group = desk.emulator.create_group("Офис Ромашка", members=[director], supergroup=False)
    await director.command("bind", await group_code(desk, client), chat=group)
    await group.wait_for_message(contains="привязана")
    supergroup = desk.emulator.migrate_to_supergroup(group, by=director)
    await desk.settled()
    # Queued for the old id just before the move was heard of: Telegram refuses the old
    # id and names the new one.
    async with desk.db.unit_of_work() as uow:
        await uow.outbox.add(
            OutboxMessage(
                chat_id=group.id,
                method="sendMessage",
                payload={"text": "Заявка №7: решена"},
                dedup_key="late",
            )
        )
        await uow.commit()
    desk.app.delivery.wake()
    await supergroup.wait_for_message(contains="Заявка №7: решена")
    await desk.settled()
    assert await desk.outbox() == []


async def test_the_bot_removed_from_a_group_tells_the_author_privately(desk: Desk):
    _client, group, _director, anna, engineer = await office(desk)
    await anna.send(f"{BOT} не работает почта", chat=group)
    number = await answer_in_group(group, anna)
    seen = len(group.bot_messages)

    await group.set_bot_status("left", by=anna)
    await desk.settled()
    await take(engineer, number)
    assert f"№{number}" in (await anna.wait_for_message(contains="занимается")).text
    await desk.settled()
    assert len(group.bot_messages) == seen


async def test_odd_senders_in_a_bound_group_get_a_short_answer_and_no_request(desk: Desk):
    _client, group, _director, anna, _engineer = await office(desk)
    await desk.add_staff(ENGINEER_ID + 10, "Пётр", StaffRole.FIRST_LINE)
    staff = desk.emulator.create_user("Пётр", user_id=ENGINEER_ID + 10, language_code="ru")
    other = await desk.add_client("ЗАО Лютик")
    stranger_from_lutik = desk.person("Глеб")
    await desk.register(stranger_from_lutik, other)
    for person in (staff, stranger_from_lutik):
        group.add_member(person)

    await anna.send(
        f"{BOT} не работает сервер",
        chat=group,
        extra={"sender_chat": desk.emulator.state.chat_json(group.chat)},
    )
    assert "от своего имени" in (await group.wait_for_message()).text
    await anna.send(
        f"{BOT} не работает сервер",
        chat=group,
        extra={"forward_origin": {"type": "hidden_user", "sender_user_name": "X", "date": 1}},
    )
    assert "Пересланные" in (await group.wait_for_message()).text
    await stranger_from_lutik.send(f"{BOT} не работает сервер", chat=group)
    answer = (await group.wait_for_message()).text
    assert "другой компании" in answer and "Лютик" not in answer
    await staff.send(f"{BOT} проверка", chat=group)
    assert "чате поддержки" in (await group.wait_for_message()).text
    await anna.command("my", chat=group)
    assert "личн" in (await group.wait_for_message()).text
    await desk.settled()
    assert await ticket_count(desk) == 0
    async with desk.db.unit_of_work() as uow:
        assert (await uow.employees.by_tg_id(stranger_from_lutik.id)).client_id == other.id


async def test_the_bot_added_by_an_outsider_leaves_and_by_staff_stays(desk: Desk):
    _anna, _engineer, manager = await staff_world(desk)
    outsider = desk.person("Пётр")
    left = desk.emulator.create_group("Чужая", admins=[outsider], bot_status="left")
    await left.set_bot_status("member", by=outsider)
    stays = desk.emulator.create_group("Офис Ромашка", admins=[manager], bot_status="left")
    await stays.set_bot_status("administrator", by=manager)
    assert "/bind" in (await stays.wait_for_message()).text
    await desk.settled()
    assert left.chat.bot_status == "left"
    assert stays.chat.bot_status == "administrator"


async def test_the_director_answers_for_a_colleague_and_cancel_drops_only_ones_own(desk: Desk):
    _client, group, director, anna, _engineer = await office(desk)
    await anna.send(f"{BOT} не работает 1С", chat=group)
    kind = await answered_card(group, "Верно?")
    await director.press("Да, верно", message=kind)  # the director may answer for Анна
    await answered_card(group, "Можете")
    await director.command("cancel", chat=group)
    assert await group.wait_for_message(contains="нечего")
    await anna.command("cancel", chat=group)
    assert "Ничего не отправлено" in (await group.wait_for_message(contains="Отменено")).text
    assert await ticket_count(desk) == 0


async def test_the_author_answers_the_news_in_the_group_and_confirms_the_fix(desk: Desk):
    _client, group, _director, anna, engineer = await office(desk)
    colleague = desk.person("Пётр")
    group.add_member(colleague)
    asked = await anna.send(f"{BOT} не печатает принтер", chat=group)
    number = await answer_in_group(group, anna)
    await on_card(engineer, number, "❓ Вопрос клиенту", then="вопрос")
    await engineer.send("Какая модель принтера?")
    question = await group.wait_for_message(contains="Какая модель")
    # The bot hears in the group only what is said to it: the question says how to answer.
    assert "Ответьте на это сообщение («Ответить»), чтобы я увидел ответ" in question.text
    assert "Просто напишите ответ сюда" not in question.text
    private = await anna.wait_for_message(contains="Какая модель")
    assert "Просто напишите ответ сюда" in private.text

    await colleague.send("это HP", chat=group, reply_to=question)
    assert await group.wait_for_message(contains="не ваша заявка")
    await anna.send("HP LaserJet 1020", chat=group, reply_to=question)
    thanks = await group.wait_for_message(contains="передан")
    assert f"№{number}" in thanks.text
    assert "HP LaserJet 1020" in (await engineer.wait_for_message(contains="LaserJet")).text

    await on_card(engineer, number, "✅ Решено", then="что сделано")
    await engineer.send("Переустановили драйвер")
    resolved = await group.wait_for_message(contains="Переустановили драйвер")
    assert resolved.reply_to_message_id == asked.message_id and not resolved.inline_keyboard
    await anna.send("спасибо, заработало", chat=group, reply_to=resolved)
    rate = await group.wait_for_message(contains="Оцените")
    refused = await colleague.press("5", message=rate)
    assert (await refused.wait_answered()).text == "Это не ваша заявка"
    await anna.press("5", message=rate)
    assert await group.wait_for_message(contains="Спасибо за оценку")
    async with desk.db.unit_of_work() as uow:
        ticket = await uow.tickets.get(number)
    assert ticket.status is TicketStatus.CLOSED
