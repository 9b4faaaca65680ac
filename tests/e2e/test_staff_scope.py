"""Staff commands and buttons work only where staff work (their private chat and the staff
chat); in another group they post nothing, and the bot leaves groups it does not serve."""

from __future__ import annotations

import asyncio

from domain import StaffRole
from tests.e2e.harness import Desk
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import MANAGER_ID, staff_world


async def test_staff_commands_in_another_group_post_nothing(desk: Desk):
    anna, engineer, manager = await staff_world(desk)
    await desk.add_staff(MANAGER_ID, "Мария", StaffRole.LEAD)  # /report for any client
    number = await send_ticket(anna)
    # A group of another company, which the bot had been added to before it left such groups.
    elsewhere = desk.emulator.create_group("ЗАО Лютик: общий чат", members=[engineer, manager])
    await desk.settled()

    await engineer.command("queue", chat=elsewhere)
    await engineer.command("t", str(number), chat=elsewhere)
    await manager.command("report", "Ромашка", chat=elsewhere)
    await engineer.send("Телефон клиента?", chat=elsewhere)
    await desk.settled()

    assert elsewhere.bot_messages == []
    # Where staff work, the same commands answer.
    await engineer.command("queue", chat=desk.staff_chat)
    queue = await desk.staff_chat.wait_for_message(contains="Открытые заявки")
    assert f"№{number}" in queue.text
    await engineer.command("t", str(number))
    assert f"№{number}" in (await engineer.wait_for_message(contains=f"№{number}")).text


async def test_the_bot_leaves_a_group_it_does_not_serve(desk: Desk):
    outsider = desk.person("Пётр")
    group = desk.emulator.create_group("Курилка", admins=[outsider], bot_status="left")

    await group.set_bot_status("member", by=outsider)

    for _ in range(250):  # the bot's leaveChat, as the emulator records it
        if group.chat.bot_status == "left":
            break
        await asyncio.sleep(0.02)
    await desk.settled()
    assert group.chat.bot_status == "left"
    assert group.bot_messages == []


async def test_the_bot_stays_in_the_staff_chat_when_added_again(desk: Desk):
    _anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    await chat.set_bot_status("left", by=engineer)
    await chat.set_bot_status("administrator", by=engineer)
    await desk.settled()

    assert chat.chat.bot_status == "administrator"
