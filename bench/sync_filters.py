"""Benchmark: the routers' own filters (`router.message.filter(...)`) run by aiogram, which
hands every synchronous filter to a worker thread, against the same filters run on the
event loop (`bot/telegram/tuning.py`).

An employee's private text message passes the filters of every router before the intake's
handler takes it; the script runs those checks (`check_root_filters`, as aiogram's
propagation does) for such a message, with the bot's routers as aiogram leaves them and
after `run_sync_filters_inline` (which reaches a router's own filters through the
observer's private `_handler`: the handlers' filters, which public attributes reach, play
no part in these checks). It prints the CPU and wall time per message of each (medians of
several rounds).

Run from the repository root: .venv/bin/python bench/sync_filters.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from aiogram import Dispatcher
from aiogram.types import Chat, Message, User

from bot.app import release_routers
from bot.telegram.tuning import run_sync_filters_inline
from domain.model import Employee
from handlers import setup_routers
from handlers.actor import Actor

MESSAGES = 1000
ROUNDS = 5


def dispatcher(inline: bool) -> Dispatcher:
    """The bot's routers (inlining changes their filters for good: it goes second)."""
    dp = Dispatcher()
    dp.include_routers(*setup_routers())
    if inline:
        run_sync_filters_inline(dp)
    return dp


async def one_round(dp: Dispatcher, message: Message, data: dict[str, Any]) -> tuple[float, float]:
    observers = [router.observers["message"] for router in dp.chain_tail]
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(MESSAGES):
        for observer in observers:
            await observer.check_root_filters(message, **data)
    return (
        (time.process_time() - cpu) / MESSAGES * 1e6,
        (time.perf_counter() - wall) / MESSAGES * 1e6,
    )


async def main() -> None:
    user = User(id=5, is_bot=False, first_name="Мария")
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        text="не печатает принтер",
    )
    actor = Actor(tg_id=user.id, employee=Employee(client_id=1, tg_id=user.id, name="Мария"))
    data = {"actor": actor, "staff_chat_id": -100, "event_from_user": user}
    print(f"{MESSAGES} messages × {ROUNDS} rounds; µs per message (median), CPU / wall")
    for inline, title in (
        (False, "aiogram as is (synchronous filters in a thread)"),
        (True, "run on the loop (run_sync_filters_inline)"),
    ):
        dp = dispatcher(inline)
        await one_round(dp, message, data)  # warm up
        results = [await one_round(dp, message, data) for _ in range(ROUNDS)]
        cpu = statistics.median(r[0] for r in results)
        wall = statistics.median(r[1] for r in results)
        print(f"{title:50} {cpu:8.0f} / {wall:.0f}")
        release_routers(dp)


if __name__ == "__main__":
    asyncio.run(main())
