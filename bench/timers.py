"""Benchmark: SLA timers for 100,000 open tickets.

Creates a temporary SQLite database with one client and 100,000 open tickets whose SLA
due times are spread over the next two weeks, plus a burst of 3,000 tickets whose reaction
warnings all fall due within a few seconds of each other shortly after start-up. Then it
starts the real DeskScheduler with the real OutboxNotifier (each warning writes messages
for the first line into the outbox) and prints:

- the start-up re-arm time: reading every open ticket's next milestones from the database
  and arming those due within the horizon (goal: under 3 s);
- the memory the start-up used: Python allocations (tracemalloc, a second start-up run
  under it) and the growth of the process's resident set (goal: under 300 MB);
- the firing lag under load: for every warning of the burst, from its due time to the
  moment it was recorded (p50 / p99 / max; the goal for each timer is under 2 s).

Run from the repository root: .venv/bin/python bench/timers.py
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
import tracemalloc
from datetime import UTC, datetime, timedelta

from bot.clock import MovableClock
from bot.config import Settings
from bot.i18n import create_i18n
from bot.workers.notices import OutboxNotifier
from bot.workers.timers import DeskScheduler
from domain.enums import StaffRole
from domain.use_cases import accounts
from storage import Database
from storage.codec import parse_utc, utc_text

MONDAY_MORNING = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
FIRST_LINE, MANAGER, LEAD, EMPLOYEE = 601, 602, 603, 1001
BURST_AFTER = 8.0  # seconds after the start of the scheduler
BURST_SPREAD = 10.0  # the burst's warnings fall due within this many seconds

_INSERT = (
    "INSERT INTO tickets (client_id, employee_id, kind, category, priority, title, "
    "description, status, registered_at, reaction_warning_at, reaction_due, "
    "resolution_warning_at, resolution_due, updated_at) "
    "VALUES (?, ?, 'incident', 'printer', 'standard', 'Не печатает принтер', "
    "'Не печатает принтер в бухгалтерии', 'new', ?, ?, ?, ?, ?, ?)"
)


def rss_mb() -> float:
    """The resident set of this process, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def fill(db: Database, clock: MovableClock, tickets: int, burst: int) -> datetime:
    """One client, its staff, and the open tickets; the moment the burst starts."""
    async with db.unit_of_work() as uow:
        for tg, role in ((FIRST_LINE, StaffRole.FIRST_LINE), (MANAGER, StaffRole.MANAGER)):
            await accounts.add_staff(uow, clock, tg_id=tg, name=str(tg), role=role)
        await accounts.add_staff(uow, clock, tg_id=LEAD, name="lead", role=StaffRole.LEAD)
        client = (
            await accounts.register_client(uow, clock, name="Bench", manager_tg_id=MANAGER)
        ).value
        invite = (await accounts.create_invite(uow, clock, client_id=client.id or 0)).value
        employee = await accounts.register_employee(
            uow, clock, code=invite.code, tg_id=EMPLOYEE, name="Анна"
        )
        await uow.commit()
    client_id, employee_id = client.id, employee.value.id
    now = clock.now()
    burst_at = now + timedelta(seconds=BURST_AFTER)
    rng = random.Random(6)
    rows = []
    for number in range(tickets):
        if number < burst:
            warning = burst_at + timedelta(seconds=BURST_SPREAD * number / burst)
        else:
            warning = now + timedelta(hours=2) + timedelta(seconds=rng.uniform(0, 14 * 86400))
        rows.append(
            (
                client_id,
                employee_id,
                utc_text(now),
                utc_text(warning),
                utc_text(warning + timedelta(hours=1)),
                utc_text(warning + timedelta(hours=4)),
                utc_text(warning + timedelta(hours=6)),
                utc_text(now),
            )
        )
    async with db.transaction() as session:
        await session.executemany(_INSERT, rows)
    return burst_at


async def start_timers(db: Database, clock: MovableClock, settings: Settings) -> DeskScheduler:
    notifier = OutboxNotifier(settings, create_i18n("ru"), clock)
    timers = DeskScheduler(db, clock, notifier)
    await timers.start()
    return timers


async def run(tickets: int, burst: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "timers.db"
        clock = MovableClock(MONDAY_MORNING, ticking=True)
        settings = Settings(_env_file=None, BOT_TOKEN="123456:BENCH", DATABASE_PATH=path)  # type: ignore[call-arg]
        db = await Database.open(path, clock=clock)
        began = time.perf_counter()
        await fill(db, clock, tickets, burst)
        print(f"open tickets: {tickets:,} (inserted in {time.perf_counter() - began:.1f} s)")

        # Time and the resident set on a first start-up; Python allocations on a second,
        # under tracemalloc (which slows Python down a lot), that then handles the burst.
        before = rss_mb()
        began = time.perf_counter()
        first = await start_timers(db, clock, settings)
        start_seconds = time.perf_counter() - began
        rss_growth = rss_mb() - before
        armed = first.stats.armed_at_start
        await first.stop()
        tracemalloc.start()
        timers = await start_timers(db, clock, settings)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"start-up re-arm: {start_seconds:.2f} s ({armed:,} timers armed within the hour; "
            "the rest are read from the database as the hour moves on)"
        )
        print(
            f"memory of the start-up: {peak / 2**20:.1f} MB of Python allocations at peak, "
            f"resident set +{rss_growth:.1f} MB (the whole process: {rss_mb():.0f} MB)"
        )

        deadline = time.monotonic() + BURST_AFTER + BURST_SPREAD + 60
        while time.monotonic() < deadline:
            async with db.transaction() as session:
                row = await session.fetchone("SELECT count(*) AS n FROM sla_events")
            if row is not None and row["n"] >= burst:
                break
            await asyncio.sleep(0.2)
        async with db.transaction() as session:
            rows = await session.fetchall("SELECT due_at, recorded_at FROM sla_events")
            sent = await session.fetchone("SELECT count(*) AS n FROM outbox")
        await timers.stop()
        await db.close()

    lags = sorted(
        (parse_utc(r["recorded_at"]) - parse_utc(r["due_at"])).total_seconds() for r in rows
    )
    if not lags:
        print("firing lag: nothing fired")
        return
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    print(
        f"firing lag under load ({len(lags):,} warnings due within {BURST_SPREAD:g} s, "
        f"{sent['n'] if sent else 0:,} outbox messages): p50 {statistics.median(lags):.2f} s, "
        f"p99 {p99:.2f} s, max {lags[-1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=3_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.tickets, args.burst))


if __name__ == "__main__":
    main()
