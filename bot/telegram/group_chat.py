"""Client group chats in the plumbing (handlers/client/group_chat.py has the conversation):

- `is_group_chatter`: the members' own talk in a group, which long polling drops before
  the inbox, so that it is never stored (only the update's id moves the offset on);
- `ClientGroupMiddleware`: the group's binding for the update (`client_group`), where the
  bot's answers go in it, a director's press acting for the request's author, and a note
  that a person who joined in a group has now written to the bot privately;
- `RepliesInGroups`: what the bot says in a client group replies to the author's message
  and carries no reply keyboard (the private chat's «📝 Новая заявка» keyboard would show
  to the whole group).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import Response, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    TelegramObject,
    Update,
)

from domain.ports import UnitOfWork
from handlers.actor import Actor
from handlers.client.group_context import GROUP_REPLY, GROUPS, GroupReply, is_addressed

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def is_group_chatter(
    update: Update, bot_id: int, bot_username: str, staff_chat_id: int | None
) -> bool:
    """A message or an edit in a group other than the staff chat that is not for the bot:
    not addressed to it, and not the group becoming a supergroup."""
    message = update.message or update.edited_message
    if message is None or message.chat.type not in GROUPS or message.chat.id == staff_chat_id:
        return False
    if update.edited_message is not None:
        return True
    if message.migrate_to_chat_id or message.migrate_from_chat_id:
        return False
    return not is_addressed(message, bot_id, bot_username)


class ClientGroupMiddleware(BaseMiddleware):
    """After the actor is known (ActorMiddleware), before the routers."""

    def __init__(self, staff_chat_id: int | None) -> None:
        self.staff_chat_id = staff_chat_id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        uow: UnitOfWork = data["uow"]
        actor: Actor | None = data.get("actor")
        data["client_group"] = None
        if chat is None:
            return await handler(event, data)
        if chat.type == "private":
            if actor is not None and actor.is_employee:
                uow.client_groups.note_private_chat(actor.tg_id, data["clock"].now())
            return await handler(event, data)
        if chat.type not in GROUPS or chat.id == self.staff_chat_id:
            return await handler(event, data)
        group = await uow.client_groups.get(chat.id)
        if group is None or not group.active:
            return await handler(event, data)
        data["client_group"] = group
        assert isinstance(event, Update)
        reply = _reply_target(event, chat.id)
        if event.callback_query is not None:
            await _director_acts_for_author(event.callback_query, group.client_id, data)
        token = GROUP_REPLY.set(reply)
        try:
            return await handler(event, data)
        finally:
            GROUP_REPLY.reset(token)


def _reply_target(update: Update, chat_id: int) -> GroupReply | None:
    if update.message is not None:
        return GroupReply(chat_id, update.message.message_id)
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        replied = query.message.reply_to_message
        return GroupReply(chat_id, (replied or query.message).message_id)
    return None


def _author_of(query: CallbackQuery) -> int | None:
    """The person whose message the pressed card answers (the request's author)."""
    message = query.message
    replied = message.reply_to_message if isinstance(message, Message) else None
    return replied.from_user.id if replied is not None and replied.from_user else None


async def _director_acts_for_author(
    query: CallbackQuery, client_id: int, data: dict[str, Any]
) -> None:
    """The company's director pressing a colleague's request's button answers for them:
    the press runs as the author's, on the author's conversation in this group."""
    actor: Actor | None = data.get("actor")
    author = _author_of(query)
    if (
        actor is None
        or author is None
        or author == actor.tg_id
        or not actor.is_employee
        or actor.employee is None
        or not actor.employee.is_director
        or actor.employee.client_id != client_id
    ):
        return
    uow: UnitOfWork = data["uow"]
    person = await uow.people.by_tg_id(author)
    employee = person.employee
    if employee is None or not employee.active or employee.client_id != client_id:
        return
    data["actor"] = Actor(tg_id=author, employee=employee, client=person.client, staff=person.staff)
    bot: Bot = data["bot"]
    assert query.message is not None
    state = FSMContext(
        storage=data["fsm_storage"],
        key=StorageKey(bot_id=bot.id, chat_id=query.message.chat.id, user_id=author),
    )
    data["state"] = state
    data["raw_state"] = await state.get_state()


class RepliesInGroups(BaseRequestMiddleware):
    """A message the bot sends into the client group of the update at hand replies to the
    author's message, and goes without a reply keyboard."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        here = GROUP_REPLY.get()
        if here is not None and getattr(method, "chat_id", None) == here.chat_id:
            changes: dict[str, Any] = {}
            if "reply_parameters" in type(method).model_fields and not getattr(
                method, "reply_parameters", None
            ):
                changes["reply_parameters"] = ReplyParameters(
                    message_id=here.message_id, allow_sending_without_reply=True
                )
            if isinstance(
                getattr(method, "reply_markup", None), ReplyKeyboardMarkup | ReplyKeyboardRemove
            ):
                changes["reply_markup"] = None
            if changes:
                method = method.model_copy(update=changes)
        return await make_request(bot, method)
