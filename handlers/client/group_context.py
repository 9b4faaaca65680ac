"""What the rest of the bot needs to know of a client's group chat during an update (the
conversation there is handlers/client/group_chat.py): whether the update comes from a
bound group, where the bot's answers go in it, whether a message is for the bot, and the
group a request was opened in."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.types import Message

from domain.group_chat import ClientGroup, GroupMessage, addressed
from domain.model import Ticket
from domain.ports import UnitOfWork

GROUPS = ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class GroupReply:
    """Where the bot's answers during this update go: the group, as replies to this
    message (the author's)."""

    chat_id: int
    message_id: int


# Set for the update being handled in a bound group (bot/telegram/group_chat.py).
GROUP_REPLY: ContextVar[GroupReply | None] = ContextVar("group_reply", default=None)


def in_client_group(_event: Any, client_group: ClientGroup | None = None) -> bool:
    """The update comes from a group bound to a client (filters elsewhere use it)."""
    return client_group is not None


def private_or_client_group(message: Message, client_group: ClientGroup | None = None) -> bool:
    return message.chat.type == "private" or client_group is not None


def group_message(message: Message, bot_id: int) -> GroupMessage:
    """The message in the plain terms of `domain.group_chat`."""
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or []

    def parts(kind: str) -> tuple[str, ...]:
        return tuple(e.extract_from(text) for e in entities if e.type == kind)

    command = next(
        (e.extract_from(text) for e in entities if e.type == "bot_command" and e.offset == 0),
        None,
    )
    replied = message.reply_to_message
    return GroupMessage(
        text=text,
        mentions=parts("mention"),
        hashtags=parts("hashtag"),
        command=command,
        reply_to_bot=replied is not None
        and replied.from_user is not None
        and replied.from_user.id == bot_id,
    )


def is_addressed(message: Message, bot_id: int, bot_username: str) -> bool:
    return addressed(group_message(message, bot_id), bot_username)


async def note_ticket_opened_here(
    uow: UnitOfWork, ticket: Ticket, author_message_id: int | None
) -> None:
    """A request registered during an update in a bound group is told about there, as a
    reply to the author's message (the one that described it, else the one at hand)."""
    here = GROUP_REPLY.get()
    if here is not None and ticket.id is not None:
        await uow.client_groups.note_ticket(
            ticket.id, here.chat_id, author_message_id or here.message_id
        )
