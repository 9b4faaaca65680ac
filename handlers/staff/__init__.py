"""The staff desk. Its commands and buttons answer only where staff work: a staff member's
private chat and the staff chat. In any other group the bot was added to they are ignored,
so nothing of a client (tickets, phone numbers, reports) is ever posted there."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Chat, Message


def in_staff_place(event: Message | CallbackQuery, staff_chat_id: int | None = None) -> bool:
    """Written or pressed in a private chat or in the staff chat (`staff_chat_id` is the
    Dispatcher's, from the settings)."""
    chat: Chat | None
    if isinstance(event, Message):
        chat = event.chat
    else:
        chat = event.message.chat if event.message is not None else None
    if chat is None:
        return False
    return chat.type == "private" or (staff_chat_id is not None and chat.id == staff_chat_id)
