"""Fault injection: the bot is killed (SIGKILL, `kill -9`) at random moments while
employees run their intakes, and started again each time; nothing may be lost.

The people (each runs whole intakes, one after another: describe, confirm, two answers,
send) and the Bot API emulator run in this process; the bot runs in a process of its own,
in long polling mode, as `frontdesk run` would (bench/throughput.py's `--serve ours`).
While the people work, the bot is killed `--kills` times, each time a random 0.2-1.5 s
after it came up, and started again at once; the people finish the intake they are in
after the last kill. At the end it prints:

- updates lost: updates Telegram (the emulator) counts as received by the bot, but the
  bot never handled (no processed-updates mark); goal 0;
- tickets: one for each press of "✅ Отправить", none lost and none twice; goal 0 and 0;
- answers lost: steps whose answer never came (the bot committed the step and was
  killed before its answer reached Telegram); each leaves that person stuck;
- cards in the staff chat: tickets with more than one card posted (a kill between posting
  a card and recording it), and of those, cards other than the recorded one that still
  have buttons (they do nothing when pressed: the press takes them away); goal 0 tickets
  with two cards is not promised, live duplicates are reported.

Exits 0 when no update and no ticket was lost or doubled.

Run from the repository root: .venv/bin/python bench/kills.py [--people 40 --kills 10]
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
import os
import random
import re
import signal
import sqlite3
import tempfile
import time
from contextlib import closing

from bench.throughput import STAFF_CHAT_ID, Answers, card, new_message, prepare_world
from bot.sandbox import BotApiEmulator, Person

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve()
# How long a person waits for an answer before taking the step as lost (--answer-timeout).
ANSWER_TIMEOUT = 20.0


class Bot:
    """The bot's process: started, killed, started again.

    Each bot is forked from a process that has imported the bot and warmed it up once
    (`--zygote`), as a supervisor that preloads would: a restart takes a fraction of a
    second, where a fresh interpreter spends seconds importing aiogram. What is killed is
    the same: a process running `FrontDesk` over the database file, with SIGKILL."""

    def __init__(self, emulator: BotApiEmulator, db_path: Path, in_flight: int) -> None:
        self.emulator = emulator
        self.db_path = db_path
        self.in_flight = in_flight
        self.zygote: asyncio.subprocess.Process | None = None
        self.pid: int | None = None
        self.starts = 0

    async def _line(self) -> list[str]:
        assert self.zygote is not None and self.zygote.stdout is not None
        line = await asyncio.wait_for(self.zygote.stdout.readline(), 60)
        if not line:
            raise RuntimeError("the bot's parent process ended")
        return line.decode().split()

    async def start(self) -> None:
        if self.zygote is None:
            self.zygote = await asyncio.create_subprocess_exec(
                sys.executable,
                str(SCRIPT),
                "--zygote",
                self.emulator.base_url,
                self.emulator.token,
                str(self.db_path),
                str(self.in_flight),
                cwd=str(ROOT),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert self.zygote.stdin is not None
        self.zygote.stdin.write(b"start\n")
        await self.zygote.stdin.drain()
        started = await self._line()
        if started[:1] != ["started"]:
            raise RuntimeError(f"the bot did not start: {started}")
        self.pid = int(started[1])
        if (await self._line())[:1] != ["ready"]:
            raise RuntimeError("the bot did not start")
        self.starts += 1

    async def _end(self, signum: int) -> None:
        assert self.pid is not None
        os.kill(self.pid, signum)
        while (await self._line()) != ["exited", str(self.pid)]:
            pass
        self.pid = None

    async def kill(self) -> None:
        await self._end(signal.SIGKILL)

    async def stop(self) -> None:
        if self.pid is not None:
            await self._end(signal.SIGTERM)
        if self.zygote is not None:
            assert self.zygote.stdin is not None
            self.zygote.stdin.close()
            await self.zygote.wait()
            self.zygote = None


def zygote(api: str, token: str, db_path: Path, in_flight: int) -> None:
    """Import and warm the bot up once, then fork a bot for each "start" read on stdin,
    saying "started PID" (the bot says "ready" once it polls) and "exited PID" when it
    has ended. Nothing here starts a thread or an event loop before forking."""
    from bench.throughput import serve_ours
    from bot.telegram.tuning import warm_up

    warm_up()
    for command in sys.stdin:
        if command.strip() != "start":
            continue
        pid = os.fork()
        if pid == 0:  # the bot
            code = 0
            try:
                asyncio.run(serve_ours(api, token, db_path, in_flight))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        print("started", pid, flush=True)
        os.waitpid(pid, 0)
        print("exited", pid, flush=True)


class Employee:
    """What one person did and saw."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.sends = 0  # presses of "✅ Отправить"
        self.stuck_at: str | None = None


async def work(
    answers: Answers, who: Employee, n: int, done: asyncio.Event, answer_timeout: float
) -> None:
    """Intakes one after another until the kills are over (at least one)."""
    while await intake(answers, who, n, answer_timeout) and not done.is_set():
        pass


async def intake(answers: Answers, who: Employee, n: int, answer_timeout: float) -> bool:
    person = who.person
    # A second request right after the first starts with «Новая заявка»: the same words
    # alone would be taken as more about the first (domain/routing.py).
    steps = [("new", person.send("📝 Новая заявка"), new_message("Опишите"))] if who.sends else []
    steps += [
        ("describe", person.send(f"не печатает принтер в кабинете {n}"), card("Верно?")),
        ("confirm", None, card("Можете")),
        ("impact", None, card("Кого")),
        ("scope", None, card("Ваша")),
        ("send", None, new_message("принята")),
    ]
    buttons = {"confirm": "Да, верно", "impact": "С трудом", "scope": "Только меня"}
    buttons["send"] = "✅ Отправить"
    for name, action, wanted in steps:
        await asyncio.sleep(random.uniform(0, 0.3))  # people do not act in lockstep
        if action is None:
            action = person.press(buttons[name])
        if name == "send":
            who.sends += 1
        try:
            await asyncio.wait_for(answers.act(person, action, wanted), answer_timeout)
        except TimeoutError:
            who.stuck_at = name
            return False
    return True


def read_outcome(db_path: Path) -> tuple[set[int], dict[int, int], int]:
    """Processed update ids, tickets per employee's Telegram id, rows left in the inbox."""
    with closing(sqlite3.connect(db_path)) as conn:
        processed = {row[0] for row in conn.execute("SELECT update_id FROM processed_updates")}
        tickets = dict(
            conn.execute(
                "SELECT e.tg_id, count(*) FROM tickets t JOIN employees e ON e.id = t.employee_id "
                "GROUP BY e.tg_id"
            ).fetchall()
        )
        try:
            inbox = conn.execute("SELECT count(*) FROM inbox").fetchone()[0]
        except sqlite3.OperationalError:  # a version without the inbox
            inbox = 0
    return processed, tickets, inbox


CARD = re.compile(r"^[⚪🔵🟠🔥] №(\d+) · ")


def cards_per_ticket(emulator: BotApiEmulator) -> dict[int, list[int]]:
    """The staff chat's card messages (their first line: "🔵 №12 · …") of each ticket."""
    found: dict[int, list[int]] = {}
    for message in emulator.state.chats[STAFF_CHAT_ID].messages:
        mark = CARD.match(message.text or "") if message.from_bot and not message.deleted else None
        if mark:
            found.setdefault(int(mark.group(1)), []).append(message.message_id)
    return found


async def main(
    people: int,
    kills: int,
    in_flight: int,
    seed: int | None,
    answer_timeout: float = ANSWER_TIMEOUT,
) -> int:
    if seed is not None:
        random.seed(seed)
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            db_path = Path(folder) / "frontdesk.db"
            persons = [Employee(p) for p in await prepare_world(db_path, emulator, people)]
            answers = Answers()
            emulator.subscribe(answers.on_message)
            bot = Bot(emulator, db_path, in_flight)
            await bot.start()
            started = time.perf_counter()
            try:
                kills_over = asyncio.Event()
                working = asyncio.gather(
                    *(
                        work(answers, p, n, kills_over, answer_timeout)
                        for n, p in enumerate(persons)
                    )
                )
                for _ in range(kills):
                    await asyncio.sleep(random.uniform(0.2, 1.5))
                    if working.done():
                        break
                    await bot.kill()
                    await bot.start()
                kills_over.set()
                await working
                # Everything delivered is confirmed and handled, then a clean stop.
                await emulator.wait_idle(timeout=30)
            finally:
                await bot.stop()
            seconds = time.perf_counter() - started
            delivered = emulator.state.updates.confirmed + len(emulator.state.updates.pending)
            processed, tickets, inbox = read_outcome(db_path)
            cards = cards_per_ticket(emulator)

    lost = sorted(set(range(1, delivered + 1)) - processed)
    sends = sum(p.sends for p in persons)
    missing = sum(max(p.sends - tickets.get(p.person.id, 0), 0) for p in persons)
    extra = sum(max(tickets.get(p.person.id, 0) - p.sends, 0) for p in persons)
    stuck: dict[str, int] = {}
    for p in persons:
        if p.stuck_at:
            stuck[p.stuck_at] = stuck.get(p.stuck_at, 0) + 1
    print(f"people: {people}, kills: {bot.starts - 1}, bot in flight: {in_flight}, {seconds:.1f} s")
    print(f"updates delivered to the bot: {delivered}, handled: {len(processed)}")
    print(f"updates lost: {len(lost)}" + (f" {lost[:20]}" if lost else ""))
    print(f"inbox rows left: {inbox}")
    print(
        f"tickets: {sum(tickets.values())} for {sends} presses of send; "
        f"lost {missing}, more than pressed {extra}"
    )
    stuck_text = ", ".join(f"{step} {count}" for step, count in sorted(stuck.items())) or "none"
    print(f"answers lost (person stuck at the step): {sum(stuck.values())} ({stuck_text})")
    doubled = {n: ids for n, ids in cards.items() if len(ids) > 1}
    print(
        f"cards in the staff chat: {len(cards)} tickets, {len(doubled)} with more than one"
        + (f" {sorted(doubled)[:10]}" if doubled else "")
    )
    ok = not lost and not missing and not extra and inbox == 0
    print("nothing lost" if ok else "SOMETHING WAS LOST")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--in-flight", type=int, default=16, help="UPDATES_IN_FLIGHT (16)")
    parser.add_argument("--seed", type=int, help="for a run that can be repeated")
    parser.add_argument(
        "--answer-timeout",
        type=float,
        default=ANSWER_TIMEOUT,
        help=f"seconds before an unanswered step counts as lost ({ANSWER_TIMEOUT:g})",
    )
    args = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(
            asyncio.run(
                main(args.people, args.kills, args.in_flight, args.seed, args.answer_timeout)
            )
        )
