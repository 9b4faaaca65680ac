"""Benchmark: outbox delivery throughput within Telegram's flood limits.

Starts the Bot API emulator with Telegram's limits ON (30 messages per second overall,
about one per second per private chat after a burst of 3, 20 per minute per group) and
a FrontDesk on a temporary database, creates 200 people, writes 10 messages for each
(2,000 outbox rows) and measures how fast the delivery worker gets them all out.

Prints the messages and chats, the wall time, delivered messages per second and their
share of the 30/s global limit (goal: at least 90%), the 429s received (goal: 0), and the
p50/p95 latency from a row's creation to its delivery. The share can top 100% a little:
Telegram's buckets start full, so the first second may carry a burst on top of the rate.
All rows are written at once, so latency is mostly the place in the queue: at 30/s the
median row cannot go before ~33 s and the 95th percentile before ~63 s.

Run from the repository root: .venv/bin/python bench/delivery.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime

from bot.app import FrontDesk
from bot.clock import SystemClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator, ChatMessage
from domain.ports import OutboxMessage
from storage.codec import parse_utc

GLOBAL_LIMIT = 30.0
GOAL_SHARE = 90.0


async def write_rows(desk: FrontDesk, chat_ids: list[int], per_chat: int) -> None:
    """Each person's messages written together, the way a burst of notices is: a chat's
    rows are consecutive in the outbox."""
    created = datetime.now(UTC)
    async with desk.db.unit_of_work() as uow:
        for chat_id in chat_ids:
            for i in range(per_chat):
                await uow.outbox.add(
                    OutboxMessage(
                        chat_id=chat_id,
                        method="sendMessage",
                        payload={"text": f"bench {chat_id} #{i}"},
                        dedup_key=f"bench:{chat_id}:{i}",
                        created_at=created,
                    )
                )
        await uow.commit()


async def latencies(desk: FrontDesk) -> list[float]:
    async with desk.db.transaction() as session:
        rows = await session.fetchall(
            "SELECT created_at, sent_at FROM outbox WHERE status = 'sent' AND dedup_key LIKE "
            "'bench:%'"
        )
    return [
        (parse_utc(row["sent_at"]) - parse_utc(row["created_at"])).total_seconds() for row in rows
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


async def main(people: int, per_chat: int, timeout: float) -> int:
    total = people * per_chat
    async with BotApiEmulator(rate_limits=True) as emulator:
        persons = [emulator.create_user(f"Person {n}") for n in range(people)]
        chat_ids = [p.id for p in persons]
        wanted = set(chat_ids)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                BOT_TOKEN=emulator.token,
                DATABASE_PATH=Path(folder) / "bench.db",
                TELEGRAM_API_BASE=emulator.base_url,
                SHUTDOWN_FLUSH_SECONDS=0,
            )
            desk = FrontDesk(settings, SystemClock())
            await desk.start()
            try:
                # Telegram's buckets start full when the measured run starts.
                emulator.enable_rate_limits(True)
                before_429 = emulator.too_many_requests_count
                arrived = 0
                all_arrived = asyncio.Event()

                def on_message(event: str, message: ChatMessage) -> None:
                    nonlocal arrived
                    if event == "new" and message.from_bot and message.chat_id in wanted:
                        arrived += 1
                        if arrived >= total:
                            all_arrived.set()

                unsubscribe = emulator.subscribe(on_message)
                started = time.monotonic()
                await write_rows(desk, chat_ids, per_chat)
                desk.delivery.wake()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_arrived.wait(), timeout)
                seconds = time.monotonic() - started
                unsubscribe()
                done = arrived
                received_429 = emulator.too_many_requests_count - before_429
                lat = await latencies(desk)
            finally:
                await desk.stop()
    rate = done / seconds
    share = 100 * rate / GLOBAL_LIMIT
    print(f"messages: {total}")
    print(f"chats: {people}")
    print(f"delivered: {done}")
    print(f"seconds: {seconds:.2f}")
    print(f"delivered per second: {rate:.2f}")
    limit = f"{GLOBAL_LIMIT:.0f}/s"
    print(f"share of the {limit} global limit: {share:.1f}% (goal >= {GOAL_SHARE:.0f}%)")
    print(f"429 received: {received_429} (goal 0)")
    if lat:
        print(f"latency p50: {percentile(lat, 0.50):.2f} s")
        print(f"latency p95: {percentile(lat, 0.95):.2f} s")
        print(f"latency mean: {statistics.fmean(lat):.2f} s, max: {max(lat):.2f} s")
    ok = done == total and received_429 == 0 and share >= GOAL_SHARE
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--per-chat", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=110.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    sys.exit(asyncio.run(main(args.people, args.per_chat, args.timeout)))
