"""Benchmark: does a year of work make the bot slower? The same operations on an empty
database and on one that holds a year.

The year is written the fast way, in large transactions of plain INSERTs, not through
the use cases (a year of intakes takes hours): `--tickets` tickets over the past 365 days
(`--open` of them still open, their due times passed and their breaches recorded, as at a
desk that fell behind),
with the rows the use cases leave behind them: `--outbox` outbox messages per ticket
(delivered, as the delivery worker leaves them), `--updates` handled updates per ticket
(their marks), a message and a work log per ticket. Then the bot's housekeeping runs once
as it would have every hour of that year (storage/pruning.py: outbox rows older than
OUTBOX_KEPT_DAYS and update marks older than 48 hours go), SQLite's statistics are saved
(ANALYZE, as `PRAGMA optimize` at a clean stop does) and the bot starts on it.

Measured on both databases, `--rounds` times by turns (median and range):
- the first answer to an employee: through the running bot (long polling against the
  built-in emulator), from their message to the bot's first answer;
- the outbox claim (`OutboxDelivery.claim_due`) with nothing due, as the delivery worker
  runs it;
- a scrape: the gauges of /metrics and /healthz (`MonitoringQueries.gauges`);
- the SLA refill's query (`pending` within the timers' hour).
And the file's size per ticket, before and after the year's pruning.

Run from the repository root: .venv/bin/python bench/year.py
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
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.app import FrontDesk
from bot.clock import SystemClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator
from bot.workers.timers import DEFAULT_HORIZON, DEFAULT_OUTBOX_KEPT, PROCESSED_UPDATES_KEPT
from domain.use_cases import accounts
from storage import Database
from storage.codec import utc_text
from storage.monitoring import MonitoringQueries
from storage.outbox import OutboxDelivery
from storage.pruning import prune_outbox, prune_processed_updates
from storage.repositories import refresh_next_due

EMPLOYEE = 5000
STAFF_CHAT_ID = -1001000000001
PRIORITIES = ("low", "standard", "high", "highest")


async def people(db: Database, employees: int = 40) -> tuple[int, int]:
    """A client and `employees` of its people (each round's first message is a new one's)."""
    clock = db.clock
    async with db.unit_of_work() as uow:
        client = (await accounts.register_client(uow, clock, name="ООО Ромашка")).value
        invite = await accounts.create_invite(
            uow, clock, client_id=client.id or 0, max_uses=employees
        )
        for n in range(employees):
            employee = await accounts.register_employee(
                uow, clock, code=invite.value.code, tg_id=EMPLOYEE + n, name=f"Сотрудник {n}"
            )
        await uow.commit()
    return client.id or 0, employee.value.id or 0


async def a_year(db: Database, tickets: int, open_: int, outbox: int, updates: int) -> None:
    client_id, employee_id = await people(db)
    now, rng = db.clock.now(), random.Random(5)
    update_id = 0
    for first in range(0, tickets, 5_000):
        rows, messages, sent, marks, breaches = [], [], [], [], []
        for n in range(first, min(first + 5_000, tickets)):
            at = now - timedelta(days=365) + timedelta(days=365 * n / tickets)
            is_open = n >= tickets - open_
            due = utc_text(at + timedelta(hours=rng.randrange(2, 48)))
            rows.append(
                (
                    n + 1, client_id, employee_id, PRIORITIES[n % 4],
                    f"Не печатает принтер {n}", f"Не печатает принтер в кабинете {n}",
                    "in_progress" if is_open else "closed", utc_text(at),
                    None if is_open else utc_text(at + timedelta(days=1)), due, due, utc_text(at),
                )
            )  # fmt: skip
            messages.append((n + 1, f"Проверьте, пожалуйста, ещё раз {n}", utc_text(at)))
            if is_open:  # recorded as the running bot recorded them when they fell due
                breaches += [(n + 1, m, due) for m in ("reaction_breach", "resolution_breach")]
            for k in range(outbox):
                sent.append((n % 300, f"ticket:{n}:{k}", n + 1, utc_text(at), utc_text(at)))
            for _ in range(updates):
                update_id += 1
                marks.append((update_id, utc_text(at)))
        async with db.transaction() as session:
            await session.executemany(
                "INSERT INTO tickets (id, client_id, employee_id, kind, category, priority, "
                "title, description, status, registered_at, closed_at, reaction_due, "
                "resolution_due, updated_at) "
                "VALUES (?, ?, ?, 'incident', 'printer', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            await session.executemany(
                "INSERT INTO ticket_messages (ticket_id, author, text, created_at) "
                "VALUES (?, 'staff', ?, ?)",
                messages,
            )
            await session.executemany(
                "INSERT INTO outbox (chat_id, method, payload, dedup_key, ticket_id, status, "
                "attempts, next_attempt_at, created_at, sent_at, sent_message_id) VALUES "
                "(?, 'sendMessage', '{\"text\": \"Заявка принята, мы уже работаем\"}', ?, ?, "
                "'sent', 1, ?, ?, ?, 1)",
                [(*row, row[-1]) for row in sent],
            )
            await session.executemany(
                "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", marks
            )
            await session.executemany(
                "INSERT INTO sla_events (ticket_id, milestone, due_at, recorded_at) "
                "VALUES (?, ?, ?, ?3)",
                breaches,
            )
            # The next due times the repositories would have kept (here: nothing left due).
            await refresh_next_due(session, [row[0] for row in rows if row[6] != "closed"])


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    began = time.perf_counter()
    await work()
    return (time.perf_counter() - began) * 1000


async def measure(
    emulator: BotApiEmulator, path: Path, rounds: int, run: int
) -> dict[str, list[float]]:
    """The four figures, `rounds` times, with the bot running on the database. One
    emulator for every run: its update numbers go on from one run to the next, as
    Telegram's do (a number seen before is taken for a redelivery and dropped)."""
    seen: dict[str, list[float]] = {"first answer": [], "claim": [], "scrape": [], "refill": []}
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN=emulator.token,
        DATABASE_PATH=path,
        TELEGRAM_API_BASE=emulator.base_url,
        STAFF_CHAT_ID=STAFF_CHAT_ID,
        SHUTDOWN_FLUSH_SECONDS=0,
        METRICS_PORT=0,
    )
    desk = FrontDesk(settings, SystemClock())
    await desk.start()
    desk.start_polling_in_background()
    delivery, gauges = OutboxDelivery(desk.db), MonitoringQueries(desk.db)
    try:
        await asyncio.sleep(2)  # the start-up's catch-up and first passes
        for n in range(rounds):
            person = emulator.create_user(
                "Анна", user_id=EMPLOYEE + run * rounds + n, language_code="ru"
            )
            began = time.perf_counter()
            await person.send(f"не работает почта в кабинете {n}")
            await person.wait_for_message(timeout=60)
            seen["first answer"].append((time.perf_counter() - began) * 1000)
            before = desk.clock.now() - DAY  # nothing is due then: the query's own cost
            seen["claim"].append(await timed(lambda at=before: delivery.claim_due(at)))
            seen["scrape"].append(await timed(gauges.gauges))

            async def refill() -> None:
                async with desk.db.unit_of_work() as uow:
                    await uow.sla_events.pending(desk.clock.now() + DEFAULT_HORIZON)

            seen["refill"].append(await timed(refill))
    finally:
        await desk.stop()
    return seen


DAY = timedelta(days=1)


async def main(tickets: int, open_: int, outbox: int, updates: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        empty, year = Path(folder) / "empty.db", Path(folder) / "year.db"
        clock = SystemClock()
        async with await Database.open(empty, clock=clock) as db:
            await people(db)
        began = time.perf_counter()
        async with await Database.open(year, clock=clock) as db:
            await a_year(db, tickets, open_, outbox, updates)
        unpruned = year.stat().st_size
        async with await Database.open(year, clock=clock) as db:
            now = clock.now()
            outbox_gone = await prune_outbox(db, now - DEFAULT_OUTBOX_KEPT)
            marks_gone = await prune_processed_updates(db, now - PROCESSED_UPDATES_KEPT)
            async with db.transaction() as session:
                await session.execute("ANALYZE")
        async with (
            await Database.open(year, clock=clock) as db,  # the free pages, counted
            db.transaction() as session,
        ):
            free = (await session.fetchone("PRAGMA freelist_count"))[0]  # type: ignore[index]
            page = (await session.fetchone("PRAGMA page_size"))[0]  # type: ignore[index]
        kept = year.stat().st_size - free * page
        print(
            f"a year: {tickets:,} tickets ({open_:,} open, overdue), {tickets * outbox:,} outbox "
            f"rows and {tickets * updates:,} handled updates written in "
            f"{time.perf_counter() - began:.0f} s; the housekeeping then deleted "
            f"{outbox_gone:,} outbox rows and {marks_gone:,} update marks"
        )
        print(
            f"database per ticket: {unpruned / tickets / 1024:.1f} KB without the pruning, "
            f"{kept / tickets / 1024:.1f} KB with it (pages in use; SQLite reuses the freed ones)"
        )
        figures: dict[str, dict[str, list[float]]] = {"empty": {}, "year": {}}
        async with BotApiEmulator() as emulator:
            emulator.create_group("Поддержка", chat_id=STAFF_CHAT_ID)
            runs = [("empty", empty), ("year", year), ("year", year), ("empty", empty)]
            for n, (name, path) in enumerate(runs):  # by turns
                for what, values in (await measure(emulator, path, rounds, n)).items():
                    figures[name].setdefault(what, []).extend(values)
    print(f"{'':14} {'empty database':26} {'a year':26} ratio (goal within 2x)")
    ok = True
    for what in figures["empty"]:
        e, y = figures["empty"][what], figures["year"][what]
        ratio = statistics.median(y) / max(statistics.median(e), 1e-3)
        ok = ok and ratio <= 2
        print(f"{what:14} {spread(e):26} {spread(y):26} {ratio:.1f}x")
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} ms ({min(values):.2f}–{max(values):.2f})"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=5_000)
    parser.add_argument("--outbox", type=int, default=8, help="outbox rows per ticket")
    parser.add_argument("--updates", type=int, default=8, help="handled updates per ticket")
    parser.add_argument("--rounds", type=int, default=5, help="at most 10")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sys.exit(asyncio.run(main(args.tickets, args.open, args.outbox, args.updates, args.rounds)))
