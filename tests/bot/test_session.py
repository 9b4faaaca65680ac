"""The Bot API session sends JSON bodies (files still go as a form), through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import BanChatMember, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import BotApiEmulator
from bot.telegram.session import JsonBotApiSession

MARKUP = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Да, верно", callback_data="intake:ab:kind:i")]]
)


async def test_a_message_with_buttons_and_a_file_reach_the_person() -> None:
    async with BotApiEmulator() as emulator:
        person = emulator.create_user("Анна", language_code="ru")
        await person.send("привет")
        session = JsonBotApiSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(emulator.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        try:
            sent = await bot.send_message(person.id, "<b>Верно?</b> & «так»", reply_markup=MARKUP)
            await bot.send_document(person.id, BufferedInputFile(b"a;b\n1;2\n", "report.csv"))
        finally:
            await session.close()

        card, document = person.transcript[-2:]
        assert card.text == "Верно? & «так»"
        assert card.entities[0]["type"] == "bold"
        assert card.inline_keyboard[0][0]["callback_data"] == "intake:ab:kind:i"
        assert sent.reply_markup is not None
        assert sent.reply_markup.model_dump(exclude_none=True) == MARKUP.model_dump(
            exclude_none=True
        )
        assert document.data["document"]["file_name"] == "report.csv"
        call = emulator.calls("sendMessage")[-1]
        assert call.params["reply_markup"] == MARKUP.model_dump(exclude_none=True)


def test_the_body_is_the_form_s_fields_as_json() -> None:
    session = JsonBotApiSession(api=TelegramAPIServer.from_base("http://127.0.0.1:9"))
    bot = Bot("42:" + "a" * 35, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    body = session.build_json(
        bot, SendMessage(chat_id=7, text="x", disable_notification=False, reply_markup=MARKUP)
    )
    assert body is not None
    assert orjson.loads(body) == {
        "chat_id": 7,
        "text": "x",
        "parse_mode": "HTML",  # the bot's default, filled in
        "reply_markup": {
            "inline_keyboard": [[{"text": "Да, верно", "callback_data": "intake:ab:kind:i"}]]
        },
    }
    until = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    ban = orjson.loads(
        session.build_json(bot, BanChatMember(chat_id=7, user_id=8, until_date=until)) or b""
    )
    assert ban["until_date"] == int(until.timestamp())
    upload = SendDocument(chat_id=7, document=BufferedInputFile(b"x", "x.txt"))
    assert session.build_json(bot, upload) is None  # files go as a form
