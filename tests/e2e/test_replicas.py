"""Several processes on one database: one leads (polls Telegram, runs the SLA timers, sends
the outbox), the others wait as standbys and one takes over when the leader dies.

Real `frontdesk run` processes on one SQLite file against the emulator, on the real clock;
the SLA table is the contract's own, in seconds, so that warnings fall due while the test
watches."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox import BotApiEmulator, Person
from domain import Priority, SlaTier, StaffRole
from domain.sla import SlaTargets
from tests.e2e.harness import ADMIN_ID, STAFF_CHAT_ID, running_desk
from tests.e2e.test_client_side import answer_questions
from tests.e2e.test_operations import free_port, until
from tests.e2e.test_sla_timers import REACTION_WARNING

# Two processes on one SQLite file, its flock leading: PostgreSQL's replicas have tests of
# their own.
pytestmark = [pytest.mark.sqlite_only, pytest.mark.failover]

ROOT = Path(__file__).resolve().parents[2]
ENGINEER_ID = 7001
# Every priority's reaction is due REACTION after registration, the warning at 75 % of it.
REACTION = timedelta(seconds=16)
WARNING_AFTER = REACTION * 0.75


class Replica:
    """`frontdesk run` in a process of its own, with its /healthz and /metrics."""

    def __init__(
        self, name: str, emulator: BotApiEmulator, tmp_path: Path, **settings: str
    ) -> None:
        self.name = name
        self.emulator = emulator
        self.tmp_path = tmp_path
        self.settings = settings
        self.metrics_port = free_port()
        self.log = tmp_path / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": self.emulator.token,
            "TELEGRAM_API_BASE": self.emulator.base_url,
            "DATABASE_PATH": str(self.tmp_path / "frontdesk.db"),
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "ADMIN_IDS": str(ADMIN_ID),
            "METRICS_PORT": str(self.metrics_port),
            **self.settings,
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.tmp_path, env=env, stderr=log
            )
        assert await until(lambda: "the front desk is running" in self.logged(), 60), self.logged()

    def logged(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    async def health(self) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.metrics_port}/healthz") as response,
        ):
            return dict(await response.json())

    async def metric(self, sample: str) -> float:
        """A sample of /metrics, by its name and labels as printed."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.metrics_port}/metrics") as response,
        ):
            text = await response.text()
        [line] = [x for x in text.splitlines() if x.startswith(f"{sample} ")]
        return float(line.split()[1])

    async def leader_gauge(self) -> float:
        return await self.metric("frontdesk_leader")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def kill(self) -> None:
        self.signal(signal.SIGKILL)
        assert self.process is not None
        await asyncio.wait_for(self.process.wait(), timeout=5)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def prepare(emulator: BotApiEmulator, tmp_path: Path) -> tuple[Person, Person, Person]:
    """A client whose contract counts the reaction in seconds, on a calendar that is open
    whenever the test runs; its employees Анна and Борис; the first-line engineer Иван."""
    async with running_desk(emulator, tmp_path, start=datetime.now(UTC)) as desk:
        await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
        engineer = emulator.create_user("Иван", user_id=ENGINEER_ID, language_code="ru")
        assert desk.staff_chat is not None
        desk.staff_chat.add_member(engineer)
        table = {p: SlaTargets(REACTION, timedelta(hours=8)) for p in Priority}
        client = await desk.add_client(
            tier=SlaTier.GOLD,
            timezone="UTC",
            opens=clock_time(0, 0),
            closes=clock_time(23, 59),
            weekdays=frozenset(range(7)),
            country=None,
            round_the_clock=True,
            custom_sla=table,
        )
        anna, boris = desk.person("Анна"), desk.person("Борис")
        await desk.register(anna, client)
        await desk.register(boris, client)
    return anna, boris, engineer


async def file_ticket(anna: Person, description: str) -> int:
    await anna.send(description)
    await answer_questions(anna, impact="Нет, работа стоит", scope="Только меня")
    await anna.press("✅ Отправить")
    accepted = await anna.wait_for_message(contains="принята", timeout=15)
    return int(accepted.text.split("№")[1].split()[0])


def warnings_of(engineer: Person, number: int) -> int:
    return sum(
        REACTION_WARNING in (m.text or "") and f"№{number}" in (m.text or "")
        for m in engineer.bot_messages
    )


def warning_due(db_path: Path, number: int) -> datetime:
    with closing(sqlite3.connect(db_path)) as conn:
        [(due,)] = conn.execute("SELECT reaction_warning_at FROM tickets WHERE id = ?", (number,))
    return datetime.fromisoformat(due).astimezone(UTC)


def conflicts(emulator: BotApiEmulator) -> list[str]:
    return [str(c.description) for c in emulator.calls("getUpdates") if c.status == 409]


@pytest.mark.slow
async def test_a_standby_waits_and_takes_over_within_seconds_of_the_leader_being_killed(
    emulator: BotApiEmulator, tmp_path: Path
):
    anna, boris, engineer = await prepare(emulator, tmp_path)
    db_path = tmp_path / "frontdesk.db"
    first, second = Replica("first", emulator, tmp_path), Replica("second", emulator, tmp_path)
    try:
        await first.start()
        await second.start()
        assert "waits as a standby" in second.logged()
        assert "waits as a standby" not in first.logged()
        assert (await first.health())["role"] == "leader"
        assert (await second.health())["role"] == "standby"
        assert (await first.leader_gauge(), await second.leader_gauge()) == (1.0, 0.0)

        # One poller: the standby never asks Telegram for updates.
        pollers = []
        for _ in range(100):
            pollers.append(emulator.long_polls_waiting)
            await asyncio.sleep(0.02)
        assert max(pollers) == 1
        # A busy machine may make the leader's own next poll meet its previous one, given
        # up on but still held by the emulator: one such 409 is the leader's, not a second
        # poller's (which `pollers` rules out).
        assert len(conflicts(emulator)) <= 1

        # The leader warns Иван once when the reaction time of №1 is three-quarters gone.
        one = await file_ticket(anna, "не работает 1С, не могу работать")
        await engineer.wait_for_message(
            lambda m: REACTION_WARNING in (m.text or "") and f"№{one}" in (m.text or ""),
            timeout=30,
        )

        # №2's warning falls due while nobody leads: the leader is killed just before it,
        # the standby is held still until it has passed (a standby already trying would
        # take over within a second and might beat it).
        two = await file_ticket(anna, "не работает почта, не могу работать")
        due = warning_due(db_path, two)
        assert len(conflicts(emulator)) <= 1  # two processes ran, one polled (see above)
        second.signal(signal.SIGSTOP)
        await asyncio.sleep(max((due - datetime.now(UTC)).total_seconds() - 0.3, 0))
        # Борис's messages are on their way when the leader dies: received, maybe not handled.
        for n in range(3):
            await boris.send(f"не работает сканер {n}")
        killed_at = time.monotonic()
        await first.kill()
        await asyncio.sleep(max((due - datetime.now(UTC)).total_seconds() + 0.5, 0))
        assert warnings_of(engineer, two) == 0
        polls = len(emulator.calls("getUpdates"))
        second.signal(signal.SIGCONT)

        # The standby polls within 10 s of the leader's death, and leads.
        assert await until(lambda: len(emulator.calls("getUpdates")) > polls, timeout=10)
        assert time.monotonic() - killed_at < 10
        assert "this process leads now" in second.logged()
        assert (await second.health())["role"] == "leader"
        assert await second.leader_gauge() == 1.0

        # What fell due during the failover fires once.
        await engineer.wait_for_message(
            lambda m: REACTION_WARNING in (m.text or "") and f"№{two}" in (m.text or ""),
            timeout=15,
        )
        # Nothing the dead leader had received is lost: every update Telegram counts as
        # delivered is handled (its mark is in the database), and the intakes go on.
        await boris.wait_for_message(contains="Верно?", timeout=15)
        await emulator.wait_idle(timeout=15)
        await asyncio.sleep(1.5)
        delivered = emulator.state.updates.confirmed + len(emulator.state.updates.pending)
        with closing(sqlite3.connect(db_path)) as conn:
            handled = {row[0] for row in conn.execute("SELECT update_id FROM processed_updates")}
            [(inbox,)] = conn.execute("SELECT count(*) FROM inbox")
            [(events,)] = conn.execute(
                "SELECT count(*) FROM sla_events WHERE milestone = 'reaction_warning'"
            )
        assert sorted(set(range(1, delivered + 1)) - handled) == []
        assert inbox == 0
        assert events == 2
        assert (warnings_of(engineer, one), warnings_of(engineer, two)) == (1, 1)
        # The only conflict: the new leader's first poll ended the dead one's parked poll.
        assert len(conflicts(emulator)) <= 1
    finally:
        await first.stop()
        await second.stop()
    for replica in (first, second):
        errors = [line for line in replica.logged().splitlines() if " ERROR " in line]
        assert errors == [], (replica.name, errors)


@pytest.mark.slow
async def test_webhook_replicas_all_take_updates_and_the_leader_times_what_the_others_did(
    emulator: BotApiEmulator, tmp_path: Path
):
    """Behind a load balancer every replica handles the updates it is given; here Telegram
    reaches only the standby. The leader still warns of the tickets the standby registered,
    once, and after the leader's death the standby leads and points Telegram at the
    webhook again."""
    anna, _boris, engineer = await prepare(emulator, tmp_path)
    front = free_port()  # the address Telegram calls: here the standby's own port
    webhook = {"WEBHOOK_URL": f"http://127.0.0.1:{front}/telegram", "WEBHOOK_SECRET": "s3cret"}
    first = Replica("first", emulator, tmp_path, WEBHOOK_PORT=str(free_port()), **webhook)
    second = Replica("second", emulator, tmp_path, WEBHOOK_PORT=str(front), **webhook)
    try:
        await first.start()
        await second.start()
        assert emulator.webhook_url == webhook["WEBHOOK_URL"]
        assert [c.ok for c in emulator.calls("setWebhook")] == [True]  # by the leader only
        assert (await second.health())["role"] == "standby"

        one = await file_ticket(anna, "не работает 1С, не могу работать")  # via the standby
        await engineer.wait_for_message(
            lambda m: REACTION_WARNING in (m.text or "") and f"№{one}" in (m.text or ""),
            timeout=30,
        )
        # The standby handled the updates; the leader sent everything they queued.
        sent = 'frontdesk_deliveries_total{outcome="sent"}'
        assert await second.metric(sent) == 0
        assert await first.metric(sent) > 0

        await first.kill()
        assert await until(lambda: "this process leads now" in second.logged(), timeout=10)
        assert await until(lambda: len(emulator.calls("setWebhook")) == 2, timeout=5)
        assert (await second.health())["role"] == "leader"

        two = await file_ticket(anna, "не работает почта, не могу работать")
        await engineer.wait_for_message(
            lambda m: REACTION_WARNING in (m.text or "") and f"№{two}" in (m.text or ""),
            timeout=30,
        )
        await asyncio.sleep(1.0)
        assert (warnings_of(engineer, one), warnings_of(engineer, two)) == (1, 1)
    finally:
        await first.stop()
        await second.stop()
    for replica in (first, second):
        errors = [line for line in replica.logged().splitlines() if " ERROR " in line]
        assert errors == [], (replica.name, errors)
