"""Two webhook replicas on one PostgreSQL database behind a load balancer; the leader is
killed with SIGKILL while people are in the middle of their requests.

Real `frontdesk run` processes against the emulator, on the real clock; the load balancer
is a few lines of aiohttp here that sends Telegram's requests to the replicas by turns,
and to the other one when one refuses the connection. The emulator sends an update again
when its delivery failed, as Telegram does. Needs TEST_POSTGRES_DSN (tests/pg_server.py)."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from bot.sandbox import BotApiEmulator, Person
from domain import Priority, SlaTier, StaffRole
from domain.sla import SlaTargets
from tests.e2e.harness import STAFF_CHAT_ID, running_desk
from tests.e2e.test_client_side import answer_questions
from tests.e2e.test_operations import free_port, until
from tests.e2e.test_replicas import ENGINEER_ID, REACTION, Replica, file_ticket
from tests.e2e.test_sla_timers import REACTION_WARNING

# Replicas killed in real time: run apart (.ci/run).
pytestmark = pytest.mark.failover

PEOPLE = 50
# The people begin their requests this far apart, so that the leader dies while some are
# done, some half-way and some not yet begun.
STAGGER = 0.35


class Balancer:
    """Forwards each POST to the next replica in turn; to the other when one refuses the
    connection; 502 when neither answers (the emulator then sends the update again)."""

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self._turn = itertools.cycle(range(len(targets)))
        self.sent: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def start(self, port: int) -> None:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/{path:.*}", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def forward(self, request: web.Request) -> web.StreamResponse:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        first = next(self._turn)
        for index in (first, *(i for i in range(len(self.targets)) if i != first)):
            target = self.targets[index]
            try:
                async with self._http.post(target, data=body, headers=headers) as response:
                    answer = await response.read()
                    self.sent[target] += 1
                    return web.Response(
                        status=response.status,
                        body=answer,
                        content_type=response.content_type,
                    )
            except aiohttp.ClientConnectorError:
                continue  # refused: that replica is down, try the other
            except aiohttp.ClientError:
                break  # it died with the request in hand: Telegram will send it again
        return web.Response(status=502)


async def prepare(
    emulator: BotApiEmulator, tmp_path: Path, url: str
) -> tuple[Person, list[Person], Person]:
    """A client whose contract counts the reaction in seconds, open whenever the test runs;
    Анна and PEOPLE more of its employees; the first-line engineer Иван."""
    async with running_desk(emulator, tmp_path, start=datetime.now(UTC), DATABASE_URL=url) as desk:
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
        anna = desk.person("Анна")
        await desk.register(anna, client)
        people = [desk.person(f"Сотрудник{n}") for n in range(PEOPLE)]
        for person in people:
            await desk.register(person, client)
    return anna, people, engineer


async def request(person: Person, n: int) -> int:
    """The person's request, begun after their turn; the number it was given."""
    await asyncio.sleep(n * STAGGER)
    await person.send(f"не работает сканер на месте {n}, не могу работать")
    await answer_questions(person, impact="Нет, работа стоит", scope="Только меня")
    await person.press("✅ Отправить")
    accepted = await person.wait_for_message(contains="принята", timeout=60)
    return int(accepted.text.split("№")[1].split()[0])


def warnings_of(engineer: Person, number: int) -> int:
    """How many reaction warnings of ticket №`number` (not №`number`0...) Иван got."""
    mentions = re.compile(rf"№{number}(?!\d)")
    return sum(
        REACTION_WARNING in (m.text or "") and bool(mentions.search(m.text or ""))
        for m in engineer.bot_messages
    )


async def rows(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


@pytest.mark.slow
async def test_killing_the_leader_of_two_webhook_replicas_loses_and_doubles_nothing(
    emulator: BotApiEmulator, tmp_path: Path, postgres_url: str
):
    anna, people, engineer = await prepare(emulator, tmp_path, postgres_url)
    # Telegram posts several updates at once (here 8, restarted with the webhook): the two
    # replicas handle theirs at the same time, and a person's next update may reach one
    # replica while the other is still finishing the last.
    emulator.webhook_connections = 8
    ports = [free_port(), free_port()]
    front = free_port()
    balancer = Balancer([f"http://127.0.0.1:{port}/telegram" for port in ports])
    await balancer.start(front)
    settings = {
        "DATABASE_URL": postgres_url,
        "WEBHOOK_URL": f"http://127.0.0.1:{front}/telegram",
        "WEBHOOK_SECRET": "s3cret",
    }
    first = Replica("first", emulator, tmp_path, WEBHOOK_PORT=str(ports[0]), **settings)
    second = Replica("second", emulator, tmp_path, WEBHOOK_PORT=str(ports[1]), **settings)
    try:
        await first.start()
        await second.start()
        assert (await first.health())["role"] == "leader"
        assert (await second.health())["role"] == "standby"

        # №1's reaction warning falls due just after the leader is killed.
        one = await file_ticket(anna, "не работает 1С, не могу работать")
        [(due,)] = await rows(
            postgres_url, "SELECT reaction_warning_at FROM tickets WHERE id = $1", one
        )
        due_at = datetime.fromisoformat(due).astimezone(UTC)
        requests = [asyncio.create_task(request(p, n)) for n, p in enumerate(people)]
        await asyncio.sleep(max((due_at - datetime.now(UTC)).total_seconds() - 0.5, 0))
        done_before = sum(task.done() for task in requests)
        killed_at = time.monotonic()
        await first.kill()
        assert await until(lambda: "this process leads now" in second.logged(), timeout=10)
        took_over = time.monotonic() - killed_at
        numbers = await asyncio.gather(*requests)

        # The leader died mid-way, and the standby led within 10 s.
        assert 0 < done_before < PEOPLE
        assert took_over < 10
        assert (await second.health())["role"] == "leader"
        # Both replicas handled updates before the kill.
        assert all(balancer.sent[target] > 0 for target in balancer.targets)

        # Every person has their ticket, each its own number.
        assert len(set(numbers)) == PEOPLE

        # Every ticket's warning fires once (№1's fell due while nobody led).
        last_due = await rows(postgres_url, "SELECT max(reaction_warning_at) FROM tickets")
        wait = datetime.fromisoformat(last_due[0][0]).astimezone(UTC) - datetime.now(UTC)
        await asyncio.sleep(max(wait.total_seconds(), 0) + 2)
        # Then Иван's messages go out, at Telegram's pace (about one a second in a private
        # chat). The staff chat's cards and their edits take far longer (20 a minute).
        started = time.monotonic()
        waiting = "SELECT 1 FROM outbox WHERE status = 'pending' AND chat_id = $1"
        while await rows(postgres_url, waiting, ENGINEER_ID):
            assert time.monotonic() - started < 120, "Иван's messages did not all go out"
            await asyncio.sleep(1)
        await emulator.wait_idle(timeout=30)
        events = await rows(
            postgres_url,
            "SELECT ticket_id, count(*) FROM sla_events WHERE milestone = 'reaction_warning' "
            "GROUP BY ticket_id",
        )
        assert {row[0]: row[1] for row in events} == {n: 1 for n in [one, *numbers]}
        assert warnings_of(engineer, one) == 1
        told = {n: warnings_of(engineer, n) for n in [one, *numbers]}
        assert {n: count for n, count in told.items() if count != 1} == {}

        # No update lost: every update Telegram counts as delivered was handled once.
        assert emulator.state.updates.pending == []
        delivered = emulator.state.updates.confirmed
        handled = {
            r[0] for r in await rows(postgres_url, "SELECT update_id FROM processed_updates")
        }
        assert sorted(set(range(1, delivered + 1)) - handled) == []
        # No ticket doubled: one for each person who asked.
        per_person = await rows(
            postgres_url, "SELECT employee_id, count(*) FROM tickets GROUP BY 1"
        )
        assert len(per_person) == PEOPLE + 1
        assert {row[1] for row in per_person} == {1}

        # Every outbox message to the staff chat and the engineer that went out went out
        # once, or is flagged: claimed again after the takeover (the dead leader may have
        # sent it). The staff chat's later ones still wait for their minute.
        outbox = await rows(
            postgres_url,
            "SELECT chat_id, method, payload, status, attempts FROM outbox "
            "WHERE chat_id = ANY($1::bigint[])",
            [STAFF_CHAT_ID, ENGINEER_ID],
        )
        assert {row["status"] for row in outbox} <= {"sent", "failed", "pending"}
        assert all(row["status"] != "pending" for row in outbox if row["chat_id"] == ENGINEER_ID)
        written: Counter[tuple[int, str]] = Counter()
        flagged: set[tuple[int, str]] = set()
        for row in outbox:
            payload = json.loads(row["payload"])
            if row["method"] != "sendMessage" or row["status"] != "sent":
                continue
            key = (row["chat_id"], payload["text"])
            written[key] += 1
            if row["attempts"] > 1:
                flagged.add(key)
        sent = Counter(
            (int(call.params["chat_id"]), call.params.get("text"))
            for call in emulator.calls("sendMessage")
            if call.ok and int(call.params["chat_id"]) in (STAFF_CHAT_ID, ENGINEER_ID)
        )
        assert written, "nothing was written for the staff"
        for key, count in written.items():
            if key not in flagged:
                assert sent[key] == count, key
            else:
                assert sent[key] >= count, key
    finally:
        await first.stop()
        await second.stop()
        await balancer.stop()
    errors = [line for line in second.logged().splitlines() if " ERROR " in line]
    assert errors == [], errors
