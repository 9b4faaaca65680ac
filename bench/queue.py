"""Benchmark: /queue on a desk with many open tickets, through the running bot.

Builds a temporary SQLite database with `--clients` clients, ten staff and `--open` open
tickets (and `--closed` closed ones), then starts the front desk on it against the
built-in Bot API emulator, as `frontdesk run` would (long polling, the timers, the
delivery worker), and a staff member asks, `--rounds` times by turns: /queue, /queue мои,
/queue with a client's name, and the next screen of each ("»").

The tickets are written with one INSERT each in a few large transactions, not through
the intake (100,000 intakes take many minutes): the rows have every column the intake
writes, spread over the clients, staff, priorities and statuses, with due times a day to
two weeks ahead (beyond the timers' hour, so that no SLA warning fires meanwhile) and
one in twenty with its clock stopped. The database is closed once (SQLite's statistics are
saved, as after a clean stop) before the bot opens it.

Prints, per view, the median and range of the time from the person's command (or press)
to the bot's answer, and of the bot's own handling time (its log line "handled in").
Goal: under 50 ms at 100,000 open tickets.

`--code DIR` runs the bot of another checkout (an older version, for a before/after).

Run from the repository root: .venv/bin/python bench/queue.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there (or
# the checkout given with --code).
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    if "--code" in sys.argv:
        sys.path[0] = str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve())

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from datetime import timedelta

from bot.app import FrontDesk
from bot.clock import SystemClock
from bot.config import Settings
from bot.sandbox import BotApiEmulator
from domain.enums import StaffRole
from domain.use_cases import accounts
from storage import Database
from storage.codec import utc_text

STAFF = list(range(701, 711))
ME = STAFF[0]
GOAL_MS = 50.0
PRIORITIES = ("low", "standard", "high", "highest")
_INSERT = (
    "INSERT INTO tickets (client_id, employee_id, kind, category, priority, title, "
    "description, status, assignee_tg_id, registered_at, first_response_at, closed_at, "
    "reaction_due, resolution_due, updated_at) "
    "VALUES (?, ?, 'incident', 'printer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def build(path: Path, clients: int, open_: int, closed: int) -> list[str]:
    """The database; the clients' names."""
    clock = SystemClock()
    now = clock.now()
    rng = random.Random(7)
    async with await Database.open(path, clock=clock) as db:
        async with db.unit_of_work() as uow:
            for tg_id in STAFF:
                await accounts.add_staff(
                    uow, clock, tg_id=tg_id, name=f"Инженер {tg_id}", role=StaffRole.FIRST_LINE
                )
            employees = []
            for n in range(clients):
                client = (await accounts.register_client(uow, clock, name=f"ООО Клиент {n}")).value
                invite = (await accounts.create_invite(uow, clock, client_id=client.id or 0)).value
                employee = await accounts.register_employee(
                    uow, clock, code=invite.code, tg_id=100_000 + n, name=f"Сотрудник {n}"
                )
                employees.append((client.id, employee.value.id))
            await uow.commit()
        for first in range(0, open_ + closed, 10_000):
            rows = []
            for i in range(first, min(first + 10_000, open_ + closed)):
                client_id, employee_id = employees[rng.randrange(clients)]
                registered = now - timedelta(minutes=rng.randrange(60 * 24 * 30))
                is_open = i < open_
                assignee = rng.choice([None, None, *STAFF]) if is_open else rng.choice(STAFF)
                status = "closed" if not is_open else "new" if assignee is None else "in_progress"
                due = now + timedelta(minutes=rng.randrange(60 * 24, 60 * 24 * 14))
                rows.append(
                    (
                        client_id,
                        employee_id,
                        PRIORITIES[i % 4],
                        f"Не печатает принтер в кабинете {i}",
                        f"Не печатает принтер в кабинете {i}, бумага есть, картридж новый",
                        status,
                        assignee,
                        utc_text(registered),
                        None if assignee is None else utc_text(registered),
                        None if is_open else utc_text(now),
                        utc_text(due),
                        None if is_open and i % 20 == 0 else utc_text(due),
                        utc_text(now),
                    )
                )
            async with db.transaction() as session:
                await session.executemany(_INSERT, rows)
    return [f"ООО Клиент {n}" for n in range(clients)]


class Handled(logging.Handler):
    """The bot's "update N (type) handled in X ms" lines: the handling times."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.ms: list[float] = []
        self._waiting: tuple[int, asyncio.Future[None]] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "update %s (%s) handled in %.1f ms":
            self.ms.append(float(record.args[2]))  # type: ignore[index]
            if self._waiting and len(self.ms) >= self._waiting[0]:
                self._waiting[1].set_result(None)
                self._waiting = None

    async def count(self, lines: int) -> None:
        """Until `lines` lines were logged (the line follows the answer by a moment)."""
        if len(self.ms) < lines:
            self._waiting = (lines, asyncio.get_running_loop().create_future())
            await self._waiting[1]


async def run(path: Path, client: str, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    handled = Handled()
    logging.getLogger("bot.observability").addHandler(handled)
    logging.getLogger("bot.observability").setLevel(logging.INFO)
    logging.getLogger("bot.observability").propagate = False
    views = {"all": "", "mine": "мои", "client": client}
    seen: dict[str, tuple[list[float], list[float]]] = {}
    async with BotApiEmulator() as emulator:
        group = emulator.create_group("Поддержка", chat_id=-1001000000001)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            BOT_TOKEN=emulator.token,
            DATABASE_PATH=path,
            TELEGRAM_API_BASE=emulator.base_url,
            STAFF_CHAT_ID=group.id,
            SHUTDOWN_FLUSH_SECONDS=0,
            METRICS_PORT=0,
        )
        desk = FrontDesk(settings, SystemClock())
        await desk.start()
        desk.start_polling_in_background()
        me = emulator.create_user("Инженер", user_id=ME, language_code="ru")
        try:
            for _ in range(rounds):
                for view, arg in views.items():
                    for step in ("first", "next"):
                        before = len(handled.ms)
                        started = time.perf_counter()
                        if step == "first":
                            await me.command("queue", *([arg] if arg else []))
                            answer = await me.wait_for_message(contains="(")
                        else:
                            shown, text = answer, answer.text
                            press = await me.press("»", message=shown)
                            await press.wait_answered()
                            await me.wait_until(lambda _t, m=shown, was=text: m.text != was)
                        took = (time.perf_counter() - started) * 1000
                        await handled.count(before + 1)
                        times = seen.setdefault(f"{view} {step}", ([], []))
                        times[0].append(took)
                        times[1].append(handled.ms[-1])
        finally:
            await desk.stop()
    return seen


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} ms ({min(values):.1f}–{max(values):.1f})"


async def main(clients: int, open_: int, closed: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue.db"
        started = time.perf_counter()
        names = await build(path, clients, open_, closed)
        size = path.stat().st_size / 1e6
        print(
            f"{open_:,} open and {closed:,} closed tickets of {clients} clients, "
            f"{size:.0f} MB, built in {time.perf_counter() - started:.0f} s"
        )
        seen = await run(path, names[3], rounds)
    print(f"{'view':14} {'as the person sees it':28} the bot's handling")
    worst = 0.0
    for view, (seen_ms, handled_ms) in seen.items():
        worst = max(worst, statistics.median(seen_ms))
        print(f"{view:14} {spread(seen_ms):28} {spread(handled_ms)}")
    ok = worst < GOAL_MS
    print(f"goal (median under {GOAL_MS:.0f} ms as seen): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", help="the checkout whose bot to run (default: this one)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sys.exit(asyncio.run(main(args.clients, args.open, args.closed, args.rounds)))
