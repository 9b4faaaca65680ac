"""Keyboards of the client side. Texts go through i18n; button texts of the persistent
keyboard are matched in every language (the person may switch language at any time)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.ui.texts import N_

NEW_TICKET = N_("📝 New request")
MY_TICKETS = N_("📋 My tickets")
SHARE_PHONE = N_("📱 Share my phone number")
SKIP = N_("Skip")


class ButtonText(Filter):
    """A reply-keyboard button pressed, in any language (people switch languages)."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    async def __call__(self, message: Message) -> bool:
        if message.text is None:
            return False
        texts = {self.msgid}
        i18n = I18n.get_current(no_error=True)
        if i18n is not None:
            texts |= {i18n.gettext(self.msgid, locale=loc) for loc in i18n.available_locales}
        return message.text in texts


def main_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_(NEW_TICKET)), KeyboardButton(text=_(MY_TICKETS))]],
        resize_keyboard=True,
        is_persistent=True,
    )


def phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(SHARE_PHONE), request_contact=True)],
            [KeyboardButton(text=_(SKIP))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def inline(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Rows of (text, callback_data) pairs."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


def back_cancel_row(back: str | None, cancel: str) -> list[tuple[str, str]]:
    row = []
    if back is not None:
        row.append((_("« Back"), back))
    row.append((_("✖ Cancel"), cancel))
    return row
