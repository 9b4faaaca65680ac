"""Telegram's limits kept by two replicas together, on PostgreSQL (storage/telegram_sends.py):
two bots with throttles of their own send through the emulator, which counts Telegram's
limits as Telegram does; without the shared record they overrun them together."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot.clock import MovableClock
from bot.sandbox import BotApiEmulator
from bot.telegram.flood_limits import Throttle
from bot.telegram.session import JsonBotApiSession
from storage.postgres import PgDatabase
from storage.telegram_sends import TelegramSends

pytestmark = pytest.mark.real_flood_limits


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(rate_limits=True) as emulator:
        yield emulator


@pytest.fixture
async def sends_url(postgres_url: str) -> str:
    db = await PgDatabase.open(postgres_url, clock=MovableClock())  # migrated, then closed
    await db.close()
    return postgres_url


def replica(emulator: BotApiEmulator, sends: TelegramSends | None) -> tuple[Bot, Throttle]:
    """A bot as a replica makes it: its own session and throttle."""
    bot = Bot(emulator.token, session=JsonBotApiSession(api=emulator.telegram_api_server()))
    throttle = Throttle()
    if sends is not None:
        throttle.share(sends)
    bot.session.middleware(throttle)
    return bot, throttle


async def answer_everybody(bots: list[Bot], chats: list[int]) -> None:
    """Each replica answers its half of the people at once, as after a burst of updates."""
    await asyncio.gather(
        *(bots[n % len(bots)].send_message(chat, "Заявка принята") for n, chat in enumerate(chats))
    )


async def test_two_replicas_answering_at_once_keep_the_bots_30_a_second_together(
    emulator: BotApiEmulator, sends_url: str
) -> None:
    chats = [emulator.create_user(f"Сотрудник{n}", user_id=1000 + n).id for n in range(80)]
    records = [TelegramSends(sends_url), TelegramSends(sends_url)]
    bots = [replica(emulator, record)[0] for record in records]
    try:
        started = time.monotonic()
        await answer_everybody(bots, chats)
        took = time.monotonic() - started
    finally:
        for bot, record in zip(bots, records, strict=True):
            await bot.session.close()
            await record.close()
    assert emulator.stats.rate_limited == 0
    assert emulator.busiest_windows().overall <= 30
    assert took >= 2.0  # 80 messages at 30 a second: the third second's began after 2 s


async def test_without_the_shared_record_two_replicas_overrun_telegrams_limit(
    emulator: BotApiEmulator,
) -> None:
    """What the shared record is for: each replica alone keeps to 30 a second, and both
    together send up to 60 (the emulator refuses what is over)."""
    chats = [emulator.create_user(f"Сотрудник{n}", user_id=1000 + n).id for n in range(80)]
    bots = [replica(emulator, None)[0], replica(emulator, None)[0]]
    try:
        with pytest.raises(TelegramRetryAfter, match=r"Too Many Requests|retry after"):
            await answer_everybody(bots, chats)
    finally:
        for bot in bots:
            await bot.session.close()
    assert emulator.stats.rate_limited > 0


async def test_the_outbox_waits_for_a_chats_second_after_another_replica_answered_there(
    emulator: BotApiEmulator, sends_url: str
) -> None:
    anna = emulator.create_user("Анна", user_id=2001).id
    records = [TelegramSends(sends_url), TelegramSends(sends_url)]
    standby, _ = replica(emulator, records[0])
    leader, throttle = replica(emulator, records[1])
    try:
        await standby.send_message(anna, "Заявка №1 принята")  # a reply, on one replica
        with throttle.paced():  # the leader's outbox, to the same person
            await leader.send_message(anna, "Инженер взял заявку №1")
    finally:
        for bot, record in ((standby, records[0]), (leader, records[1])):
            await bot.session.close()
            await record.close()
    assert emulator.busiest_windows().private_chat_second == 1
    first, second = (call.started_at for call in emulator.calls("sendMessage"))
    assert second - first >= 1.0


async def test_a_replica_whose_record_does_not_answer_keeps_the_limits_alone(
    emulator: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    person = emulator.create_user("Анна", user_id=2001)
    anna = person.id
    unreachable = TelegramSends("postgresql://nobody@127.0.0.1:9/none")
    bot, _ = replica(emulator, unreachable)
    try:
        with caplog.at_level(logging.WARNING):
            await bot.send_message(anna, "Заявка №1 принята")
            await bot.send_message(anna, "Заявка №2 принята")
    finally:
        await bot.session.close()
        await unreachable.close()
    assert [m.text for m in person.bot_messages] == [
        "Заявка №1 принята",
        "Заявка №2 принята",
    ]
    said = [r.getMessage() for r in caplog.records if "kept by this process alone" in r.message]
    assert len(said) == 1  # once, not per message
