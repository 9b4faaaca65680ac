"""Where the author of a request opened in a client's group hears of it
(`domain.group_chat.where_author_hears`): in the group, as a reply to their message, and
privately once they have written to the bot."""

from __future__ import annotations

from dataclasses import dataclass

from domain.group_chat import where_author_hears
from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Told:
    private: bool = True
    group_chat_id: int | None = None
    reply_to: int | None = None


async def where_told(uow: UnitOfWork, chat_id: int, ticket_id: int) -> Told:
    """For a notice to `chat_id` about the ticket: unchanged unless `chat_id` is the author
    of a request opened in a group of the ticket's own company."""
    origin = await uow.client_groups.ticket_origin(ticket_id)
    if origin is None:
        return Told()
    group, message_id = origin
    ticket = await uow.tickets.get(ticket_id)
    employee = await uow.employees.get(ticket.employee_id) if ticket else None
    if ticket is None or employee is None or employee.tg_id != chat_id:
        return Told()
    in_group, private = where_author_hears(
        opened_in_group=True,
        group_active=group.active and group.client_id == ticket.client_id,
        started_private=await uow.client_groups.started_private(chat_id),
    )
    if not in_group:
        return Told(private=private)
    return Told(private=private, group_chat_id=group.chat_id, reply_to=message_id)
