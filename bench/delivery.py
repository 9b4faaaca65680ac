"""Benchmark: outbox delivery throughput within Telegram's flood limits.

Starts the Bot API emulator with Telegram's limits (its default: sliding windows of 30
messages a second overall, 20 a minute per group, one a second on average per private
chat) and a FrontDesk on a temporary database, creates 200 people and 5 groups, writes
10 messages for each person and 30 for each group (2,150 outbox rows) and measures how
the delivery worker gets them all out.

Prints the messages and chats, delivered messages per second while the private chats
kept the worker busy and their share of the 30/s global limit (goal: at least 90%), the
429s received (goal: 0), the busiest windows the emulator counted next to Telegram's
limits (goal: none over), and the p50/p95 latency from a row's creation to its
delivery. All rows are written at once, so latency is mostly the place in the queue: at
30/s the median row cannot go before ~33 s and the 95th percentile before ~63 s. A group
gets 20 at once and the other 10 a minute later; meanwhile the private chats go on.

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
from bot.sandbox import BotApiEmulator, Busiest, ChatMessage
from domain.ports import OutboxMessage
from storage.codec import parse_utc

GLOBAL_LIMIT = 30.0
GOAL_SHARE = 90.0


async def write_rows(desk: FrontDesk, chat_ids: list[int], per_group: int, per_chat: int) -> None:
    """Each chat's messages written together, the way a burst of notices is: a chat's
    rows are consecutive in the outbox."""
    created = datetime.now(UTC)
    async with desk.db.unit_of_work() as uow:
        for chat_id in chat_ids:
            for i in range(per_group if chat_id < 0 else per_chat):
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


def print_windows(busiest: Busiest, emulator: BotApiEmulator) -> bool:
    """The busiest windows next to the limits; True if none went over."""
    limits = emulator.rate_limiter.limits
    rows = [
        ("one private chat, any 1 s", busiest.private_chat_second, 1, "the outbox's own"),
        (
            f"one private chat, any {limits.private.seconds:.0f} s",
            busiest.private_chat,
            limits.private.limit,
            "",
        ),
        (
            f"one group, any {limits.group.seconds:.0f} s",
            busiest.group,
            limits.group.limit,
            "",
        ),
        (
            f"everything, any {limits.overall.seconds:.0f} s",
            busiest.overall,
            limits.overall.limit,
            "",
        ),
    ]
    print("busiest windows (counted by the emulator, limit):")
    for name, seen, limit, note in rows:
        print(f"  {name}: {seen} (limit {limit}{', ' + note if note else ''})")
    return all(seen <= limit for _, seen, limit, _ in rows)


async def main(people: int, per_chat: int, groups: int, per_group: int, timeout: float) -> int:
    total = people * per_chat + groups * per_group
    async with BotApiEmulator() as emulator:
        persons = [emulator.create_user(f"Person {n}") for n in range(people)]
        group_ids = [emulator.create_group(f"Group {n}").id for n in range(groups)]
        chat_ids = [p.id for p in persons]
        wanted = set(chat_ids) | set(group_ids)
        private_total = people * per_chat
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
                # The windows start empty when the measured run starts.
                emulator.enable_rate_limits(True)
                before_429 = emulator.too_many_requests_count
                arrived = private_arrived = 0
                private_done_at = None
                all_arrived = asyncio.Event()

                def on_message(event: str, message: ChatMessage) -> None:
                    nonlocal arrived, private_arrived, private_done_at
                    if event == "new" and message.from_bot and message.chat_id in wanted:
                        arrived += 1
                        if message.chat_id > 0:
                            private_arrived += 1
                            if private_arrived == private_total:
                                private_done_at = time.monotonic()
                        if arrived >= total:
                            all_arrived.set()

                unsubscribe = emulator.subscribe(on_message)
                started = time.monotonic()
                await write_rows(desk, group_ids + chat_ids, per_group, per_chat)
                desk.delivery.wake()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_arrived.wait(), timeout)
                seconds = time.monotonic() - started
                busy = (private_done_at or time.monotonic()) - started
                # Everything the emulator accepted while the private chats kept it busy.
                sent_while_busy = sum(
                    1 for c in emulator.rate_limiter.accepted if started <= c.at <= started + busy
                )
                busiest = emulator.busiest_windows()
                unsubscribe()
                done = arrived
                received_429 = emulator.too_many_requests_count - before_429
                lat = await latencies(desk)
            finally:
                await desk.stop()
    rate = sent_while_busy / busy
    share = 100 * rate / GLOBAL_LIMIT
    print(f"messages: {total} ({people} private chats x {per_chat}, {groups} groups x {per_group})")
    print(f"delivered: {done} in {seconds:.2f} s")
    print(f"private chats done in {busy:.2f} s, {sent_while_busy} messages sent meanwhile")
    print(f"delivered per second meanwhile: {rate:.2f}")
    limit = f"{GLOBAL_LIMIT:.0f}/s"
    print(f"share of the {limit} global limit: {share:.1f}% (goal >= {GOAL_SHARE:.0f}%)")
    print(f"429 received: {received_429} (goal 0)")
    within = print_windows(busiest, emulator)
    if lat:
        print(f"latency p50: {percentile(lat, 0.50):.2f} s")
        print(f"latency p95: {percentile(lat, 0.95):.2f} s")
        print(f"latency mean: {statistics.fmean(lat):.2f} s, max: {max(lat):.2f} s")
    ok = done == total and received_429 == 0 and share >= GOAL_SHARE and within
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--per-chat", type=int, default=10)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--per-group", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=150.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    sys.exit(
        asyncio.run(main(args.people, args.per_chat, args.groups, args.per_group, args.timeout))
    )
