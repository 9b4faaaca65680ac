"""A mass outage: three employees of one client report the internet within minutes, the
staff chat is asked once to link them, one card works them all, one «Решено» reaches every
employee in their own chat, and a fourth who writes later joins with one tap. Bad input:
forged and stale buttons, a client's employee trying staff commands, tickets of another
client, unlinking the last child, a child reopened after the fix."""

from __future__ import annotations

from bot.sandbox import Person
from domain import TicketStatus
from handlers.ui.callbacks import OutageCb
from tests.e2e.harness import Desk
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import staff_world

INTERNET = ("не работает интернет", "интернет пропал, ничего не грузится", "нет интернета")


async def proposal(desk: Desk):
    chat = desk.staff_chat
    assert chat is not None
    await desk.settled()
    return await chat.wait_for_message(contains="Похоже на массовый сбой")


async def three_report(desk: Desk) -> tuple[list[Person], list[int], Person, Person]:
    anna, engineer, manager = await staff_world(desk)
    people = [anna]
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    for name in ("Борис", "Вера"):
        person = desk.person(name)
        await desk.register(person, client)
        people.append(person)
    numbers = []
    for person, text in zip(people, INTERNET, strict=True):
        numbers.append(await send_ticket(person, text))
        await desk.move_clock(minutes=4)
    return people, numbers, engineer, manager


async def linked(desk: Desk, engineer: Person, numbers: list[int]) -> int:
    """The engineer presses «Объединить» under the proposal; the outage's number."""
    await engineer.press("🔗 Объединить", message=await proposal(desk), chat=desk.staff_chat)
    await desk.settled()
    outage = (await ticket(desk, numbers[0])).parent_id
    assert outage is not None
    return outage


async def outage_card(desk: Desk, outage: int, *, listing: int = 0):
    """The outage's card in the staff chat, once it is there (listing that many requests)."""
    chat = desk.staff_chat
    assert chat is not None

    def card(transcript):
        said = f"Массовый сбой, заявок: {listing}" if listing else ""
        return next(
            (
                m
                for m in transcript
                if m.from_bot
                and f"№{outage} ·" in (m.text or "")
                and said in (m.text or "")
                and m.inline_keyboard
            ),
            None,
        )

    return card(await chat.wait_until(card))


async def newcomer(desk: Desk, name: str) -> Person:
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    person = desk.person(name)
    await desk.register(person, client)
    return person


async def ticket(desk: Desk, number: int):
    async with desk.db.unit_of_work() as uow:
        return await uow.tickets.get(number)


async def test_three_reports_become_one_outage_and_one_fix_reaches_everybody(desk: Desk):
    people, numbers, engineer, manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    asked = await proposal(desk)
    a, b, c = numbers
    assert asked.text == (
        f"Похоже на массовый сбой у ООО Ромашка: №{a}, №{b}, №{c} (интернет и сеть). Объединить?"
    )
    assert len([m for m in chat.bot_messages if "массовый сбой" in (m.text or "")]) == 1
    # The manager heard of the first two one by one; from the third, when they look like
    # one outage, there is one message about it instead of a "new ticket" each.
    about = [m for m in manager.bot_messages if "Ромашка" in (m.text or "")]
    assert [m.text.split(":")[0] for m in about] == [
        "Новая заявка ООО Ромашка",
        "Новая заявка ООО Ромашка",
        "Похоже на массовый сбой у ООО Ромашка",
    ]
    assert about[2].text.startswith(
        f"Похоже на массовый сбой у ООО Ромашка: №{a}, №{b}, №{c} (интернет и сеть)."
    )
    pings_before = len(manager.bot_messages)

    await (await engineer.press("🔗 Объединить", message=asked, chat=chat)).wait_answered()
    await desk.settled()
    outage = (await ticket(desk, a)).parent_id
    assert outage is not None
    assert [(await ticket(desk, n)).parent_id for n in numbers] == [outage] * 3
    linked = next(m for m in chat.bot_messages if m.message_id == asked.message_id)
    assert linked.text.startswith(f"🔗 Объединены в массовый сбой у ООО Ромашка, №{outage}")
    assert not linked.inline_keyboard
    card = await outage_card(desk, outage, listing=3)
    assert all(f"№{n} " in card.text for n in numbers)
    for person, n in zip(people, numbers, strict=True):
        told = await person.wait_for_message(contains="Ваши коллеги написали о том же")
        assert told.text.endswith(f"напишу здесь о вашей заявке №{n}.")
    # That message becomes the outage's, and nothing the children go through adds another.
    said = f"Массовый сбой у ООО Ромашка: №{outage}, Стандартный; заявки №{a}, №{b}, №{c}"
    await manager.wait_until(
        lambda t: next(m for m in t if m.message_id == about[2].message_id).text.startswith(said)
    )
    new_pings = manager.bot_messages[pings_before:]
    assert not [m for m in new_pings if f"№{outage}" in (m.text or "")]

    await engineer.press("🙋 Взять", message=card, chat=chat)
    for person, n in zip(people, numbers, strict=True):
        taken = await person.wait_for_message(contains="занимается Иван")
        assert f"№{n}" in taken.text
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.send("Перезагрузили маршрутизатор у провайдера", chat=chat)
    for person, n in zip(people, numbers, strict=True):
        resolved = await person.wait_for_message(contains="решена")
        assert f"№{n}" in resolved.text
        assert "Перезагрузили маршрутизатор" in resolved.text
    await desk.settled()
    assert [(await ticket(desk, n)).status for n in numbers] == [TicketStatus.RESOLVED] * 3
    # Each child keeps its own SLA record: its own deadlines, its own resolution.
    children = [await ticket(desk, n) for n in numbers]
    assert len({t.resolution_due for t in children}) == 3


async def test_a_fourth_employee_joins_the_open_outage_with_one_tap(desk: Desk):
    people, numbers, engineer, _manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    outage = await linked(desk, engineer, numbers)
    gleb = await newcomer(desk, "Глеб")
    await gleb.send("у меня тоже не работает интернет")
    offer = await gleb.wait_for_message(contains="Мы уже знаем")
    assert offer.text == (
        f"Мы уже знаем о проблеме с интернетом в офисе и работаем над ней (№{outage}). "
        "Добавить вас в список тех, кому сообщим о решении?"
    )
    await gleb.press("✅ Да, сообщите мне", message=offer)
    done = await gleb.wait_for_message(contains="Готово")
    child = int(done.text.split("№")[1].split()[0])
    assert (await ticket(desk, child)).parent_id == outage
    await desk.settled()
    assert not [m for m in gleb.bot_messages if "Верно?" in (m.text or "")]  # no intake
    # A second tap on the old question changes nothing.
    await (
        await gleb.press_with_data(offer, OutageCb(action="join", id=outage).pack())
    ).wait_answered()
    await desk.settled()
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.children(outage)) == 4
    card = await outage_card(desk, outage, listing=4)
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.press("Решено без комментария", chat=chat)
    for person in [*people, gleb]:
        await person.wait_for_message(contains="решена")


async def test_mine_is_different_goes_on_to_an_ordinary_request_with_the_words(desk: Desk):
    _people, numbers, engineer, _manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    outage = await linked(desk, engineer, numbers)
    gleb = await newcomer(desk, "Глеб")
    await gleb.send("интернет не работает только на моём ноутбуке")
    offer = await gleb.wait_for_message(contains="Мы уже знаем")
    await (await gleb.press("Нет, у меня другое", message=offer)).wait_answered()
    await desk.settled()
    # The ordinary intake goes on with their words: the questions follow, nothing is linked.
    said = [m.text or "" for m in gleb.bot_messages]
    assert any("Верно?" in t or "Можете" in t for t in said)
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.children(outage)) == 3


async def test_forged_and_stale_outage_buttons_change_nothing(desk: Desk):
    people, numbers, engineer, _manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    asked = await proposal(desk)
    anna = people[0]
    # A client's employee forging the staff's button, or typing the staff's command.
    mine = anna.bot_messages[-1]
    await (await anna.press_with_data(mine, OutageCb(action="link", id=1).pack())).wait_answered()
    await anna.send("/outage 1 всё сломалось")
    await desk.settled()
    assert [(await ticket(desk, n)).parent_id for n in numbers] == [None] * 3
    async with desk.db.unit_of_work() as uow:
        assert not await uow.tickets.open_outages(1)
    # Linked once; the same button again, and a forged number, are refused.
    await engineer.press("🔗 Объединить", message=asked, chat=chat)
    await desk.settled()
    press = await engineer.press_with_data(asked, OutageCb(action="link", id=1).pack())
    await press.wait_answered()
    assert "уже принято" in (press.answer_text or "")
    await (
        await engineer.press_with_data(asked, OutageCb(action="unlink", id=999).pack())
    ).wait_answered()
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.open_outages(1)) == 1


async def test_unlinking_the_last_child_dissolves_the_outage(desk: Desk):
    _people, numbers, engineer, _manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    outage = await linked(desk, engineer, numbers)
    for n in numbers:

        def child_card(transcript, n=n):
            unlink = "➖ Открепить от сбоя"
            return next(
                (
                    m
                    for m in transcript
                    if f"№{n} ·" in (m.text or "") and unlink in str(m.inline_keyboard)
                ),
                None,
            )

        card = child_card(await chat.wait_until(child_card))
        await (
            await engineer.press("➖ Открепить от сбоя", message=card, chat=chat)
        ).wait_answered()
    await desk.settled()
    assert [(await ticket(desk, n)).parent_id for n in numbers] == [None] * 3
    assert (await ticket(desk, outage)).status is TicketStatus.CANCELLED


async def test_a_child_reopened_after_the_fix_is_on_its_own(desk: Desk):
    people, numbers, engineer, _manager = await three_report(desk)
    chat = desk.staff_chat
    assert chat is not None
    outage = await linked(desk, engineer, numbers)
    card = await outage_card(desk, outage)
    await engineer.press("✅ Решено", message=card, chat=chat)
    await chat.wait_for_message(contains="что сделано")
    await engineer.press("Решено без комментария", chat=chat)
    resolved = await people[1].wait_for_message(contains="решена")
    await people[1].press("❌ Не работает", message=resolved)
    await desk.settled()
    reopened = await ticket(desk, numbers[1])
    assert reopened.parent_id is None and reopened.status is TicketStatus.REOPENED
    assert (await ticket(desk, numbers[0])).parent_id == outage
    assert (await ticket(desk, outage)).status is TicketStatus.RESOLVED


async def test_tickets_of_different_clients_are_never_proposed_together(desk: Desk):
    anna, _engineer, _manager = await staff_world(desk)
    other = await desk.add_client("ООО Лютик")
    petr = desk.person("Пётр")
    await desk.register(petr, other)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    boris = desk.person("Борис")
    await desk.register(boris, client)
    for person, text in zip((anna, petr, boris), INTERNET, strict=True):
        await send_ticket(person, text)
    await desk.settled()
    assert desk.staff_chat is not None
    assert not [m for m in desk.staff_chat.bot_messages if "массовый сбой" in (m.text or "")]


async def test_staff_declare_an_outage_and_those_who_write_are_told(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    await engineer.send("/outage 1 нет интернета во всём офисе")
    said = await engineer.wait_for_message(contains="объявлен")
    assert "ООО Ромашка" in said.text
    await anna.send("не работает интернет")
    offer = await anna.wait_for_message(contains="Мы уже знаем")
    assert "проблеме с интернетом в офисе" in offer.text


async def test_a_fourth_report_before_anybody_decides_extends_the_same_proposal(desk: Desk):
    _people, numbers, engineer, _manager = await three_report(desk)
    asked = await proposal(desk)
    gleb = await newcomer(desk, "Глеб")
    fourth = await send_ticket(gleb, "опять нет интернета")
    await desk.settled()
    chat = desk.staff_chat
    assert chat is not None
    proposals = [m for m in chat.bot_messages if "массовый сбой" in (m.text or "")]
    assert len(proposals) == 1  # edited, not sent again
    assert f"№{numbers[2]}, №{fourth} (интернет и сеть). Объединить?" in proposals[0].text
    assert asked.message_id == proposals[0].message_id
    await (await engineer.press("🔗 Объединить", message=asked, chat=chat)).wait_answered()
    await desk.settled()
    outage = (await ticket(desk, fourth)).parent_id
    async with desk.db.unit_of_work() as uow:
        assert [c.number for c in await uow.tickets.children(outage)] == [*numbers, fourth]


async def test_keep_apart_leaves_the_requests_alone(desk: Desk):
    _people, numbers, engineer, manager = await three_report(desk)
    chat = desk.staff_chat
    asked = await proposal(desk)
    told = next(m for m in manager.bot_messages if "Похоже на массовый сбой" in (m.text or ""))
    await (await engineer.press("Не объединять", message=asked, chat=chat)).wait_answered()
    await desk.settled()
    assert [(await ticket(desk, n)).parent_id for n in numbers] == [None] * 3
    assert asked.text.endswith("Решили не объединять.") and not asked.inline_keyboard
    # The manager's one message about them says so; the third request is in it, by number.
    a, b, c = numbers
    await manager.wait_until(
        lambda t: (
            next(m for m in t if m.message_id == told.message_id).text
            == (
                f"Похоже было на массовый сбой у ООО Ромашка: №{a}, №{b}, №{c} (интернет и сеть); "
                "в общем чате решили их не объединять."
            )
        )
    )


async def test_staff_declare_an_outage_from_a_card_and_a_colleague_joins(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna, "не работает интернет во всём офисе")
    chat = desk.staff_chat
    assert chat is not None
    await desk.settled()
    card = next(m for m in chat.bot_messages if f"№{number} ·" in (m.text or ""))
    await engineer.press("⚡ Приоритет", message=card, chat=chat)
    menu = await chat.wait_for_message(contains="Новый приоритет")
    await (await engineer.press("🌐 Это массовый сбой", message=menu, chat=chat)).wait_answered()
    await desk.settled()
    outage = (await ticket(desk, number)).parent_id
    assert outage is not None and (await ticket(desk, outage)).priority.value == "highest"
    boris = await newcomer(desk, "Борис")
    await boris.send("нет интернета")
    offer = await boris.wait_for_message(contains="Мы уже знаем")
    await boris.press("✅ Да, сообщите мне", message=offer)
    await boris.wait_for_message(contains="Готово")
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.children(outage)) == 2
    # The same button again, on the menu Telegram still shows: refused, nothing changes.
    press = await engineer.press_with_data(menu, OutageCb(action="declare", id=number).pack())
    await press.wait_answered()
    assert "только открытый инцидент" in (press.answer_text or "")


async def test_a_typed_yes_joins_and_an_offer_left_for_long_is_over(desk: Desk):
    _people, numbers, engineer, _manager = await three_report(desk)
    outage = await linked(desk, engineer, numbers)
    gleb, dina = await newcomer(desk, "Глеб"), await newcomer(desk, "Дина")
    await gleb.send("нет интернета")
    await gleb.wait_for_message(contains="Мы уже знаем")
    await gleb.send("да")
    await gleb.wait_for_message(contains="Готово")
    await dina.send("интернет не работает")
    await dina.wait_for_message(contains="Мы уже знаем")
    await desk.move_clock(hours=2)
    await dina.send("не печатает принтер")
    asked = await dina.wait_for_message(contains="Верно?")
    assert "интернет" not in asked.text and "принтер" in asked.text
    async with desk.db.unit_of_work() as uow:
        assert len(await uow.tickets.children(outage)) == 4  # Глеб's; Дина's went nowhere


async def test_an_outage_is_the_companys_not_the_first_reporters(desk: Desk):
    from handlers.ui.callbacks import TicketCb

    people, numbers, engineer, _manager = await three_report(desk)
    outage = await linked(desk, engineer, numbers)
    anna, boris = people[0], people[1]
    # Анна's report was first; the outage is not hers: she sees it as her colleagues do.
    cards = []
    for person in (anna, boris):
        await person.send(f"№{outage}")
        card = await person.wait_for_message(contains=f"№{outage} · массовый сбой у ООО Ромашка")
        assert f"Написали: №{numbers[0]} Анна" in card.text and "Борис" in card.text
        assert card.inline_keyboard is not None
        assert [b["text"] for row in card.inline_keyboard for b in row] == ["« Мои заявки"]
        cards.append(card)
    # Nobody cancels the whole outage as their own request.
    forged = TicketCb(ticket=outage, action="cancel").pack()
    await (await anna.press_with_data(cards[0], forged)).wait_answered()
    await desk.settled()
    assert (await ticket(desk, outage)).status is TicketStatus.NEW


async def test_a_mass_outages_estimate_is_the_directors_to_approve(desk: Desk):
    from domain.enums import EmployeeRole
    from tests.e2e.test_estimates import estimate

    people, numbers, engineer, _manager = await three_report(desk)
    async with desk.db.unit_of_work() as uow:
        client = await uow.clients.get(1)
    director = desk.person("Елена")
    await desk.register(director, client, EmployeeRole.DIRECTOR)
    outage = await linked(desk, engineer, numbers)
    card = await outage_card(desk, outage, listing=3)
    await (await engineer.press("🙋 Взять", message=card, chat=desk.staff_chat)).wait_answered()

    said = await estimate(desk, engineer, outage, "3 часа")
    # Not Анна, whose report came first: the company's director decides for the company.
    assert "согласует Елена" in said
    asked = await director.wait_for_message(contains="Согласовать?")
    assert "Это массовый сбой; о нём написали: Анна, Борис, Вера." in asked.text
    assert not [m for m in people[0].bot_messages if "Оценка" in (m.text or "")]
    await director.send("да")
    await director.wait_for_message(contains="согласована")
    assert not (await ticket(desk, outage)).awaiting_estimate
