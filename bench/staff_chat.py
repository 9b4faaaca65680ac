"""Benchmark: the staff chat when many people file at once.

The staff chat is a group: Telegram lets a bot post 20 messages a minute there, edits
included. Starts the Bot API emulator (Telegram's limits on, its default) and a FrontDesk
with a staff chat on a temporary database, registers 200 employees of one client and
files a ticket for each of them, spread evenly over `--spread` seconds (10 by default),
through the real use case and notifier, as the intake's last step does.

Prints when every ticket was in sight in the staff chat (its card, or its line in the
"Новые заявки" list): the worst and median time from filing to being in sight (goal:
every ticket within 60 s), how many were in sight and how many full cards were posted
when the last ticket was filed and a minute after the first, the 429s received (goal 0)
and the busiest minute of the staff chat as the emulator counted it (goal: at most 20).

Run from the repository root: .venv/bin/python bench/staff_chat.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import logging
import re
import statistics
import tempfile
import time

from bot.app import FrontDesk
from bot.clock import SystemClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator, ChatMessage
from domain import SlaTier, TicketKind
from domain.enums import Scope, WorkImpact
from domain.use_cases import accounts, intake

STAFF_CHAT_ID = -1001000000001
GOAL_SECONDS = 60.0
NUMBER = re.compile(r"№(\d+)\b")


async def main(people: int, spread: float, watch: float) -> int:
    async with BotApiEmulator() as emulator:
        staff_chat = emulator.create_group("Поддержка", chat_id=STAFF_CHAT_ID)
        persons = [
            emulator.create_user(f"Сотрудник {n}", language_code="ru") for n in range(people)
        ]
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                BOT_TOKEN=emulator.token,
                DATABASE_PATH=Path(folder) / "bench.db",
                TELEGRAM_API_BASE=emulator.base_url,
                STAFF_CHAT_ID=STAFF_CHAT_ID,
                SHUTDOWN_FLUSH_SECONDS=0,
            )
            clock = SystemClock()
            desk = FrontDesk(settings, clock)
            await desk.start()
            try:
                async with desk.db.unit_of_work() as uow:
                    client = (
                        await accounts.register_client(
                            uow, clock, name="ООО Ромашка", tier=SlaTier.GOLD
                        )
                    ).value
                    invite = (
                        await accounts.create_invite(
                            uow, clock, client_id=client.id or 0, max_uses=people
                        )
                    ).value
                    for person in persons:
                        await accounts.register_employee(
                            uow, clock, code=invite.code, tg_id=person.id, name=person.first_name
                        )
                    await uow.commit()

                filed_at: dict[int, float] = {}
                seen_at: dict[int, float] = {}

                def on_change(event: str, message: ChatMessage) -> None:
                    if message.chat_id != STAFF_CHAT_ID:
                        return
                    now = time.monotonic()
                    alive = [m for m in staff_chat.bot_messages if not m.deleted]
                    shown = {int(n) for m in alive for n in NUMBER.findall(m.text or "")}
                    for number in shown:
                        seen_at.setdefault(number, now)

                unsubscribe = emulator.subscribe(on_change)
                started = time.monotonic()

                async def file(n: int, person_id: int) -> None:
                    await asyncio.sleep(spread * n / people)
                    async with desk.db.unit_of_work() as uow:
                        outcome = await intake.open_ticket(
                            uow,
                            clock,
                            employee_tg_id=person_id,
                            draft=intake.TicketDraft(
                                f"Не работает почта и общий диск, сотрудник {n}",
                                TicketKind.INCIDENT,
                                impact=WorkImpact.HAMPERED,
                                scope=Scope.ME,
                            ),
                        )
                        await desk.timers.notifier.publish(uow, outcome.events)
                        await uow.commit()
                    filed_at[outcome.value.number] = time.monotonic()
                    desk.delivery.wake()

                await asyncio.gather(*(file(n, p.id) for n, p in enumerate(persons)))
                last_filed = time.monotonic()

                def cards() -> int:
                    return sum(
                        1
                        for m in staff_chat.bot_messages
                        if not m.deleted and "Новые заявки" not in (m.text or "")
                    )

                at_last_filing = (sum(1 for n in filed_at if n in seen_at), cards())
                await asyncio.sleep(max(0.0, started + 60.0 - time.monotonic()))
                after_a_minute = (sum(1 for n in filed_at if n in seen_at), cards())
                await asyncio.sleep(max(0.0, started + watch - time.monotonic()))
                unsubscribe()
                received_429 = emulator.too_many_requests_count
                busiest = emulator.busiest_windows()
            finally:
                await desk.stop()
    waits = [seen_at[n] - filed_at[n] for n in filed_at if n in seen_at]
    missing = len(filed_at) - len(waits)
    limit = emulator.rate_limiter.limits.group
    print(f"tickets filed: {len(filed_at)} over {last_filed - started:.1f} s")
    print(f"when the last was filed: {at_last_filing[0]} in sight, {at_last_filing[1]} full cards")
    print(f"a minute after the first: {after_a_minute[0]} in sight, {after_a_minute[1]} full cards")
    if waits:
        print(
            f"from filing to in sight: median {statistics.median(waits):.1f} s, "
            f"worst {max(waits):.1f} s (goal <= {GOAL_SECONDS:.0f} s); never in sight: {missing}"
        )
    print(f"429 received: {received_429} (goal 0)")
    print(
        f"busiest staff chat window: {busiest.group} in {limit.seconds:.0f} s "
        f"(limit {limit.limit}); everything, any second: {busiest.overall} (limit 30)"
    )
    ok = (
        not missing
        and bool(waits)
        and max(waits) <= GOAL_SECONDS
        and received_429 == 0
        and busiest.group <= limit.limit
    )
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--spread", type=float, default=10.0)
    parser.add_argument("--watch", type=float, default=90.0, help="seconds to watch the chat")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    sys.exit(asyncio.run(main(args.people, args.spread, args.watch)))
