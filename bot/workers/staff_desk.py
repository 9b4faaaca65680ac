"""The staff chat side of delivery: the outbox's own methods for the staff desk, resolved
when a row is delivered.

- `ticketCard`: the ticket's card, rendered from the database now. The first time it is
  posted (in a forum: a new topic "№N · Client · title" first); after that, edited in place.
  A card deleted in the chat is posted again (in its topic while that exists) at the
  next change. Where a card is being posted is recorded before it is sent
  (`ticket_post_drafts`), so a retry after a failure reuses the topic.
  One delivery stands for the card's later rows still waiting: they merge into it.
- `toTicketThread`: a Bot API call placed in the ticket's thread: its topic in a forum, a
  reply to its card otherwise.
- `closeTicketTopic`: the topic of a finished ticket is closed;
  `reopenTicketTopic`: opened again when the ticket is.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from domain.ports import Clock, OutboxMessage, TicketPost
from handlers.ui.cards import card_keyboard, card_text, load_card, topic_name
from storage import Database
from storage.outbox import OutboxDelivery

log = logging.getLogger(__name__)


def _is_deleted(error: TelegramBadRequest) -> bool:
    """An edit refused because the message is gone (deleted by somebody in the chat)."""
    text = error.message.lower()
    return "message to edit not found" in text or "message can't be edited" in text


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
        # ticket → a card sent whose record failed, and the digest of what it shows
        self._unrecorded: dict[int, tuple[TicketPost, str]] = {}

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
        ticket_id = row.payload["ticket_id"]
        assert isinstance(ticket_id, int)  # as the notifier wrote it
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
        unrecorded = self._unrecorded.pop(ticket_id, None)
        if post is None and unrecorded is not None:  # sent before, but its record failed
            post, shown = unrecorded
            await self._record(post)
            self._last_card[ticket_id] = shown
            if shown == digest:
                return post.message_id
        if post is None:
            return await self._post_new(row.chat_id, ticket_id, card, text, markup, digest)
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=post.chat_id, message_id=post.message_id, reply_markup=markup
            )
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                pass
            elif _is_deleted(exc):
                log.info(
                    "the card of ticket %s was deleted in the staff chat (%s): posting it again",
                    ticket_id,
                    exc.message,
                )
                return await self._post_new(
                    post.chat_id, ticket_id, card, text, markup, digest, thread_id=post.thread_id
                )
            else:
                raise
        self._last_card[ticket_id] = digest
        return post.message_id

    async def _post_new(
        self,
        chat_id: int,
        ticket_id: int,
        card: Any,
        text: str,
        markup: Any,
        digest: str,
        *,
        thread_id: int | None = None,
    ) -> int:
        """Post the card (in a forum: in its topic, a new one if it has none) and record it.

        Idempotent across a failure on the way: the topic is recorded in the card's draft
        as soon as it is created, so a retry posts in it rather than creating another; a
        card sent but not recorded (the record failed) is recorded by the retry rather than
        sent again. Only the process dying between the send and its record leaves a second
        card (in the same topic), its buttons still live: Telegram cannot be asked for it."""
        async with self.db.unit_of_work() as uow:
            draft = await uow.ticket_posts.draft(ticket_id)
            await uow.commit()
        if draft is not None and draft.chat_id == chat_id:
            log.info("ticket %s: posting its card again after an attempt that failed", ticket_id)
            thread_id = draft.thread_id if thread_id is None else thread_id
        forum = await self.is_forum(chat_id)
        if not forum:
            thread_id = None
        if forum and thread_id is None:
            thread_id = await self._new_topic(chat_id, ticket_id, card)
        elif draft is None or draft.chat_id != chat_id or draft.thread_id != thread_id:
            async with self.db.unit_of_work() as uow:
                await uow.ticket_posts.set_draft(ticket_id, chat_id, thread_id)
                await uow.commit()
        try:
            sent = await self.bot.send_message(
                chat_id, text, reply_markup=markup, message_thread_id=thread_id
            )
        except TelegramBadRequest as exc:
            if thread_id is None or "thread not found" not in exc.message.lower():
                raise
            log.info("the topic of ticket %s is gone from the staff chat: a new one", ticket_id)
            thread_id = await self._new_topic(chat_id, ticket_id, card)
            sent = await self.bot.send_message(
                chat_id, text, reply_markup=markup, message_thread_id=thread_id
            )
        try:
            await self._record(TicketPost(ticket_id, chat_id, sent.message_id, thread_id))
        except BaseException:
            self._unrecorded[ticket_id] = (
                TicketPost(ticket_id, chat_id, sent.message_id, thread_id),
                digest,
            )
            raise
        self._last_card[ticket_id] = digest
        return sent.message_id

    async def _new_topic(self, chat_id: int, ticket_id: int, card: Any) -> int:
        """A forum topic for the ticket, recorded in its card's draft at once."""
        topic = await self.bot.create_forum_topic(chat_id, topic_name(card.ticket, card.client))
        async with self.db.unit_of_work() as uow:
            await uow.ticket_posts.set_draft(ticket_id, chat_id, topic.message_thread_id)
            await uow.commit()
        return topic.message_thread_id

    async def _record(self, post: TicketPost) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.ticket_posts.set(post)
            await uow.commit()

    async def to_thread(self, row: OutboxMessage) -> int | None:
        ticket_id = row.ticket_id or 0
        post = await self._post(ticket_id)
        call = row.payload["payload"]
        assert isinstance(call, dict)  # the Bot API call's parameters, as the notifier wrote them
        payload = dict(call)
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
