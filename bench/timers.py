"""Benchmark: the SLA timers after a real restart, on a database of realistic tickets.

The database (built once per scenario, then copied for every run): 100,000 open tickets
of 20 clients. Most were registered in the past eight weeks, taken into work, and are
overdue: their warnings and breaches are on record already (sla_events), as a bot that
ran all along left them. A few thousand are due in the next two weeks, at or soon after
opening hours. And, by scenario:

- ``burst``: 8,000 requests written over the weekend, their clocks starting at Monday's
  09:00, whose reaction warnings all fall due at the same second, 09:45:00;
- ``backlog``: the bot was down for 25 hours: 4,350 requests of the day before, nobody
  answered, so 8,700 warnings and breaches fell due meanwhile (half of them within
  minutes of 09:00) and none is on record.

In both, the managers' digests of the day are on record (a bot that ran all along sent
them at opening): the digest reads every open ticket, which is not the timers' cost.

Each run is a fresh process (imports, connection, statistics and caches as after a
restart) that opens a copy of the database, starts the real DeskScheduler with the real
OutboxNotifier, and prints, as one JSON line: the start-up (reading what is due within
the hour and arming it), its resident set, and the lag from each due time to the moment
the milestone was recorded (p50 / p99 / max), or, for the backlog, how long until all of
it was recorded, and the process's CPU time until then (all threads: the steadier figure
on a shared machine). Goals (issue 23): burst p99 < 2 s; backlog < 5 s.

``--compare DIR`` runs the code in DIR (a checkout of an earlier commit) and this one by
turns, ``--rounds`` times each, and prints medians and ranges. The database is built
with this code's migrations; a run of code from before one of them gets a copy marked as
that code left it (the newer column and index are nothing to it).

Run from the repository root: .venv/bin/python bench/timers.py [--scenario burst]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there (or
# the code to measure, for a run of --compare).
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    if "--code" in sys.argv:
        sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta

HERE = Path(__file__).resolve().parent.parent
MONDAY_OPENS = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
BURST_AT = MONDAY_OPENS + timedelta(minutes=45)
BURST_START_BEFORE = 3.0  # the fresh process's clock starts this long before the burst
TICKETS = 100_000
BURST = 8_000
BACKLOG_TICKETS = 4_350  # a warning and a breach each
CLIENTS = 20
FIRST_LINE, FIRST_LINE_2, LEAD = 601, 604, 603
MANAGERS = (602, 605)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# --- the database ---------------------------------------------------------------------


async def create_schema(path: Path) -> None:
    from bot.clock import MovableClock
    from storage import Database

    db = await Database.open(path, clock=MovableClock(MONDAY_OPENS))
    await db.close()


def opening(day: datetime, rng: random.Random) -> datetime:
    """A moment of that day, most often within the first hour after opening (09:00)."""
    start = day.replace(hour=6, minute=0, second=0, microsecond=0)
    if rng.random() < 0.5:
        return start + timedelta(seconds=rng.uniform(0, 3600))
    return start + timedelta(seconds=rng.uniform(0, 9 * 3600))


def working_days(before: datetime, days: int) -> list[datetime]:
    found, day = [], before
    while len(found) < days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


def build(
    path: Path, scenario: str, total: int = TICKETS, special: int = 0, seed: int = 23
) -> dict[str, object]:
    """Fill a new database for `scenario`; what the run is to expect."""
    asyncio.run(create_schema(path))
    rng = random.Random(seed)
    now = MONDAY_OPENS if scenario == "burst" else MONDAY_OPENS + timedelta(days=1)
    conn = sqlite3.connect(path)
    created = utc(now - timedelta(days=90))
    for tg, name, role in (
        (FIRST_LINE, "Фёдор", "first_line"),
        (FIRST_LINE_2, "Пётр", "first_line"),
        (LEAD, "Лев", "lead"),
        (MANAGERS[0], "Мария", "manager"),
        (MANAGERS[1], "Марина", "manager"),
    ):
        conn.execute(
            "INSERT INTO staff (tg_id, name, role, created_at) VALUES (?, ?, ?, ?)",
            (tg, name, role, created),
        )
    for client in range(1, CLIENTS + 1):
        conn.execute(
            "INSERT INTO clients (id, name, tier, timezone, opens, closes, weekdays, country, "
            "manager_tg_id, warning_fraction, created_at) VALUES (?, ?, ?, 'Europe/Moscow', "
            "'09:00', '18:00', '0,1,2,3,4', 'RU', ?, 0.75, ?)",
            (client, f"Клиент {client}", "gold", MANAGERS[client % 2], created),
        )
        conn.execute(
            "INSERT INTO employees (id, client_id, tg_id, name, role, created_at) "
            "VALUES (?, ?, ?, ?, 'employee', ?)",
            (client, client, 10_000 + client, f"Сотрудник {client}", created),
        )
    tickets: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []

    def ticket(
        registered: datetime,
        warning: datetime,
        *,
        taken: bool,
        resolution_from: datetime | None = None,
    ) -> int:
        number = len(tickets) + 1
        client = rng.randint(1, CLIENTS)
        base = resolution_from or warning
        tickets.append(
            (
                number,
                client,
                client,
                "incident",
                "printer",
                "standard",
                "Не печатает принтер",
                "Не печатает принтер в бухгалтерии, уже второй день",
                "in_progress" if taken else "new",
                FIRST_LINE if taken else None,
                utc(registered),
                utc(registered + timedelta(minutes=20)) if taken else None,
                utc(warning),
                utc(warning + timedelta(minutes=15)),
                utc(base + timedelta(hours=6)),
                utc(base + timedelta(hours=8)),
                utc(registered),
            )
        )
        return number

    special = special or (BURST if scenario == "burst" else BACKLOG_TICKETS)
    days = working_days(MONDAY_OPENS, 40)
    for _ in range(total - special - 3_000):  # overdue, on record
        registered = opening(rng.choice(days), rng)
        number = ticket(registered, registered + timedelta(minutes=45), taken=True)
        for milestone, due in (
            ("resolution_warning", registered + timedelta(hours=6)),
            ("resolution_breach", registered + timedelta(hours=8)),
        ):
            late = 0 if milestone.endswith("warning") else rng.randint(0, 40 * 3600)
            events.append((number, milestone, utc(due), utc(due), late))
    ahead = working_days(now + timedelta(days=16), 10)
    for _ in range(3_000):  # due in the next two weeks
        registered = opening(rng.choice(ahead), rng)
        ticket(registered, registered + timedelta(minutes=45), taken=True)
    if scenario == "burst":
        weekend = MONDAY_OPENS - timedelta(days=2)
        for _ in range(special):
            registered = weekend + timedelta(seconds=rng.uniform(0, 40 * 3600))
            ticket(registered, BURST_AT, taken=False)
    else:
        yesterday = MONDAY_OPENS
        for index in range(special):
            if index % 2:
                registered = yesterday + timedelta(seconds=rng.uniform(0, 600))
            else:
                registered = opening(yesterday, rng)
            warning = registered + timedelta(minutes=45)
            ticket(registered, warning, taken=False, resolution_from=now + timedelta(days=2))
    conn.executemany(
        "INSERT INTO tickets (id, client_id, employee_id, kind, category, priority, title, "
        "description, status, assignee_tg_id, registered_at, first_response_at, "
        "reaction_warning_at, reaction_due, resolution_warning_at, resolution_due, updated_at) "
        "VALUES (" + ", ".join("?" * 17) + ")",
        tickets,
    )
    conn.executemany(
        "INSERT INTO sla_events (ticket_id, milestone, due_at, recorded_at, overdue_seconds) "
        "VALUES (?, ?, ?, ?, ?)",
        events,
    )
    for manager in MANAGERS:  # the managers' digests of the day went at opening
        day = (now + timedelta(hours=3)).date().isoformat()
        conn.execute(
            "INSERT INTO digests (manager_tg_id, day, sent_at) VALUES (?, ?, ?)",
            (manager, day, utc(now.replace(hour=6, minute=1))),
        )
    # Each open ticket's next due time, as the repositories keep it (where the code has it).
    if any(row[1] == "next_due_at" for row in conn.execute("PRAGMA table_info(tickets)")):
        from storage.repositories import NEXT_DUE, OPEN_TICKET

        conn.execute(f"UPDATE tickets SET next_due_at = {NEXT_DUE} WHERE {OPEN_TICKET}")
    conn.commit()
    conn.execute("PRAGMA optimize")  # as a bot leaves it at a clean stop
    conn.close()
    expected = special if scenario == "burst" else 2 * special
    return {"now": utc(now), "expected": expected, "on_record": len(events), "tickets": total}


# --- one run, in a fresh process ---------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def run(path: Path, scenario: str, meta: dict[str, object]) -> dict[str, float]:
    from bot.clock import MovableClock
    from bot.config import Settings
    from bot.i18n import create_i18n
    from bot.workers.notices import OutboxNotifier
    from bot.workers.timers import DeskScheduler
    from storage import Database

    now = datetime.fromisoformat(str(meta["now"]).replace("Z", "+00:00"))
    if scenario == "burst":
        now = BURST_AT - timedelta(seconds=BURST_START_BEFORE)
    clock = MovableClock(now, ticking=True)
    settings = Settings(_env_file=None, BOT_TOKEN="123456:BENCH", DATABASE_PATH=path)  # type: ignore[call-arg]
    notifier = OutboxNotifier(settings, create_i18n("ru"), clock)
    rss_before = rss_mb()
    began, cpu_began = time.perf_counter(), time.process_time()
    db = await Database.open(path, clock=clock)
    opened = time.perf_counter() - began
    timers = DeskScheduler(db, clock, notifier)
    await timers.start()
    started = time.perf_counter() - began
    as_the_bot()
    expected = int(str(meta["expected"]))
    deadline = time.monotonic() + 300
    done, cpu = None, float("nan")
    while time.monotonic() < deadline:
        async with db.transaction() as session:
            row = await session.fetchone(
                "SELECT count(*) AS n FROM sla_events WHERE recorded_at >= ?", (utc(now),)
            )
        if row is not None and row["n"] >= expected:
            done = time.perf_counter() - began
            cpu = time.process_time() - cpu_began
            break
        await asyncio.sleep(0.05)
    async with db.transaction() as session:
        rows = await session.fetchall(
            "SELECT due_at, recorded_at FROM sla_events WHERE recorded_at >= ?", (utc(now),)
        )
        sent = await session.fetchone("SELECT count(*) AS n FROM outbox")
    await timers.stop()
    await db.close()
    parse = datetime.fromisoformat
    lags = [(parse(r["recorded_at"]) - parse(r["due_at"])).total_seconds() for r in rows]
    return {
        "start_s": started,
        "open_s": opened,
        "armed": timers.stats.armed_at_start,
        "rss_mb": rss_mb(),
        "rss_growth_mb": rss_mb() - rss_before,
        "recorded": len(lags),
        "outbox": sent["n"] if sent else 0,
        "all_recorded_s": done if done is not None else float("nan"),
        # CPU of the whole process (every thread) from the start to the last one recorded:
        # steadier than the lags on a machine shared with other work.
        "cpu_s": cpu,
        "cpu_ms_per_milestone": 1000 * cpu / expected,
        "p50_s": statistics.median(lags) if lags else float("nan"),
        "p99_s": percentile(lags, 0.99) if lags else float("nan"),
        "max_s": max(lags) if lags else float("nan"),
        "code": str(Path(sys.modules[DeskScheduler.__module__].__file__ or "").parents[2]),
    }


def as_the_bot() -> None:
    """What the bot does once started (bot/telegram/tuning.py), where the code has it."""
    try:
        from bot.telegram import tuning
    except ImportError:
        return
    for step in ("hand_over_the_gil_sooner", "freeze_what_start_up_built"):
        if hasattr(tuning, step):
            getattr(tuning, step)()


def fresh_run(database: Path, scenario: str, meta: dict[str, object], code: Path) -> dict:
    """Copy the database and run the timers on it in a new interpreter."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "desk.db"
        shutil.copyfile(database, copy)
        # Code from before a migration reads the file as that code left it (a column and an
        # index more are nothing to it) rather than refusing a newer file.
        migrations = len(list((code / "storage" / "migrations").glob("[0-9]*.sql")))
        conn = sqlite3.connect(copy)
        if conn.execute("PRAGMA user_version").fetchone()[0] > migrations:
            conn.execute(f"PRAGMA user_version = {migrations}")
        conn.close()
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--run",
                str(copy),
                "--scenario",
                scenario,
                "--meta",
                json.dumps(meta),
                "--code",
                str(code),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=code,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def describe(figures: list[dict], key: str, unit: str = "s") -> str:
    values = [f.get(key, float("nan")) for f in figures]
    low, high = min(values), max(values)
    return f"{statistics.median(values):.2f} {unit} ({low:.2f}–{high:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("burst", "backlog"), default="burst")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--due", type=int, default=0, help="tickets due (8,000 / 4,350)")
    parser.add_argument("--compare", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--meta", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.run:
        result = asyncio.run(run(args.run, args.scenario, json.loads(args.meta)))
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "built.db"
        began = time.perf_counter()
        meta = build(database, args.scenario, args.tickets, args.due)
        print(
            f"{args.scenario}: {args.tickets:,} open tickets, {meta['on_record']:,} milestones on "
            f"record, {meta['expected']:,} to record; built in {time.perf_counter() - began:.0f} s"
            f" ({os.path.getsize(database) / 2**20:.0f} MB)",
            flush=True,
        )
        codes = [("before", args.compare), ("after", HERE)] if args.compare else [("", HERE)]
        results: dict[str, list[dict]] = {name: [] for name, _ in codes}
        for round_ in range(args.rounds):
            turn = codes if round_ % 2 == 0 else list(reversed(codes))
            for name, code in turn:
                figures = fresh_run(database, args.scenario, meta, code)
                results[name].append(figures)
                print(f"  {name or 'run'} {round_ + 1}: " + json.dumps(figures), flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    for name, figures in results.items():
        label = f"{name}: " if name else ""
        main_figure = (
            f"lag p50 {describe(figures, 'p50_s')}, p99 {describe(figures, 'p99_s')}, "
            f"max {describe(figures, 'max_s')}"
        )
        if args.scenario == "backlog":  # due hours ago: the time to catch up is what counts
            main_figure = f"all recorded in {describe(figures, 'all_recorded_s')} from the start"
        print(
            f"{label}{main_figure}; CPU {describe(figures, 'cpu_s')} "
            f"({describe(figures, 'cpu_ms_per_milestone', 'ms')} a milestone); "
            f"start-up {describe(figures, 'start_s')} (opening the "
            f"file {describe(figures, 'open_s')}), "
            f"resident set {describe(figures, 'rss_mb', 'MB')}"
        )


if __name__ == "__main__":
    main()
