"""The staff chat's card of a ticket stays one, and live: a card deleted in the chat is
posted again at the ticket's next change, and a failure between creating a topic or a
card and recording it never leaves two of them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError

from bot.sandbox import BotApiEmulator
from storage.repositories import SqliteTicketPosts
from tests.e2e.harness import STAFF_CHAT_ID, Desk, FailureLog, failed_calls, running_desk
from tests.e2e.test_client_side import send_ticket
from tests.e2e.test_staff_desk import staff_world


async def take_in_private(desk: Desk, engineer, number: int) -> None:
    """The engineer takes the ticket from its card in their private chat."""
    await engineer.command("t", str(number))
    card = await engineer.wait_for_message(contains=f"№{number}")
    await (await engineer.press("🙋 Взять", message=card)).wait_answered()


@contextmanager
def only_the_refused_edit(emulator: BotApiEmulator) -> Iterator[None]:
    """No error logged, and no Bot API call refused but the edit of the deleted card
    (Telegram tells no other way that a message is gone)."""
    errors = FailureLog()
    logging.getLogger().addHandler(errors)
    before = len(emulator.api.calls)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(errors)
    assert not errors.lines, errors.lines
    refused = failed_calls(emulator, before)
    assert refused == ["editMessageText → 400 Bad Request: message to edit not found"], refused


@pytest.mark.expect_failures  # one edit is refused, see only_the_refused_edit
async def test_a_card_deleted_in_the_staff_chat_is_posted_again_at_the_next_change(desk: Desk):
    anna, engineer, _manager = await staff_world(desk)
    chat = desk.staff_chat
    number = await send_ticket(anna)
    card = await chat.wait_for_message(contains=f"№{number}")
    desk.emulator.state.delete_message(card)  # an admin of the chat deleted it

    with only_the_refused_edit(desk.emulator):
        await take_in_private(desk, engineer, number)
        again = await chat.wait_for_message(contains=f"№{number}")
        assert "Исполнитель: Иван" in again.text and not again.deleted
        await desk.settled()
    async with desk.db.unit_of_work() as uow:
        post = await uow.ticket_posts.get(number)
    assert post.message_id == again.message_id
    # and the new card is the one edited from now on
    await engineer.press("💬 Ответить", message=again, chat=chat)
    await chat.wait_for_message(contains="напишите ответ")


async def test_in_a_forum_the_card_comes_back_in_its_topic(emulator: BotApiEmulator, tmp_path):
    async with running_desk(emulator, tmp_path, forum=True, expect_failures=True) as desk:
        anna, engineer, _manager = await staff_world(desk)
        chat = desk.staff_chat
        number = await send_ticket(anna)
        card = await chat.wait_for_message(contains=f"№{number}")
        desk.emulator.state.delete_message(card)

        with only_the_refused_edit(desk.emulator):
            await take_in_private(desk, engineer, number)
            again = await chat.wait_for_message(contains=f"№{number}")
            await desk.settled()
        assert "Исполнитель: Иван" in again.text
        assert again.thread_id == card.thread_id and len(chat.topics) == 1


def live_cards(desk: Desk, number: int) -> list:
    return [
        m
        for m in desk.staff_chat.bot_messages
        if not m.deleted and m.inline_keyboard and (m.text or "").count(f"№{number}")
    ]


@pytest.mark.expect_failures  # the failed record is logged as an error, as it should be
async def test_a_card_sent_but_not_recorded_is_not_sent_twice(
    emulator: BotApiEmulator, tmp_path, monkeypatch
):
    set_post = SqliteTicketPosts.set
    failures = []

    async def fails_once(self, post):
        if not failures:
            failures.append(post)
            raise OSError("disk I/O error")  # the card was sent; its record was not written
        await set_post(self, post)

    monkeypatch.setattr(SqliteTicketPosts, "set", fails_once)
    async with running_desk(emulator, tmp_path, forum=True, expect_failures=True) as desk:
        anna, _engineer, _manager = await staff_world(desk)
        number = await send_ticket(anna)
        await desk.staff_chat.wait_for_message(contains=f"№{number}")
        await desk.settled()
        assert failures, "the record did not fail"
        assert len(live_cards(desk, number)) == 1
        assert len(desk.staff_chat.topics) == 1
        async with desk.db.unit_of_work() as uow:
            post = await uow.ticket_posts.get(number)
        assert post is not None and post.message_id == live_cards(desk, number)[0].message_id


@pytest.mark.expect_failures  # the lost connection is retried, as it should be
async def test_a_topic_created_before_a_failed_send_is_used_by_the_retry(
    emulator: BotApiEmulator, tmp_path, monkeypatch
):
    send = Bot.send_message
    lost = []

    async def loses_the_card_once(self, chat_id, text, **kwargs):
        if chat_id == STAFF_CHAT_ID and kwargs.get("message_thread_id") and not lost:
            lost.append(text)
            raise TelegramNetworkError(method=None, message="connection reset")
        return await send(self, chat_id, text, **kwargs)

    monkeypatch.setattr(Bot, "send_message", loses_the_card_once)
    async with running_desk(emulator, tmp_path, forum=True, expect_failures=True) as desk:
        anna, _engineer, _manager = await staff_world(desk)
        number = await send_ticket(anna)
        card = await desk.staff_chat.wait_for_message(contains=f"№{number}", timeout=10)
        await desk.settled()
        assert lost, "the send did not fail"
        assert len(desk.staff_chat.topics) == 1
        assert card.thread_id == desk.staff_chat.topics[0].message_thread_id
        assert len(live_cards(desk, number)) == 1


async def test_a_superseded_card_loses_its_buttons_when_pressed_and_does_nothing(desk: Desk):
    """A process killed after posting a card and before recording it posts another one at
    the retry: the first, superseded, one must not act on the ticket."""
    anna, engineer, _manager = await staff_world(desk)
    number = await send_ticket(anna)
    old = await desk.staff_chat.wait_for_message(contains=f"№{number}")
    await desk.settled()
    async with desk.db.unit_of_work() as uow:  # the retry's card was recorded instead
        post = await uow.ticket_posts.get(number)
        await uow.ticket_posts.set(type(post)(number, post.chat_id, post.message_id + 1000, None))
        await uow.commit()

    press = await engineer.press("🙋 Взять", message=old, chat=desk.staff_chat)
    answer = await press.wait_answered()
    assert "более новая карточка" in (answer.text or "")
    await desk.staff_chat.wait_until(lambda _t: not old.inline_keyboard)
    async with desk.db.unit_of_work() as uow:
        assert (await uow.tickets.get(number)).assignee_tg_id is None
