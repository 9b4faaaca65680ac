"""Benchmark: how long the bot stops while a monthly report is made.

Creates a temporary SQLite database with one client, its staff and `--tickets` tickets
registered and closed in November 2026 (a work log each), then builds the November report
`--runs` times while two probes run beside it on the same event loop:

- the loop's lag: a task that sleeps 5 ms and records how late it wakes up;
- the database's wait: a task that opens a transaction every 10 ms (as any update does)
  and records how long it waited for the lock.

It prints the time to build, the worst and p99 loop lag, the worst and p99 database wait
(an update's answer waits for both), and how much the report added to the process's
resident set at its peak (the kernel's high-water mark, reset before each build). The
issue's case is one client with 23,000 tickets in the month: ``--tickets 23000``; goals:
p99 < 100 ms, < 100 MB. `--as-the-bot` applies what the bot does at start
(bot/telegram/tuning.py: the GIL's switch interval, the start-up's objects frozen for the
garbage collector).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from bot.clock import MovableClock
from bot.i18n import create_i18n
from bot.reports import Reports
from domain.enums import StaffRole
from domain.use_cases import accounts
from storage import Database
from storage.codec import utc_text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ENGINEER, MANAGER, EMPLOYEE = 601, 602, 1001

_INSERT = (
    "INSERT INTO tickets (client_id, employee_id, kind, category, priority, title, "
    "description, status, assignee_tg_id, registered_at, first_response_at, resolved_at, "
    "closed_at, updated_at) "
    "VALUES (?, ?, 'incident', 'printer', ?, 'Не печатает принтер', "
    "'Не печатает принтер в бухгалтерии', 'closed', ?, ?, ?, ?, ?, ?)"
)
PRIORITIES = ("low", "standard", "high", "highest")


async def fill(db: Database, clock: MovableClock, tickets: int) -> int:
    async with db.unit_of_work() as uow:
        await accounts.add_staff(uow, clock, tg_id=ENGINEER, name="Олег", role=StaffRole.FIRST_LINE)
        await accounts.add_staff(uow, clock, tg_id=MANAGER, name="Мария", role=StaffRole.MANAGER)
        client = (
            await accounts.register_client(uow, clock, name="Bench", manager_tg_id=MANAGER)
        ).value
        invite = (await accounts.create_invite(uow, clock, client_id=client.id or 0)).value
        employee = await accounts.register_employee(
            uow, clock, code=invite.code, tg_id=EMPLOYEE, name="Анна"
        )
        await uow.commit()
    assert client.id is not None and employee.value.id is not None
    start = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    rows = []
    for number in range(tickets):
        registered = start + timedelta(minutes=(number * 37) % (26 * 24 * 60))
        rows.append(
            (
                client.id,
                employee.value.id,
                PRIORITIES[number % 4],
                ENGINEER,
                utc_text(registered),
                utc_text(registered + timedelta(minutes=20)),
                utc_text(registered + timedelta(hours=3)),
                utc_text(registered + timedelta(hours=5)),
                utc_text(registered),
            )
        )
    async with db.transaction() as session:
        await session.executemany(_INSERT, rows)
        await session.execute(
            "INSERT INTO work_logs (ticket_id, staff_tg_id, minutes, at, note) "
            "SELECT id, ?, 45, resolved_at, 'заменили картридж' FROM tickets",
            (ENGINEER,),
        )
    return client.id


async def loop_lag(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.005)
        lags.append(time.perf_counter() - before - 0.005)


async def db_wait(db: Database, waits: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        async with db.transaction() as session:
            await session.fetchone("SELECT 1")
        waits.append(time.perf_counter() - before)
        await asyncio.sleep(0.01)


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> bool:
    """Reset the kernel's high-water mark of the resident set (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


async def build_in_update(db: Database, reports: Reports, client_id: int) -> float:
    """The report built as /report builds it: inside an update's unit of work."""
    began = time.perf_counter()
    async with db.unit_of_work(task_wide=True) as uow:
        await reports.build(client_id, date(2026, 11, 1), "ru")
        await uow.commit()
    return time.perf_counter() - began


async def run(tickets: int, runs: int, as_the_bot: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = MovableClock(NOW)
        db = await Database.open(str(Path(folder) / "bench.sqlite3"), clock=clock)
        try:
            client_id = await fill(db, clock, tickets)
            if as_the_bot:
                from bot.telegram import tuning

                tuning.hand_over_the_gil_sooner()
                if hasattr(tuning, "freeze_what_start_up_built"):
                    tuning.freeze_what_start_up_built()
            reports = Reports(db, clock, create_i18n("ru"))
            await build_in_update(db, reports, client_id)  # imports and warm-up
            for _ in range(runs):
                lags: list[float] = []
                waits: list[float] = []
                stop = asyncio.Event()
                probes = [
                    asyncio.create_task(loop_lag(lags, stop)),
                    asyncio.create_task(db_wait(db, waits, stop)),
                ]
                await asyncio.sleep(0.05)
                rss_before = rss_mb()
                reset_peak()
                took = await asyncio.create_task(build_in_update(db, reports, client_id))
                added = rss_mb("VmHWM") - rss_before
                await asyncio.sleep(0.05)
                stop.set()
                await asyncio.gather(*probes)
                lags.sort()
                waits.sort()
                p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
                wait_p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
                print(
                    f"tickets {tickets:,}: built in {took:.2f} s; loop lag max "
                    f"{max(lags) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, median "
                    f"{statistics.median(lags) * 1000:.1f} ms; a transaction waited at most "
                    f"{max(waits) * 1000:.0f} ms, p99 {wait_p99 * 1000:.0f} ms; resident set "
                    f"+{added:.0f} MB at the peak",
                    flush=True,
                )
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-the-bot", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.tickets, args.runs, args.as_the_bot))


if __name__ == "__main__":
    main()
