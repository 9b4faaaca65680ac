"""Failover: how soon a standby leads after the leader is killed (SIGKILL, `kill -9`), and
what a waiting standby costs.

Two `frontdesk run` processes in long polling mode on one SQLite file, against the Bot
API emulator in this process. Each round kills the leader and measures the time from the
kill to the first getUpdates the standby sends (it polls only once it leads); the killed
one is started again and waits as the next round's standby. Before the first kill, the
standby's CPU time (user + system, from /proc) is read over `--idle` seconds.

With `--postgres URL` it also measures the PostgreSQL lock alone: a process holding the
advisory lock (storage/leadership.py) is killed, and a standby trying every second, as the
bot's does, takes it.

Prints the median and the range of each. Run from the repository root:
.venv/bin/python bench/failover.py [--rounds 10] [--postgres postgresql://...]
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
CONTEND_EVERY = 1.0  # bot/app.py's


class Process:
    def __init__(self, name: str, emulator: BotApiEmulator, folder: Path) -> None:
        self.name = name
        self.emulator = emulator
        self.folder = folder
        self.log = folder / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": self.emulator.token,
            "TELEGRAM_API_BASE": self.emulator.base_url,
            "DATABASE_PATH": str(self.folder / "frontdesk.db"),
            "METRICS_PORT": "0",
        }
        self.log.write_bytes(b"")
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.folder, env=env, stderr=log
            )
        while "the front desk is running" not in self.log.read_text():
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} ended: {self.log.read_text()[-2000:]}")
            await asyncio.sleep(0.05)

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), 30)


async def sqlite_failover(rounds: int, idle: float) -> tuple[list[float], float]:
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            leader = Process("a", emulator, Path(folder))
            standby = Process("b", emulator, Path(folder))
            await leader.start()
            await standby.start()
            assert "waits as a standby" in standby.log.read_text()
            before = standby.cpu_seconds()
            await asyncio.sleep(idle)
            idle_cpu = (standby.cpu_seconds() - before) / idle
            takeovers = []
            try:
                for _ in range(rounds):
                    polls = len(emulator.calls("getUpdates"))
                    killed = time.perf_counter()
                    await leader.kill()
                    while len(emulator.calls("getUpdates")) == polls:
                        if time.perf_counter() - killed > 60:
                            raise RuntimeError("the standby did not take over in a minute")
                        await asyncio.sleep(0.005)
                    takeovers.append(time.perf_counter() - killed)
                    leader, standby = standby, leader
                    await standby.start()  # the killed one, back as the standby
                    await asyncio.sleep(0.5)
            finally:
                await leader.stop()
                await standby.stop()
    return takeovers, idle_cpu


_PG_HOLDER = """
import asyncio, sys
from storage.leadership import PostgresLeadership

async def main():
    lock = PostgresLeadership(sys.argv[1])
    assert await lock.try_acquire()
    print("held", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def postgres_failover(url: str, rounds: int) -> list[float]:
    from storage.leadership import PostgresLeadership

    takeovers = []
    for _ in range(rounds):
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _PG_HOLDER, url, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"held"
        standby = PostgresLeadership(url)
        assert not await standby.try_acquire()
        # The standby tries every CONTEND_EVERY seconds from its first try; the kill falls
        # anywhere between two tries (a tenth further on each round).
        next_try = time.perf_counter() + CONTEND_EVERY
        await asyncio.sleep(CONTEND_EVERY * (len(takeovers) % 10) / 10)
        killed = time.perf_counter()
        holder.send_signal(signal.SIGKILL)
        await holder.wait()
        while True:
            await asyncio.sleep(max(next_try - time.perf_counter(), 0))
            if await standby.try_acquire():
                break
            if time.perf_counter() - killed > 60:
                raise RuntimeError("the lock did not come free in a minute")
            next_try += CONTEND_EVERY
        takeovers.append(time.perf_counter() - killed)
        await standby.release()
    return takeovers


def summary(values: list[float], unit: str = "s") -> str:
    return (
        f"median {statistics.median(values):.2f} {unit} "
        f"(range {min(values):.2f}–{max(values):.2f}, {len(values)} rounds)"
    )


async def main(rounds: int, idle: float, postgres: str | None) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    takeovers, idle_cpu = await sqlite_failover(rounds, idle)
    print(f"SQLite, kill -9 of the leader → the standby polls: {summary(takeovers)}")
    print(
        f"a waiting standby's CPU: {idle_cpu * idle * 1000:.0f} ms in {idle:g} s "
        "(/proc counts it in 10 ms ticks)"
    )
    if postgres:
        pg = await postgres_failover(postgres, rounds)
        print(f"PostgreSQL lock, kill -9 of the holder → the standby holds it: {summary(pg)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds to watch a standby")
    parser.add_argument("--postgres", help="a PostgreSQL URL: measure its lock's takeover too")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.idle, args.postgres))
