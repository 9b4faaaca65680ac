"""The Bot API emulator behaves like Telegram for an unchanged aiogram bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    ForceReply,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.clock import MovableClock
from bot.sandbox import (
    SAMPLE_PNG,
    BotApiEmulator,
    SandboxError,
    SandboxTimeout,
    parse_html,
)
from bot.sandbox.errors import MESSAGE_NOT_MODIFIED, TelegramApiError

pytestmark = pytest.mark.e2e

WAIT = 5.0


class PlainHttpSession(AiohttpSession):
    """aiogram's AiohttpSession, minus the 250 ms TLS grace sleep on close.

    Requests go through the unchanged AiohttpSession code; only closing skips
    a wait that exists for TLS connections, which 127.0.0.1 plain HTTP has none of.
    """

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emulator: BotApiEmulator, token: str | None = None) -> Bot:
    session = PlainHttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    return Bot(token or emulator.token, session=session)


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    bot = make_bot(emulator)
    try:
        yield bot
    finally:
        await bot.session.close()


@asynccontextmanager
async def polling(
    emulator: BotApiEmulator, dp: Dispatcher, bot: Bot, **kwargs: Any
) -> AsyncIterator[None]:
    """Run real long polling until the block ends."""
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, **kwargs)
    )
    try:
        await emulator.state.signal.wait_for(lambda: emulator.long_polls_waiting, WAIT)
        yield
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, WAIT)


async def raw_call(
    emulator: BotApiEmulator, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{emulator.base_url}/bot{token or emulator.token}/{method}"
    async with aiohttp.ClientSession() as http, http.post(url, json=params) as response:
        return response.status, await response.json()


async def control(
    emulator: BotApiEmulator, method: str, path: str, body: Any = None, raw: bytes | None = None
) -> tuple[int, Any]:
    url = f"{emulator.base_url}/_sandbox{path}"
    async with aiohttp.ClientSession() as http:
        kwargs: dict[str, Any] = {"data": raw} if raw is not None else {"json": body}
        async with http.request(method, url, **kwargs) as response:
            return response.status, await response.json()


# --- the real bot, unchanged ----------------------------------------------------------


async def test_echo_bot_long_polling(emulator: BotApiEmulator) -> None:
    # The stock session, exactly as the production bot builds it.
    bot = Bot(emulator.token, session=AiohttpSession(api=emulator.telegram_api_server()))
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    alice = emulator.create_user("Alice", username="alice", language_code="en")
    try:
        async with polling(emulator, dp, bot):
            sent = await alice.send("Hello, desk!")
            reply = await alice.wait_for_message(timeout=WAIT)
            await alice.send("second")
            second = await alice.wait_for_message(timeout=WAIT)
    finally:
        await bot.session.close()

    assert reply.text == "Hello, desk!"
    assert reply.from_bot and reply.data["from"]["username"] == "frontdesk_bot"
    assert reply.data["chat"] == {
        "id": alice.id,
        "type": "private",
        "first_name": "Alice",
        "username": "alice",
    }
    assert sent.message_id < reply.message_id < second.message_id
    assert second.text == "second"
    assert [m.text for m in alice.transcript] == ["Hello, desk!"] * 2 + ["second"] * 2
    assert emulator.pending_updates == 0


async def test_get_me_wrong_token_and_unknown_method(emulator: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "frontdesk_bot", True)

    status, body = await raw_call(emulator, "getMe", token="123456:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    wrong = make_bot(emulator, token="123456:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()

    status, body = await raw_call(emulator, "sendTelepathy", chat_id=1)
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await raw_call(emulator, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["username"] == "frontdesk_bot"


# --- updates ----------------------------------------------------------------------------


async def test_offset_confirms_updates(emulator: BotApiEmulator) -> None:
    alice = emulator.create_user()
    for text in ("one", "two", "three"):
        await alice.send(text)

    status, body = await raw_call(emulator, "getUpdates")
    assert status == 200 and body["ok"] is True
    updates = body["result"]
    assert [u["message"]["text"] for u in updates] == ["one", "two", "three"]
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3

    _, body = await raw_call(emulator, "getUpdates", limit=1)
    assert [u["update_id"] for u in body["result"]] == ids[:1]  # not confirmed yet

    _, body = await raw_call(emulator, "getUpdates", offset=ids[1])
    assert [u["update_id"] for u in body["result"]] == ids[1:]  # first one confirmed

    _, body = await raw_call(emulator, "getUpdates", offset=ids[-1] + 1)
    assert body["result"] == []
    assert emulator.pending_updates == 0

    for text in ("four", "five"):
        await alice.send(text)
    _, body = await raw_call(emulator, "getUpdates", offset=-1)
    assert [u["message"]["text"] for u in body["result"]] == ["five"]
    assert emulator.pending_updates == 1


async def test_long_polling_returns_early_or_times_out_empty(emulator: BotApiEmulator) -> None:
    alice = emulator.create_user()
    loop = asyncio.get_running_loop()

    started = loop.time()
    poll = asyncio.create_task(raw_call(emulator, "getUpdates", timeout=10))
    await emulator.state.signal.wait_for(lambda: emulator.long_polls_waiting, WAIT)
    await alice.send("wake up")
    status, body = await asyncio.wait_for(poll, WAIT)
    assert status == 200 and body["result"][0]["message"]["text"] == "wake up"
    assert loop.time() - started < 5

    offset = body["result"][0]["update_id"] + 1
    started = loop.time()
    status, body = await raw_call(emulator, "getUpdates", offset=offset, timeout=1)
    elapsed = loop.time() - started
    assert (status, body["result"]) == (200, [])
    assert 0.9 <= elapsed < 3


async def test_allowed_updates_filter_new_updates(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    await alice.send("ignored")
    assert emulator.pending_updates == 0
    await bot.get_updates(allowed_updates=[], timeout=0)  # back to the default set
    await alice.send("seen")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["seen"]


async def test_people_actions_produce_valid_updates(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user("Alice", last_name="Liddell", phone_number="+15550001")
    command = await alice.command("start", "INVITE42")
    album = await alice.send_album([SAMPLE_PNG, SAMPLE_PNG], caption="two pics")
    await alice.send_voice()
    await alice.send_sticker("🔥")
    await alice.send_animation(caption="gif")
    await alice.send_location(48.85, 2.35)
    await alice.send_poll("Lunch?", ["Yes", "No"])
    await alice.share_contact()
    await alice.send_document(b"report", file_name="report.txt", caption="see /help")
    await alice.edit(command, "/start OTHER")

    updates = await bot.get_updates(timeout=0)  # aiogram validates every object
    messages = [u.message for u in updates if u.message]
    first = messages[0]
    assert first.text == "/start INVITE42"
    assert [(e.type, e.offset, e.length) for e in first.entities or []] == [("bot_command", 0, 6)]
    assert messages[1].media_group_id == messages[2].media_group_id == album[0].media_group_id
    assert messages[1].caption == "two pics" and messages[2].caption is None
    assert messages[3].voice is not None and messages[3].voice.mime_type == "audio/ogg"
    assert messages[4].sticker is not None and messages[4].sticker.emoji == "🔥"
    assert messages[5].animation is not None and messages[5].document is not None
    assert messages[6].location is not None and messages[6].location.latitude == 48.85
    assert messages[7].poll is not None and [o.text for o in messages[7].poll.options] == [
        "Yes",
        "No",
    ]
    contact = messages[8].contact
    assert contact is not None and (contact.user_id, contact.phone_number) == (
        alice.id,
        "+15550001",
    )
    assert messages[9].document is not None and messages[9].document.file_name == "report.txt"
    assert [e.type for e in messages[9].caption_entities or []] == ["bot_command"]
    edited = updates[-1].edited_message
    assert edited is not None and edited.text == "/start OTHER" and edited.edit_date
    assert alice.transcript[0].history[0].text == "/start INVITE42"


async def test_query_form_json_and_multipart_bodies(emulator: BotApiEmulator) -> None:
    alice = emulator.create_user()
    base = f"{emulator.base_url}/bot{emulator.token}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/sendMessage", params={"chat_id": alice.id, "text": "q"}) as r:
            first = (await r.json())["result"]
        form = {
            "chat_id": str(alice.id),
            "text": "form",
            "reply_to_message_id": str(first["message_id"]),
            "disable_notification": "true",
            "link_preview_options": '{"is_disabled": true}',
            "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
        }
        async with http.post(f"{base}/sendMessage", data=form) as r:
            assert r.status == 200
            second = (await r.json())["result"]
        upload = aiohttp.FormData()
        upload.add_field("chat_id", str(alice.id))
        upload.add_field("caption", "direct part")
        upload.add_field("document", b"raw bytes", filename="notes.txt")
        async with http.post(f"{base}/sendDocument", data=upload) as r:
            third = (await r.json())["result"]

    assert first["text"] == "q"
    assert second["reply_to_message"]["message_id"] == first["message_id"]
    assert second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert second["link_preview_options"] == {"is_disabled": True}
    assert alice.transcript[1].disable_notification is True
    assert third["document"]["file_name"] == "notes.txt"
    assert third["document"]["mime_type"] == "text/plain"
    assert emulator.state.files.get(third["document"]["file_id"]).data == b"raw bytes"


async def test_second_long_poll_terminates_the_first(emulator: BotApiEmulator) -> None:
    first = asyncio.create_task(raw_call(emulator, "getUpdates", timeout=10))
    await emulator.state.signal.wait_for(lambda: emulator.long_polls_waiting, WAIT)
    status, body = await raw_call(emulator, "getUpdates", timeout=0)
    assert (status, body["result"]) == (200, [])
    status, body = await asyncio.wait_for(first, WAIT)
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )


# --- sending, formatting and errors --------------------------------------------------------


async def test_html_parse_mode_produces_entities(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    html = (
        '<b>Hi 👋 <i>there</i></b> &lt;3 <a href="https://example.com">link</a> '
        '<code>x</code>\n<pre><code class="language-python">print()</code></pre>'
    )
    message = await bot.send_message(alice.id, html, parse_mode="HTML")

    assert message.text == "Hi 👋 there <3 link x\nprint()"
    entities = [(e.type, e.offset, e.length) for e in message.entities or []]
    # 👋 is two UTF-16 code units, so "there" starts at 6.
    assert entities == [
        ("bold", 0, 11),
        ("italic", 6, 5),
        ("text_link", 15, 4),
        ("code", 20, 1),
        ("pre", 22, 7),
    ]
    assert message.entities is not None
    assert message.entities[2].url == "https://example.com"
    assert message.entities[4].language == "python"
    stored = alice.last_bot_message
    assert stored is not None and stored.text == message.text

    with pytest.raises(TelegramBadRequest) as bad_tag:
        await bot.send_message(alice.id, "<div>x</div>", parse_mode="HTML")
    assert bad_tag.value.message == (
        'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0'
    )
    with pytest.raises(TelegramBadRequest, match="Can't find end tag corresponding to start tag"):
        await bot.send_message(alice.id, "<b>open", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='expected "</b>", found "</i>"'):
        await bot.send_message(alice.id, "<b>x</i>", parse_mode="HTML")

    explicit = await bot.send_message(
        alice.id, "plain bold", entities=[{"type": "bold", "offset": 6, "length": 4}]
    )
    assert [(e.type, e.offset) for e in explicit.entities or []] == [("bold", 6)]


async def test_markdown_v2_parse_mode(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    message = await bot.send_message(
        alice.id, r"*Ticket* \#7 _is_ [open](https://desk.example/7)\.", parse_mode="MarkdownV2"
    )
    assert message.text == "Ticket #7 is open."
    assert [e.type for e in message.entities or []] == ["bold", "italic", "text_link"]
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(alice.id, "Done.", parse_mode="MarkdownV2")


def test_html_parser_edge_cases() -> None:
    assert parse_html("a &amp; b &#33; &unknown; &#x1F600;") == ("a & b ! &unknown; 😀", [])
    text, entities = parse_html("<tg-spoiler>s</tg-spoiler><blockquote expandable>q</blockquote>")
    assert text == "sq"
    assert [e["type"] for e in entities] == ["spoiler", "expandable_blockquote"]
    with pytest.raises(TelegramApiError, match="Unexpected end tag at byte offset 1"):
        parse_html("x</b>")
    with pytest.raises(TelegramApiError, match='Tag "span" must have class "tg-spoiler"'):
        parse_html("<span>x</span>")


async def test_bad_requests_have_telegram_descriptions(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    with pytest.raises(TelegramBadRequest) as unknown_chat:
        await bot.send_message(987654321, "hi")
    assert unknown_chat.value.message == "Bad Request: chat not found"

    with pytest.raises(TelegramBadRequest) as too_long:
        await bot.send_message(alice.id, "x" * 4097)
    assert too_long.value.message == "Bad Request: message is too long"
    await bot.send_message(alice.id, "x" * 4096)

    with pytest.raises(TelegramBadRequest) as empty:
        await bot.send_message(alice.id, "   ")
    assert empty.value.message == "Bad Request: message text is empty"

    with pytest.raises(TelegramBadRequest) as missing_edit:
        await bot.edit_message_text("new", chat_id=alice.id, message_id=999)
    assert missing_edit.value.message == "Bad Request: message to edit not found"

    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(alice.id, "re", reply_parameters=ReplyParameters(message_id=999))
    ok = await bot.send_message(
        alice.id,
        "re",
        reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True),
    )
    assert ok.reply_to_message is None

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            alice.id,
            "kb",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
            ),
        )
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("nonexistent")


async def test_identical_edit_is_not_modified(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Open", callback_data="open")]]
    )
    sent = await bot.send_message(alice.id, "Ticket #1", reply_markup=keyboard)

    with pytest.raises(TelegramBadRequest) as same:
        await bot.edit_message_text(
            "Ticket #1", chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard
        )
    assert same.value.message == f"Bad Request: {MESSAGE_NOT_MODIFIED}"

    # Editing the text without reply_markup removes the inline keyboard, as on Telegram.
    edited = await bot.edit_message_text("Ticket #1", chat_id=alice.id, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.reply_markup is None
    stored = alice.transcript[-1]
    assert stored.edited and stored.history[0].reply_markup == keyboard.model_dump(
        exclude_none=True
    )

    await bot.edit_message_reply_markup(
        chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard
    )
    assert alice.transcript[-1].button_texts == [["Open"]]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        own = await alice.send("mine")
        await bot.edit_message_text("theirs", chat_id=alice.id, message_id=own.message_id)


async def test_delete_copy_and_forward(emulator: BotApiEmulator, bot: Bot) -> None:
    events: list[tuple[str, int, str | None]] = []
    unsubscribe = emulator.subscribe(lambda event, m: events.append((event, m.chat_id, m.text)))
    alice = emulator.create_user("Alice")
    staff = emulator.create_group("Staff", members=[alice])
    question = await alice.send("My printer is on fire")

    forwarded = await bot.forward_message(staff.id, alice.id, question.message_id)
    assert forwarded.text == "My printer is on fire"
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.type == "user"
    copied = await bot.copy_message(staff.id, alice.id, question.message_id)
    assert staff.transcript[-1].message_id == copied.message_id
    assert staff.transcript[-1].text == "My printer is on fire"

    sent = await bot.send_message(alice.id, "temporary")
    assert await bot.delete_message(alice.id, sent.message_id) is True
    assert alice.transcript[-1].deleted
    assert alice.last_bot_message is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
    unsubscribe()
    await bot.send_message(alice.id, "unobserved")
    assert [event for event, _, _ in events] == ["new"] * 4 + ["deleted"]
    assert events[1] == ("new", staff.id, "My printer is on fire")


# --- people: blocking, buttons, keyboards ---------------------------------------------------


async def test_blocked_user_gives_403(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    await alice.block_bot()
    with pytest.raises(TelegramForbiddenError) as blocked:
        await bot.send_message(alice.id, "are you there?")
    assert blocked.value.message == "Forbidden: bot was blocked by the user"
    with pytest.raises(SandboxError, match="blocked the bot"):
        await alice.send("hi")

    await alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    updates = await bot.get_updates(timeout=0)
    changes = [u.my_chat_member for u in updates if u.my_chat_member]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]

    never_started = emulator.create_user("Bob", started=False)
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(never_started.id, "hello?")


async def test_inline_button_press_is_handled_and_answered(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.message(F.text == "/menu")
    async def menu(message: Message) -> None:
        await message.answer(
            "Choose:",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [InlineKeyboardButton(text="✅ Approve", callback_data="approve:7")],
                    [InlineKeyboardButton(text="Docs", url="https://example.com/docs")],
                ]
            ),
        )

    @dp.callback_query(F.data.startswith("approve:"))
    async def approve(query: CallbackQuery) -> None:
        await query.answer(f"Approved {query.data}")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Approved ✅")

    alice = emulator.create_user()
    async with polling(emulator, dp, bot):
        await alice.command("menu")
        menu_message = await alice.wait_for_message(timeout=WAIT)
        assert menu_message.button_texts == [["✅ Approve"], ["Docs"]]
        press = await alice.press("✅ Approve")
        assert press.data == "approve:7" and press.message is menu_message
        answer = await press.wait_answered(timeout=WAIT)
        await alice.wait_until(lambda t: t[-1].text == "Approved ✅", timeout=WAIT)

    assert answer.text == "Approved approve:7" and press.answered
    assert menu_message.inline_keyboard == []  # edit_text without markup dropped it
    with pytest.raises(SandboxError, match="no inline button"):
        await alice.press("Nope")


async def test_button_on_a_message_older_than_48_hours_comes_with_an_inaccessible_message(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    """Telegram sends only the chat and the message id (date 0) of an old message whose
    button was pressed; the bot can still edit it by chat and message id."""
    clock = MovableClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), ticking=False)
    emulator.follow_clock(clock.now)
    seen: list[Message | InaccessibleMessage | None] = []
    dp = Dispatcher()

    @dp.message(F.text == "/menu")
    async def menu(message: Message) -> None:
        await message.answer(
            "Choose:",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
            ),
        )

    @dp.callback_query(F.data == "go")
    async def go(query: CallbackQuery, bot: Bot) -> None:
        seen.append(query.message)
        await query.answer()
        assert query.message is not None
        await bot.edit_message_text(
            text="Done", chat_id=query.message.chat.id, message_id=query.message.message_id
        )

    alice = emulator.create_user()
    async with polling(emulator, dp, bot):
        await alice.command("menu")
        fresh_message = await alice.wait_for_message(timeout=WAIT)
        assert fresh_message.date == int(clock.now().timestamp())
        clock.advance(hours=47)
        await (await alice.press("Go")).wait_answered(timeout=WAIT)
        await alice.wait_until(lambda t: t[-1].text == "Done", timeout=WAIT)
        await alice.command("menu")
        old_message = await alice.wait_for_message(timeout=WAIT)
        clock.advance(hours=48, seconds=1)
        press = await alice.press("Go", message=old_message)
        await press.wait_answered(timeout=WAIT)
        await alice.wait_until(lambda t: t[-1].text == "Done", timeout=WAIT)

    fresh, old = seen
    assert isinstance(fresh, Message) and fresh.text == "Choose:"
    assert isinstance(old, InaccessibleMessage)
    assert old.date == 0 and old.chat.id == alice.id
    assert old.message_id == old_message.message_id
    assert press.message is old_message and old_message.inline_keyboard == []


async def test_reply_keyboards_and_force_reply(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user(phone_number="+15551234")
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📞 Share phone", request_contact=True)],
            [KeyboardButton(text="Help")],
        ],
        resize_keyboard=True,
    )
    sent = await bot.send_message(alice.id, "How can we reach you?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Message.reply_markup only ever holds inline keyboards
    assert alice.reply_keyboard == [["📞 Share phone"], ["Help"]]

    help_message = await alice.press_keyboard_button("Help")
    contact_message = await alice.press_keyboard_button("📞 Share phone")
    assert help_message.text == "Help"
    assert contact_message.data["contact"]["phone_number"] == "+15551234"
    assert contact_message.data["contact"]["user_id"] == alice.id

    await bot.send_message(alice.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert alice.reply_keyboard == []
    with pytest.raises(SandboxError, match="no reply keyboard"):
        await alice.press_keyboard_button("Help")

    prompt = await bot.send_message(alice.id, "Describe the issue", reply_markup=ForceReply())
    stored_prompt = alice.transcript[-1]
    assert stored_prompt.reply_markup == {"force_reply": True}
    await alice.send("It beeps", reply_to=stored_prompt)
    updates = await bot.get_updates(timeout=0)
    reply = updates[-1].message
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == prompt.message_id


async def test_groups_and_forum_topics(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user("Alice")
    desk = emulator.create_group("Desk", is_forum=True, members=[alice])

    topic = await bot.create_forum_topic(desk.id, "Ticket 17")
    in_topic = await bot.send_message(
        desk.id, "Picked up", message_thread_id=topic.message_thread_id
    )
    assert in_topic.message_thread_id == topic.message_thread_id
    assert in_topic.is_topic_message is True
    assert in_topic.chat.is_forum is True

    await alice.send("thanks!", chat=desk, thread=topic.message_thread_id)
    updates = await bot.get_updates(timeout=0)
    message = updates[-1].message
    assert message is not None and message.message_thread_id == topic.message_thread_id
    assert message.chat.type == "supergroup"

    own_topic = await desk.create_topic("Alice's topic", by=alice)
    assert desk.topic("Alice's topic") is own_topic

    assert await bot.close_forum_topic(desk.id, topic.message_thread_id) is True
    with pytest.raises(SandboxError, match="closed"):
        await alice.send("late", chat=desk, thread=topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(desk.id, topic.message_thread_id)
    await bot.reopen_forum_topic(desk.id, topic.message_thread_id)
    await bot.edit_forum_topic(desk.id, topic.message_thread_id, name="Ticket 17 (urgent)")
    assert desk.topic("Ticket 17 (urgent)").message_thread_id == topic.message_thread_id
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(desk.id, "x", message_thread_id=99999)
    plain = emulator.create_group("Plain", members=[alice])
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(plain.id, "nope")
    await plain.set_bot_status("kicked", by=alice)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the supergroup chat"):
        await bot.send_message(plain.id, "still here?")

    reply = await desk.wait_for_message(thread=topic.message_thread_id, timeout=WAIT)
    assert reply.text == "Picked up"


async def test_chat_info_members_and_commands(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user("Alice", username="alice")
    group = emulator.create_group("Ops", members=[alice], username="ops_team")

    private = await bot.get_chat(alice.id)
    assert (private.type, private.username) == ("private", "alice")
    group_info = await bot.get_chat("@ops_team")
    assert (group_info.id, group_info.title) == (group.id, "Ops")
    member = await bot.get_chat_member(group.id, alice.id)
    assert member.status == "member"
    me = await bot.get_chat_member(group.id, emulator.bot_id)
    assert me.status == "administrator"
    with pytest.raises(TelegramBadRequest, match="user not found"):
        await bot.get_chat_member(group.id, 42)

    commands = [BotCommand(command="start", description="Начать")]
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(commands, scope=scope, language_code="ru")
    fetched = await bot.get_my_commands(scope=scope, language_code="ru")
    assert [c.model_dump() for c in fetched] == [c.model_dump() for c in commands]
    assert await bot.get_my_commands() == []
    assert emulator.commands({"type": "all_private_chats"}, "ru") == [
        {"command": "start", "description": "Начать"}
    ]
    await bot.delete_my_commands(scope=scope, language_code="ru")
    assert await bot.get_my_commands(scope=scope, language_code="ru") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])

    await bot.send_chat_action(alice.id, "typing")
    assert alice.chat_actions == ["typing"]
    assert await bot.set_chat_menu_button(chat_id=alice.id) is True
    assert await bot.log_out() is True and await bot.close() is True


# --- files -----------------------------------------------------------------------------------


async def test_multipart_photo_upload_and_download(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.create_user()
    sent = await bot.send_photo(
        alice.id,
        BufferedInputFile(SAMPLE_PNG, filename="pixel.png"),
        caption="<i>pixel</i>",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Zoom", callback_data="zoom")]]
        ),
    )
    assert sent.reply_markup is not None  # a JSON field inside the multipart body
    assert sent.photo is not None and (sent.photo[-1].width, sent.photo[-1].height) == (1, 1)
    assert sent.caption == "pixel" and sent.caption_entities is not None
    upload_call = emulator.calls("sendPhoto")[-1]
    assert any(str(v).startswith("<file 'pixel.png'") for v in upload_call.params.values())

    downloaded = await bot.download(sent.photo[-1])
    assert downloaded is not None and downloaded.read() == SAMPLE_PNG

    document = await alice.send_document(b"%PDF-1.4 invoice", file_name="invoice.pdf")
    file = await bot.get_file(document.data["document"]["file_id"])
    assert file.file_path and file.file_path.endswith(".pdf")
    body = await bot.download_file(file.file_path)
    assert body is not None and body.read() == b"%PDF-1.4 invoice"
    resent = await bot.send_document(alice.id, document.data["document"]["file_id"])
    assert resent.document is not None
    assert resent.document.file_id == document.data["document"]["file_id"]

    album = await bot.send_media_group(
        alice.id,
        [
            InputMediaPhoto(media=BufferedInputFile(SAMPLE_PNG, "a.png"), caption="first"),
            InputMediaPhoto(media=BufferedInputFile(SAMPLE_PNG, "b.png")),
        ],
    )
    assert len({m.media_group_id for m in album}) == 1 and album[0].caption == "first"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")

    recaptioned = await bot.edit_message_caption(
        chat_id=alice.id, message_id=sent.message_id, caption="<b>new</b>", parse_mode="HTML"
    )
    assert isinstance(recaptioned, Message) and recaptioned.caption == "new"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(
            chat_id=alice.id, message_id=sent.message_id, caption="<b>new</b>", parse_mode="HTML"
        )
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("text", chat_id=alice.id, message_id=sent.message_id)


# --- webhook ---------------------------------------------------------------------------------


async def test_webhook_push_mode_with_secret(emulator: BotApiEmulator, bot: Bot) -> None:
    seen_secrets: list[str | None] = []

    @web.middleware
    async def record_secret(request: web.Request, handler: Any) -> web.StreamResponse:
        seen_secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        return await handler(request)

    dp = Dispatcher()

    @dp.message()
    async def reply(message: Message) -> Any:
        # Returning the method lets aiogram answer inside the webhook response.
        return message.answer(f"hook: {message.text}")

    app = web.Application(middlewares=[record_secret])
    SimpleRequestHandler(dp, bot, secret_token="s3cret").register(app, path="/background")
    SimpleRequestHandler(dp, bot, secret_token="s3cret", handle_in_background=False).register(
        app, path="/inline"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    alice = emulator.create_user()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/background", secret_token="s3cret")
        info = await bot.get_webhook_info()
        assert info.url.endswith("/background") and info.pending_update_count == 0
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        await alice.send("ping")
        assert (await alice.wait_for_message(timeout=WAIT)).text == "hook: ping"

        await bot.set_webhook(f"http://127.0.0.1:{port}/inline", secret_token="s3cret")
        await alice.send("pong")
        assert (await alice.wait_for_message(timeout=WAIT)).text == "hook: pong"
        await emulator.wait_idle(timeout=WAIT)
        assert seen_secrets == ["s3cret", "s3cret"]

        # A wrong secret: aiogram answers 401, Telegram keeps the update and reports the error.
        await bot.set_webhook(f"http://127.0.0.1:{port}/inline", secret_token="other")
        await alice.send("lost")
        await emulator.state.signal.wait_for(
            lambda: emulator.state.webhook.last_error_message, WAIT
        )
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
        await bot.delete_webhook(drop_pending_updates=True)
        assert emulator.pending_updates == 0 and emulator.webhook_url == ""
    finally:
        await runner.cleanup()


# --- faults and flood limits ---------------------------------------------------------------


async def test_injected_retry_after_server_errors_and_disconnects(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    alice = emulator.create_user()
    emulator.faults.add_retry_after(7, method="sendMessage")
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(alice.id, "hi")
    assert flood.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in flood.value.message
    await bot.send_message(alice.id, "now it works")
    assert emulator.too_many_requests_count == 1

    emulator.faults.add_server_error(500, method="getMe")
    emulator.faults.add_server_error(502, method="getMe")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.get_me()

    emulator.faults.add_disconnect(count=2, method="getMe")
    for _ in range(2):
        with pytest.raises(TelegramNetworkError):
            await bot.get_me()
    assert (await bot.get_me()).username == "frontdesk_bot"
    assert emulator.stats.disconnects == 2

    emulator.faults.add_delay(0.3, method="getMe")
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3
    assert emulator.faults.active == []


async def test_flood_limits_count_sliding_windows_and_answer_429_with_retry_after() -> None:
    fake_now = [1000.0]
    async with BotApiEmulator(rate_limits=True, clock=lambda: fake_now[0]) as emulator:
        bot = make_bot(emulator)
        try:
            alice = emulator.create_user()
            # About one a second on average over 20 s: a burst of replies is tolerated.
            for index in range(20):
                await bot.send_message(alice.id, f"burst {index}")
            with pytest.raises(TelegramRetryAfter) as flood:
                await bot.send_message(alice.id, "one too many")
            assert flood.value.retry_after == 20  # the burst leaves the window in 20 s
            fake_now[0] += 18.0
            with pytest.raises(TelegramRetryAfter) as still:
                await bot.send_message(alice.id, "still too many")
            assert still.value.retry_after == 2
            fake_now[0] += 2.0
            sent = await bot.send_message(alice.id, "after waiting")
            # Edits in a private chat do not count.
            for index in range(5):
                await bot.edit_message_text(
                    f"edited {index}", chat_id=alice.id, message_id=sent.message_id
                )

            group = emulator.create_group("Busy")
            first = await bot.send_message(group.id, "group 0")
            fake_now[0] += 50.0
            for index in range(1, 19):
                await bot.send_message(group.id, f"group {index}")
            # An edit in a group counts against its minute.
            await bot.edit_message_text(
                "group 0, edited", chat_id=group.id, message_id=first.message_id
            )
            with pytest.raises(TelegramRetryAfter) as group_flood:
                await bot.send_message(group.id, "21st in a minute")
            # A window, not a bucket: the minute frees one place when "group 0" leaves it.
            assert group_flood.value.retry_after == 10
            fake_now[0] += 10.0
            await bot.send_message(group.id, "one more")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(group.id, "and another")

            everyone = [emulator.create_user(f"P{n}") for n in range(31)]
            fake_now[0] += 60.0
            for person in everyone[:30]:
                await bot.send_message(person.id, "news")
            with pytest.raises(TelegramRetryAfter) as overall:
                await bot.send_message(everyone[30].id, "news")
            assert overall.value.retry_after == 1
            assert emulator.too_many_requests_count == emulator.stats.rate_limited == 5

            busiest = emulator.busiest_windows()
            assert busiest.private_chat == busiest.private_chat_second == 20
            assert busiest.group == 20 and busiest.overall == 30

            emulator.enable_rate_limits(False)
            await bot.send_message(group.id, "limits off")
        finally:
            await bot.session.close()


# --- control API ------------------------------------------------------------------------------


async def test_control_api_happy_path(emulator: BotApiEmulator, bot: Bot) -> None:
    status, user = await control(emulator, "POST", "/users", {"first_name": "Bob"})
    assert status == 200 and user["first_name"] == "Bob"
    status, sent = await control(
        emulator, "POST", f"/users/{user['id']}/command", {"command": "start", "args": "X1"}
    )
    assert status == 200 and sent["text"] == "/start X1"

    await bot.send_message(
        user["id"],
        "Pick",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
        ),
    )
    status, press = await control(emulator, "POST", f"/users/{user['id']}/press", {"text": "Go"})
    assert status == 200 and press["data"] == "go" and press["answered"] is False
    await bot.answer_callback_query(press["callback_query_id"], text="went")
    status, record = await control(emulator, "GET", f"/callbacks/{press['callback_query_id']}")
    assert record["answer"]["text"] == "went"

    status, transcript = await control(emulator, "GET", f"/chats/{user['id']}/transcript")
    assert [m["text"] for m in transcript] == ["/start X1", "Pick"]
    assert transcript[1]["from_bot"] is True

    status, rule = await control(
        emulator, "POST", "/faults", {"kind": "retry_after", "retry_after": 2, "method": "getMe"}
    )
    assert status == 200 and rule["remaining"] == 1
    with pytest.raises(TelegramRetryAfter):
        await bot.get_me()
    status, _ = await control(emulator, "POST", "/rate_limits", {"enabled": True})
    assert status == 200 and emulator.rate_limits_enabled
    status, stats = await control(emulator, "GET", "/stats")
    assert stats["too_many_requests"] == 1

    status, group = await control(
        emulator, "POST", "/groups", {"title": "Desk", "is_forum": True, "members": [user["id"]]}
    )
    assert status == 200 and group["is_forum"] is True
    status, topic = await control(
        emulator, "POST", f"/groups/{group['id']}/topics", {"name": "T", "user_id": user["id"]}
    )
    assert status == 200 and topic["name"] == "T"


@pytest.mark.parametrize(
    ("method", "path", "body", "error"),
    [
        ("POST", "/users", {}, "missing required field 'first_name'"),
        ("POST", "/users", {"first_name": 5}, "field 'first_name' must be a string"),
        ("POST", "/users", {"first_name": "A", "id": "7"}, "field 'id' must be an integer"),
        ("POST", "/users", [1, 2], "request body must be a JSON object"),
        ("POST", "/users/999/send", {"text": "hi"}, "unknown user 999"),
        ("POST", "/users/abc/send", {"text": "hi"}, "user_id in the path must be an integer"),
        ("POST", "/users/{alice}/send", {}, "missing required field 'text'"),
        ("POST", "/users/{alice}/press", {"text": "Nope"}, "no inline button 'Nope'"),
        ("POST", "/users/{alice}/photo", {"data_base64": "%%%"}, "must be base64"),
        ("POST", "/groups", {"title": "G", "members": [999]}, "unknown user 999"),
        ("POST", "/faults", {"kind": "explode"}, "kind must be one of"),
        ("POST", "/faults", {"kind": "delay"}, "missing required field 'seconds'"),
        ("POST", "/faults", {"kind": "server_error", "status": 404}, "5xx"),
        ("POST", "/rate_limits", {"enabled": "yes"}, "field 'enabled' must be a boolean"),
        ("GET", "/chats/12345/transcript", None, "unknown chat 12345"),
    ],
)
async def test_control_api_rejects_bad_input(
    emulator: BotApiEmulator, method: str, path: str, body: Any, error: str
) -> None:
    alice = emulator.create_user()
    status, answer = await control(emulator, method, path.format(alice=alice.id), body)
    assert status == 400
    assert error in answer["error"]


async def test_control_api_invalid_json_and_unknown_route(emulator: BotApiEmulator) -> None:
    status, answer = await control(emulator, "POST", "/users", raw=b"{not json")
    assert (status, answer) == (400, {"error": "request body must be valid JSON"})
    status, answer = await control(emulator, "GET", "/no/such/route")
    assert status == 404 and "error" in answer


# --- waiting helpers and shutdown -------------------------------------------------------------


async def test_wait_idle_and_wait_helpers(emulator: BotApiEmulator, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def two_replies(message: Message) -> None:
        await message.answer("first")
        await message.answer("second")

    alice = emulator.create_user()
    async with polling(emulator, dp, bot, handle_as_tasks=False):
        await alice.send("go")
        await emulator.wait_idle(timeout=WAIT)
        assert [m.text for m in alice.bot_messages] == ["first", "second"]
        assert (await alice.wait_for_message(contains="sec", timeout=WAIT)).text == "second"
        with pytest.raises(SandboxTimeout, match="no new matching bot message"):
            await alice.wait_for_message(timeout=0.05)

    with pytest.raises(SandboxTimeout, match="unconfirmed update"):
        await alice.send("nobody polls now")
        await emulator.wait_idle(timeout=0.1)


async def test_stop_is_clean() -> None:
    before = asyncio.all_tasks()
    emulator = BotApiEmulator()
    await emulator.start()
    bot = make_bot(emulator)
    dp = Dispatcher()
    alice = emulator.create_user()
    await bot.set_webhook("http://127.0.0.1:9/unreachable")  # the pusher keeps retrying
    await alice.send("queued")
    await bot.delete_webhook()
    poll = asyncio.create_task(raw_call(emulator, "getUpdates", offset=10**9, timeout=30))
    await emulator.state.signal.wait_for(lambda: emulator.long_polls_waiting, WAIT)
    started = time.monotonic()
    await emulator.stop()
    status, body = await asyncio.wait_for(poll, WAIT)
    assert (status, body["result"]) == (200, [])  # parked long polls are released
    assert time.monotonic() - started < 2
    await bot.session.close()
    del dp
    assert asyncio.all_tasks() - before == set()
    await emulator.stop()  # idempotent


@pytest.mark.parametrize(("connections", "at_once"), [(1, 1), (3, 3)])
async def test_webhook_posts_up_to_the_connections_it_is_given_at_once(
    emulator: BotApiEmulator, bot: Bot, connections: int, at_once: int
) -> None:
    """One by one, in order, by default; with more connections, several updates are on
    their way together, as Telegram sends them up to the webhook's max_connections."""
    emulator.webhook_connections = connections
    in_hand: list[int] = []
    most = 0
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        nonlocal most
        update = await request.json()
        in_hand.append(update["update_id"])
        most = max(most, len(in_hand))
        await asyncio.wait_for(release.wait(), 5)
        in_hand.remove(update["update_id"])
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", slow)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    alice = emulator.create_user()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        for n in range(5):
            await alice.send(f"m{n}")
        await asyncio.sleep(0.5)
        assert most == at_once
        release.set()
        await until_no_pending(emulator)
    finally:
        await bot.delete_webhook()
        await runner.cleanup()


async def until_no_pending(emulator: BotApiEmulator) -> None:
    for _ in range(100):
        if not emulator.state.updates.pending:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the webhook did not take every update")
