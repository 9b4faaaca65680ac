"""Texts as a careful person writes them: an English-speaking employee reads "request #1",
never "№"; an engineer logs work time typed the way it is said ("1ч 30м")."""

from __future__ import annotations

from bot.sandbox import Person
from domain import StaffRole
from tests.e2e.harness import Desk, buttons
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_conversation import answer_the_client, card_of, take
from tests.e2e.test_staff_desk import staff_world

ENGINEER_ID = 601


def everything_seen(person: Person) -> str:
    """Every text and button the bot showed the person."""
    seen = []
    for message in person.bot_messages:
        seen.append(message.text or message.caption or "")
        seen += [b["text"] for row in (message.inline_keyboard or []) for b in row]
    return "\n".join(seen)


async def english_request(boris: Person, description: str) -> str:
    await boris.send(description)
    await boris.wait_for_message(contains="Looks like you need help")
    await boris.press("Yes, right")
    await boris.wait_until(lambda t: "What kind of request" in (t[-1].text or ""))
    await boris.press("Help, a consultation or a routine task")
    await boris.wait_until(lambda t: "Your request" in (t[-1].text or ""))
    await boris.press("✅ Send")
    return (await boris.wait_for_message(contains="is registered")).text


async def test_an_english_speaking_employee_reads_request_numbers_with_a_hash(desk: Desk):
    await desk.add_staff(ENGINEER_ID, "Ivan", StaffRole.FIRST_LINE)
    engineer = desk.emulator.create_user("Ivan", user_id=ENGINEER_ID, language_code="ru")
    assert desk.staff_chat is not None
    desk.staff_chat.add_member(engineer)
    client = await desk.add_client("Romashka LLC")
    boris = desk.person("Boris", language_code="en")
    await desk.register(boris, client)

    registered = await english_request(boris, "Please install Zoom on my laptop and the webcam")
    assert "Request #1 is registered." in registered

    card = await card_of(desk, 1)
    assert "язык: английский" in card.text  # the staff know to answer in English
    await take(desk, engineer, card)
    assert "Ivan has taken your request #1." in (await boris.wait_for_message(contains="#1")).text
    await answer_the_client(desk, engineer, card, "Which laptop is it, the grey one?")
    answer = await boris.wait_for_message(contains="grey one")
    assert "Answer on your request #1" in answer.text

    # a reply to a message about "#1" goes to request 1, as "№1" does in Russian
    await boris.send("Yes, the grey Lenovo", reply_to=answer)
    added = await boris.wait_for_message(contains="Your answer on #1 has gone to the engineer")
    assert "Is this about" not in added.text

    await boris.command("my")
    listing = await boris.wait_for_message(contains="Your requests")
    assert "#1" in listing.text
    # the button cuts the long description after a whole word
    assert buttons(boris)[0] == "#1 · Please install Zoom…"

    assert "№" not in everything_seen(boris)


async def test_an_engineer_logs_work_time_typed_as_it_is_said(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    card = await card_of(desk, number)
    chat = desk.staff_chat
    assert chat is not None

    await engineer.press("⏱ Время", message=card, chat=chat)
    options = await chat.wait_for_message(contains="Время работы")
    await (await engineer.press("Другое…", message=options)).wait_answered()
    await chat.wait_until(lambda _t: "Например: 45 мин, 1,5 ч, 1ч 30м" in (options.text or ""))

    await engineer.send("долго", chat=chat)
    await chat.wait_for_message(contains="Не получилось понять, сколько это времени")
    await engineer.send("0 мин", chat=chat)
    await chat.wait_for_message(contains="Это ноль минут")
    await engineer.send("26 ч", chat=chat)
    await chat.wait_for_message(contains="не больше 24 часов")
    await engineer.send("1ч 30м", chat=chat)
    logged = await chat.wait_for_message(contains="Записано")
    assert f"Записано 1 ч 30 мин по №{number}; всего 1 ч 30 мин." in logged.text

    await engineer.press("⏱ Время", message=card, chat=chat)
    options = await chat.wait_for_message(contains="Время работы")
    await (await engineer.press("Другое…", message=options)).wait_answered()
    await chat.wait_until(lambda _t: "Например" in (options.text or ""))
    # what was done may follow the time: it goes to the client's monthly report
    await engineer.send("полчаса — звонил поставщику картриджей", chat=chat)
    await chat.wait_for_message(contains=f"Записано 30 мин по №{number}; всего 2 ч.")
    async with desk.db.unit_of_work() as uow:
        logs = await uow.tickets.work_logs(number)
    assert [(w.minutes, w.note) for w in logs] == [(90, ""), (30, "звонил поставщику картриджей")]
