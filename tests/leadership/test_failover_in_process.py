"""A front desk whose PostgreSQL leadership lock is taken from it stops leading at once
(no polling, no timers, no delivery) and leads again, timers and all, once it can take
the lock back. The database is SQLite here: only the lock is PostgreSQL's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.app
from bot.sandbox import BotApiEmulator
from storage.leadership import LOCK_CLASS, LOCK_LEADER, PostgresLeadership
from tests.e2e.harness import Desk, running_desk
from tests.e2e.test_operations import until
from tests.e2e.test_sla_timers import REACTION_WARNING, send_high
from tests.e2e.test_staff_desk import staff_world

# The whole bot against the emulator, as in tests/e2e.
pytestmark = [pytest.mark.e2e, pytest.mark.failover]


async def terminate_the_holder(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        pid = await conn.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = $1 AND objid = $2 AND objsubid = 2",
            LOCK_CLASS,
            LOCK_LEADER,
        )
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


async def test_a_desk_that_loses_the_lock_stops_leading_and_leads_again_when_it_is_free(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(bot.app, "leadership_for", lambda _db: PostgresLeadership(postgres_url))
    monkeypatch.setattr(bot.app, "CONTEND_EVERY", 0.2)
    other = PostgresLeadership(postgres_url)
    async with (
        BotApiEmulator() as emulator,
        running_desk(emulator, tmp_path, expect_failures=True) as desk,
    ):
        try:
            await lose_and_take_back(desk, emulator, other, postgres_url)
        finally:
            await other.release()


async def lose_and_take_back(
    desk: Desk, emulator: BotApiEmulator, other: PostgresLeadership, postgres_url: str
) -> None:
    anna, engineer, _manager = await staff_world(desk)
    assert desk.app.leads
    number = await send_high(anna)

    await terminate_the_holder(postgres_url)
    assert await until(lambda: not desk.app.leads, timeout=20)
    assert await other.try_acquire()  # another replica leads now
    # its poll ends with the long poll's own timeout (10 s) at the latest
    assert await until(lambda: emulator.long_polls_waiting == 0, timeout=30)
    assert desk.app.timers.armed == 0  # no timer of ours can fire
    polls = len(emulator.calls("getUpdates"))
    await asyncio.sleep(0.6)  # several tries of the standby: the lock is not free
    assert not desk.app.leads and len(emulator.calls("getUpdates")) == polls

    await other.release()  # that replica ended
    assert await until(lambda: desk.app.leads, timeout=20)
    assert await until(lambda: emulator.long_polls_waiting == 1, timeout=20)
    # Leading again: the timers are armed from the database, the outbox is sent.
    await desk.move_clock(minutes=46)
    warning = await engineer.wait_for_message(contains=REACTION_WARNING)
    assert f"№{number}" in warning.text
    await anna.send("/my")
    await anna.wait_for_message(contains=f"№{number}")
