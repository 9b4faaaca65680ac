"""The staff chat side of delivery: the outbox's own methods for the staff desk, resolved
when a row is delivered.

- `ticketCard`: the ticket's card, rendered from the database now. The first time it is
  posted (in a forum: a new topic "№N · Client · title" first); after that, edited in place.
  One delivery stands for the card's later rows still waiting: they merge into it.
- `toTicketThread`: a Bot API call placed in the ticket's thread: its topic in a forum, a
  reply to its card otherwise.
- `closeTicketTopic`: the topic of a finished ticket is closed;
  `reopenTicketTopic`: opened again when the ticket is.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from domain.ports import Clock, OutboxMessage
from handlers.staff.cards import card_keyboard, card_text, load_card, topic_name
from storage import Database
from storage.outbox import OutboxDelivery
from storage.repositories import TicketPost


class StaffDesk:
    def __init__(self, db: Database, bot: Bot, i18n: I18n, locale: str, clock: Clock) -> None:
        self.db = db
        self.bot = bot
        self.i18n = i18n
        self.locale = locale
        self.clock = clock
        self.outbox = OutboxDelivery(db)
        self._is_forum: dict[int, bool] = {}
        self._last_card: dict[int, str] = {}  # ticket → digest of what the card shows

    def handlers(self) -> dict[str, Any]:
        return {
            "ticketCard": self.post_card,
            "toTicketThread": self.to_thread,
            "closeTicketTopic": self.close_topic,
            "reopenTicketTopic": self.reopen_topic,
        }

    async def is_forum(self, chat_id: int) -> bool:
        if chat_id not in self._is_forum:
            chat = await self.bot.get_chat(chat_id)
            self._is_forum[chat_id] = bool(chat.is_forum)
        return self._is_forum[chat_id]

    async def _post(self, ticket_id: int) -> TicketPost | None:
        async with self.db.unit_of_work() as uow:
            post = await uow.ticket_posts.get(ticket_id)
            await uow.commit()
        return post

    async def post_card(self, row: OutboxMessage) -> int | None:
        """Post or edit the card as it is now; the card's later rows queued meanwhile (a
        take, a reply, a priority change one after another) are shown by this very edit,
        so the staff chat's minute is spent once rather than once each."""
        ticket_id = int(row.payload["ticket_id"])
        await self.outbox.merge_later(row, datetime.now(UTC))
        async with self.db.unit_of_work() as uow:
            card = await load_card(uow, ticket_id)
            post = await uow.ticket_posts.get(ticket_id)
            await uow.commit()
        if card is None:
            return None
        with self.i18n.context(), self.i18n.use_locale(self.locale):
            text = card_text(card, self.clock.now(), self.locale)
            markup = card_keyboard(card.ticket)
        digest = hashlib.sha1((text + repr(markup)).encode()).hexdigest()
        if post is not None and self._last_card.get(ticket_id) == digest:
            return post.message_id  # nothing changed since the last edit
        if post is None:
            thread_id = None
            if await self.is_forum(row.chat_id):
                topic = await self.bot.create_forum_topic(
                    row.chat_id, topic_name(card.ticket, card.client)
                )
                thread_id = topic.message_thread_id
            sent = await self.bot.send_message(
                row.chat_id, text, reply_markup=markup, message_thread_id=thread_id
            )
            async with self.db.unit_of_work() as uow:
                await uow.ticket_posts.set(
                    TicketPost(ticket_id, row.chat_id, sent.message_id, thread_id)
                )
                await uow.commit()
            self._last_card[ticket_id] = digest
            return sent.message_id
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=post.chat_id, message_id=post.message_id, reply_markup=markup
            )
        except TelegramBadRequest as exc:
            if "message is not modified" not in exc.message:
                raise
        self._last_card[ticket_id] = digest
        return post.message_id

    async def to_thread(self, row: OutboxMessage) -> int | None:
        ticket_id = row.ticket_id or 0
        post = await self._post(ticket_id)
        payload = dict(row.payload["payload"])
        if post is not None and post.thread_id is not None:
            payload["message_thread_id"] = post.thread_id
        elif post is not None:
            payload["reply_parameters"] = {
                "message_id": post.message_id,
                "allow_sending_without_reply": True,
            }
        name = str(row.payload["method"])
        method_class = getattr(methods, name[:1].upper() + name[1:])
        result = await self.bot(method_class(chat_id=row.chat_id, **payload))
        return result.message_id if isinstance(result, Message) else None

    async def close_topic(self, row: OutboxMessage) -> int | None:
        post = await self._post(row.ticket_id or 0)
        if post is not None and post.thread_id is not None:
            with contextlib.suppress(TelegramBadRequest):  # already closed, or deleted
                await self.bot.close_forum_topic(post.chat_id, post.thread_id)
        return None

    async def reopen_topic(self, row: OutboxMessage) -> int | None:
        post = await self._post(row.ticket_id or 0)
        if post is not None and post.thread_id is not None:
            with contextlib.suppress(TelegramBadRequest):  # not closed, or deleted
                await self.bot.reopen_forum_topic(post.chat_id, post.thread_id)
        return None
