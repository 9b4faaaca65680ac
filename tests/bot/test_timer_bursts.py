"""SLA milestones falling due together (opening hours, a restart after a long stop) are
checked in batches, one transaction each: breaches first, every milestone recorded and told
once, across batch boundaries and across a crash in the middle of a batch."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

import bot.workers.timers as timers_module
from bot.workers.timers import DeskScheduler
from domain import events as ev
from domain.ports import UnitOfWork
from domain.use_cases import staff_tickets
from storage import repositories
from tests.bot.test_timers import FIRST_LINE, FIRST_LINE_2, World, msk, running_world

BATCH = 3  # small batches, so that seven tickets cross two boundaries


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timers_module, "BATCH", BATCH)
    # The refill reads the tickets falling due a page at a time: pages of two here.
    monkeypatch.setattr(repositories, "DUE_PAGE", 2)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path) as running:
        yield running


async def keys(world: World) -> Counter[str]:
    """How many outbox rows each SLA notice key has."""
    async with world.db.transaction() as session:
        rows = await session.fetchall(
            "SELECT dedup_key FROM outbox WHERE dedup_key LIKE 'sla:%' ORDER BY id"
        )
    return Counter(row["dedup_key"] for row in rows)


async def milestones(world: World) -> Counter[tuple[int, str]]:
    async with world.db.transaction() as session:
        rows = await session.fetchall("SELECT ticket_id, milestone FROM sla_events")
    return Counter((row["ticket_id"], row["milestone"]) for row in rows)


async def test_seven_warnings_due_together_are_told_once_each_across_batches(world):
    numbers = [await world.open() for _ in range(7)]
    await world.move_to(msk(2026, 11, 23, 10, 46))  # all seven warned at 10:45
    assert await milestones(world) == Counter((n, "reaction_warning") for n in numbers)
    told = await keys(world)
    assert set(told.values()) == {1}
    assert len(told) == 7 * 2  # each ticket to both of the first line
    assert {key.rsplit(":", 1)[1] for key in told} == {str(FIRST_LINE), str(FIRST_LINE_2)}
    assert world.timers.stats.warnings == 7


async def test_after_a_long_stop_breaches_are_told_before_warnings(world):
    early = [await world.open() for _ in range(4)]  # warning 10:45, breach 11:00
    await world.move_to(msk(2026, 11, 23, 10, 20))
    late = [await world.open() for _ in range(4)]  # warning 11:05, breach 11:20
    await world.stop()
    world.clock.set(msk(2026, 11, 23, 11, 10))  # the bot was down
    await world.start()

    recorded = await milestones(world)
    assert set(recorded.values()) == {1}
    assert {n for n, m in recorded if m == "reaction_breach"} == set(early)
    assert {n for n, m in recorded if m == "reaction_warning"} == {*early, *late}
    async with world.db.transaction() as session:
        rows = await session.fetchall(
            "SELECT ticket_id, dedup_key FROM outbox WHERE dedup_key LIKE 'sla:%' ORDER BY id"
        )
    # By batch (a batch's tickets are told of together): the four that breached first
    # (each its warning and breach at once), then the others.
    order = list(dict.fromkeys(row["ticket_id"] for row in rows))
    assert set(order[:BATCH]) < set(early)
    assert set(order[-(len(order) - 2 * BATCH) :]) < set(late)
    assert set((await keys(world)).values()) == {1}


class Stalling:
    """Publishes as the real notifier does, until the `after`-th call, which never ends:
    the process dies there, in the middle of a batch's transaction."""

    def __init__(self, inner: object, after: int) -> None:
        self.inner = inner
        self.after = after
        self.calls = 0
        self.stalled = asyncio.Event()

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        self.calls += 1
        if self.calls > self.after:
            self.stalled.set()
            await asyncio.Event().wait()
        await self.inner.publish(uow, events)  # type: ignore[attr-defined]


async def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_repeats_nothing(world):
    numbers = [await world.open() for _ in range(7)]
    await world.stop()
    world.clock.set(msk(2026, 11, 23, 10, 50))  # seven warnings due while the bot was down
    world.db = await world.db.open(world.path, clock=world.clock)
    stalling = Stalling(world.notifier(), after=BATCH + 1)  # in the second batch
    world.timers = DeskScheduler(world.db, world.clock, stalling)  # type: ignore[arg-type]
    await world.timers.start()
    await asyncio.wait_for(stalling.stalled.wait(), 10)
    await world.stop()  # the crash: the second batch's transaction is never committed

    await world.start()
    assert await milestones(world) == Counter((n, "reaction_warning") for n in numbers)
    told = await keys(world)
    assert len(told) == 7 * 2 and set(told.values()) == {1}
    assert world.timers.stats.warnings == 7 - BATCH  # the first batch was in before the crash


class Failing:
    """A notifier that cannot tell about one ticket."""

    def __init__(self, inner: object, ticket_id: int) -> None:
        self.inner = inner
        self.ticket_id = ticket_id

    async def publish(self, uow: UnitOfWork, events: Sequence[ev.Event]) -> None:
        if any(isinstance(e, ev.TicketEvent) and e.ticket_id == self.ticket_id for e in events):
            raise RuntimeError("cannot render")
        await self.inner.publish(uow, events)  # type: ignore[attr-defined]


async def test_a_ticket_that_cannot_be_told_about_holds_up_no_other(world):
    numbers = [await world.open() for _ in range(5)]
    await world.stop()
    world.clock.set(msk(2026, 11, 23, 10, 50))
    world.db = await world.db.open(world.path, clock=world.clock)
    failing = Failing(world.notifier(), numbers[1])
    world.timers = DeskScheduler(world.db, world.clock, failing)  # type: ignore[arg-type]
    await world.timers.start()
    assert await world.timers.settled()

    recorded = await milestones(world)
    assert recorded == Counter((n, "reaction_warning") for n in numbers if n != numbers[1])
    assert world.timers.stats.errors == 1


async def test_a_burst_many_batches_long_read_by_two_desks_at_once_is_told_once(world):
    """Twenty tickets due while the bot was down: more than six batches and ten pages of
    the refill. Two desks start on the same file at once (a restart overlapping the old
    process): every warning is recorded once and told once."""
    numbers = [await world.open() for _ in range(20)]
    await world.stop()
    world.clock.set(msk(2026, 11, 23, 10, 50))
    await asyncio.gather(world.start(), world.another())
    await world.settle()
    assert await milestones(world) == Counter((n, "reaction_warning") for n in numbers)
    told = await keys(world)
    assert len(told) == 20 * 2 and set(told.values()) == {1}
    # Nothing is left due: the stored next due time of each is its breach now.
    async with world.db.transaction() as session:
        rows = await session.fetchall(
            "SELECT t.next_due_at = t.reaction_due AS breach_next FROM tickets t"
        )
    assert [row["breach_next"] for row in rows] == [1] * 20


async def outbox_rows(world: World) -> list[tuple[object, ...]]:
    async with world.db.transaction() as session:
        rows = await session.fetchall(
            "SELECT chat_id, method, payload, dedup_key, ticket_id, priority, created_at "
            "FROM outbox ORDER BY dedup_key, chat_id, payload"
        )
    return [tuple(row) for row in rows]


@pytest.mark.sqlite_only  # copies / builds the SQLite file itself
async def test_a_batch_writes_the_very_notices_one_ticket_at_a_time_writes(
    world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Notices written from the rows a batch read once are the ones each ticket's own
    check writes: the same texts, buttons, people, keys and urgency, and no other row."""
    numbers = [await world.open() for _ in range(7)]
    await world.act(staff_tickets.take, ticket_id=numbers[0], staff_tg_id=FIRST_LINE)
    await world.stop()
    apart = tmp_path / "apart.sqlite3"
    shutil.copyfile(world.path, apart)
    world.clock.set(msk(2026, 11, 23, 11, 10))  # warnings and breaches: the employees told too
    await world.start()
    together = await outbox_rows(world)
    await world.stop()

    monkeypatch.setattr(timers_module, "BATCH", 1)  # each ticket checked on its own
    world.path = apart
    await world.start()
    assert await outbox_rows(world) == together
    assert len({row[3] for row in together if str(row[3]).startswith("sla:")}) > 14
