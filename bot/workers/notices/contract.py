"""The end of a client's contract: a farewell to each of its employees, and to its personal
manager the hand-over checklist of seed 000 (passwords, logins and documentation handed
over, debts settled, farewell). And its renewal: each of them told they may write again."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.workers.notices.outbox import OutboxWriter
from domain.model import Client, Staff
from domain.ports import UnitOfWork
from handlers.ui.keyboards import MY_TICKETS, NEW_TICKET
from handlers.ui.texts import N_


def contact(staff: Staff) -> str:
    """The staff member's name, a link that opens a chat with them in Telegram."""
    return f'<a href="tg://user?id={staff.tg_id}">{html.escape(staff.name)}</a>'


async def farewell(out: OutboxWriter, uow: UnitOfWork, client: Client) -> int:
    """Each active employee of `client` is told the contract ended and who to ask; how many."""
    assert client.id is not None
    manager = await _manager(uow, client)
    people = [e for e in await uow.employees.list_by_client(client.id) if e.active]
    for employee in people:
        locale = out.employee_locale(employee)
        text = out.t(
            N_(
                "Our IT support contract with {client} has ended. Thank you for working "
                "with us!\n\nNew requests are no longer accepted here; the history of your "
                "requests is kept."
            ),
            locale,
            client=html.escape(client.name),
        )
        if manager is not None:
            text += "\n" + out.t(
                N_("If you have any questions, please write to {manager}, your personal manager."),
                locale,
                manager=contact(manager),
            )
        await out.text(
            uow,
            employee.tg_id,
            text,
            None,
            {"remove_keyboard": True},  # the menu of requests goes with it
            key=f"farewell:{client.id}:{employee.tg_id}:{_when(client.deactivated_at)}",
        )
    return len(people)


async def hand_over(out: OutboxWriter, uow: UnitOfWork, client: Client, told: int) -> None:
    """The personal manager's checklist for handing the client's IT over."""
    assert client.id is not None
    manager = await _manager(uow, client)
    if manager is None:
        return
    open_tickets = [t for t in await uow.tickets.list_open() if t.client_id == client.id]
    ended = client.deactivated_at or out.clock.now()
    month = ended.astimezone(ZoneInfo(client.timezone))
    locale = out.staff_locale(manager)
    text = out.t(
        N_(
            "The contract with {client} has ended: its employees can no longer send new "
            "requests. Farewell messages sent: {employees}.\n\n"
            "What is left of the hand-over:\n"
            "☐ hand the client its passwords and logins: administrator accounts, mail, "
            "routers, servers;\n"
            "☐ hand over the documentation: the network diagram, IP addresses, software "
            "licences, contracts with providers;\n"
            "☐ remove our remote access and change the shared passwords together with the "
            "client;\n"
            "☐ finish the open tickets: {open};\n"
            "☐ settle the accounts, any debts included;\n"
            "☐ send the final report: /report {client_id} {month}"
        ),
        locale,
        client=html.escape(client.name),
        employees=told,
        open=len(open_tickets),
        client_id=client.id,
        month=f"{month:%Y-%m}",
    )
    await out.text(
        uow, manager.tg_id, text, None, key=f"hand-over:{client.id}:{_when(client.deactivated_at)}"
    )


async def welcome_back(out: OutboxWriter, uow: UnitOfWork, client: Client, renewed: str) -> None:
    """Each active employee of `client` is told requests are taken again, with the menu of
    requests back; the personal manager hears it too. `renewed`: when (the messages' key)."""
    assert client.id is not None
    people = [e for e in await uow.employees.list_by_client(client.id) if e.active]
    for employee in people:
        locale = out.employee_locale(employee)
        text = out.t(
            N_(
                "Our IT support contract with {client} is renewed. Write to me "
                "about any problem or request, as before."
            ),
            locale,
            client=html.escape(client.name),
        )
        menu = {
            "keyboard": [
                [{"text": out.t(NEW_TICKET, locale)}, {"text": out.t(MY_TICKETS, locale)}]
            ],
            "resize_keyboard": True,
            "is_persistent": True,
        }
        await out.text(
            uow,
            employee.tg_id,
            text,
            None,
            menu,
            key=f"welcome-back:{client.id}:{employee.tg_id}:{renewed}",
        )
    manager = await _manager(uow, client)
    if manager is not None:
        text = out.t(
            N_(
                "The contract with {client} is renewed: its employees can send requests again. "
                "Messages sent: {employees}."
            ),
            out.staff_locale(manager),
            client=html.escape(client.name),
            employees=len(people),
        )
        await out.text(uow, manager.tg_id, text, None, key=f"renewed:{client.id}:{renewed}")


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y%m%d%H%M%S%f}" if moment is not None else ""


async def _manager(uow: UnitOfWork, client: Client) -> Staff | None:
    if client.manager_tg_id is None:
        return None
    manager = await uow.staff.get(client.manager_tg_id)
    return manager if manager is not None and manager.active else None
