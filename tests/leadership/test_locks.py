"""The leadership lock: one holder at a time; the lock comes free when its holder dies
or loses its connection, and the holder that lost it knows."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from storage.leadership import (
    LOCK_CLASS,
    LOCK_LEADER,
    FileLeadership,
    PostgresLeadership,
    leadership_for,
)

# Locks taken away and holders killed in real time: run apart (.ci/run).
pytestmark = pytest.mark.failover

ROOT = Path(__file__).resolve().parents[2]


def test_the_lock_follows_where_the_database_is(tmp_path: Path):
    assert isinstance(leadership_for(tmp_path / "frontdesk.db"), FileLeadership)
    in_url = leadership_for(f"sqlite:///{tmp_path}/frontdesk.db")
    assert isinstance(in_url, FileLeadership)
    assert in_url.path == tmp_path / "frontdesk.db.leader"
    assert isinstance(leadership_for("postgresql://u@db/frontdesk"), PostgresLeadership)
    assert isinstance(leadership_for("postgres://u@db/frontdesk"), PostgresLeadership)


# --- SQLite: a file lock ---------------------------------------------------------------------


async def test_one_file_lock_holder_at_a_time_and_the_next_takes_it_after_a_release(
    tmp_path: Path,
):
    path = tmp_path / "frontdesk.db.leader"
    first, second = FileLeadership(path), FileLeadership(path)
    assert await first.try_acquire() and first.held
    assert not await second.try_acquire() and not second.held
    await first.release()
    assert not first.held
    assert await second.try_acquire()
    await second.release()


_HOLDER = """
import asyncio, sys
from pathlib import Path
from storage.leadership import FileLeadership

async def main():
    lock = FileLeadership(Path(sys.argv[1]))
    assert await lock.try_acquire()
    print("held", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_a_file_lock_comes_free_when_its_holder_is_killed(tmp_path: Path):
    path = tmp_path / "frontdesk.db.leader"
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDER, str(path), stdout=asyncio.subprocess.PIPE, cwd=ROOT
    )
    try:
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), 30)).strip() == b"held"
        standby = FileLeadership(path)
        assert not await standby.try_acquire()
        holder.send_signal(signal.SIGKILL)
        await asyncio.wait_for(holder.wait(), 5)
        assert await standby.try_acquire()  # no stale lock to clean up
        await standby.release()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()


# --- PostgreSQL: a session-level advisory lock ------------------------------------------------


async def backend_holding_the_lock(url: str) -> int | None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = $1 AND objid = $2 AND objsubid = 2",
            LOCK_CLASS,
            LOCK_LEADER,
        )
    finally:
        await conn.close()


async def test_one_advisory_lock_holder_at_a_time(postgres_url: str):
    first, second = PostgresLeadership(postgres_url), PostgresLeadership(postgres_url)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await backend_holding_the_lock(postgres_url) is not None
        await first.release()
        assert await second.try_acquire()
    finally:
        await first.release()
        await second.release()


async def test_a_terminated_holder_knows_it_lost_and_the_standby_leads_within_seconds(
    postgres_url: str,
):
    import asyncpg

    first = PostgresLeadership(postgres_url)
    second = PostgresLeadership(postgres_url)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        pid = await backend_holding_the_lock(postgres_url)
        admin = await asyncpg.connect(postgres_url)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()

        await asyncio.wait_for(first.wait_lost(), timeout=20)  # a busy machine: seconds
        assert not first.held

        loop = asyncio.get_running_loop()
        began = loop.time()
        while not await second.try_acquire():  # a standby's tries, a second apart
            assert loop.time() - began < 10, "the standby did not take over"
            await asyncio.sleep(1.0)
        assert second.held
        assert not await first.try_acquire()  # the one that lost waits as a standby now
    finally:
        await first.release()
        await second.release()


async def test_a_holder_whose_connection_stops_answering_gives_leadership_up(
    postgres_url: str,
):
    """A connection that hangs (a network partition: no FIN, no error) is given up within
    the heartbeat's timeout."""
    import asyncpg

    lock = PostgresLeadership(postgres_url, heartbeat=0.1, heartbeat_timeout=0.5)
    try:
        assert await lock.try_acquire()
        pid = await backend_holding_the_lock(postgres_url)
        admin = await asyncpg.connect(postgres_url)
        try:
            # The backend stops answering: SIGSTOP leaves its socket open and silent.
            await admin.execute("SELECT 1")
            os.kill(pid, signal.SIGSTOP)
            try:
                await asyncio.wait_for(lock.wait_lost(), timeout=20)
            finally:
                os.kill(pid, signal.SIGCONT)
        finally:
            await admin.close()
        assert not lock.held
    finally:
        await lock.release()


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none"])
async def test_a_server_out_of_reach_is_a_failed_try_not_an_error(url: str):
    lock = PostgresLeadership(url)
    assert not await lock.try_acquire()
    assert not lock.held
    await lock.release()
