"""The message whose inline button was pressed.

Telegram sends a button press on a message older than about 48 hours (or otherwise out of
the bot's sight) with an InaccessibleMessage: the chat and the message id, nothing else
(https://core.telegram.org/bots/api#maybeinaccessiblemessage). aiogram's InaccessibleMessage
cannot be edited through its own methods, but the bot can still edit its message by chat
and message id. `Pressed` does what the handlers need the same way for both kinds: edit
the message, drop its buttons, write below it; its text only while Telegram shows it.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message
from aiogram.types.reply_markup_union import ReplyMarkupUnion


class Pressed:
    """The pressed message, by its chat and id; `message` is None when Telegram did not
    send it (too old)."""

    def __init__(self, query: CallbackQuery) -> None:
        pressed = query.message
        if pressed is None:  # a button of an inline-mode message: the bot sends none
            raise ValueError("the callback query has no message")
        self.bot: Bot | None = query.bot
        self.chat: Chat = pressed.chat
        self.message_id = pressed.message_id
        self.message = pressed if isinstance(pressed, Message) else None
        # Where a message written below it goes in a forum; unknown for an old message
        # unless the handler knows (the staff chat's ticket topics).
        self.thread_id: int | None = None
        if self.message is not None and self.message.is_topic_message:
            self.thread_id = self.message.message_thread_id

    @property
    def accessible(self) -> bool:
        return self.message is not None

    @property
    def text(self) -> str | None:
        """What the message says, if Telegram sent it with the press."""
        return self.message.text if self.message is not None else None

    def _bot(self) -> Bot:
        if self.bot is None:
            raise RuntimeError("the callback query is not bound to a bot")
        return self.bot

    async def edit_text(self, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        """Show `text` (and these buttons; none without them) in place of the message."""
        await self._bot().edit_message_text(
            text=text, chat_id=self.chat.id, message_id=self.message_id, reply_markup=reply_markup
        )

    async def edit_reply_markup(self, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        await self._bot().edit_message_reply_markup(
            chat_id=self.chat.id, message_id=self.message_id, reply_markup=reply_markup
        )

    async def drop_buttons(self) -> None:
        await self.edit_reply_markup(reply_markup=None)

    async def answer(self, text: str, reply_markup: ReplyMarkupUnion | None = None) -> Message:
        """A new message below the pressed one, in its chat (and its topic)."""
        if self.message is not None:
            return await self.message.answer(text, reply_markup=reply_markup)
        return await self._bot().send_message(
            chat_id=self.chat.id,
            text=text,
            message_thread_id=self.thread_id,
            reply_markup=reply_markup,
        )
