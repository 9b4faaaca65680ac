"""Benchmark: the bot's start-up and its idle memory, against a bare aiogram bot.

Starts `frontdesk run` (a fresh interpreter, long polling, on a SQLite file migrated
beforehand) and a bare aiogram bot (one handler that echoes text, nothing else) by turns,
`--rounds` times each, against the built-in Bot API emulator in this process. For each
start it measures the time from the process's launch to its first `getUpdates` (what a
restart costs people: no update is read before it), then lets it idle `--idle` seconds and
reads its resident set (VmRSS in /proc) and what it imported.

Prints the median and range of both figures for each bot and the difference. Goals: idle
RSS under 170 MB, start-up within 1 s of the bare bot; and none of matplotlib, numpy and
openpyxl imported until a report is made.

`--code DIR` runs `frontdesk run` from another checkout (an older version, for a
before/after). Linux only (/proc).

Run from the repository root: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path: put the repository root there.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import os
import signal
import statistics
import tempfile
import time

from bot.sandbox import BotApiEmulator

ROOT = Path(__file__).resolve().parent.parent
GOAL_RSS_MB = 170.0
GOAL_EXTRA_S = 1.0
HEAVY = ("matplotlib", "numpy", "openpyxl")

# The bare bot, and a line added to either bot's process: at exit, what it imported.
BARE = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

async def main(api, token):
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message):
        await message.answer(message.text or "")

    await dp.start_polling(bot)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
HEAVY_AT_EXIT = (
    "import atexit, sys; atexit.register(lambda: print('imported', "
    f"*[m for m in {HEAVY!r} if m in sys.modules], flush=True))"
)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def one_start(
    kind: str, emulator: BotApiEmulator, db: Path, code: Path, idle: float
) -> tuple[float, float, str]:
    """Seconds to the first getUpdates, idle RSS in MB, the heavy modules it imported."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if kind == "ours":
        env.update(
            BOT_TOKEN=emulator.token,
            TELEGRAM_API_BASE=emulator.base_url,
            DATABASE_PATH=str(db),
            METRICS_PORT="0",
            PYTHONPATH=str(code),
        )
        run = f"{HEAVY_AT_EXIT}; from bot.cli.main import main; main(['run'])"
        argv = [sys.executable, "-c", run]
    else:
        argv = [sys.executable, "-c", f"{HEAVY_AT_EXIT}\n{BARE}", emulator.base_url, emulator.token]
    polls = emulator.api.stats.requests
    before = polls["getUpdates"]
    launched = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=str(code), env=env, stdout=asyncio.subprocess.PIPE
    )
    try:
        while polls["getUpdates"] == before:
            if process.returncode is not None:
                raise RuntimeError(f"the {kind} bot exited with {process.returncode}")
            await asyncio.sleep(0.002)
        first_poll = time.perf_counter() - launched
        await asyncio.sleep(idle)
        rss = rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = await process.communicate()
    heavy = next((line for line in out.decode().splitlines() if line.startswith("imported")), "")
    return first_poll, rss, heavy.removeprefix("imported").strip() or "none"


def spread(values: list[float], unit: str, digits: int) -> str:
    return (
        f"{statistics.median(values):.{digits}f} {unit} "
        f"({min(values):.{digits}f}–{max(values):.{digits}f})"
    )


async def main(rounds: int, idle: float, code: Path) -> int:
    seen: dict[str, tuple[list[float], list[float], set[str]]] = {
        kind: ([], [], set()) for kind in ("ours", "bare")
    }
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "frontdesk.db"
        async with BotApiEmulator() as emulator:
            await one_start("ours", emulator, db, code, 0.5)  # migrates the new database
            for n in range(rounds):
                order = ("ours", "bare") if n % 2 == 0 else ("bare", "ours")
                for kind in order:
                    first_poll, rss, heavy = await one_start(kind, emulator, db, code, idle)
                    seen[kind][0].append(first_poll)
                    seen[kind][1].append(rss)
                    seen[kind][2].add(heavy)
    print(f"{rounds} starts each, by turns; idle {idle:g} s before reading the memory")
    for kind, (polls, rss, heavy) in seen.items():
        name = "front desk" if kind == "ours" else "bare aiogram"
        print(
            f"{name:12} first getUpdates {spread(polls, 's', 2)}, idle RSS {spread(rss, 'MB', 0)}, "
            f"imported of {'/'.join(HEAVY)}: {', '.join(sorted(heavy))}"
        )
    ours, bare = seen["ours"], seen["bare"]
    extra = statistics.median(ours[0]) - statistics.median(bare[0])
    memory = statistics.median(ours[1])
    print(f"start-up beyond the bare bot: {extra:.2f} s (goal at most {GOAL_EXTRA_S:g} s)")
    print(f"idle RSS: {memory:.0f} MB (goal under {GOAL_RSS_MB:.0f} MB)")
    ok = extra <= GOAL_EXTRA_S and memory < GOAL_RSS_MB and ours[2] == {"none"}
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--idle", type=float, default=3.0)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.rounds, args.idle, args.code.resolve())))
