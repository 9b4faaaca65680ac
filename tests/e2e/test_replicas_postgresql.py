"""Two webhook replicas on one PostgreSQL database behind a load balancer; the leader is
killed with SIGKILL while people are in the middle of their requests.

Real `frontdesk run` processes against the emulator, on the real clock; the load balancer
is a few lines of aiohttp (bot/sandbox/balancer.py) that sends Telegram's requests to the
replicas by turns, and to the other one when one refuses the connection. The emulator
sends an update again when its delivery failed, as Telegram does. Needs TEST_POSTGRES_DSN
(tests/pg_server.py).

What falls due while nobody leads: a reaction warning (the contract's reaction is counted
in seconds) and the reminder of a page to the engineer on duty (a client with 24/7
support whose office is closed)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import asyncpg
import pytest

from bot.sandbox import BotApiEmulator, Person
from bot.sandbox.balancer import Balancer
from domain import Priority, SlaTier, StaffRole
from domain.sla import SlaTargets
from storage.codec import utc_text
from tests.e2e.harness import STAFF_CHAT_ID, running_desk
from tests.e2e.test_client_side import answer_questions
from tests.e2e.test_operations import free_port, until
from tests.e2e.test_replicas import ENGINEER_ID, REACTION, Replica, file_ticket
from tests.e2e.test_sla_timers import REACTION_WARNING

# Replicas killed in real time: run apart (.ci/run).
pytestmark = pytest.mark.failover

PEOPLE = 100
# The people begin their requests this far apart, so that the leader dies while some are
# done, some half-way and some not yet begun. Closer, two replicas sharing two busy cores
# with PostgreSQL and the hundred people answer in seconds; apart, the test takes no
# longer: its time is Иван's warnings, one a second.
STAGGER = 0.35
# How long a person waits for each answer of the bot: a busy machine, and an update whose
# replica died with it in hand is sent again.
PATIENCE = 60
DUTY_ID = 7002
ROUND_THE_CLOCK_PAGE = "Круглосуточная поддержка"


@dataclass
class World:
    anna: Person
    people: list[Person]
    engineer: Person  # first line: the reaction warnings
    boris: Person  # an employee of the client whose office is closed now
    duty: Person  # on duty now: the pages


async def prepare(emulator: BotApiEmulator, tmp_path: Path, url: str) -> World:
    """A client whose contract counts the reaction in seconds, open whenever the test runs;
    Анна and PEOPLE more of its employees; the first-line engineer Иван. A second client
    with round-the-clock support whose office is closed today and tomorrow, its employee
    Борис; Олег, on duty now."""
    now = datetime.now(UTC)
    async with running_desk(emulator, tmp_path, start=now, DATABASE_URL=url) as desk:
        await desk.add_staff(ENGINEER_ID, "Иван", StaffRole.FIRST_LINE)
        engineer = emulator.create_user("Иван", user_id=ENGINEER_ID, language_code="ru")
        await desk.add_staff(DUTY_ID, "Олег", StaffRole.SECOND_LINE)
        duty = emulator.create_user("Олег", user_id=DUTY_ID, language_code="ru")
        await desk.add_duty(DUTY_ID, now - timedelta(hours=1), now + timedelta(hours=2))
        assert desk.staff_chat is not None
        desk.staff_chat.add_member(engineer)
        desk.staff_chat.add_member(duty)
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
        today = now.weekday()
        night = await desk.add_client(
            "ООО Ночная смена",
            tier=SlaTier.GOLD,
            timezone="UTC",
            weekdays=frozenset(range(7)) - {today, (today + 1) % 7},
            country=None,
            round_the_clock=True,
        )
        boris = desk.person("Борис")
        await desk.register(boris, night)
    return World(anna, people, engineer, boris, duty)


async def request(person: Person, n: int) -> int:
    """The person's request, begun after their turn; the number it was given."""
    await asyncio.sleep(n * STAGGER)
    await person.send(f"не работает сканер на месте {n}, не могу работать")
    await answer_questions(person, "Нет, работа стоит", "Только меня", timeout=PATIENCE)
    await person.press("✅ Отправить")
    accepted = await person.wait_for_message(contains="принята", timeout=PATIENCE)
    return int(accepted.text.split("№")[1].split()[0])


def warnings_of(engineer: Person, number: int) -> int:
    """How many reaction warnings of ticket №`number` (not №`number`0...) Иван got."""
    mentions = re.compile(rf"№{number}(?!\d)")
    return sum(
        REACTION_WARNING in (m.text or "") and bool(mentions.search(m.text or ""))
        for m in engineer.bot_messages
    )


def pages_of(duty: Person, number: int) -> list[str]:
    """Олег's pages about ticket №`number`, the first and its reminders."""
    mentions = re.compile(rf"№{number}(?!\d)")
    return [
        m.text or ""
        for m in duty.bot_messages
        if ROUND_THE_CLOCK_PAGE in (m.text or "") and mentions.search(m.text or "")
    ]


async def rows(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def execute(url: str, sql: str, *args: object) -> str:
    conn = await asyncpg.connect(url)
    try:
        return str(await conn.execute(sql, *args))
    finally:
        await conn.close()


@pytest.mark.slow
async def test_killing_the_leader_of_two_webhook_replicas_loses_and_doubles_nothing(
    emulator: BotApiEmulator, tmp_path: Path, postgres_url: str
):
    world = await prepare(emulator, tmp_path, postgres_url)
    anna, people, engineer, duty = world.anna, world.people, world.engineer, world.duty
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
    leader, standby = first, second
    try:
        # Both start at once (each takes seconds to import and connect): one leads, the
        # other waits as a standby.
        await asyncio.gather(first.start(), second.start())
        if (await first.health())["role"] != "leader":
            leader, standby = second, first
        assert (await leader.health())["role"] == "leader"
        assert (await standby.health())["role"] == "standby"

        # Борис's office is closed: his High ticket pages Олег, on duty, at once (the
        # client pays for round-the-clock support).
        night = await file_ticket(world.boris, "не работает 1С, не могу работать")
        await duty.wait_for_message(contains=ROUND_THE_CLOCK_PAGE, timeout=30)
        assert len(pages_of(duty, night)) == 1

        # №1's reaction warning falls due just after the leader is killed.
        one = await file_ticket(anna, "не работает 1С, не могу работать")
        [(due,)] = await rows(
            postgres_url, "SELECT reaction_warning_at FROM tickets WHERE id = $1", one
        )
        due_at = datetime.fromisoformat(due).astimezone(UTC)
        # So does the page's first reminder. Pages repeat every 5 minutes (PagingPolicy) and
        # the replicas run on the real clock, which a test cannot move: the reminder's time
        # is brought forward in the database, where every replica reads it from.
        moved = await execute(
            postgres_url,
            "UPDATE pages SET next_at = $1 WHERE ticket_id = $2 AND target_tg_id = $3 "
            "AND attempt = 1 AND next_at IS NOT NULL",
            utc_text(due_at),
            night,
            DUTY_ID,
        )
        assert moved == "UPDATE 1"
        requests = [asyncio.create_task(request(p, n)) for n, p in enumerate(people)]
        await asyncio.sleep(max((due_at - datetime.now(UTC)).total_seconds() - 0.5, 0))
        done_before = sum(task.done() for task in requests)
        killed_at = time.monotonic()
        await leader.kill()
        assert await until(lambda: "this process leads now" in standby.logged(), timeout=10)
        took_over = time.monotonic() - killed_at
        numbers = await asyncio.gather(*requests)

        # The leader died mid-way, and the standby led within 10 s.
        assert 0 < done_before < PEOPLE
        assert took_over < 10
        assert (await standby.health())["role"] == "leader"
        # Both replicas handled updates before the kill.
        assert all(balancer.sent[target] > 0 for target in balancer.targets)

        # Every person has their ticket, each its own number.
        assert len(set(numbers)) == PEOPLE

        # The reminder that fell due while nobody led reaches Олег once; the page is one row.
        await duty.wait_for_message(contains="Напоминание 1:", timeout=30)

        # Every ticket's warning fires once (№1's fell due while nobody led).
        last_due = await rows(
            postgres_url,
            "SELECT max(reaction_warning_at) FROM tickets WHERE id = ANY($1::bigint[])",
            numbers,
        )
        wait = datetime.fromisoformat(last_due[0][0]).astimezone(UTC) - datetime.now(UTC)
        await asyncio.sleep(max(wait.total_seconds(), 0) + 2)
        # Then Иван's and Олег's messages go out, at Telegram's pace (about one a second in
        # a private chat). The staff chat's cards and their edits take far longer (20 a
        # minute).
        started = time.monotonic()
        waiting = "SELECT 1 FROM outbox WHERE status = 'pending' AND chat_id = ANY($1::bigint[])"
        while await rows(postgres_url, waiting, [ENGINEER_ID, DUTY_ID]):
            # One a second, a warning a ticket: PEOPLE seconds at most, and a minute more.
            assert time.monotonic() - started < PEOPLE + 60, "the staff's messages did not go out"
            await asyncio.sleep(1)
        await emulator.wait_idle(timeout=30)
        page_rows = await rows(
            postgres_url, "SELECT target_tg_id, attempt FROM pages WHERE ticket_id = $1", night
        )
        assert [tuple(row) for row in page_rows] == [(DUTY_ID, 2)]
        paged = pages_of(duty, night)
        assert len(paged) == 2, paged  # the page and its first reminder, each once
        assert "Напоминание" not in paged[0] and "Напоминание 1:" in paged[1]
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
        assert len(per_person) == PEOPLE + 2
        assert {row[1] for row in per_person} == {1}

        # Every outbox message to the staff chat, the engineer and the one on duty that
        # went out went out once, or is flagged: claimed again after the takeover (the dead
        # leader may have sent it). The staff chat's later ones still wait for their minute.
        staff = [STAFF_CHAT_ID, ENGINEER_ID, DUTY_ID]
        outbox = await rows(
            postgres_url,
            "SELECT chat_id, method, payload, status, attempts FROM outbox "
            "WHERE chat_id = ANY($1::bigint[])",
            staff,
        )
        assert {row["status"] for row in outbox} <= {"sent", "failed", "pending"}
        persons = (ENGINEER_ID, DUTY_ID)
        assert all(row["status"] != "pending" for row in outbox if row["chat_id"] in persons)
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
            if call.ok and int(call.params["chat_id"]) in staff
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
    errors = [line for line in standby.logged().splitlines() if " ERROR " in line]
    assert errors == [], errors
